// TraceIngestor and ModelBuilder::AddTraces(): read, decompress, detect, parse, assemble.
#include "faultline/ingest/trace_ingestor.h"

#include "faultline/internal/status_macros.h"
#include "faultline/internal/str_cat.h"
#include "faultline/model/model_builder.h"
#include "ingest/trace_assembler.h"
#include "ingest/trace_parsers.h"

namespace faultline {

std::string_view TraceFormatName(TraceFormat format) {
  switch (format) {
    case TraceFormat::kAuto: return "auto";
    case TraceFormat::kOtlpProto: return "otlp-proto";
    case TraceFormat::kOtlpJson: return "otlp-json";
    case TraceFormat::kJaeger: return "jaeger";
    case TraceFormat::kZipkin: return "zipkin";
    case TraceFormat::kCsv: return "csv";
  }
  return "unknown";
}

absl::StatusOr<TraceFormat> ParseTraceFormat(std::string_view name, CsvMapping* mapping) {
  for (TraceFormat f : {TraceFormat::kAuto, TraceFormat::kOtlpProto, TraceFormat::kOtlpJson,
                        TraceFormat::kJaeger, TraceFormat::kZipkin, TraceFormat::kCsv}) {
    if (TraceFormatName(f) == name) return f;
  }
  if (name == "nezha" || name == "rcaeval") {
    if (mapping != nullptr) *mapping = name == "nezha" ? CsvMapping::Nezha() : CsvMapping::RcaEval();
    return TraceFormat::kCsv;
  }
  return absl::InvalidArgumentError(internal::StrCat(
      "unknown trace format \"", name,
      "\"; expected one of: auto, otlp-proto, otlp-json, jaeger, zipkin, csv, nezha, rcaeval"));
}

TraceIngestor::TraceIngestor(ModelBuilder* builder, TraceOptions options)
    : assembler_(std::make_unique<internal::TraceAssembler>(builder, options)),
      options_(std::move(options)) {}

TraceIngestor::~TraceIngestor() = default;

absl::StatusOr<TraceReport> TraceIngestor::Add(const InputSource& source) {
  std::string storage;
  FAULTLINE_ASSIGN_OR_RETURN(std::string_view bytes, source.View(&storage));
  if (internal::LooksCompressed(bytes)) {
    FAULTLINE_ASSIGN_OR_RETURN(storage, internal::Decompress(std::string(bytes), source.name()));
    bytes = storage;
  }
  TraceReport report;
  report.source = source.name();
  report.format = options_.format;
  if (report.format == TraceFormat::kAuto) {
    FAULTLINE_ASSIGN_OR_RETURN(report.format,
                               internal::DetectTraceFormat(bytes, source.name()));
  }
  internal::ParseContext ctx(source.name(), &report, options_.max_error_messages);
  absl::Status parsed;
  switch (report.format) {
    case TraceFormat::kOtlpProto:
      parsed = internal::ParseOtlpProto(bytes, ctx, *assembler_);
      break;
    case TraceFormat::kOtlpJson:
      parsed = internal::ParseOtlpJson(bytes, ctx, *assembler_);
      break;
    case TraceFormat::kJaeger:
      parsed = internal::ParseJaegerJson(bytes, ctx, *assembler_);
      break;
    case TraceFormat::kZipkin:
      parsed = internal::ParseZipkinJson(bytes, ctx, *assembler_);
      break;
    case TraceFormat::kCsv:
      parsed = internal::ParseCsv(bytes, options_.csv, ctx, *assembler_);
      break;
    case TraceFormat::kAuto:
      parsed = absl::InvalidArgumentError("no trace format");
      break;
  }
  FAULTLINE_RETURN_IF_ERROR(parsed);
  FAULTLINE_RETURN_IF_ERROR(assembler_->status());
  return report;
}

void TraceIngestor::Flush() { assembler_->FlushAll(); }

TraceSummary TraceIngestor::Finish() {
  assembler_->FlushAll();
  return assembler_->summary();
}

const TraceSummary& TraceIngestor::summary() const { return assembler_->summary(); }

const absl::Status& TraceIngestor::status() const { return assembler_->status(); }

std::size_t TraceIngestor::pending_traces() const { return assembler_->pending_traces(); }

absl::StatusOr<TraceReport> AddTraces(ModelBuilder& builder, const InputSource& source,
                                                    const TraceOptions& options) {
  TraceIngestor ingestor(&builder, options);
  auto report = ingestor.Add(source);
  ingestor.Finish();
  if (report.ok()) FAULTLINE_RETURN_IF_ERROR(ingestor.status());
  return report;
}

absl::StatusOr<TraceBatchReport> AddTraces(ModelBuilder& builder,
                                           const std::vector<InputSource>& sources,
                                           const TraceOptions& options) {
  TraceBatchReport batch;
  batch.files.reserve(sources.size());
  TraceIngestor ingestor(&builder, options);
  for (const InputSource& source : sources) {
    auto report = ingestor.Add(source);
    if (!report.ok()) {
      ingestor.Finish();  // what was read stays in the model, as documented
      return report.status();
    }
    batch.files.push_back(*std::move(report));
  }
  batch.summary = ingestor.Finish();
  FAULTLINE_RETURN_IF_ERROR(ingestor.status());
  return batch;
}

}  // namespace faultline
