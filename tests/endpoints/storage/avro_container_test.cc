#include "endpoints/storage/avro_container.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace routesim::endpoints::storage::avro {
namespace {

std::string longBytes(int64_t v) {
  std::string out;
  appendLong(out, v);
  return out;
}

// Inflates raw deflate data (no zlib header), whatever its ratio.
std::string inflateRaw(std::string_view in) {
  z_stream s{};
  EXPECT_EQ(inflateInit2(&s, -15), Z_OK);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    char buf[4096];
    s.next_out = reinterpret_cast<Bytef*>(buf);
    s.avail_out = sizeof buf;
    rc = inflate(&s, Z_NO_FLUSH);
    out.append(buf, sizeof buf - s.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&s);
  return out;
}

TEST(AvroEncodingTest, WritesLongsAsZigZagVarints) {
  // Examples from the Avro specification.
  EXPECT_EQ(longBytes(0), std::string("\x00", 1));
  EXPECT_EQ(longBytes(-1), "\x01");
  EXPECT_EQ(longBytes(1), "\x02");
  EXPECT_EQ(longBytes(-2), "\x03");
  EXPECT_EQ(longBytes(2), "\x04");
  EXPECT_EQ(longBytes(-64), "\x7f");
  EXPECT_EQ(longBytes(64), "\x80\x01");
  EXPECT_EQ(longBytes(300), "\xd8\x04");
  EXPECT_EQ(longBytes(INT64_MAX), "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01");
  EXPECT_EQ(longBytes(INT64_MIN), "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
}

TEST(AvroEncodingTest, LongSizeIsTheLengthAppendLongWrites) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{63}, int64_t{-64}, int64_t{64}, int64_t{8191},
                    int64_t{8192}, int64_t{1} << 40, INT64_MAX, INT64_MIN}) {
    EXPECT_EQ(longSize(v), longBytes(v).size()) << v;
  }
}

TEST(AvroContainerTest, BlockSizeIsTheBytesAppendBlockWrites) {
  SyncMarker sync = syncMarkerFor("z");
  for (size_t n : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{100000}}) {
    std::string block;
    ASSERT_TRUE(appendBlock(block, 70, std::string(n, 'q'), sync, nullptr));
    EXPECT_EQ(blockSize(70, n), block.size()) << n;
  }
}

TEST(AvroEncodingTest, WritesBytesWithTheirLength) {
  std::string out;
  appendBytes(out, "foo");
  EXPECT_EQ(out,
            "\x06"
            "foo");
}

TEST(AvroContainerTest, HeaderHoldsCodecAndIotHubsSchemaVerbatim) {
  SyncMarker sync = syncMarkerFor("acct/container/blob");
  std::string h = header(/*deflate=*/false, sync);
  std::string expect("Obj\x01", 4);
  expect += "\x04";  // two metadata entries
  expect +=
      "\x14"
      "avro.codec";  // 10 bytes
  expect +=
      "\x08"
      "null";
  expect +=
      "\x16"
      "avro.schema";  // 11 bytes
  appendLong(expect, static_cast<int64_t>(kMessageSchema.size()));
  expect += kMessageSchema;
  expect += std::string("\x00", 1);
  expect.append(reinterpret_cast<const char*>(sync.data()), sync.size());
  EXPECT_EQ(h, expect);
  EXPECT_EQ(
      kMessageSchema,
      R"({"type":"record","name":"Message","namespace":"Microsoft.Azure.Devices","fields":[)"
      R"({"name":"EnqueuedTimeUtc","type":"string"},{"name":"Properties","type":{"type":"map","values":"string"}},)"
      R"({"name":"SystemProperties","type":{"type":"map","values":"string"}},{"name":"Body","type":["null","bytes"]}]})");
  std::string d = header(/*deflate=*/true, sync);
  EXPECT_NE(d.find(std::string("\x0e") + "deflate"), std::string::npos);
}

TEST(AvroContainerTest, SyncMarkersAreStablePerSeedAndDifferAcrossSeeds) {
  EXPECT_EQ(syncMarkerFor("a/b/c"), syncMarkerFor("a/b/c"));
  EXPECT_NE(syncMarkerFor("a/b/c"), syncMarkerFor("a/b/d"));
}

TEST(AvroContainerTest, DeflateBlocksAreRawDeflateOfTheRecords) {
  SyncMarker sync = syncMarkerFor("x");
  std::string records(5000, 'r');
  RawDeflater deflater;
  std::string block;
  ASSERT_TRUE(appendBlock(block, 7, records, sync, &deflater));
  // count 7, then the compressed size as a long, the data, the marker.
  ASSERT_EQ(block[0], '\x0e');
  size_t pos = 1;
  uint64_t raw = 0;
  int shift = 0;
  while (true) {
    auto b = static_cast<uint8_t>(block[pos++]);
    raw |= static_cast<uint64_t>(b & 0x7F) << shift;
    shift += 7;
    if ((b & 0x80) == 0) break;
  }
  size_t size = static_cast<size_t>(raw >> 1);
  ASSERT_EQ(pos + size + sync.size(), block.size());
  EXPECT_EQ(inflateRaw(std::string_view(block).substr(pos, size)), records);
  EXPECT_LE(size, deflater.bound(records.size()));
  EXPECT_EQ(block.substr(pos + size), std::string(reinterpret_cast<const char*>(sync.data()), 16));

  // The deflater is reused block after block.
  std::string second;
  ASSERT_TRUE(appendBlock(second, 7, records, sync, &deflater));
  EXPECT_EQ(second, block);
}

TEST(AvroContainerTest, NullCodecBlocksHoldTheRecordsAsGiven) {
  SyncMarker sync = syncMarkerFor("y");
  std::string block;
  ASSERT_TRUE(appendBlock(block, 2, "abc", sync, nullptr));
  EXPECT_EQ(block.substr(0, 5),
            "\x04\x06"
            "abc");
  EXPECT_EQ(block.size(), 5u + 16u);
}

}  // namespace
}  // namespace routesim::endpoints::storage::avro
