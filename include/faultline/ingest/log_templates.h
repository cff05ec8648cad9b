// faultline/ingest/log_templates.h
//
// TemplateMiner: an online log template miner (Drain: He et al., ICWS 2017, as the
// `drain3` package implements it), so that log messages are counted by their template
// ("Payment of <*> failed for order <*>") instead of kept.
//
// A message is split into tokens at white space (and at TemplateMinerOptions::
// extra_delimiters). Tokens holding an ASCII digit are variables before anything else
// (masked as "<*>"). The message is then routed through a fixed-depth parse tree: first by
// its token count, then by its leading tokens (depth - 2 levels, token count included:
// depth 4 routes by the count and the first token). A token seen beside max_children - 1
// others at a tree level goes to the "<*>" child instead. Among the templates of the
// leaf reached, the most similar one (similarity = tokens equal at the same position,
// "<*>" positions excluded, over the token count; ties: more "<*>" positions, then the
// older template) absorbs the message when its similarity is at least `similarity`: every
// position where they differ becomes "<*>". Otherwise, when a template has exactly the
// message's tokens it takes the message (Drain counts only constant tokens as similar, so a
// message mostly made of variables would otherwise start another template with the same
// text every time); else the message starts a new template.
//
// Identity: a template is a cluster; its id (dense from 0, in order of creation) never
// changes, while its text may generalize as later messages are absorbed ("user <*> logged
// in" after "user alice logged in"). Template(id) is always the current text. Readers that
// store counts in a model (ingest/logs.h) count per cluster id while reading and intern the
// final texts once the input is read (ModelBuilder::InternLogTemplate()), so a count is
// never split across the intermediate texts of one cluster.
//
// Determinism: the same messages in the same order give the same ids and texts, on every
// platform and run (no hash iteration order is consulted).
//
// With the same options and with digit tokens masked the same way (a drain3 masking
// instruction `\S*\d\S*` -> `*`), every message gets the template text drain3 gives it
// (bench/log_compare.py measures the agreement); the templates differ from drain3's only
// where drain3 keeps several templates of one text (see above), which are one here.
//
// Memory: O(distinct tokens + templates x tokens per template), bounded by max_templates
// and max_tokens. Not thread-safe.
#ifndef FAULTLINE_INGEST_LOG_TEMPLATES_H_
#define FAULTLINE_INGEST_LOG_TEMPLATES_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

namespace faultline {

// TemplateMinerOptions
struct TemplateMinerOptions {
  // Depth of the parse tree, >= 3 (values below 3 count as 3): the token-count level, then
  // depth - 3 levels of leading tokens, then the leaves (drain3's `depth`, default 4).
  int depth = 4;
  // Least similarity for a message to join a template, in [0, 1] (drain3's `sim_th`).
  double similarity = 0.4;
  // Most children of a tree node, >= 2 (drain3's `max_children`).
  std::size_t max_children = 100;
  // Most templates; a message that would start another gets kOverflow (counted by
  // severity only by the readers). 0: no limit.
  std::size_t max_templates = 100'000;
  // Most distinct token texts remembered; beyond, a token never seen before is a
  // variable ("<*>"). 0: no limit.
  std::size_t max_tokens = 1'000'000;
  // Tokens holding an ASCII digit are variables ("<*>") from the start. When false they
  // are kept, but routed through the "<*>" tree child as drain3 does.
  bool mask_digits = true;
  // Characters that separate tokens besides white space (drain3's `extra_delimiters`).
  std::string extra_delimiters;
};

// TemplateMiner
class TemplateMiner {
 public:
  // No template: the message has no tokens (empty or white space only).
  static constexpr std::uint32_t kNoTemplate = std::numeric_limits<std::uint32_t>::max();
  // No room: the message would start a template beyond max_templates.
  static constexpr std::uint32_t kOverflow = kNoTemplate - 1;
  // The text of a variable position.
  static constexpr std::string_view kParam = "<*>";

  explicit TemplateMiner(TemplateMinerOptions options = {});
  ~TemplateMiner();
  TemplateMiner(TemplateMiner&&) noexcept;
  TemplateMiner& operator=(TemplateMiner&&) noexcept;
  TemplateMiner(const TemplateMiner&) = delete;
  TemplateMiner& operator=(const TemplateMiner&) = delete;

  // Add(): mines one message; returns its template id, kNoTemplate or kOverflow.
  // O(|message| + templates in the leaf reached x tokens).
  std::uint32_t Add(std::string_view message);

  // size(): templates mined so far (ids are 0 .. size() - 1).
  std::size_t size() const;
  // Template(): the current text of template `id` (tokens joined by one space; "" for an
  // id out of range). O(tokens).
  std::string Template(std::uint32_t id) const;
  // Count(): the messages template `id` absorbed (0 for an id out of range).
  std::uint64_t Count(std::uint32_t id) const;
  // overflowed(): messages that got kOverflow.
  std::uint64_t overflowed() const;

  const TemplateMinerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace faultline

#endif  // FAULTLINE_INGEST_LOG_TEMPLATES_H_
