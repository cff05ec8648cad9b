// TemplateMiner (faultline/ingest/log_templates.h) and its parse tree, DrainTree.
//
// The tree follows drain3's Drain.add_log_message() step by step (tree_search, fast_match,
// add_seq_to_prefix_tree, create_template), so that the same messages give the same
// templates; the names in the comments are drain3's.
#include "ingest/logs/template_miner.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace faultline {
namespace internal {
namespace {

constexpr std::size_t kArenaBlock = 64 * 1024;

// White space as Python's str.split() sees it in ASCII (drain3 splits with it).
constexpr bool IsSpace(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

}  // namespace

DrainTree::DrainTree(const TemplateMinerOptions& options) : options_(options) {
  options_.depth = std::max(options_.depth, 3);
  options_.max_children = std::max<std::size_t>(options_.max_children, 2);
  options_.similarity = std::clamp(options_.similarity, 0.0, 1.0);
  max_node_depth_ = options_.depth - 2;
  for (int c = 0; c < 256; ++c) delimiter_[c] = IsSpace(static_cast<unsigned char>(c));
  for (char c : options_.extra_delimiters) delimiter_[static_cast<unsigned char>(c)] = true;
  nodes_.emplace_back();  // the root
  token_text_.push_back(TemplateMiner::kParam);
  token_digit_.push_back(false);
  token_ids_.emplace(TemplateMiner::kParam, kParamToken);
}

std::uint32_t DrainTree::NewNode() {
  nodes_.emplace_back();
  return static_cast<std::uint32_t>(nodes_.size() - 1);
}

std::uint32_t DrainTree::Intern(std::string_view token, bool has_digit) {
  auto it = token_ids_.find(token);
  if (it != token_ids_.end()) return it->second;
  if (options_.max_tokens != 0 && token_text_.size() >= options_.max_tokens) return kParamToken;
  if (arena_used_ + token.size() > arena_size_) {
    const std::size_t size = std::max(kArenaBlock, token.size());
    arena_.emplace_back(new char[size]);
    arena_used_ = 0;
    arena_size_ = size;
  }
  char* stored = arena_.back().get() + arena_used_;
  std::memcpy(stored, token.data(), token.size());
  arena_used_ += token.size();
  const std::string_view view(stored, token.size());
  const auto id = static_cast<std::uint32_t>(token_text_.size());
  token_text_.push_back(view);
  token_digit_.push_back(has_digit);
  token_ids_.emplace(view, id);
  return id;
}

void DrainTree::Tokenize(std::string_view message) {
  message_.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(message.data());
  const std::size_t n = message.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && delimiter_[p[i]]) ++i;
    if (i >= n) break;
    const std::size_t start = i;
    bool digit = false;
    while (i < n && !delimiter_[p[i]]) {
      digit |= static_cast<unsigned>(p[i] - '0') < 10;
      ++i;
    }
    if (digit && options_.mask_digits) {
      message_.push_back(kParamToken);
    } else {
      message_.push_back(Intern(message.substr(start, i - start), digit));
    }
  }
}

std::int64_t DrainTree::Search() {
  // tree_search(): by token count, then by leading tokens ("<*>" child as the fallback).
  const std::size_t count = message_.size();
  const Node& root = nodes_[0];
  auto it = root.children.find(static_cast<std::uint32_t>(count));
  if (it == root.children.end()) return -1;
  const Node* node = &nodes_[it->second];
  int depth = 1;
  for (std::uint32_t token : message_) {
    if (depth >= max_node_depth_ || static_cast<std::size_t>(depth) == count) break;
    auto child = node->children.find(token);
    if (child == node->children.end()) child = node->children.find(kParamToken);
    if (child == node->children.end()) return -1;
    node = &nodes_[child->second];
    ++depth;
  }
  // fast_match(): the most similar template; ties: more parameters, then the older.
  // Every template of a leaf has the message's token count, so similarities compare as
  // counts of equal tokens. A template that cannot reach the threshold, or beat the best
  // so far, is left as soon as that is certain: the choice is drain3's, the work is less.
  while (need_.size() <= count) {
    const std::size_t n = need_.size();
    std::uint32_t need = 0;
    while (need <= n && (n == 0 ? 1.0 : static_cast<double>(need) / static_cast<double>(n)) <
                            options_.similarity) {
      ++need;
    }
    need_.push_back(need);
  }
  const std::int64_t need = need_[count];
  if (need > static_cast<std::int64_t>(count)) return -1;
  std::int64_t best_same = need - 1;  // a template must have more equal tokens ...
  std::int64_t best_params = std::numeric_limits<std::int64_t>::max();  // ... or as many
  std::int64_t best = -1;                                               // and more params
  const std::uint32_t* m = message_.data();
  for (std::uint32_t id : node->clusters) {
    const Cluster& c = clusters_[id];
    const std::int64_t params = c.params;
    const std::int64_t ceiling = static_cast<std::int64_t>(count) - params;
    if (ceiling < best_same || (ceiling == best_same && params <= best_params)) continue;
    const std::uint32_t* t = tokens_.data() + c.offset;
    std::int64_t same = 0;
    std::int64_t missed = 0;  // positions that are neither equal nor "<*>"
    bool dropped = false;
    for (std::size_t i = 0; i < count; ++i) {
      if (t[i] == m[i]) {
        same += t[i] != kParamToken;
      } else if (t[i] != kParamToken) {
        ++missed;
        const std::int64_t reachable = ceiling - missed;
        if (reachable < best_same || (reachable == best_same && params <= best_params)) {
          dropped = true;
          break;
        }
      }
    }
    if (dropped) continue;
    if (same > best_same || (same == best_same && params > best_params)) {
      best_same = same;
      best_params = params;
      best = id;
    }
  }
  return best;
}

void DrainTree::Insert(std::uint32_t cluster) {
  // add_seq_to_prefix_tree()
  const Cluster& c = clusters_[cluster];
  const std::size_t count = c.length;
  std::uint32_t node;
  {
    auto it = nodes_[0].children.find(static_cast<std::uint32_t>(count));
    if (it != nodes_[0].children.end()) {
      node = it->second;
    } else {
      node = NewNode();
      nodes_[0].children.emplace(static_cast<std::uint32_t>(count), node);
    }
  }
  int depth = 1;
  for (std::size_t i = 0; i < count; ++i) {
    if (depth >= max_node_depth_ || static_cast<std::size_t>(depth) >= count) break;
    const std::uint32_t token = tokens_[c.offset + i];
    auto& children = nodes_[node].children;
    auto found = children.find(token);
    if (found != children.end()) {
      node = found->second;
    } else if (token_digit_[token]) {
      // A token with digits goes to the "<*>" child.
      auto param = children.find(kParamToken);
      if (param != children.end()) {
        node = param->second;
      } else {
        const std::uint32_t child = NewNode();
        nodes_[node].children.emplace(kParamToken, child);
        node = child;
      }
    } else if (children.contains(kParamToken)) {
      if (children.size() < options_.max_children) {
        const std::uint32_t child = NewNode();
        nodes_[node].children.emplace(token, child);
        node = child;
      } else {
        node = children.find(kParamToken)->second;
      }
    } else if (children.size() + 1 < options_.max_children) {
      const std::uint32_t child = NewNode();
      nodes_[node].children.emplace(token, child);
      node = child;
    } else if (children.size() + 1 == options_.max_children) {
      const std::uint32_t child = NewNode();
      nodes_[node].children.emplace(kParamToken, child);
      node = child;
    } else {
      node = children.find(kParamToken)->second;
    }
    ++depth;
  }
  nodes_[node].clusters.push_back(cluster);
}

std::uint64_t DrainTree::HashOf(const std::uint32_t* tokens, std::size_t count) const {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ count;
  for (std::size_t i = 0; i < count; ++i) {
    h ^= tokens[i] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return h;
}

std::int64_t DrainTree::Identical() const {
  auto it = identical_.find(HashOf(message_.data(), message_.size()));
  if (it == identical_.end()) return -1;
  const Cluster& c = clusters_[it->second];
  if (c.length != message_.size() ||
      !std::equal(message_.begin(), message_.end(), tokens_.begin() + c.offset)) {
    return -1;
  }
  return it->second;
}

std::uint32_t DrainTree::Add(std::string_view message) {
  Tokenize(message);
  if (message_.empty()) return TemplateMiner::kNoTemplate;
  std::int64_t found = Search();
  // Drain counts only the constant tokens of a template as similar, so a message whose
  // constant tokens fall short of the threshold matches no template, not even one with
  // exactly its tokens ("TraceID: <*> SpanID: <*> List Recommendations <*> <*> <*> <*>
  // <*>" has 4 constant tokens of 11): drain3 then starts another template with the same
  // text for every such message, without bound. Here such a message joins the template
  // that has exactly its tokens. Where drain3 finds a match, the choice is drain3's.
  if (found < 0) found = Identical();
  if (found < 0) {
    if (options_.max_templates != 0 && clusters_.size() >= options_.max_templates) {
      ++overflowed_;
      return TemplateMiner::kOverflow;
    }
    const auto id = static_cast<std::uint32_t>(clusters_.size());
    std::uint32_t params = 0;
    for (std::uint32_t t : message_) params += t == kParamToken;
    clusters_.push_back({tokens_.size(), static_cast<std::uint32_t>(message_.size()), params, 1});
    tokens_.insert(tokens_.end(), message_.begin(), message_.end());
    identical_.try_emplace(HashOf(message_.data(), message_.size()), id);
    Insert(id);
    return id;
  }
  // create_template(): every position that differs becomes "<*>".
  Cluster& c = clusters_[static_cast<std::size_t>(found)];
  std::uint32_t* t = tokens_.data() + c.offset;
  const std::uint32_t params_before = c.params;
  std::uint64_t old_hash = 0;
  for (std::size_t i = 0; i < message_.size(); ++i) {
    if (t[i] != message_[i] && t[i] != kParamToken) {
      if (c.params == params_before) old_hash = HashOf(t, c.length);
      t[i] = kParamToken;
      ++c.params;
    }
  }
  if (c.params != params_before) {
    auto it = identical_.find(old_hash);
    if (it != identical_.end() && it->second == static_cast<std::uint32_t>(found)) {
      identical_.erase(it);
    }
    identical_.try_emplace(HashOf(t, c.length), static_cast<std::uint32_t>(found));
  }
  ++c.size;
  return static_cast<std::uint32_t>(found);
}

std::string DrainTree::Template(std::uint32_t id) const {
  std::string out;
  if (id >= clusters_.size()) return out;
  const Cluster& c = clusters_[id];
  for (std::uint32_t i = 0; i < c.length; ++i) {
    if (i > 0) out.push_back(' ');
    const std::string_view text = token_text_[tokens_[c.offset + i]];
    out.append(text.data(), text.size());
  }
  return out;
}

}  // namespace internal

struct TemplateMiner::Impl {
  explicit Impl(const TemplateMinerOptions& options) : tree(options) {}
  internal::DrainTree tree;
};

TemplateMiner::TemplateMiner(TemplateMinerOptions options)
    : impl_(std::make_unique<Impl>(options)) {}
TemplateMiner::~TemplateMiner() = default;
TemplateMiner::TemplateMiner(TemplateMiner&&) noexcept = default;
TemplateMiner& TemplateMiner::operator=(TemplateMiner&&) noexcept = default;

std::uint32_t TemplateMiner::Add(std::string_view message) { return impl_->tree.Add(message); }
std::size_t TemplateMiner::size() const { return impl_->tree.size(); }
std::string TemplateMiner::Template(std::uint32_t id) const { return impl_->tree.Template(id); }
std::uint64_t TemplateMiner::Count(std::uint32_t id) const { return impl_->tree.Count(id); }
std::uint64_t TemplateMiner::overflowed() const { return impl_->tree.overflowed(); }
const TemplateMinerOptions& TemplateMiner::options() const { return impl_->tree.options(); }

}  // namespace faultline
