// Reads the blobs StorageEndpoint writes with readers nobody here wrote: avrocat (Avro C's tools,
// Debian avro-bin), Apache Avro's Python reader (Debian python3-avro, which only
// /usr/bin/python3 sees) and Python's json module for JSON lines. A missing tool fails the test
// naming the package to install (tools/setup.sh installs them); nothing is skipped.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "core/common/json.h"
#include "tests/endpoints/storage/storage_test_support.h"

extern char** environ;

namespace routesim::endpoints::storage {
namespace {

using namespace testing;  // NOLINT: the storage test helpers

constexpr const char* kPython = "/usr/bin/python3";

// Prints, for each Avro file named, what Apache Avro's own reader makes of it; for each JSON-lines
// file, what the json module reads on each line. Bodies come back as hex so that any byte shows.
constexpr std::string_view kReaderScript = R"PY(
import base64, json, sys

def avro_files(paths):
    import avro.schema
    from avro.datafile import DataFileReader
    from avro.io import DatumReader
    out = []
    for path in paths:
        with open(path, 'rb') as f:
            reader = DataFileReader(f, DatumReader())
            schema = avro.schema.parse(reader.meta['avro.schema'].decode('utf-8'))
            records = []
            for r in reader:
                body = r['Body']
                records.append({
                    'EnqueuedTimeUtc': r['EnqueuedTimeUtc'],
                    'Properties': r['Properties'],
                    'SystemProperties': r['SystemProperties'],
                    'Body': None if body is None else body.hex(),
                })
            out.append({
                'codec': reader.meta['avro.codec'].decode('utf-8'),
                'fullname': schema.fullname,
                'fields': [[f.name, f.type.to_json()] for f in schema.fields],
                'records': records,
            })
    return out

def json_lines_files(paths):
    out = []
    for path in paths:
        data = open(path, 'rb').read()
        text = data.decode('utf-8')  # strict: any invalid UTF-8 fails
        lines = text.split('\n')
        if lines[-1] != '':
            raise ValueError(path + ': the last line does not end with a newline')
        records = []
        for line in lines[:-1]:
            obj = json.loads(line)
            body = obj['Body']
            if isinstance(body, str):
                kind, value = 'base64', base64.b64decode(body, validate=True).hex()
            elif body is None:
                kind, value = 'null', None
            else:
                kind, value = 'json', json.dumps(body, separators=(',', ':'))
            records.append({'keys': list(obj.keys()),
                            'EnqueuedTimeUtc': obj['EnqueuedTimeUtc'],
                            'Properties': obj['Properties'],
                            'SystemProperties': obj['SystemProperties'],
                            'BodyKind': kind, 'Body': value})
        out.append({'records': records})
    return out

mode, paths = sys.argv[1], sys.argv[2:]
print(json.dumps(avro_files(paths) if mode == 'avro' else json_lines_files(paths)))
)PY";

struct ToolRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] looked up in PATH) with stdout and stderr captured through files in
// `scratch`. nullopt when the program could not be started at all.
std::optional<ToolRun> runTool(const std::vector<std::string>& argv, const fs::path& scratch) {
  const fs::path out_file = scratch / "tool.out";
  const fs::path err_file = scratch / "tool.err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return std::nullopt;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ToolRun run;
  // 127: the shell's and glibc's posix_spawnp child's "could not exec".
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = readBytes(out_file);
  run.err = readBytes(err_file);
  return run;
}

// Fails the current test, naming the package, when avrocat cannot run.
::testing::AssertionResult avrocatAvailable(const fs::path& scratch) {
  auto run = runTool({"avrocat", "/dev/null"}, scratch);
  if (run && run->exit_code != 127) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "avrocat is not installed: install Debian's avro-bin (tools/setup.sh does)";
}

// Fails the current test, naming the package, when /usr/bin/python3 cannot import avro.
::testing::AssertionResult pythonAvroAvailable(const fs::path& scratch) {
  auto run = runTool({kPython, "-c", "import avro.datafile, avro.io, avro.schema"}, scratch);
  if (!run) {
    return ::testing::AssertionFailure()
           << kPython << " is missing: install Debian's python3 and python3-avro "
           << "(tools/setup.sh does)";
  }
  if (run->exit_code != 0) {
    return ::testing::AssertionFailure()
           << kPython << " cannot import avro: install Debian's python3-avro (tools/setup.sh "
           << "does); " << run->err;
  }
  return ::testing::AssertionSuccess();
}

// One message sent and what every reader must find for it.
struct Sent {
  std::string name;
  message::Message message;
  std::string enqueued_time;
  std::map<std::string, std::string> properties;
  std::map<std::string, std::string> system_properties;
  std::string body;
  std::optional<std::string> json_body;  // JSON encoding: Body as this compact JSON value
};

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// The messages: JSON content (letter case and whitespace varied), content that claims JSON but
// is not, text, binary (with a NUL), a module's message, an empty body.
std::vector<Sent> messages() {
  struct Spec {
    const char* name;
    std::string body;
    const char* content_type;
    const char* content_encoding;
    std::optional<std::string> json_body;
    const char* module = "";
  };
  const std::vector<Spec> specs = {
      {"json", R"({ "temperature": 21.5, "site": "plant-7" })", "application/json", "utf-8",
       R"({"temperature":21.5,"site":"plant-7"})"},
      {"json_upper_case", "[1, 2,\n 3]", "Application/JSON", "UTF-8", "[1,2,3]"},
      {"not_json", "temperature: high", "application/json", "utf-8", std::nullopt},
      {"text", "21.5;40", "text/plain", "utf-8", std::nullopt},
      {"utf16_json", std::string("{\0}\0", 4), "application/json", "utf-16", std::nullopt},
      {"binary", std::string("\x01\xff\x10\n\x7f\x80", 6), "", "", std::nullopt},
      {"module_json", R"({"valve":"open"})", "application/json", "utf-8", R"({"valve":"open"})",
       "valve-controller"},
      {"empty", "", "", "", std::nullopt},
  };
  std::vector<Sent> sent;
  for (size_t i = 0; i < specs.size(); ++i) {
    const Spec& s = specs[i];
    Sent e;
    e.name = s.name;
    message::Message& m = e.message;
    m.device_id = "thermostat-1";
    m.module_id = s.module;
    m.app_properties.set("seq", std::to_string(i));
    m.app_properties.set("level", "warning");
    m.app_properties.set("flag", std::nullopt);
    m.body.assign(s.body);
    m.system_properties.set("messageId", "msg-" + std::to_string(i));
    m.system_properties.set("correlationId", "corr-9");
    m.system_properties.set("userId", "operator");
    if (*s.content_type) m.system_properties.set("contentType", s.content_type);
    if (*s.content_encoding) m.system_properties.set("contentEncoding", s.content_encoding);
    message::stampIngress(m, utcAt(static_cast<double>(i)) + std::chrono::microseconds(123456) +
                                 std::chrono::nanoseconds(700));
    e.enqueued_time = "2024-03-01T10:00:0" + std::to_string(i) + ".1234567Z";
    e.properties = {{"seq", std::to_string(i)}, {"level", "warning"}, {"flag", ""}};
    e.system_properties = {
        {"messageId", "msg-" + std::to_string(i)},
        {"correlationId", "corr-9"},
        {"userId", "operator"},
        {"connectionDeviceId", "thermostat-1"},
        {"connectionDeviceGenerationId", message::generationIdOf("thermostat-1")},
        {"connectionAuthMethod",
         std::string(R"({"scope":")") + (*s.module ? "module" : "device") +
             R"(","type":"sas","issuer":"iothub","acceptingIpFilterRule":null})"},
        {"enqueuedTime", e.enqueued_time},
    };
    if (*s.module) e.system_properties["connectionModuleId"] = s.module;
    if (*s.content_type) e.system_properties["contentType"] = s.content_type;
    if (*s.content_encoding) e.system_properties["contentEncoding"] = s.content_encoding;
    e.body = s.body;
    e.json_body = s.json_body;
    sent.push_back(std::move(e));
  }
  return sent;
}

// Writes `sent` to partition 0 of a container with `encoding` and closes the window, so that
// partition 1 gets the window's empty blob. Returns {the blob with the records, the empty blob}.
std::pair<fs::path, fs::path> writeBlobs(const fs::path& out, Encoding encoding,
                                         const std::vector<Sent>& sent) {
  ManualClock clock;
  StorageEndpoint ep(makeContext(clock, out), "archive", makeOptions(encoding, 60));
  std::vector<router::OutboundMessage> batch;
  for (const Sent& s : sent) batch.push_back(outbound(s.message, 0));
  router::DeliveryReport report = ep.deliver(batch);
  EXPECT_EQ(report.delivered, sent.size()) << report.detail;
  ep.tick(seconds(60));
  const fs::path container = out / "acct1" / "archive";
  return {container / "myhub/00/2024/03/01/10/00", container / "myhub/01/2024/03/01/10/00"};
}

std::map<std::string, std::string> stringMap(const json::Value* object) {
  std::map<std::string, std::string> out;
  if (object == nullptr || !object->is(json::Type::kObject)) return out;
  for (const json::Member& m : object->members()) out[m.key] = m.value->text();
  return out;
}

std::string field(const json::Value& object, std::string_view name) {
  const json::Value* v = object.find(name);
  return v != nullptr && v->is(json::Type::kString) ? v->text()
                                                    : "<missing " + std::string(name) + ">";
}

// The bytes of an Avro JSON-encoded `bytes` value: one code point (0-255) per byte.
std::optional<std::string> latin1Bytes(std::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      i += 1;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < utf8.size()) {
      unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu);
      if (cp > 0xFF) return std::nullopt;
      out.push_back(static_cast<char>(cp));
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

const std::regex kSevenDigitUtc(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z)");

class AvroToolsTest : public ::testing::TestWithParam<Encoding> {
 protected:
  TempDir dir_;
  TempDir scratch_;
};

TEST_P(AvroToolsTest, ApacheAvroPythonReadsTheSchemaCodecAndEveryField) {
  ASSERT_TRUE(pythonAvroAvailable(scratch_.path()));
  const std::vector<Sent> sent = messages();
  auto [blob, empty] = writeBlobs(dir_.path(), GetParam(), sent);
  fs::path script = scratch_.path() / "read_blobs.py";
  { std::ofstream(script) << kReaderScript; }
  auto run =
      runTool({kPython, script.string(), "avro", blob.string(), empty.string()}, scratch_.path());
  ASSERT_TRUE(run.has_value());
  ASSERT_EQ(run->exit_code, 0) << run->err;
  auto parsed = json::parse(run->out);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message() << "\n" << run->out;
  ASSERT_EQ(parsed->items().size(), 2u);

  const std::string codec = GetParam() == Encoding::kAvroDeflate ? "deflate" : "null";
  for (const json::Value& file : parsed->items()) {
    EXPECT_EQ(field(file, "codec"), codec);
    EXPECT_EQ(field(file, "fullname"), "Microsoft.Azure.Devices.Message");
    EXPECT_EQ(file.find("fields")->compact(),
              R"([["EnqueuedTimeUtc","string"],)"
              R"(["Properties",{"type":"map","values":"string"}],)"
              R"(["SystemProperties",{"type":"map","values":"string"}],)"
              R"(["Body",["null","bytes"]]])");
  }
  // The window's empty blob is a valid container without records.
  EXPECT_TRUE(parsed->items()[1].find("records")->items().empty());

  const auto& records = parsed->items()[0].find("records")->items();
  ASSERT_EQ(records.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    SCOPED_TRACE(sent[i].name);
    const json::Value& r = records[i];
    EXPECT_EQ(field(r, "EnqueuedTimeUtc"), sent[i].enqueued_time);
    EXPECT_TRUE(std::regex_match(field(r, "EnqueuedTimeUtc"), kSevenDigitUtc));
    EXPECT_EQ(stringMap(r.find("Properties")), sent[i].properties);
    EXPECT_EQ(stringMap(r.find("SystemProperties")), sent[i].system_properties);
    EXPECT_EQ(field(r, "Body"), hex(sent[i].body));  // the bytes as sent, whatever the type
  }
}

TEST_P(AvroToolsTest, AvrocatPrintsEveryRecord) {
  ASSERT_TRUE(avrocatAvailable(scratch_.path()));
  const std::vector<Sent> sent = messages();
  auto [blob, empty] = writeBlobs(dir_.path(), GetParam(), sent);

  auto none = runTool({"avrocat", empty.string()}, scratch_.path());
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->exit_code, 0) << none->err;
  EXPECT_EQ(none->out, "");

  auto run = runTool({"avrocat", blob.string()}, scratch_.path());
  ASSERT_TRUE(run.has_value());
  ASSERT_EQ(run->exit_code, 0) << run->err;
  std::vector<std::string> lines;
  for (size_t start = 0; start < run->out.size();) {
    size_t end = run->out.find('\n', start);
    if (end == std::string::npos) end = run->out.size();
    lines.push_back(run->out.substr(start, end - start));
    start = end + 1;
  }
  ASSERT_EQ(lines.size(), sent.size()) << run->out;
  for (size_t i = 0; i < sent.size(); ++i) {
    SCOPED_TRACE(sent[i].name);
    auto r = json::parse(lines[i]);
    ASSERT_TRUE(r.ok()) << r.error().message() << ": " << lines[i];
    EXPECT_EQ(field(*r, "EnqueuedTimeUtc"), sent[i].enqueued_time);
    EXPECT_EQ(stringMap(r->find("Properties")), sent[i].properties);
    EXPECT_EQ(stringMap(r->find("SystemProperties")), sent[i].system_properties);
    // Avro's JSON encoding of the union's bytes branch: {"bytes": one code point per byte}.
    // Avro C 1.11 prints bytes as a C string, so avrocat shows them up to the first NUL.
    const json::Value* body = r->find("Body");
    ASSERT_NE(body, nullptr);
    ASSERT_TRUE(body->is(json::Type::kObject)) << lines[i];
    auto bytes = latin1Bytes(field(*body, "bytes"));
    ASSERT_TRUE(bytes.has_value()) << lines[i];
    EXPECT_EQ(*bytes, sent[i].body.substr(0, sent[i].body.find('\0')));
  }
}

INSTANTIATE_TEST_SUITE_P(AvroEncodings, AvroToolsTest,
                         ::testing::Values(Encoding::kAvro, Encoding::kAvroDeflate),
                         encodingParamName);

TEST(JsonLinesToolsTest, PythonsJsonModuleReadsOneRecordPerLine) {
  TempDir dir;
  TempDir scratch;
  auto python = runTool({kPython, "-c", "import json, base64"}, scratch.path());
  ASSERT_TRUE(python.has_value() && python->exit_code == 0)
      << kPython << " is missing: install Debian's python3 (tools/setup.sh does)";
  const std::vector<Sent> sent = messages();
  auto [blob, empty] = writeBlobs(dir.path(), Encoding::kJson, sent);
  EXPECT_EQ(fs::file_size(empty), 0u);  // an empty window's JSON blob has no lines
  fs::path script = scratch.path() / "read_blobs.py";
  { std::ofstream(script) << kReaderScript; }
  auto run =
      runTool({kPython, script.string(), "jsonl", blob.string(), empty.string()}, scratch.path());
  ASSERT_TRUE(run.has_value());
  ASSERT_EQ(run->exit_code, 0) << run->err;
  auto parsed = json::parse(run->out);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message() << "\n" << run->out;
  ASSERT_EQ(parsed->items().size(), 2u);
  EXPECT_TRUE(parsed->items()[1].find("records")->items().empty());

  const auto& records = parsed->items()[0].find("records")->items();
  ASSERT_EQ(records.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    SCOPED_TRACE(sent[i].name);
    const json::Value& r = records[i];
    EXPECT_EQ(r.find("keys")->compact(),
              R"(["EnqueuedTimeUtc","Properties","SystemProperties","Body"])");
    EXPECT_EQ(field(r, "EnqueuedTimeUtc"), sent[i].enqueued_time);
    EXPECT_TRUE(std::regex_match(field(r, "EnqueuedTimeUtc"), kSevenDigitUtc));
    EXPECT_EQ(stringMap(r.find("Properties")), sent[i].properties);
    EXPECT_EQ(stringMap(r.find("SystemProperties")), sent[i].system_properties);
    // application/json + UTF-8 with a valid JSON body: the JSON value; anything else: base64.
    if (sent[i].json_body) {
      EXPECT_EQ(field(r, "BodyKind"), "json");
      EXPECT_EQ(field(r, "Body"), *sent[i].json_body);
    } else {
      EXPECT_EQ(field(r, "BodyKind"), "base64");
      EXPECT_EQ(field(r, "Body"), hex(sent[i].body));
    }
  }
}

}  // namespace
}  // namespace routesim::endpoints::storage
