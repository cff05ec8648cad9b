// TemplateMiner: masking, similarity merges, the parse tree's routing and bounds,
// determinism.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "faultline/ingest/log_templates.h"

namespace faultline {
namespace {

TEST(TemplateMinerTest, TokensWithDigitsAreMaskedFromTheFirstMessage) {
  TemplateMiner miner;
  const std::uint32_t id = miner.Add("user 123 logged in from 10.0.0.1 after 3ms");
  EXPECT_EQ(id, 0u);
  EXPECT_EQ(miner.Template(id), "user <*> logged in from <*> after <*>");
  EXPECT_EQ(miner.Add("user 77 logged in from 192.168.1.9 after 12ms"), id);
  EXPECT_EQ(miner.Count(id), 2u);
  EXPECT_EQ(miner.size(), 1u);
}

TEST(TemplateMinerTest, WhiteSpaceRunsSeparateTokensAndEmptyMessagesHaveNoTemplate) {
  TemplateMiner miner;
  const std::uint32_t id = miner.Add("  cache\tmiss   for key\r\n");
  EXPECT_EQ(miner.Template(id), "cache miss for key");
  EXPECT_EQ(miner.Add("cache miss for key"), id);
  EXPECT_EQ(miner.Add(""), TemplateMiner::kNoTemplate);
  EXPECT_EQ(miner.Add(" \t\n"), TemplateMiner::kNoTemplate);
  EXPECT_EQ(miner.size(), 1u);
}

TEST(TemplateMinerTest, SimilarMessagesMergeAndDifferingPositionsBecomeVariables) {
  TemplateMiner miner;
  const std::uint32_t a = miner.Add("connection to db failed");
  EXPECT_EQ(miner.Template(a), "connection to db failed");
  // 3 of 4 tokens equal: 0.75 >= 0.4.
  EXPECT_EQ(miner.Add("connection to cache failed"), a);
  EXPECT_EQ(miner.Template(a), "connection to <*> failed");
  // 1 of 4 equal (the first token routes them to the same leaf): 0.25 < 0.4.
  const std::uint32_t b = miner.Add("connection refused by peer");
  EXPECT_NE(b, a);
  EXPECT_EQ(miner.Template(b), "connection refused by peer");
  // Another token count is another template, however similar.
  const std::uint32_t c = miner.Add("connection to db failed again");
  EXPECT_NE(c, a);
  EXPECT_NE(c, b);
  EXPECT_EQ(miner.size(), 3u);
}

TEST(TemplateMinerTest, SimilarityThresholdIsConfigurable) {
  TemplateMinerOptions options;
  options.similarity = 0.8;
  TemplateMiner miner(options);
  const std::uint32_t a = miner.Add("connection to db failed");
  EXPECT_NE(miner.Add("connection to cache failed"), a);  // 0.75 < 0.8
  EXPECT_EQ(miner.Add("connection to db failed"), a);
  EXPECT_EQ(miner.size(), 2u);
}

TEST(TemplateMinerTest, VariablePositionsDoNotCountAsSimilar) {
  TemplateMiner miner;
  // "TraceID: <*> SpanID: <*> A": 2 equal of 5 tokens (the masked ids do not count).
  const std::uint32_t a = miner.Add("TraceID: 4f0e SpanID: 9a1b start");
  const std::uint32_t b = miner.Add("TraceID: 77aa SpanID: 12cd finish");
  EXPECT_EQ(a, b);  // 2 / 5 = 0.4 reaches the default threshold
  EXPECT_EQ(miner.Template(a), "TraceID: <*> SpanID: <*> <*>");
  TemplateMinerOptions strict;
  strict.similarity = 0.5;
  TemplateMiner other(strict);
  EXPECT_NE(other.Add("TraceID: 4f0e SpanID: 9a1b start"),
            other.Add("TraceID: 77aa SpanID: 12cd finish"));
}

TEST(TemplateMinerTest, DepthRoutesByLeadingTokens) {
  // Depth 4: the first token routes, so "GET" and "POST" lines never meet.
  TemplateMiner routed;
  EXPECT_NE(routed.Add("GET /cart ok"), routed.Add("POST /cart ok"));
  // Depth 3: only the token count routes; 2 of 3 equal merges them.
  TemplateMinerOptions shallow;
  shallow.depth = 3;
  TemplateMiner merged(shallow);
  const std::uint32_t id = merged.Add("GET /cart ok");
  EXPECT_EQ(merged.Add("POST /cart ok"), id);
  EXPECT_EQ(merged.Template(id), "<*> /cart ok");
  // Depth 5: the first two tokens route.
  TemplateMinerOptions deep;
  deep.depth = 5;
  TemplateMiner two(deep);
  EXPECT_NE(two.Add("cart add item a b"), two.Add("cart remove item a b"));
}

TEST(TemplateMinerTest, MaxChildrenSendsFurtherTokensToTheVariableChild) {
  TemplateMinerOptions options;
  options.max_children = 3;
  TemplateMiner miner(options);
  const std::uint32_t a = miner.Add("alpha x y");
  const std::uint32_t b = miner.Add("beta x y");
  EXPECT_NE(a, b);
  // The third first token takes the last child slot, as "<*>"; the fourth joins it there.
  const std::uint32_t c = miner.Add("gamma x y");
  const std::uint32_t d = miner.Add("delta x y");
  EXPECT_EQ(c, d);
  EXPECT_EQ(miner.Template(c), "<*> x y");
  // Known first tokens still route to their own leaves.
  EXPECT_EQ(miner.Add("alpha x y"), a);
}

TEST(TemplateMinerTest, TiesPreferTheTemplateWithMoreVariables) {
  TemplateMiner miner;
  const std::uint32_t a = miner.Add("job p q done");
  const std::uint32_t b = miner.Add("job r s finished");
  EXPECT_NE(a, b);  // 1 of 4 equal
  EXPECT_EQ(miner.Add("job p s done"), a);  // 3 of 4 equal with a
  EXPECT_EQ(miner.Template(a), "job p <*> done");
  // "job p t finished": a has 2 equal ("job", "p"; "<*>" does not count) of 4 and one
  // variable, b has 2 equal ("job", "finished") and none: same similarity, a wins.
  EXPECT_EQ(miner.Add("job p t finished"), a);
  EXPECT_EQ(miner.Template(a), "job p <*> <*>");
}

TEST(TemplateMinerTest, AMessageMostlyOfVariablesJoinsTheTemplateWithExactlyItsTokens) {
  TemplateMiner miner;
  // 2 constant tokens of 6 (0.33 < 0.4): by similarity alone it matches nothing, not even
  // its own template.
  const std::uint32_t id = miner.Add("ids 1 2 3 4 done");
  EXPECT_EQ(miner.Template(id), "ids <*> <*> <*> <*> done");
  EXPECT_EQ(miner.Add("ids 5 6 7 8 done"), id);
  EXPECT_EQ(miner.Count(id), 2u);
  EXPECT_EQ(miner.size(), 1u);
  // A template that generalized is found by its new tokens.
  const std::uint32_t g = miner.Add("alpha beta gamma delta");
  EXPECT_EQ(miner.Add("alpha beta gamma epsilon"), g);  // "alpha beta gamma <*>"
  EXPECT_EQ(miner.Add("alpha beta gamma <*>"), g);
}

TEST(TemplateMinerTest, UnmaskedDigitTokensRouteThroughTheVariableChild) {
  TemplateMinerOptions options;
  options.mask_digits = false;
  TemplateMiner miner(options);
  const std::uint32_t id = miner.Add("15 ms spent");
  EXPECT_EQ(miner.Template(id), "15 ms spent");  // kept until a message differs
  EXPECT_EQ(miner.Add("20 ms spent"), id);
  EXPECT_EQ(miner.Template(id), "<*> ms spent");
}

TEST(TemplateMinerTest, ALiteralVariableTokenIsAVariable) {
  TemplateMiner miner;
  const std::uint32_t id = miner.Add("value <*> rejected");
  EXPECT_EQ(miner.Add("value abc rejected"), id);
  EXPECT_EQ(miner.Template(id), "value <*> rejected");
}

TEST(TemplateMinerTest, ExtraDelimitersSplitTokens) {
  TemplateMinerOptions options;
  options.extra_delimiters = "=,";
  TemplateMiner miner(options);
  const std::uint32_t id = miner.Add("user=alice,action=login");
  EXPECT_EQ(miner.Template(id), "user alice action login");
}

TEST(TemplateMinerTest, BeyondMaxTemplatesMessagesOverflow) {
  TemplateMinerOptions options;
  options.max_templates = 2;
  TemplateMiner miner(options);
  EXPECT_EQ(miner.Add("one"), 0u);
  EXPECT_EQ(miner.Add("two words"), 1u);
  EXPECT_EQ(miner.Add("three words here"), TemplateMiner::kOverflow);
  EXPECT_EQ(miner.Add("two words"), 1u);  // known templates still match
  EXPECT_EQ(miner.overflowed(), 1u);
  EXPECT_EQ(miner.size(), 2u);
}

TEST(TemplateMinerTest, BeyondMaxTokensNewTokensAreVariables) {
  TemplateMinerOptions options;
  options.max_tokens = 4;  // "<*>" and three more
  TemplateMiner miner(options);
  const std::uint32_t id = miner.Add("a b c d e");
  EXPECT_EQ(miner.Template(id), "a b c <*> <*>");
}

TEST(TemplateMinerTest, OutOfRangeIdsHaveNoTextAndNoCount) {
  TemplateMiner miner;
  EXPECT_EQ(miner.Template(5), "");
  EXPECT_EQ(miner.Count(5), 0u);
  EXPECT_EQ(miner.Template(TemplateMiner::kNoTemplate), "");
}

std::vector<std::string> Corpus() {
  const std::vector<std::string> shapes = {
      "GET /product/%d took %d ms",       "payment %d failed: card declined",
      "cache miss for key user:%d",       "connection to %d.%d.0.1 refused",
      "Query product with id %d",         "request %d completed in %d ms with status ok",
      "worker %d started",                "worker %d stopped after %d jobs",
      "retrying call to currencyservice", "retrying call to shippingservice",
  };
  std::mt19937 rng(7);
  std::vector<std::string> lines;
  char buf[128];
  for (int i = 0; i < 2000; ++i) {
    const std::string& shape = shapes[rng() % shapes.size()];
    std::snprintf(buf, sizeof(buf), shape.c_str(), static_cast<int>(rng() % 1000),
                  static_cast<int>(rng() % 100));
    lines.push_back(buf);
  }
  return lines;
}

TEST(TemplateMinerTest, SameMessagesInTheSameOrderGiveTheSameIdsAndTexts) {
  const std::vector<std::string> lines = Corpus();
  TemplateMiner first, second;
  std::vector<std::uint32_t> a, b;
  for (const std::string& line : lines) a.push_back(first.Add(line));
  for (const std::string& line : lines) b.push_back(second.Add(line));
  EXPECT_EQ(a, b);
  ASSERT_EQ(first.size(), second.size());
  for (std::uint32_t id = 0; id < first.size(); ++id) {
    EXPECT_EQ(first.Template(id), second.Template(id));
    EXPECT_EQ(first.Count(id), second.Count(id));
  }
  // The ten shapes become nine templates: the two "retrying call to X" lines merge.
  EXPECT_EQ(first.size(), 9u);
  std::uint64_t total = 0;
  for (std::uint32_t id = 0; id < first.size(); ++id) total += first.Count(id);
  EXPECT_EQ(total, lines.size());
}

}  // namespace
}  // namespace faultline
