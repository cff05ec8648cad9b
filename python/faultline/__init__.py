"""faultline: causal root-cause analysis over traces and infrastructure-as-code.

Build a model with :class:`ModelBuilder`, whose input calls return report objects
(:class:`TraceReport`, :class:`TopologyReport`, ...), freeze it into an immutable
:class:`Snapshot`, and query it: entity lookups, neighbours, subgraphs, the meta-graph,
pandas DataFrames and networkx graphs. Exporters are in :mod:`faultline.report`.

Examples
--------
>>> import faultline
>>> b = faultline.ModelBuilder()
>>> _ = b.add_subgraph("traces/prod", kind="traces")
>>> _ = b.add_entity("traces/prod", "service", "service:frontend")
>>> _ = b.add_entity("traces/prod", "service", "service:checkout")
>>> b.add_edge("traces/prod", "service:frontend", "service:checkout", "calls")
>>> snap = b.freeze()
>>> snap.out_neighbors("service:frontend")
['service:checkout']
"""

from faultline._core import (
    DEFAULT_BUCKET_WIDTH_NS,
    EDGE_KINDS,
    ENTITY_KINDS,
    Error,
    NoSuchFileError,
    __version__,
)
from faultline._alerts_events import read_alerts, read_events
from faultline._inputs import read_link_mapping
from faultline._logs import read_logs
from faultline._metrics import read_metrics
from faultline._model import ModelBuilder, Snapshot
from faultline._reports import (
    LinkMappingReport,
    LinkReport,
    AlertReport,
    EventReport,
    LogReport,
    MetricReport,
    Report,
    SignalReport,
    TerraformPlanReport,
    TerraformStateReport,
    TopologyReport,
    TraceReport,
)
from faultline._signals import dependency_kinds, edge_propagation, trace_anomalies

__all__ = [
    "DEFAULT_BUCKET_WIDTH_NS",
    "EDGE_KINDS",
    "ENTITY_KINDS",
    "Error",
    "LinkMappingReport",
    "LinkReport",
    "ModelBuilder",
    "NoSuchFileError",
    "AlertReport",
    "EventReport",
    "LogReport",
    "MetricReport",
    "Report",
    "SignalReport",
    "Snapshot",
    "TerraformPlanReport",
    "TerraformStateReport",
    "TopologyReport",
    "TraceReport",
    "__version__",
    "read_link_mapping",
    "dependency_kinds",
    "edge_propagation",
    "read_alerts",
    "read_events",
    "read_logs",
    "read_metrics",
    "trace_anomalies",
]
