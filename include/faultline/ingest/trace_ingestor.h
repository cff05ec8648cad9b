// faultline/ingest/trace_ingestor.h
//
// TraceIngestor: streams trace files of any supported format into a ModelBuilder. Spans may
// arrive out of order and across files: each trace is buffered until no span of it has been
// seen for TraceOptions::pairing_horizon_ns (event time), then analysed once: client and
// server spans paired into service edges, uninstrumented peers named, entry points, the
// operation graph, placement, and per-bucket statistics (see ingest/traces.h for what the
// graph holds). Memory is bounded by the statistics kept (buckets are not yet expired) plus
// the pending traces: at most TraceOptions::max_pending_traces traces of at most
// max_spans_per_trace spans, and the source being read.
#ifndef FAULTLINE_INGEST_TRACE_INGESTOR_H_
#define FAULTLINE_INGEST_TRACE_INGESTOR_H_

#include <memory>

#include "absl/status/statusor.h"
#include "faultline/io/source.h"
#include "faultline/ingest/traces.h"
#include "faultline/model/model_builder.h"

namespace faultline {

class ModelBuilder;
namespace internal {
class TraceAssembler;
}  // namespace internal

// TraceIngestor
//
// Not thread-safe. `builder` must outlive the ingestor and stay at its address (do not move
// or assign to it meanwhile); replacing or removing the "traces/..." subgraphs meanwhile is
// safe (what the ingestor cached is rebuilt). Freeze after Finish() (or Flush()) so that no
// trace is still pending.
class TraceIngestor {
 public:
  TraceIngestor(ModelBuilder* builder, TraceOptions options = {});
  ~TraceIngestor();
  TraceIngestor(const TraceIngestor&) = delete;
  TraceIngestor& operator=(const TraceIngestor&) = delete;

  // Add()
  //
  // Reads one source (decompressing gzip/zstd, detecting the format unless
  // options.format names it) and feeds its spans. Returns the source's accounting; traces
  // still within the pairing horizon stay pending for later sources. Errors: kNotFound /
  // kPermissionDenied for unreadable files, kDataLoss for a corrupt compressed stream,
  // kInvalidArgument for a source that is not what its format says (naming the offset or
  // line). Spans fed before an error stay fed. O(size of the source).
  absl::StatusOr<TraceReport> Add(const InputSource& source);

  // Flush(): analyses every pending trace now. The ingestor stays usable.
  void Flush();

  // Finish(): Flush() and return the cumulative summary.
  TraceSummary Finish();

  // The cumulative summary of analysed traces.
  const TraceSummary& summary() const;

  // status(): OK, or the first error the model returned while analysing traces (Add()
  // returns it too; after Flush() / Finish() check it here).
  const absl::Status& status() const;

  // Traces buffered, not yet analysed.
  std::size_t pending_traces() const;

 private:
  std::unique_ptr<internal::TraceAssembler> assembler_;
  TraceOptions options_;
};

// ParseTraceFormat()
//
// "auto", "otlp-proto", "otlp-json", "jaeger", "zipkin", "csv", and the CSV presets "nezha"
// and "rcaeval" (which also set `mapping`, when non-null). kInvalidArgument listing the
// names otherwise.
absl::StatusOr<TraceFormat> ParseTraceFormat(std::string_view name, CsvMapping* mapping);

// AddTraces()
//
// Reads one trace source (any supported format, gzip/zstd transparently) into the
// "traces/ENV" subgraphs and analyses all of its traces (see ingest/trace_ingestor.h;
// use the overload below or a TraceIngestor for several files whose traces span file
// boundaries).
// Returns the source's accounting: spans read, accepted, rejected by reason, the first
// errors with file and line or offset. Errors as TraceIngestor::Add().
absl::StatusOr<TraceReport> AddTraces(ModelBuilder& builder, const InputSource& source,
                                      const TraceOptions& options = {});

// TraceBatchReport: what AddTraces() made of several sources read as one stream.
struct TraceBatchReport {
  std::vector<TraceReport> files;  // one per source, in order
  TraceSummary summary;            // the assembler's summary over all of them
};

// AddTraces() (several sources)
//
// Reads `sources` in order through one TraceIngestor, so a trace whose spans are split
// across files is assembled whole, then analyses every pending trace. Returns each
// source's accounting and the cumulative summary. On an error the status names the source
// that failed; spans of the sources read before it (and of it, up to the error) stay in
// the model, as with TraceIngestor. O(total size of the sources).
absl::StatusOr<TraceBatchReport> AddTraces(ModelBuilder& builder,
                                           const std::vector<InputSource>& sources,
                                           const TraceOptions& options = {});

}  // namespace faultline

#endif  // FAULTLINE_INGEST_TRACE_INGESTOR_H_
