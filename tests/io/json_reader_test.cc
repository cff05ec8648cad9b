// Tests of JsonReader (the pull JSON reader of the JSON input formats), LineTracker and
// ReadJsonStream: values of every type, escapes, exact integers, type mismatches that
// consume nothing, syntax errors with their offsets, the depth limit, the JSON Lines /
// document layouts, and arbitrary bytes.
#include "io/json_reader.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace faultline::internal {
namespace {

TEST(JsonReaderTest, ReadsObjectsArraysAndScalars) {
  JsonReader r(R"( {"a": [1, -2, 3.5], "b": {"c": "x"}, "d": true, "e": null, "f": false} )");
  ASSERT_TRUE(r.BeginObject());
  std::string_view key;
  std::vector<double> numbers;
  std::string c;
  bool d = false, f = true, e_null = false;
  while (r.NextKey(&key)) {
    if (key == "a") {
      ASSERT_TRUE(r.BeginArray());
      while (r.NextElement()) {
        double v = 0;
        ASSERT_TRUE(r.ReadDouble(&v));
        numbers.push_back(v);
      }
    } else if (key == "b") {
      ASSERT_TRUE(r.BeginObject());
      while (r.NextKey(&key)) {
        std::string_view s;
        ASSERT_TRUE(r.ReadString(&s));
        c = std::string(s);
      }
    } else if (key == "d") {
      ASSERT_TRUE(r.ReadBool(&d));
    } else if (key == "e") {
      e_null = r.ReadNull();
    } else if (key == "f") {
      ASSERT_TRUE(r.ReadBool(&f));
    }
  }
  ASSERT_TRUE(r.ok()) << r.ErrorDescription();
  EXPECT_TRUE(r.ExpectEnd());
  EXPECT_EQ(numbers, (std::vector<double>{1, -2, 3.5}));
  EXPECT_EQ(c, "x");
  EXPECT_TRUE(d);
  EXPECT_FALSE(f);
  EXPECT_TRUE(e_null);
  EXPECT_EQ(r.depth(), 0);
}

TEST(JsonReaderTest, EmptyContainersEndImmediately) {
  JsonReader r(R"({"a": [], "b": {}})");
  ASSERT_TRUE(r.BeginObject());
  std::string_view key;
  int keys = 0;
  while (r.NextKey(&key)) {
    ++keys;
    if (key == "a") {
      ASSERT_TRUE(r.BeginArray());
      EXPECT_FALSE(r.NextElement());
    } else {
      ASSERT_TRUE(r.BeginObject());
      EXPECT_FALSE(r.NextKey(&key));
    }
  }
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(keys, 2);
}

TEST(JsonReaderTest, StringsWithoutEscapesViewTheInput) {
  const std::string text = R"("plain text")";
  JsonReader r(text);
  std::string_view s;
  ASSERT_TRUE(r.ReadString(&s));
  EXPECT_EQ(s, "plain text");
  EXPECT_EQ(s.data(), text.data() + 1);
}

TEST(JsonReaderTest, UnescapesIntoTheGivenScratchBuffer) {
  const std::string text =
      R"("a\"b\\c\/d\b\f\n\r\t \u00e9 \u20ac \ud83d\ude00 \u0041")";
  JsonReader r(text);
  std::string scratch;
  std::string_view s;
  ASSERT_TRUE(r.ReadString(&s, &scratch));
  EXPECT_EQ(s, "a\"b\\c/d\b\f\n\r\t \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 A");
  EXPECT_EQ(s.data(), scratch.data());
}

TEST(JsonReaderTest, LoneSurrogatesBecomeTheReplacementCharacter) {
  JsonReader r(R"(["\ud83d x", "\ude00", "\ud83d\u0041"])");
  ASSERT_TRUE(r.BeginArray());
  std::vector<std::string> got;
  while (r.NextElement()) {
    std::string_view s;
    ASSERT_TRUE(r.ReadString(&s));
    got.emplace_back(s);
  }
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(got, (std::vector<std::string>{"\xEF\xBF\xBD x", "\xEF\xBF\xBD",
                                           "\xEF\xBF\xBD" "A"}));
}

TEST(JsonReaderTest, EscapedKeysAreUnescaped) {
  JsonReader r(R"({"tra\u0063eId": 1})");
  ASSERT_TRUE(r.BeginObject());
  std::string_view key;
  ASSERT_TRUE(r.NextKey(&key));
  EXPECT_EQ(key, "traceId");
  EXPECT_TRUE(r.Skip());
  EXPECT_FALSE(r.NextKey(&key));
  EXPECT_TRUE(r.ok());
}

TEST(JsonReaderTest, ReadsExactIntegersFromNumbersAndStrings) {
  JsonReader r(R"([1700000000000000000, "1700000000000000001", -9223372036854775808,
                   "9223372036854775807", 0, "-0", 1.7e3, "-12"])");
  ASSERT_TRUE(r.BeginArray());
  std::vector<std::int64_t> got;
  while (r.NextElement()) {
    std::int64_t v = 0;
    ASSERT_TRUE(r.ReadInt64(&v)) << r.offset();
    got.push_back(v);
  }
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(got, (std::vector<std::int64_t>{1700000000000000000, 1700000000000000001,
                                             std::numeric_limits<std::int64_t>::min(),
                                             std::numeric_limits<std::int64_t>::max(), 0, 0,
                                             1700, -12}));
}

TEST(JsonReaderTest, ReadsUint64BeyondInt64) {
  JsonReader r(R"(["18446744073709551615", 18446744073709551615])");
  ASSERT_TRUE(r.BeginArray());
  while (r.NextElement()) {
    std::uint64_t v = 0;
    ASSERT_TRUE(r.ReadUint64(&v));
    EXPECT_EQ(v, std::numeric_limits<std::uint64_t>::max());
  }
  EXPECT_TRUE(r.ok());
}

TEST(JsonReaderTest, IntegerMismatchesConsumeNothingAndAreNotErrors) {
  // Overflow, fractions, negative for unsigned, non-numeric strings, other types.
  for (const char* text : {"18446744073709551616", "\"99999999999999999999\"", "1.5",
                           "\"12a\"", "true", "{}", "\"\"", "\"1\\u0030\""}) {
    JsonReader r(text);
    std::int64_t v = 0;
    EXPECT_FALSE(r.ReadInt64(&v)) << text;
    EXPECT_TRUE(r.ok()) << text;
    EXPECT_EQ(r.offset(), 0u) << text;
    EXPECT_TRUE(r.Skip()) << text;
    EXPECT_TRUE(r.AtEnd()) << text;
  }
  JsonReader negative("-1");
  std::uint64_t u = 0;
  EXPECT_FALSE(negative.ReadUint64(&u));
  EXPECT_TRUE(negative.ok());
  std::int64_t i = 0;
  EXPECT_FALSE(JsonReader("9223372036854775808").ReadInt64(&i));
}

TEST(JsonReaderTest, TypeMismatchLeavesTheValueForSkip) {
  JsonReader r(R"({"a": 12, "b": "x"})");
  ASSERT_TRUE(r.BeginObject());
  std::string_view key, s;
  ASSERT_TRUE(r.NextKey(&key));
  EXPECT_FALSE(r.ReadString(&s));
  EXPECT_FALSE(r.BeginObject());
  EXPECT_FALSE(r.BeginArray());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.Peek(), JsonType::kNumber);
  EXPECT_TRUE(r.Skip());
  ASSERT_TRUE(r.NextKey(&key));
  EXPECT_EQ(key, "b");
  ASSERT_TRUE(r.ReadString(&s));
  EXPECT_EQ(s, "x");
  EXPECT_FALSE(r.NextKey(&key));
  EXPECT_TRUE(r.ok());
}

TEST(JsonReaderTest, ReadsDoublesAndProtobufSpecialValues) {
  JsonReader r(R"([0.5, -1e-3, "NaN", "Infinity", "-Infinity", "2.5"])");
  ASSERT_TRUE(r.BeginArray());
  std::vector<double> got;
  while (r.NextElement()) {
    double v = 0;
    ASSERT_TRUE(r.ReadDouble(&v));
    got.push_back(v);
  }
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0], 0.5);
  EXPECT_EQ(got[1], -1e-3);
  EXPECT_TRUE(std::isnan(got[2]));
  EXPECT_EQ(got[3], std::numeric_limits<double>::infinity());
  EXPECT_EQ(got[4], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(got[5], 2.5);
}

TEST(JsonReaderTest, SkipsAnyValueAndValidatesIt) {
  JsonReader good(R"({"a": [1, {"b": "\u00e9\n", "c": [true, false, null]}, -0.5e+3], "d": {}})");
  EXPECT_TRUE(good.Skip());
  EXPECT_TRUE(good.ExpectEnd());

  for (const char* bad : {"[1, 2", "{\"a\" 1}", "[01]", "[1.]", "[-]", "\"abc", "{\"a\":1,}",
                          "[1,]", "[tru]", "{1: 2}", "\"\\x\"", "\"\\u12g4\"", "[1 2]"}) {
    JsonReader r(bad);
    EXPECT_FALSE(r.Skip()) << bad;
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.error_is_syntax()) << bad;
  }
}

TEST(JsonReaderTest, SyntaxErrorsCarryTheirOffset) {
  struct Case {
    const char* text;
    std::size_t offset;
  };
  for (const Case& c : {Case{"{\"a\": 1 \"b\": 2}", 8}, Case{"[1, 2,]", 6},
                        Case{"{\"a\":1,}", 7}, Case{"  x", 2}, Case{"[\"ab", 4},
                        Case{"{\"a\": [1, 2}", 11}}) {
    JsonReader r(c.text);
    EXPECT_FALSE(r.Skip()) << c.text;
    EXPECT_EQ(r.error_offset(), c.offset) << c.text << ": " << r.ErrorDescription();
  }
  // The same errors found through the pull interface.
  JsonReader r("{\"a\": 1 \"b\": 2}");
  ASSERT_TRUE(r.BeginObject());
  std::string_view key;
  ASSERT_TRUE(r.NextKey(&key));
  ASSERT_TRUE(r.Skip());
  EXPECT_FALSE(r.NextKey(&key));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error_offset(), 8u);
  EXPECT_EQ(r.ErrorDescription(), "malformed JSON: expected ',' or '}' in an object, found '\"'");
}

TEST(JsonReaderTest, ControlCharactersInStringsAreErrors) {
  JsonReader r("\"a\tb\"");
  std::string_view s;
  EXPECT_FALSE(r.ReadString(&s));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error_offset(), 2u);
}

TEST(JsonReaderTest, ErrorsAreStickyAndEndLoops) {
  JsonReader r("{\"a\": [1, 2 3]}");
  ASSERT_TRUE(r.BeginObject());
  std::string_view key;
  int iterations = 0;
  while (r.NextKey(&key)) {
    ASSERT_TRUE(r.BeginArray());
    while (r.NextElement()) {
      ++iterations;
      r.Skip();
    }
  }
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(iterations, 2);
  EXPECT_FALSE(r.Skip());
  EXPECT_FALSE(r.BeginObject());
  EXPECT_EQ(r.Peek(), JsonType::kInvalid);
}

TEST(JsonReaderTest, StatusNamesTheSourceLineAndColumn) {
  const std::string text = "{\n  \"a\": [1,\n    2,,\n  ]\n}";
  JsonReader r(text);
  EXPECT_FALSE(r.Skip());
  const absl::Status status = r.status("traces.json");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "traces.json:3:7: malformed JSON: expected a value, found ','");
  EXPECT_OK(JsonReader("1").status("x"));
}

TEST(JsonReaderTest, FailRecordsAShapeError) {
  JsonReader r("  42");
  EXPECT_FALSE(r.BeginObject());
  r.Fail("an object");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.error_is_syntax());
  EXPECT_EQ(r.status("n").message(), "n:1:3: unexpected JSON: expected an object, found '4'");
}

TEST(JsonReaderTest, NestingBeyondTheLimitIsAnErrorNotARecursion) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  JsonReader skip(deep);
  EXPECT_FALSE(skip.Skip());
  EXPECT_NE(skip.ErrorDescription().find("nesting depth"), std::string::npos);

  JsonReader pull(deep, 8);
  int opened = 0;
  while (pull.BeginArray()) ++opened;
  EXPECT_EQ(opened, 8);
  EXPECT_FALSE(pull.ok());

  const std::string ok_depth = std::string(500, '[') + std::string(500, ']');
  JsonReader fine(ok_depth);
  EXPECT_TRUE(fine.Skip());
  EXPECT_TRUE(fine.ExpectEnd());
}

TEST(JsonReaderTest, WindowsKeepOffsetsRelativeToTheWholeText) {
  const std::string text = "garbage\n{\"a\": 1}\n[1,";
  JsonReader r;
  r.Reset(text, 8, 16);
  EXPECT_TRUE(r.Skip());
  EXPECT_TRUE(r.ExpectEnd());
  r.Reset(text, 17);
  EXPECT_FALSE(r.Skip());
  EXPECT_EQ(r.error_offset(), text.size());
  EXPECT_EQ(r.status("f").message(), "f:3:4: malformed JSON: expected a value, found end of input");
  r.Reset(text, 8, 14);
  EXPECT_FALSE(r.Skip());
  EXPECT_NE(r.ErrorDescription().find("found end of input"), std::string::npos);
  r.Reset(text, 0, 7);
  EXPECT_FALSE(r.Skip());
  EXPECT_EQ(r.error_offset(), 0u);
}

TEST(JsonReaderTest, EveryPrefixOfADocumentFailsCleanly) {
  const std::string doc =
      R"({"a": [1, -2.5e3, "x\u00e9y", {"b": null, "c": [true, false]}], "d": "\ud83d\ude00"})";
  for (std::size_t n = 0; n < doc.size(); ++n) {
    JsonReader r(std::string_view(doc).substr(0, n));
    EXPECT_FALSE(r.Skip() && r.ExpectEnd()) << n;
    EXPECT_LE(r.error_offset(), n);
  }
  JsonReader whole(doc);
  EXPECT_TRUE(whole.Skip() && whole.ExpectEnd());
}

TEST(JsonReaderTest, ArbitraryBytesNeverCrash) {
  std::mt19937 rng(7);
  const std::string alphabet = "{}[]:,\"\\u0123456789abcdefEe+-.tnrl \n\t\x01\xff";
  for (int i = 0; i < 20000; ++i) {
    std::string text(rng() % 64, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    JsonReader r(text, 16);
    if (r.Skip()) r.ExpectEnd();
    // The pull interface over the same bytes.
    JsonReader p(text, 16);
    int steps = 0;
    while (p.ok() && steps++ < 1000) {
      std::string_view s;
      std::int64_t v;
      if (p.BeginObject()) {
        while (p.NextKey(&s)) p.Skip();
      } else if (p.BeginArray()) {
        while (p.NextElement()) {
          if (!p.ReadInt64(&v) && !p.ReadString(&s)) p.Skip();
        }
      } else if (!p.Skip()) {
        break;
      }
      if (p.AtEnd()) break;
    }
    EXPECT_LT(steps, 1000);
  }
}

TEST(LineTrackerTest, MatchesLineColumnAtForwardAndBackward) {
  const std::string text = "ab\ncd\n\nefg\nh";
  LineTracker tracker(text);
  for (std::size_t offset : {0u, 1u, 2u, 3u, 7u, 8u, 12u, 4u, 0u, 11u, 99u}) {
    const LineColumn want = LineColumnAt(text, offset);
    const LineColumn got = tracker.At(offset);
    EXPECT_EQ(got.line, want.line) << offset;
    EXPECT_EQ(got.column, want.column) << offset;
  }
}

TEST(JsonStreamTest, DetectsLinesAndDocuments) {
  EXPECT_EQ(DetectJsonStreamLayout("{\"a\":1}\n{\"a\":2}\n"), JsonStreamLayout::kLines);
  EXPECT_EQ(DetectJsonStreamLayout("\n\n{\"a\":1}\n\n[2]"), JsonStreamLayout::kLines);
  EXPECT_EQ(DetectJsonStreamLayout("{\"a\":1}\n"), JsonStreamLayout::kDocument);
  EXPECT_EQ(DetectJsonStreamLayout("{\n  \"a\": 1\n}\n"), JsonStreamLayout::kDocument);
  EXPECT_EQ(DetectJsonStreamLayout("[\n1,\n2]"), JsonStreamLayout::kDocument);
  EXPECT_EQ(DetectJsonStreamLayout("{\"a\" 1}\n{\"a\":2}"), JsonStreamLayout::kLines);
  EXPECT_EQ(DetectJsonStreamLayout(""), JsonStreamLayout::kDocument);
}

struct StreamResult {
  absl::Status status;
  std::vector<std::int64_t> values;
  std::vector<std::size_t> value_lines;
  std::vector<std::string> bad;
};

StreamResult ReadInts(std::string_view text) {
  StreamResult out;
  JsonReader reader;
  out.status = ReadJsonStream(
      text, "s.jsonl", reader,
      [&](JsonReader& r, std::size_t line) {
        std::int64_t v = 0;
        if (!r.BeginObject()) {
          r.Fail("an object");
          return;
        }
        std::string_view key;
        while (r.NextKey(&key)) {
          if (!r.ReadInt64(&v)) r.Skip();
        }
        out.values.push_back(v);
        out.value_lines.push_back(line);
      },
      [&](std::size_t, std::string_view where) { out.bad.emplace_back(where); });
  return out;
}

TEST(JsonStreamTest, JsonLinesSkipBadLinesAndKeepTheRest) {
  const StreamResult r = ReadInts("{\"v\": 1}\n\n{\"v\": 2\n{\"v\": 3}\r\n7\n{\"v\": 4} x\n");
  EXPECT_OK(r.status);
  EXPECT_EQ(r.values, (std::vector<std::int64_t>{1, 2, 3, 4}));  // 2 and 4: their lines fail later
  ASSERT_EQ(r.bad.size(), 3u);
  EXPECT_EQ(r.bad[0], "line 3, column 8 (malformed JSON: expected ',' or '}' in an object, found end of line)");
  EXPECT_EQ(r.bad[1], "line 5, column 1 (unexpected JSON: expected an object, found '7')");
  EXPECT_EQ(r.bad[2], "line 6, column 10 (malformed JSON: expected end of input, found 'x')");
  EXPECT_EQ(r.value_lines, (std::vector<std::size_t>{1, 3, 4, 6}));
}

TEST(JsonStreamTest, AllLinesBadIsInvalidArgumentNamingTheFirst) {
  const StreamResult r = ReadInts("span_id,trace_id\nabc,def\n");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status.message()),
            "s.jsonl:1:1: malformed JSON: expected an object, found 's'");
  EXPECT_EQ(r.bad.size(), 2u);
}

TEST(JsonStreamTest, DocumentsStopAtTheFirstError) {
  const StreamResult ok = ReadInts("{\n \"v\": 5\n}\n{\"v\": 6}");
  EXPECT_OK(ok.status);
  EXPECT_EQ(ok.values, (std::vector<std::int64_t>{5, 6}));
  EXPECT_EQ(ok.value_lines, (std::vector<std::size_t>{1, 4}));

  const StreamResult bad = ReadInts("{\n \"v\": 5,\n}\n");
  EXPECT_EQ(bad.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status.message(), "s.jsonl:3:1: malformed JSON: expected a quoted object key, found '}'");
  EXPECT_TRUE(bad.bad.empty());

  const StreamResult empty = ReadInts(" \n\n ");
  EXPECT_OK(empty.status);
  EXPECT_TRUE(empty.values.empty());
}

}  // namespace
}  // namespace faultline::internal
