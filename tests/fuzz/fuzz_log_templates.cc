// Fuzz target: TemplateMiner on the lines of arbitrary bytes, with options taken from the
// first bytes. Invariants: a template has as many tokens as the messages it absorbed, its
// text keeps every token of the message that is not "<*>" or masked, the counts add up to
// the messages mined, and mining the same lines again gives the same ids.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/ingest/log_templates.h"

namespace {

std::size_t Tokens(std::string_view s, std::string_view extra) {
  std::size_t n = 0;
  bool in = false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool delim = u == ' ' || (u >= '\t' && u <= '\r') || (u >= 0x1c && u <= 0x1f) ||
                       extra.find(c) != std::string_view::npos;
    if (!delim && !in) ++n;
    in = !delim;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  faultline::TemplateMinerOptions options;
  options.depth = 3 + data[0] % 4;
  options.similarity = (data[1] % 11) / 10.0;
  options.max_children = 2 + data[2] % 8;
  options.max_templates = 50;
  options.max_tokens = 200;
  options.mask_digits = (data[0] & 0x80) == 0;
  if (data[1] & 0x80) options.extra_delimiters = "=,:";
  const std::string_view text(reinterpret_cast<const char*>(data + 3), size - 3);
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  faultline::TemplateMiner first(options), second(options);
  std::uint64_t mined = 0;
  for (std::string_view line : lines) {
    const std::uint32_t a = first.Add(line);
    if (a != second.Add(line)) std::abort();
    if (a == faultline::TemplateMiner::kNoTemplate) {
      if (Tokens(line, options.extra_delimiters) != 0) std::abort();
      continue;
    }
    if (a == faultline::TemplateMiner::kOverflow) continue;
    ++mined;
    if (a >= first.size()) std::abort();
    if (Tokens(first.Template(a), "") != Tokens(line, options.extra_delimiters)) std::abort();
  }
  std::uint64_t total = 0;
  for (std::uint32_t id = 0; id < first.size(); ++id) {
    total += first.Count(id);
    if (first.Template(id) != second.Template(id)) std::abort();
  }
  if (total != mined) std::abort();
  return 0;
}
