// A planted violation for the "layering_catches_violation" test: model includes ingest.
#include "faultline/ingest/traces.h"
