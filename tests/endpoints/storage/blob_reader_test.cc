#include "endpoints/storage/blob_reader.h"

#include <avro.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "endpoints/storage/avro_container.h"
#include "endpoints/storage/record_codec.h"
#include "tests/endpoints/storage/storage_test_support.h"

namespace routesim::endpoints::storage {
namespace {

using namespace testing;  // NOLINT: the storage test helpers

void writeText(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

struct AvroCRecord {
  std::string time;
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<std::pair<std::string, std::string>> system_properties;
  std::optional<std::string> body;
};

// Writes `records` with Avro C's own file writer (its header spells the schema its own way).
void writeWithAvroC(const fs::path& path, const char* codec, std::string_view schema_json,
                    const std::vector<AvroCRecord>& records) {
  avro_schema_t schema = nullptr;
  ASSERT_EQ(avro_schema_from_json_length(schema_json.data(), schema_json.size(), &schema), 0)
      << avro_strerror();
  avro_file_writer_t writer = nullptr;
  ASSERT_EQ(avro_file_writer_create_with_codec(path.c_str(), schema, &writer, codec, 0), 0)
      << avro_strerror();
  avro_value_iface_t* iface = avro_generic_class_from_schema(schema);
  avro_value_t record;
  ASSERT_EQ(avro_generic_value_new(iface, &record), 0);
  for (const AvroCRecord& r : records) {
    avro_value_t field;
    ASSERT_EQ(avro_value_get_by_name(&record, "EnqueuedTimeUtc", &field, nullptr), 0);
    ASSERT_EQ(avro_value_set_string_len(&field, r.time.c_str(), r.time.size() + 1), 0);
    auto fill = [&](const char* name, const std::vector<std::pair<std::string, std::string>>& kv) {
      avro_value_t map;
      ASSERT_EQ(avro_value_get_by_name(&record, name, &map, nullptr), 0);
      for (const auto& [k, v] : kv) {
        avro_value_t element;
        ASSERT_EQ(avro_value_add(&map, k.c_str(), &element, nullptr, nullptr), 0);
        ASSERT_EQ(avro_value_set_string_len(&element, v.c_str(), v.size() + 1), 0);
      }
    };
    fill("Properties", r.properties);
    fill("SystemProperties", r.system_properties);
    avro_value_t body;
    avro_value_t branch;
    ASSERT_EQ(avro_value_get_by_name(&record, "Body", &body, nullptr), 0);
    if (r.body) {
      ASSERT_EQ(avro_value_set_branch(&body, 1, &branch), 0);
      ASSERT_EQ(avro_value_set_bytes(&branch, const_cast<char*>(r.body->data()), r.body->size()),
                0);
    } else {
      ASSERT_EQ(avro_value_set_branch(&body, 0, &branch), 0);
      ASSERT_EQ(avro_value_set_null(&branch), 0);
    }
    ASSERT_EQ(avro_file_writer_append_value(writer, &record), 0) << avro_strerror();
    avro_value_reset(&record);
  }
  avro_value_decref(&record);
  avro_value_iface_decref(iface);
  avro_file_writer_close(writer);
  avro_schema_decref(schema);
}

class BlobReaderTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(BlobReaderTest, ReadsContainersAvroCWroteWithEitherCodec) {
  std::vector<AvroCRecord> written = {
      {"2018-07-05T15:11:42.6850000Z",
       {{"temperatureAlert", "false"}, {"zone", "b"}},
       {{"connectionDeviceId", "dev-1"},
        {"contentType", "application/json"},
        {"contentEncoding", "UTF-8"},
        {"enqueuedTime", "2018-07-05T15:11:42.6850000Z"}},
       R"({"t": 1})"},
      {"2018-07-05T15:11:43.0000000Z", {}, {{"connectionDeviceId", "dev-2"}}, std::nullopt},
      {"2018-07-05T15:11:44.0000000Z", {}, {}, std::string("\x00\x01", 2)},
  };
  for (const char* codec : {"null", "deflate"}) {
    SCOPED_TRACE(codec);
    fs::path path = dir_.path() / (std::string(codec) + ".avro");
    writeWithAvroC(path, codec, avro::kMessageSchema, written);
    auto read = readBlob(path);
    ASSERT_TRUE(read.ok()) << read.error().message();
    ASSERT_EQ(read->size(), 3u);
    const BlobRecord& a = (*read)[0];
    EXPECT_EQ(a.enqueued_time_utc, "2018-07-05T15:11:42.6850000Z");
    EXPECT_EQ(a.properties, (PropertyList{{"temperatureAlert", "false"}, {"zone", "b"}}));
    EXPECT_EQ(a.system_properties.size(), 4u);
    EXPECT_EQ(lookup(a.system_properties, "connectionDeviceId"), "dev-1");
    EXPECT_EQ(a.body, R"({"t": 1})");
    EXPECT_TRUE(a.body_was_json);
    EXPECT_EQ(recordToJson(a).substr(recordToJson(a).find("\"Body\"")), R"("Body":{"t":1}})");
    const BlobRecord& b = (*read)[1];
    EXPECT_EQ(b.body, std::nullopt);
    EXPECT_FALSE(b.body_was_json);
    EXPECT_EQ(recordToJson(b),
              R"({"EnqueuedTimeUtc":"2018-07-05T15:11:43.0000000Z","Properties":{},)"
              R"("SystemProperties":{"connectionDeviceId":"dev-2"},"Body":null})");
    EXPECT_EQ((*read)[2].body, std::string("\x00\x01", 2));
    EXPECT_EQ(recordToJson((*read)[2]).substr(recordToJson((*read)[2]).find("\"Body\"")),
              R"("Body":"AAE="})");
  }
}

TEST_F(BlobReaderTest, RejectsAvroWithAnotherSchemaNamingTheFile) {
  fs::path path = dir_.path() / "other.avro";
  writeWithAvroC(path, "null",
                 R"({"type":"record","name":"EventData","fields":[{"name":"EnqueuedTimeUtc",)"
                 R"("type":"string"},{"name":"Properties","type":{"type":"map","values":"long"}},)"
                 R"({"name":"SystemProperties","type":{"type":"map","values":"string"}},)"
                 R"({"name":"Body","type":["null","bytes"]}]})",
                 {});
  auto read = readBlob(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(read.error().message(),
            path.string() +
                ": not IoT Hub's Microsoft.Azure.Devices.Message schema: no map<string> field "
                "Properties");
}

TEST_F(BlobReaderTest, ReportsATruncatedAvroBlobWithFileAndRecord) {
  avro::SyncMarker sync = avro::syncMarkerFor("t");
  std::string bytes = avro::header(false, sync);
  const std::vector<PropertyRef> props = {{"k", "v"}};
  std::string records;
  for (int i = 0; i < 3; ++i) {
    appendAvroRecord(records, RecordView{"2024-01-01T00:00:00.0000000Z", props, props,
                                         std::string_view("body"), false});
  }
  ASSERT_TRUE(avro::appendBlock(bytes, 3, records, sync, nullptr));
  // A second block whose data was cut short.
  std::string second;
  ASSERT_TRUE(avro::appendBlock(second, 3, records, sync, nullptr));
  bytes += second.substr(0, second.size() - 30);
  fs::path path = dir_.path() / "cut.avro";
  writeText(path, bytes);
  auto read = readBlob(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message().rfind(path.string() + ": record 3: ", 0), 0u)
      << read.error().message();
}

TEST_F(BlobReaderTest, ReadsJsonLinesOtherWritersSpaceOut) {
  fs::path path = dir_.path() / "lines.json";
  writeText(path,
            "{\"Body\" : {\"x\": [1, 2]} , \"EnqueuedTimeUtc\": \"2019-05-10T06:06:32.7220000Z\", "
            "\"Properties\": {\"a\": null}, \"SystemProperties\": {\"contentType\": "
            "\"application/json\", \"contentEncoding\": \"utf-8\"} }\r\n"
            "\n"
            "{\"EnqueuedTimeUtc\":\"2019-05-10T06:06:33.0000000Z\",\"Properties\":{},"
            "\"SystemProperties\":{},\"Body\":\"eyBUZW1wZXJhdHVyZTogNDA5NX0=\"}\n"
            "{\"EnqueuedTimeUtc\":\"2019-05-10T06:06:34.0000000Z\",\"Properties\":{},"
            "\"SystemProperties\":{},\"Body\":null}");
  auto read = readBlob(path);
  ASSERT_TRUE(read.ok()) << read.error().message();
  ASSERT_EQ(read->size(), 3u);
  const BlobRecord& a = (*read)[0];
  EXPECT_EQ(a.body, R"({"x": [1, 2]})");  // as written
  EXPECT_TRUE(a.body_was_json);
  EXPECT_EQ(a.properties, (PropertyList{{"a", std::nullopt}}));
  EXPECT_EQ(recordToJson(a),
            R"({"EnqueuedTimeUtc":"2019-05-10T06:06:32.7220000Z","Properties":{"a":""},)"
            R"("SystemProperties":{"contentType":"application/json","contentEncoding":"utf-8"},)"
            R"("Body":{"x":[1,2]}})");
  // The base64 body from MicrosoftDocs/azure-docs#51723.
  EXPECT_EQ((*read)[1].body, "{ Temperature: 4095}");
  EXPECT_FALSE((*read)[1].body_was_json);
  EXPECT_EQ((*read)[2].body, std::nullopt);
}

TEST_F(BlobReaderTest, ReportsBadJsonLinesWithFileLineAndColumn) {
  struct Case {
    std::string text;
    std::string message;  // after "<path>:"
  };
  std::string good = R"({"EnqueuedTimeUtc":"t","Properties":{},"SystemProperties":{},"Body":null})";
  for (const Case& c : {
           Case{good + "\n" + R"({"EnqueuedTimeUtc": 5})",
                "2:21: EnqueuedTimeUtc must be a string"},
           Case{good + "\n\n" + R"({"EnqueuedTimeUtc":"t","Properties":{},"Body":null})",
                "3:1: missing field SystemProperties"},
           Case{R"({"EnqueuedTimeUtc":"t","Properties":{"a":1},"SystemProperties":{},"Body":null})",
                "1:42: Properties.a must be a string, found number"},
           Case{R"({"EnqueuedTimeUtc":"t","Properties":{},"SystemProperties":{}})",
                "1:1: missing field Body"},
           Case{R"({"EnqueuedTimeUtc":"t","Properties":{},"SystemProperties":{},"Body":"@@"})",
                "1:69: Body is neither JSON content nor base64"},
           Case{"[1]", "1:1: expected a JSON object"},
       }) {
    fs::path path = dir_.path() / "bad.json";
    writeText(path, c.text);
    auto read = readBlob(path);
    ASSERT_FALSE(read.ok()) << c.text;
    EXPECT_EQ(read.error().code(), ErrorCode::kInvalidInput);
    std::string_view message = read.error().message();
    EXPECT_EQ(message.rfind(path.string() + ":", 0), 0u) << message;
    EXPECT_NE(message.find(c.message), std::string::npos) << message;
  }
  // A syntax error names its line and column too.
  fs::path path = dir_.path() / "syntax.json";
  writeText(path, good + "\n" + R"({"EnqueuedTimeUtc":"t",)");
  auto read = readBlob(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message().rfind(path.string() + ":2:", 0), 0u) << read.error().message();
}

TEST_F(BlobReaderTest, AnEmptyFileHasNoRecordsAndAMissingOneIsAnIoError) {
  fs::path empty = dir_.path() / "empty";
  writeText(empty, "");
  auto read = readBlob(empty);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->empty());
  auto missing = readBlob(dir_.path() / "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kIo);
  EXPECT_NE(missing.error().message().find((dir_.path() / "nope").string()), std::string::npos);
}

TEST_F(BlobReaderTest, ListsOnlyCompleteBlobsOfMarkedContainersInOrder) {
  const fs::path& out = dir_.path();
  for (const char* c : {"acct2/logs", "acct1/zeta", "acct1/archive"}) {
    writeText(out / c / kContainerMarker, "{}");
  }
  writeText(out / "acct1/archive/hub/01/2024/03/01/10/00", "b");
  writeText(out / "acct1/archive/hub/00/2024/03/01/10/00-1", "cc");
  writeText(out / "acct1/archive/hub/00/2024/03/01/10/00", "a");
  writeText(out / "acct1/archive/hub/00/2024/03/01/10/.routesim-partial-01", "partial");
  writeText(out / "acct1/zeta/x", "");
  writeText(out / "acct2/logs/y/.routesim-container", "a blob that happens to have this name");
  // What the other emulators write, and a folder without the marker.
  writeText(out / "eventhubs/ns/hub/partition-0.jsonl", "{}");
  writeText(out / "servicebus/ns/queue/messages.jsonl", "{}");
  writeText(out / "iothub/state.json", "{}");
  writeText(out / "acct3/unmarked/blob", "x");
  writeText(out / "stray-file", "x");

  auto listed = listBlobs(out);
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  std::vector<std::string> names;
  for (const BlobInfo& b : *listed) names.push_back(b.account + "|" + b.container + "|" + b.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "acct1|archive|hub/00/2024/03/01/10/00",
                       "acct1|archive|hub/00/2024/03/01/10/00-1",
                       "acct1|archive|hub/01/2024/03/01/10/00",
                       "acct1|zeta|x",
                       "acct2|logs|y/.routesim-container",
                   }));
  EXPECT_EQ((*listed)[1].size, 2u);
  EXPECT_EQ((*listed)[1].path, out / "acct1/archive/hub/00/2024/03/01/10/00-1");

  auto missing = listBlobs(out / "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kIo);
  EXPECT_EQ(missing.error().message(), (out / "nope").string() + ": not a folder");
}

}  // namespace
}  // namespace routesim::endpoints::storage
