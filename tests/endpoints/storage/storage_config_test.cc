#include "endpoints/storage/storage_config.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace routesim::endpoints::storage {
namespace {

using std::chrono::system_clock;

// 2024-03-01T09:05:42.750Z
system_clock::time_point sample() {
  return system_clock::time_point(std::chrono::milliseconds(1709283942750LL));
}

TEST(ParseEncodingTest, AcceptsTheThreeNamesIgnoringCase) {
  EXPECT_EQ(*parseEncoding("avro"), Encoding::kAvro);
  EXPECT_EQ(*parseEncoding("Avro"), Encoding::kAvro);
  EXPECT_EQ(*parseEncoding("avrodeflate"), Encoding::kAvroDeflate);
  EXPECT_EQ(*parseEncoding("AvroDeflate"), Encoding::kAvroDeflate);
  EXPECT_EQ(*parseEncoding("JSON"), Encoding::kJson);
  EXPECT_EQ(*parseEncoding("json"), Encoding::kJson);
}

TEST(ParseEncodingTest, RejectsOtherNamesListingTheAcceptedOnes) {
  auto r = parseEncoding("parquet");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().message(),
            "encoding must be 'avro', 'avrodeflate' or 'JSON', found 'parquet'");
  EXPECT_FALSE(parseEncoding("").ok());
  EXPECT_FALSE(parseEncoding("avro ").ok());
}

TEST(FileNameFormatTest, DefaultFormatsAsIotHubNamesBlobs) {
  auto f = FileNameFormat::parse(FileNameFormat::kDefault);
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ(f->format("myhub", 0, sample()), "myhub/00/2024/03/01/09/05");
  EXPECT_EQ(f->format("myhub", 7, sample()), "myhub/07/2024/03/01/09/05");
  EXPECT_EQ(f->format("myhub", 31, sample()), "myhub/31/2024/03/01/09/05");
  EXPECT_EQ(f->format("myhub", 128, sample()), "myhub/128/2024/03/01/09/05");
}

TEST(FileNameFormatTest, AcceptsTheTokensInAnyOrderWithLiteralsAndRepeats) {
  auto f = FileNameFormat::parse("{YYYY}-{MM}-{DD}/{HH}h{mm}/{partition}_{iothub}.{mm}.avro");
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ(f->format("hub-a", 3, sample()), "2024-03-01/09h05/03_hub-a.05.avro");
  EXPECT_EQ(f->text(), "{YYYY}-{MM}-{DD}/{HH}h{mm}/{partition}_{iothub}.{mm}.avro");
}

TEST(FileNameFormatTest, FormatsTimesInUtcAtYearAndDayBoundaries) {
  auto f = FileNameFormat::parse(FileNameFormat::kDefault);
  ASSERT_TRUE(f.ok());
  // 2023-12-31T23:59:59.999Z, then 2024-02-29T00:00:00Z (leap day).
  EXPECT_EQ(f->format("h", 1, system_clock::time_point(std::chrono::milliseconds(1704067199999LL))),
            "h/01/2023/12/31/23/59");
  EXPECT_EQ(f->format("h", 1, system_clock::time_point(std::chrono::seconds(1709164800LL))),
            "h/01/2024/02/29/00/00");
}

TEST(FileNameFormatTest, NamesEveryMissingToken) {
  auto f = FileNameFormat::parse("{iothub}/{partition}/{YYYY}/{MM}");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(f.error().message(),
            "must contain all of {iothub} {partition} {YYYY} {MM} {DD} {HH} {mm} (in any order); "
            "missing {DD} {HH} {mm}");
  EXPECT_EQ(f.error().span(), (SourceSpan{0, 32}));

  auto empty = FileNameFormat::parse("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message(),
            "must contain all of {iothub} {partition} {YYYY} {MM} {DD} {HH} {mm} (in any order); "
            "missing {iothub} {partition} {YYYY} {MM} {DD} {HH} {mm}");
}

TEST(FileNameFormatTest, EachOfTheSevenTokensIsRequired) {
  const std::string full = "{mm}_{HH}/{DD}/{MM}/{YYYY}/{partition}/{iothub}";
  ASSERT_TRUE(FileNameFormat::parse(full).ok());
  for (const char* token : {"{iothub}", "{partition}", "{YYYY}", "{MM}", "{DD}", "{HH}", "{mm}"}) {
    std::string text = full;
    text.replace(text.find(token), std::string_view(token).size(), "x");
    auto f = FileNameFormat::parse(text);
    ASSERT_FALSE(f.ok()) << text;
    EXPECT_EQ(f.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(f.error().message().substr(f.error().message().rfind("; ")),
              "; missing " + std::string(token))
        << text;
  }
}

TEST(FileNameFormatTest, TokensAreCaseSensitive) {
  // {mm} (minute) is not {MM} (month): a format with {MM} twice lacks the minute.
  auto f = FileNameFormat::parse("{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{MM}");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message().find("missing {mm}"), std::string::npos);
  auto g = FileNameFormat::parse("{iothub}/{partition}/{yyyy}/{MM}/{DD}/{HH}/{mm}");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().span(), (SourceSpan{21, 6}));
}

TEST(FileNameFormatTest, ReportsAnUnknownTokenWithItsOffset) {
  auto f = FileNameFormat::parse("{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}/{deviceId}");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(f.error().hasSpan());
  EXPECT_EQ(f.error().span(), (SourceSpan{48, 10}));
  EXPECT_EQ(f.error().message(),
            "unknown token '{deviceId}' (the tokens are {iothub} {partition} {YYYY} {MM} {DD} {HH} "
            "{mm}) at offset 48");
}

TEST(FileNameFormatTest, ReportsUnbalancedBracesWithTheirOffsets) {
  auto open = FileNameFormat::parse("{iothub}/{partition/{YYYY}/{MM}/{DD}/{HH}/{mm}");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().span(), (SourceSpan{9, 1}));
  EXPECT_NE(open.error().message().find("'{' without a closing '}' at offset 9"),
            std::string::npos);

  auto unclosed = FileNameFormat::parse("{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.error().span(), (SourceSpan{43, 1}));

  auto stray = FileNameFormat::parse("{iothub}}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}");
  ASSERT_FALSE(stray.ok());
  EXPECT_EQ(stray.error().span(), (SourceSpan{8, 1}));
  EXPECT_NE(stray.error().message().find("'}' without a matching '{' at offset 8"),
            std::string::npos);
}

TEST(FileNameFormatTest, RejectsNamesAFileSystemCannotHold) {
  struct Case {
    const char* text;
    SourceSpan span;
  };
  for (const Case& c : {
           Case{"/{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}", {0, 1}},
           Case{"{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}/", {47, 1}},
           Case{"{iothub}//{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}", {9, 1}},
           Case{"{iothub}/../{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}", {9, 2}},
           Case{"{iothub}/./{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}", {9, 1}},
           Case{"{iothub}\\{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}", {8, 1}},
       }) {
    auto f = FileNameFormat::parse(c.text);
    ASSERT_FALSE(f.ok()) << c.text;
    EXPECT_EQ(f.error().code(), ErrorCode::kInvalidInput) << c.text;
    EXPECT_EQ(f.error().span(), c.span) << c.text << ": " << f.error().message();
  }
  // Dots inside a segment are fine.
  EXPECT_TRUE(FileNameFormat::parse("{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}.avro").ok());
  EXPECT_TRUE(FileNameFormat::parse("{iothub}/..{partition}/{YYYY}{MM}{DD}{HH}{mm}").ok());
}

ContainerOptions validOptions() {
  ContainerOptions o;
  o.account = "devstoreaccount1";
  o.container = "telemetry-archive";
  return o;
}

TEST(ValidateTest, AcceptsIotHubsDefaultsAndRangeBounds) {
  ContainerOptions o = validOptions();
  EXPECT_TRUE(validate(o).ok());
  for (int64_t f : {60, 720}) {
    o.batch_frequency_seconds = f;
    EXPECT_TRUE(validate(o).ok()) << f;
  }
  for (int64_t b : {10485760LL, 524288000LL}) {
    o.max_chunk_bytes = b;
    EXPECT_TRUE(validate(o).ok()) << b;
  }
}

TEST(ValidateTest, RejectsBatchFrequencyOutsideSixtyToSevenTwenty) {
  ContainerOptions o = validOptions();
  o.batch_frequency_seconds = 59;
  Status s = validate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(s.error().message(),
            "batchFrequencyInSeconds: must be between 60 and 720 seconds, found 59");
  o.batch_frequency_seconds = 721;
  s = validate(o, "$.endpoints.storageContainers[2]");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "$.endpoints.storageContainers[2].batchFrequencyInSeconds: must be between 60 and 720 "
            "seconds, found 721");
}

TEST(ValidateTest, RejectsChunkSizeOutsideTheRange) {
  ContainerOptions o = validOptions();
  o.max_chunk_bytes = 10485759;
  Status s = validate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "maxChunkSizeInBytes: must be between 10485760 (10 MiB) and 524288000 (500 MiB) "
            "bytes, found 10485759");
  o.max_chunk_bytes = 524288001;
  s = validate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("found 524288001"), std::string::npos);
}

TEST(ValidateTest, RejectsNamesAzureStorageRefuses) {
  for (const char* bad : {"ab", "Archive", "-archive", "archive-", "arch--ive", "arch_ive", ""}) {
    ContainerOptions o = validOptions();
    o.container = bad;
    Status s = validate(o);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().message(),
              "containerName: must be 3 to 63 characters of lower-case letters, digits and '-', "
              "starting and ending with a letter or digit, without '--'; found '" +
                  std::string(bad) + "'");
  }
  for (const char* bad : {"ab", "Account", "my-account", "a123456789012345678901234"}) {
    ContainerOptions o = validOptions();
    o.account = bad;
    Status s = validate(o);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().message(),
              "storage account name must be 3 to 24 lower-case letters and digits; found '" +
                  std::string(bad) + "'");
  }
  ContainerOptions o = validOptions();
  o.file_name_format = "{iothub}/{partition}/{YYYY}/{MM}/{DD}/{HH}/{mm}/{device}";
  Status s = validate(o, "$.endpoints.storageContainers[0]");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message().rfind(
                "$.endpoints.storageContainers[0].fileNameFormat: unknown token '{device}'", 0),
            0u)
      << s.error().message();
  EXPECT_EQ(s.error().span(), (SourceSpan{48, 8}));  // the span stays in the format text
}

TEST(CheckUsableTest, AllowsSmallWindowsAndChunksButNotPathEscapes) {
  ContainerOptions o = validOptions();
  o.batch_frequency_seconds = 1;
  o.max_chunk_bytes = 100;
  EXPECT_TRUE(checkUsable(o).ok());
  o.batch_frequency_seconds = 0;
  Status s = checkUsable(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "batchFrequencyInSeconds: must be between 1 and 720 seconds, found 0");
  o.batch_frequency_seconds = 721;
  EXPECT_FALSE(checkUsable(o).ok());
  o = validOptions();
  o.container = "..";
  s = checkUsable(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "containerName: must be a non-empty name without '/', '\\' or NUL, and not '.' or "
            "'..'; found '..'");
  o.container = "a/b";
  EXPECT_FALSE(checkUsable(o).ok());
  o = validOptions();
  o.account = "";
  s = checkUsable(o, "$.x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message().rfind("$.x: storage account name must be a non-empty name", 0), 0u)
      << s.error().message();
}

TEST(ContainerOptionsFromTest, TakesTheAccountFromConnectionStringOrUri) {
  routing::EndpointConfig c;
  c.name = "archive";
  c.kind = routing::EndpointKind::kStorage;
  c.path = "$.endpoints.storageContainers[1]";
  c.container_name = "telemetry";
  c.encoding = "avrodeflate";
  c.batch_frequency_seconds = 120;
  c.connection_string =
      "DefaultEndpointsProtocol=https;AccountName=mystore;AccountKey=abc==;"
      "EndpointSuffix=core.windows.net";
  auto o = containerOptionsFrom(c);
  ASSERT_TRUE(o.ok()) << o.error().message();
  EXPECT_EQ(o->account, "mystore");
  EXPECT_EQ(o->container, "telemetry");
  EXPECT_EQ(o->encoding, Encoding::kAvroDeflate);
  EXPECT_EQ(o->batch_frequency_seconds, 120);

  c.connection_string.clear();
  c.endpoint_uri = "https://otherstore.blob.core.windows.net/";
  EXPECT_EQ(containerOptionsFrom(c)->account, "otherstore");
  c.endpoint_uri.clear();
  EXPECT_EQ(containerOptionsFrom(c)->account, "devstoreaccount1");

  c.container_name = "Bad_Name";
  auto bad = containerOptionsFrom(c);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(bad.error().message().rfind(
                "$.endpoints.storageContainers[1].containerName: must be 3 to 63 characters", 0),
            0u)
      << bad.error().message();
}

// Each problem is reported at the JSON path of the property that holds it.
TEST(ContainerOptionsFromTest, ReportsEachProblemAtItsJsonPath) {
  auto config = [] {
    routing::EndpointConfig c;
    c.name = "archive";
    c.kind = routing::EndpointKind::kStorage;
    c.path = "$.endpoints.storageContainers[1]";
    c.container_name = "telemetry";
    return c;
  };
  struct Case {
    std::function<void(routing::EndpointConfig&)> edit;
    std::string message;
  };
  for (const Case& k : std::vector<Case>{
           {[](auto& c) { c.batch_frequency_seconds = 30; },
            "$.endpoints.storageContainers[1].batchFrequencyInSeconds: must be between 60 and "
            "720 seconds, found 30"},
           {[](auto& c) { c.max_chunk_bytes = 1; },
            "$.endpoints.storageContainers[1].maxChunkSizeInBytes: must be between 10485760 (10 "
            "MiB) and 524288000 (500 MiB) bytes, found 1"},
           {[](auto& c) { c.file_name_format = "{iothub}/{partition}/{YYYY}{MM}{DD}"; },
            "$.endpoints.storageContainers[1].fileNameFormat: must contain all of {iothub} "
            "{partition} {YYYY} {MM} {DD} {HH} {mm} (in any order); missing {HH} {mm}"},
           {[](auto& c) { c.encoding = "parquet"; },
            "$.endpoints.storageContainers[1].encoding: must be 'avro', 'avrodeflate' or 'JSON', "
            "found 'parquet'"},
           {[](auto& c) { c.connection_string = "AccountName=My_Store;AccountKey=k"; },
            "$.endpoints.storageContainers[1].connectionString: storage account name must be 3 "
            "to 24 lower-case letters and digits; found 'My_Store'"},
           {[](auto& c) { c.endpoint_uri = "https://x.blob.core.windows.net"; },
            "$.endpoints.storageContainers[1].endpointUri: storage account name must be 3 to 24 "
            "lower-case letters and digits; found 'x'"},
       }) {
    routing::EndpointConfig c = config();
    k.edit(c);
    auto o = containerOptionsFrom(c);
    ASSERT_FALSE(o.ok()) << k.message;
    EXPECT_EQ(o.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(o.error().message(), k.message);
  }
}

}  // namespace
}  // namespace routesim::endpoints::storage
