#include "core/common/file_io.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace routesim {
namespace {

class FileIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "routesim-file-io-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(FileIoTest, WritesAndReadsBackBinaryBytes) {
  const std::string bytes("a\0b\xFF\r\n", 6);
  Status w = writeFile(path("data.bin"), bytes);
  ASSERT_TRUE(w.ok()) << w.error().message();
  auto r = readFile(path("data.bin"));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(*r, bytes);
}

TEST_F(FileIoTest, WriteReplacesExistingContent) {
  ASSERT_TRUE(writeFile(path("f.txt"), "a long first version").ok());
  ASSERT_TRUE(writeFile(path("f.txt"), "short").ok());
  auto r = readFile(path("f.txt"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "short");
}

TEST_F(FileIoTest, ReadsEmptyFile) {
  ASSERT_TRUE(writeFile(path("empty"), "").ok());
  auto r = readFile(path("empty"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
}

TEST_F(FileIoTest, ReadErrorNamesThePath) {
  const std::string missing = path("missing.json");
  auto r = readFile(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kIo);
  EXPECT_EQ(r.error().message().rfind(missing + ": ", 0), 0u) << r.error().message();
  EXPECT_NE(r.error().message().find("cannot open"), std::string::npos) << r.error().message();
}

TEST_F(FileIoTest, ReadingADirectoryIsAnError) {
  const std::string dir = dir_.string();
  auto r = readFile(dir);
  ASSERT_FALSE(r.ok()) << "read a directory as " << r->size() << " bytes";
  EXPECT_EQ(r.error().code(), ErrorCode::kIo);
  EXPECT_EQ(r.error().message().rfind(dir + ": ", 0), 0u) << r.error().message();
}

TEST_F(FileIoTest, WriteErrorNamesThePath) {
  const std::string target = path("no-such-dir/out.json");
  Status s = writeFile(target, "{}");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kIo);
  EXPECT_EQ(s.error().message().rfind(target + ": ", 0), 0u) << s.error().message();
}

}  // namespace
}  // namespace routesim
