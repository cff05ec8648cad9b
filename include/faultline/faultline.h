// faultline/faultline.h: umbrella header. Includes the public API, nothing else.
#ifndef FAULTLINE_FAULTLINE_H_
#define FAULTLINE_FAULTLINE_H_

#include "faultline/version.h"
#include "faultline/io/source.h"
#include "faultline/model/entity.h"
#include "faultline/model/edge.h"
#include "faultline/model/interner.h"
#include "faultline/model/latency_sketch.h"
#include "faultline/model/windowed_stats.h"
#include "faultline/model/model_builder.h"
#include "faultline/model/snapshot.h"
#include "faultline/iac/linker.h"
#include "faultline/iac/terraform_graph.h"
#include "faultline/iac/terraform_plan.h"
#include "faultline/iac/terraform_state.h"
#include "faultline/ingest/topology.h"
#include "faultline/ingest/span.h"
#include "faultline/ingest/traces.h"
#include "faultline/ingest/trace_ingestor.h"
#include "faultline/signals/trace_signals.h"

#endif  // FAULTLINE_FAULTLINE_H_
