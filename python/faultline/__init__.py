"""faultline: causal root-cause analysis over traces and infrastructure-as-code.

Build a model with :class:`ModelBuilder`, freeze it into an immutable :class:`Snapshot`,
and query it: entity lookups, neighbours, subgraphs, the meta-graph, pandas DataFrames and
networkx graphs.

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
    TopologyReport,
    __version__,
)
from faultline._metrics import read_metrics
from faultline._model import ModelBuilder, Snapshot
from faultline._signals import dependency_kinds, edge_propagation, trace_anomalies

__all__ = [
    "DEFAULT_BUCKET_WIDTH_NS",
    "EDGE_KINDS",
    "ENTITY_KINDS",
    "Error",
    "ModelBuilder",
    "Snapshot",
    "TopologyReport",
    "__version__",
    "dependency_kinds",
    "edge_propagation",
    "read_metrics",
    "trace_anomalies",
]
