// Tests of StringInterner: dense first-seen ids, stable ids and views, Find, copies.
#include "faultline/model/interner.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gtest/gtest.h"

namespace faultline {
namespace {

TEST(StringInternerTest, AssignsDenseIdsInFirstSeenOrder) {
  StringInterner interner;
  EXPECT_EQ(interner.size(), 0u);
  EXPECT_EQ(interner.Intern("service:checkout"), 0u);
  EXPECT_EQ(interner.Intern("service:frontend"), 1u);
  EXPECT_EQ(interner.Intern("database:orders"), 2u);
  EXPECT_EQ(interner.size(), 3u);
  EXPECT_EQ(interner.Get(0), "service:checkout");
  EXPECT_EQ(interner.Get(1), "service:frontend");
  EXPECT_EQ(interner.Get(2), "database:orders");
}

TEST(StringInternerTest, InterningAgainReturnsTheSameIdWithoutGrowing) {
  StringInterner interner;
  const std::uint32_t a = interner.Intern("a");
  const std::uint32_t b = interner.Intern("b");
  EXPECT_EQ(interner.Intern("a"), a);
  EXPECT_EQ(interner.Intern(std::string("b")), b);
  EXPECT_EQ(interner.size(), 2u);
}

TEST(StringInternerTest, FindOfUnknownStringIsNulloptAndDoesNotIntern) {
  StringInterner interner;
  interner.Intern("known");
  EXPECT_FALSE(interner.Find("unknown").has_value());
  EXPECT_FALSE(interner.Find("").has_value());
  EXPECT_FALSE(interner.Find("know").has_value());
  EXPECT_EQ(interner.size(), 1u);
  ASSERT_TRUE(interner.Find("known").has_value());
  EXPECT_EQ(*interner.Find("known"), 0u);
}

TEST(StringInternerTest, IdsAndViewsStayStableAcrossManyInsertions) {
  StringInterner interner;
  std::vector<std::string> strings;
  std::vector<std::string_view> views;
  std::unordered_map<std::string, std::uint32_t> expected;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    // Some long strings so that any small-string optimisation does not hide moves.
    std::string s = "entity:" + std::to_string(rng() % 5000) + std::string(i % 40, 'x');
    const std::uint32_t id = interner.Intern(s);
    auto [it, inserted] = expected.emplace(s, id);
    if (inserted) {
      EXPECT_EQ(id, strings.size());
      strings.push_back(s);
      views.push_back(interner.Get(id));
    } else {
      EXPECT_EQ(id, it->second);
    }
  }
  ASSERT_EQ(interner.size(), strings.size());
  for (std::uint32_t id = 0; id < strings.size(); ++id) {
    EXPECT_EQ(interner.Get(id), strings[id]);
    // A view taken right after interning still points at the same, unchanged characters.
    EXPECT_EQ(views[id].data(), interner.Get(id).data());
    EXPECT_EQ(views[id], strings[id]);
    ASSERT_TRUE(interner.Find(strings[id]).has_value());
    EXPECT_EQ(*interner.Find(strings[id]), id);
  }
}

TEST(StringInternerTest, CopyIsIndependentOfTheOriginal) {
  auto original = std::make_unique<StringInterner>();
  original->Intern("a");
  original->Intern("b");

  StringInterner copy(*original);
  EXPECT_EQ(copy.Intern("c"), 2u);
  EXPECT_EQ(original->size(), 2u);
  EXPECT_FALSE(original->Find("c").has_value());

  EXPECT_EQ(original->Intern("d"), 2u);
  EXPECT_FALSE(copy.Find("d").has_value());

  // The copy's lookups keep working once the original is gone.
  original.reset();
  ASSERT_TRUE(copy.Find("a").has_value());
  EXPECT_EQ(*copy.Find("a"), 0u);
  EXPECT_EQ(*copy.Find("b"), 1u);
  EXPECT_EQ(copy.Get(0), "a");
  EXPECT_EQ(copy.Intern("b"), 1u);
  EXPECT_EQ(copy.size(), 3u);
}

TEST(StringInternerTest, CopyAssignmentReplacesContentAndIsIndependent) {
  StringInterner source;
  source.Intern("x");
  source.Intern("y");
  StringInterner target;
  target.Intern("old");
  target = source;
  EXPECT_EQ(target.size(), 2u);
  EXPECT_FALSE(target.Find("old").has_value());
  EXPECT_EQ(*target.Find("y"), 1u);
  source.Intern("z");
  EXPECT_FALSE(target.Find("z").has_value());
  {
    StringInterner scratch;
    scratch.Intern("q");
    target = scratch;
  }
  EXPECT_EQ(target.size(), 1u);
  EXPECT_EQ(*target.Find("q"), 0u);
  EXPECT_EQ(target.Get(0), "q");
}

TEST(StringInternerTest, MovedInternerKeepsItsIds) {
  StringInterner source;
  source.Intern("a");
  source.Intern("b");
  StringInterner moved(std::move(source));
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_EQ(*moved.Find("b"), 1u);
  EXPECT_EQ(moved.Intern("c"), 2u);
}

TEST(StringInternerTest, DistinguishesStringsWithEmbeddedNulAndPrefixes) {
  StringInterner interner;
  const std::string with_nul("a\0b", 3);
  const std::uint32_t a = interner.Intern("a");
  const std::uint32_t anb = interner.Intern(with_nul);
  EXPECT_NE(a, anb);
  EXPECT_EQ(interner.Get(anb), with_nul);
  EXPECT_EQ(interner.Get(anb).size(), 3u);
}

}  // namespace
}  // namespace faultline
