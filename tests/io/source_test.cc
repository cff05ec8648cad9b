// Tests of InputSource, ReadFileToString() and LineColumnAt(): what ingesters read and how
// their errors locate a byte.
#include "faultline/io/source.h"

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "model/model_test_util.h"
#include "testing/status_matchers.h"

namespace faultline {
namespace {

using ::faultline::testing::HasCode;
using ::faultline::testing::MessageContains;
using ::faultline::testing::Must;
using ::faultline::testing::ScratchDir;

TEST(InputSourceTest, FromBytesReadsTheBytesAndUsesTheGivenName) {
  const std::string bytes("a\0b\nc", 5);
  const InputSource source = InputSource::FromBytes(bytes, "memory.json");
  EXPECT_TRUE(source.in_memory());
  EXPECT_EQ(source.name(), "memory.json");
  EXPECT_EQ(Must(source.ReadAll()), bytes);
  EXPECT_EQ(InputSource::FromBytes("x").name(), "<bytes>");
}

TEST(InputSourceTest, FromFileIsNamedByItsPathAndReadsItExactly) {
  const std::string path = (ScratchDir() / "source.bin").string();
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<char>(i * 37));
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  const InputSource source = InputSource::FromFile(path);
  EXPECT_FALSE(source.in_memory());
  EXPECT_EQ(source.name(), path);
  EXPECT_EQ(source.path(), path);
  EXPECT_EQ(Must(source.ReadAll()), bytes);
  EXPECT_EQ(Must(ReadFileToString(path)), bytes);
}

TEST(InputSourceTest, MissingFileIsNotFoundNamingThePath) {
  const std::string path = (ScratchDir() / "missing.json").string();
  const auto read = InputSource::FromFile(path).ReadAll();
  EXPECT_TRUE(HasCode(read, absl::StatusCode::kNotFound));
  EXPECT_TRUE(MessageContains(read, path));
  const auto direct = ReadFileToString(path);
  EXPECT_TRUE(HasCode(direct, absl::StatusCode::kNotFound));
  EXPECT_TRUE(MessageContains(direct, path));
}

TEST(LineColumnAtTest, LinesAndColumnsAreOneBased) {
  const std::string text = "ab\ncde\n\nf";
  EXPECT_EQ(LineColumnAt(text, 0).line, 1u);
  EXPECT_EQ(LineColumnAt(text, 0).column, 1u);
  EXPECT_EQ(LineColumnAt(text, 1).column, 2u);
  EXPECT_EQ(LineColumnAt(text, 3).line, 2u);   // 'c'
  EXPECT_EQ(LineColumnAt(text, 3).column, 1u);
  EXPECT_EQ(LineColumnAt(text, 5).line, 2u);   // 'e'
  EXPECT_EQ(LineColumnAt(text, 5).column, 3u);
  EXPECT_EQ(LineColumnAt(text, 7).line, 3u);   // the empty line
  EXPECT_EQ(LineColumnAt(text, 7).column, 1u);
  EXPECT_EQ(LineColumnAt(text, 8).line, 4u);   // 'f'
  EXPECT_EQ(LineColumnAt(text, 8).column, 1u);
}

TEST(LineColumnAtTest, OffsetPastTheEndIsClampedToTheEnd) {
  const std::string text = "ab\ncd";
  const LineColumn end = LineColumnAt(text, text.size());
  const LineColumn far = LineColumnAt(text, 1000);
  EXPECT_EQ(far.line, end.line);
  EXPECT_EQ(far.column, end.column);
  EXPECT_EQ(end.line, 2u);
  EXPECT_EQ(end.column, 3u);
  EXPECT_EQ(LineColumnAt("", 5).line, 1u);
  EXPECT_EQ(LineColumnAt("", 5).column, 1u);
}

}  // namespace
}  // namespace faultline
