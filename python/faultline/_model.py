"""The high-level model classes: :class:`ModelBuilder` and :class:`Snapshot`.

They subclass the compiled classes of :mod:`faultline._core` and add what is easier in
Python: pandas DataFrames, networkx graphs and pickling. Every compiled method stays
available unchanged.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple, Union

from faultline import _alerts_events
from faultline import _core
from faultline._inputs import BuilderInputs
from faultline import _logs
from faultline import _metrics

if TYPE_CHECKING:
    import networkx
    import pandas

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["ModelBuilder", "Snapshot"]


def _frame(columns: Dict[str, Any], nullable: Iterable[str], order: Optional[List[str]] = None) -> "pandas.DataFrame":
    """A DataFrame from columns; `nullable` string columns keep None (object dtype)."""
    import pandas as pd

    data = {
        name: pd.Series(values, dtype=object) if name in nullable else values
        for name, values in columns.items()
    }
    return pd.DataFrame(data, columns=order if order is not None else list(columns))


def _restore_snapshot(data: bytes) -> "Snapshot":
    return Snapshot.deserialize(data, name="<pickle>")


class Snapshot(_core.Snapshot):
    """An immutable graph of graphs: entities, typed edges, subgraphs and statistics.

    Produced by :meth:`ModelBuilder.freeze` or :meth:`Snapshot.load`. Copies share the
    data, so ``Snapshot(other)`` is cheap. A snapshot may be queried from many threads.

    Entities are named by their canonical id (``"service:checkout"``); the dense integer
    index (the row of :meth:`entities`) is accepted wherever an entity is expected.
    """

    alerts = _alerts_events.snapshot_alerts
    events = _alerts_events.snapshot_events
    metrics = _metrics.snapshot_metrics

    @classmethod
    def load(cls, path: PathLike) -> "Snapshot":  # type: ignore[override]
        """Read a snapshot file written by :meth:`save`.

        Parameters
        ----------
        path : str or os.PathLike
            The snapshot file.

        Returns
        -------
        Snapshot

        Raises
        ------
        NoSuchFileError
            The file does not exist (a :class:`FileNotFoundError`).
        ValueError
            The file is not a snapshot.
        faultline.Error
            The file is truncated or corrupt, or has a newer format version. The message
            names the path.
        """
        return cls(_core.Snapshot.load(os.fspath(path)))

    @classmethod
    def deserialize(cls, data: bytes, name: str = "<bytes>") -> "Snapshot":  # type: ignore[override]
        """Read a snapshot from the bytes :meth:`serialize` returned.

        Parameters
        ----------
        data : bytes
            The serialized snapshot.
        name : str, optional
            What error messages call the data.

        Returns
        -------
        Snapshot
        """
        return cls(_core.Snapshot.deserialize(bytes(data), name))

    def __reduce__(self) -> Tuple[Any, Tuple[bytes]]:
        return (_restore_snapshot, (self.serialize(),))

    def __copy__(self) -> "Snapshot":
        return type(self)(self)

    def __deepcopy__(self, memo: Any) -> "Snapshot":
        return type(self)(self)

    # --- DataFrames --------------------------------------------------------------------

    def entities(self, expand_attributes: bool = False) -> "pandas.DataFrame":
        """Every entity, one row each, indexed by entity index.

        Parameters
        ----------
        expand_attributes : bool, default False
            Also add one column ``attributes.<key>`` per attribute key (None where an
            entity lacks the key).

        Returns
        -------
        pandas.DataFrame
            Columns ``id``, ``kind``, ``subgraph`` (the home subgraph) and ``attributes``
            (a dict per row).
        """
        import pandas as pd

        columns = self._entity_columns()
        frame = _frame(columns, ("subgraph",), ["id", "kind", "subgraph", "attributes"])
        frame.index.name = "entity"
        if expand_attributes and len(frame):
            expanded = pd.DataFrame.from_records(list(columns["attributes"]), index=frame.index)
            expanded = expanded.astype(object).where(expanded.notna(), None)
            expanded.columns = [f"attributes.{key}" for key in expanded.columns]
            frame = pd.concat([frame, expanded], axis=1)
        return frame

    def edges(
        self, begin_ns: Optional[int] = None, end_ns: Optional[int] = None
    ) -> "pandas.DataFrame":
        """Every edge, one row each, indexed by edge index.

        Parameters
        ----------
        begin_ns, end_ns : int, optional
            The statistics window ``[begin_ns, end_ns)`` in Unix nanoseconds; all recorded
            time when both are omitted.

        Returns
        -------
        pandas.DataFrame
            Columns ``source``, ``target`` (dependent and dependency ids), ``kind``,
            ``subgraph`` (None for a cross link), ``link_set``, ``link_rule`` and
            ``link_detail`` (None for a subgraph edge). When the snapshot has statistics,
            also ``requests``, ``errors``, ``error_rate``, ``latency_p50_ms``,
            ``latency_p99_ms`` and ``latency_mean_ms`` (NaN where nothing was recorded).
        """
        import pandas as pd

        columns = self._edge_columns(begin_ns, end_ns)
        columns.pop("source_index", None)
        columns.pop("target_index", None)
        frame = _frame(columns, ("subgraph", "link_set", "link_rule", "link_detail"))
        frame.index.name = "edge"
        return frame

    def subgraphs(self) -> "pandas.DataFrame":
        """Every subgraph, one row each, in creation order.

        Returns
        -------
        pandas.DataFrame
            Columns ``id``, ``kind``, ``parent`` (None for a top-level subgraph),
            ``version``, ``members`` (entity count), ``edges`` (edges owned) and
            ``attributes`` (a dict per row).
        """
        frame = _frame(
            self._subgraph_columns(),
            ("parent",),
            ["id", "kind", "parent", "version", "members", "edges", "attributes"],
        )
        frame.index.name = "subgraph"
        return frame

    # --- networkx ----------------------------------------------------------------------

    def to_networkx(self) -> "networkx.MultiDiGraph":
        """The whole model as a networkx multigraph.

        Returns
        -------
        networkx.MultiDiGraph
            One node per entity id with attributes ``kind``, ``subgraph`` and
            ``attributes``; one edge per snapshot edge (dependent -> dependency), keyed by
            edge index, with attributes ``kind``, ``subgraph``, ``link_rule`` and the
            statistics columns of :meth:`edges` when present.
        """
        import networkx as nx

        graph = nx.MultiDiGraph(bucket_width_ns=self.bucket_width_ns)
        ents = self._entity_columns()
        graph.add_nodes_from(
            (id_, {"kind": kind, "subgraph": sub, "attributes": attrs})
            for id_, kind, sub, attrs in zip(
                ents["id"], ents["kind"], ents["subgraph"], ents["attributes"]
            )
        )
        cols = self._edge_columns()
        stat_names = [
            name
            for name in (
                "requests",
                "errors",
                "error_rate",
                "latency_p50_ms",
                "latency_p99_ms",
                "latency_mean_ms",
            )
            if name in cols
        ]
        stats = [cols[name].tolist() for name in stat_names]
        for i, (source, target, kind, sub, rule) in enumerate(
            zip(cols["source"], cols["target"], cols["kind"], cols["subgraph"], cols["link_rule"])
        ):
            attrs = {"kind": kind, "subgraph": sub, "link_rule": rule}
            for name, values in zip(stat_names, stats):
                attrs[name] = values[i]
            graph.add_edge(source, target, key=i, **attrs)
        return graph

    def meta_graph(self) -> "networkx.DiGraph":
        """The meta-graph: one node per subgraph, one edge per linked pair.

        Returns
        -------
        networkx.DiGraph
            Nodes are subgraph ids with attributes ``kind``, ``parent``, ``version``,
            ``members`` and ``edges``; an edge A -> B with attribute ``edge_count`` means
            that many edges lead from entities homed in A to entities homed in B.
        """
        import networkx as nx

        graph = nx.DiGraph()
        cols = self._subgraph_columns()
        for i, name in enumerate(cols["id"]):
            graph.add_node(
                name,
                kind=cols["kind"][i],
                parent=cols["parent"][i],
                version=int(cols["version"][i]),
                members=int(cols["members"][i]),
                edges=int(cols["edges"][i]),
            )
        for source, target, count in self._meta_edges():
            graph.add_edge(source, target, edge_count=count)
        return graph

    def meta_edges(self) -> "list[tuple[str, str, int]]":
        """The meta-graph edges as a list.

        Returns
        -------
        list of (str, str, int)
            ``(from_subgraph, to_subgraph, edge_count)``, sorted by subgraph creation
            order.
        """
        return list(self._meta_edges())

    log_counts = _logs.log_counts
    log_templates = _logs.log_templates


class ModelBuilder(BuilderInputs, _core.ModelBuilder):
    """The mutable graph of graphs: subgraphs, entities, typed edges, statistics, links.

    Parameters
    ----------
    bucket_width_ns : int, optional
        Width of the statistics time buckets (default 10 s).

    Notes
    -----
    The input calls (:meth:`add_traces`, :meth:`add_topology`,
    :meth:`add_terraform_state`, :meth:`add_terraform_plan`, :meth:`link_infrastructure`,
    :meth:`add_links`) each return a report object (:mod:`faultline._reports`) of one
    shape for one source or a list.

    One writer at a time: do not call a builder from two threads at once. ``freeze()``
    releases the GIL and leaves the builder unchanged, ready for the next snapshot.
    """

    add_alerts = _alerts_events.add_alerts
    add_events = _alerts_events.add_events
    add_metrics = _metrics.add_metrics

    def freeze(self) -> Snapshot:
        """Flatten every live subgraph and cross link into an immutable snapshot.

        Returns
        -------
        Snapshot

        Raises
        ------
        faultline.Error
            The model cannot be frozen.
        """
        return Snapshot(super().freeze())

    def copy(self) -> "ModelBuilder":
        """An independent copy of this builder.

        Returns
        -------
        ModelBuilder
        """
        return type(self)(self)

    __copy__ = copy

    add_logs = _logs.add_logs
