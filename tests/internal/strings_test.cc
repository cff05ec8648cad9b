// The string helpers of faultline/internal/strings.h.
#include "faultline/internal/strings.h"

#include <string_view>

#include "gtest/gtest.h"

namespace faultline::internal {
namespace {

TEST(StringsTest, StartsWithAndEndsWithMatchWholePrefixesAndSuffixes) {
  EXPECT_TRUE(StartsWith("iac/network", "iac/"));
  EXPECT_TRUE(StartsWith("iac/", "iac/"));
  EXPECT_TRUE(StartsWith("anything", ""));
  EXPECT_FALSE(StartsWith("iac", "iac/"));
  EXPECT_FALSE(StartsWith("tags.x", "tf."));
  EXPECT_TRUE(EndsWith("spans.jsonl.gz", ".gz"));
  EXPECT_TRUE(EndsWith("anything", ""));
  EXPECT_FALSE(EndsWith("gz", ".gz"));
  // Embedded NUL bytes are compared like any other byte.
  EXPECT_TRUE(StartsWith(std::string_view("a\0b", 3), std::string_view("a\0", 2)));
  EXPECT_FALSE(StartsWith(std::string_view("a\0b", 3), std::string_view("a\1", 2)));
}

TEST(StringsTest, StrContainsFindsAnyOccurrence) {
  EXPECT_TRUE(StrContains("db_password_hash", "password"));
  EXPECT_TRUE(StrContains("x", ""));
  EXPECT_FALSE(StrContains("pass", "password"));
}

TEST(StringsTest, CaseIsFoldedForAsciiLettersOnly) {
  EXPECT_TRUE(EqualsIgnoreCase("SERVER", "server"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("server", "servers"));
  EXPECT_FALSE(EqualsIgnoreCase("\xc3\x89", "\xc3\xa9"));  // "É" and "é": not ASCII
  EXPECT_EQ(AsciiStrToLower(".JSONL"), ".jsonl");
  EXPECT_EQ(AsciiStrToLower("\xc3\x89-A"), "\xc3\x89-a");
}

TEST(StringsTest, ConsumePrefixIgnoreCaseRemovesOnlyAMatchingPrefix) {
  std::string_view kind = "span_kind_SERVER";
  EXPECT_TRUE(ConsumePrefixIgnoreCase(&kind, "SPAN_KIND_"));
  EXPECT_EQ(kind, "SERVER");
  EXPECT_FALSE(ConsumePrefixIgnoreCase(&kind, "SPAN_KIND_"));
  EXPECT_EQ(kind, "SERVER");
  std::string_view short_text = "SPAN";
  EXPECT_FALSE(ConsumePrefixIgnoreCase(&short_text, "SPAN_KIND_"));
  EXPECT_EQ(short_text, "SPAN");
}

TEST(StringsTest, StripBlanksRemovesSpacesAndTabsButKeepsLineBreaks) {
  EXPECT_EQ(StripBlanks(" \t value \t"), "value");
  EXPECT_EQ(StripBlanks("a b"), "a b");
  EXPECT_EQ(StripBlanks(" \t "), "");
  EXPECT_EQ(StripBlanks("\rvalue\n"), "\rvalue\n");
}

}  // namespace
}  // namespace faultline::internal
