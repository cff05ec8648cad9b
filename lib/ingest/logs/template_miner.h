// Private: the Drain parse tree behind TemplateMiner (faultline/ingest/log_templates.h).
//
// Tokens are interned: each distinct token text gets a dense id (kParamToken for "<*>"),
// so templates are arrays of integers and comparing a message with a template compares
// integers. Template tokens live in one flat array (each template a fixed-size run of it,
// since a template never changes length).
#ifndef FAULTLINE_LIB_INGEST_LOGS_TEMPLATE_MINER_H_
#define FAULTLINE_LIB_INGEST_LOGS_TEMPLATE_MINER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "faultline/ingest/log_templates.h"

namespace faultline::internal {

class DrainTree {
 public:
  static constexpr std::uint32_t kParamToken = 0;

  explicit DrainTree(const TemplateMinerOptions& options);

  std::uint32_t Add(std::string_view message);

  std::size_t size() const { return clusters_.size(); }
  std::string Template(std::uint32_t id) const;
  std::uint64_t Count(std::uint32_t id) const {
    return id < clusters_.size() ? clusters_[id].size : 0;
  }
  std::uint64_t overflowed() const { return overflowed_; }
  const TemplateMinerOptions& options() const { return options_; }

 private:
  struct Node {
    // token id -> node index
    absl::flat_hash_map<std::uint32_t, std::uint32_t> children;
    std::vector<std::uint32_t> clusters;  // in creation order
  };
  struct Cluster {
    std::size_t offset;  // into tokens_
    std::uint32_t length;
    std::uint32_t params;  // "<*>" positions
    std::uint64_t size;
  };

  // Splits `message` into token ids in message_ (and their digit flags in has_digit_).
  void Tokenize(std::string_view message);
  std::uint32_t Intern(std::string_view token, bool has_digit);
  std::uint32_t NewNode();
  // The best cluster of the leaf for message_, or -1 (drain3 tree_search + fast_match).
  std::int64_t Search();
  void Insert(std::uint32_t cluster);
  std::uint64_t HashOf(const std::uint32_t* tokens, std::size_t count) const;
  // The template whose tokens are exactly message_'s, or -1.
  std::int64_t Identical() const;

  TemplateMinerOptions options_;
  int max_node_depth_;
  bool delimiter_[256] = {};

  std::vector<Node> nodes_;  // nodes_[0]: the root (children keyed by token count)
  std::vector<Cluster> clusters_;
  std::vector<std::uint32_t> tokens_;  // template tokens, all clusters
  // Template token hash -> the first template with those tokens (see Add()).
  absl::flat_hash_map<std::uint64_t, std::uint32_t> identical_;

  // Token interning: text -> id; ids index token_text_ and token_digit_.
  absl::flat_hash_map<std::string_view, std::uint32_t> token_ids_;
  std::vector<std::string_view> token_text_;
  std::vector<bool> token_digit_;
  std::vector<std::unique_ptr<char[]>> arena_;
  std::size_t arena_used_ = 0;
  std::size_t arena_size_ = 0;

  std::vector<std::uint32_t> message_;  // the message being mined, as token ids
  // need_[n]: the fewest equal tokens of n that reach the similarity threshold (n + 1
  // when none do), computed as drain3 compares: equal / n >= similarity, in doubles.
  std::vector<std::uint32_t> need_;
  std::uint64_t overflowed_ = 0;
};

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_INGEST_LOGS_TEMPLATE_MINER_H_
