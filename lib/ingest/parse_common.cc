// ParseContext accounting shared by the trace parsers.
#include "faultline/internal/str_cat.h"
#include "ingest/trace_parsers.h"

namespace faultline::internal {

void ParseContext::Reject(std::string_view reason, std::string_view where) {
  ++report_->rejected[std::string(reason)];
  if (report_->errors.size() < max_messages_) {
    report_->errors.push_back(StrCat(name_, ": ", where, ": ", reason));
  }
}

}  // namespace faultline::internal
