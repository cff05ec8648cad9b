"""Report objects: what each input call of :class:`~faultline.ModelBuilder` read and built.

Every input call returns a report of one shape, whether it was given one source or a list:
``files`` holds one entry per source read, and the other fields are totals over those
files (plus, for traces, the ``summary`` of the stream). Fields read as attributes
(``report.spans_accepted``) or as items (``report["summary"]["traces"]``); ``to_dict()``
gives plain JSON-ready data and ``to_dataframe()`` a pandas DataFrame.

A report over a single source also answers that file's own fields (``report.subgraph``,
``report["format"]``); over several files they are read from ``report.files[i]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Dict,
    Iterator,
    List,
    Sequence,
    Tuple,
)

if TYPE_CHECKING:
    import pandas

__all__ = [
    "Record",
    "Report",
    "InputReport",
    "TopologyReport",
    "TraceReport",
    "TerraformStateReport",
    "TerraformPlanReport",
    "LinkMappingReport",
    "LinkReport",
    "SignalReport",
    "AlertReport",
    "EventReport",
    "LogReport",
    "MetricReport",
]


def _plain(value: Any) -> Any:
    """`value` as plain data: records become dicts, containers are copied."""
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class Record(Mapping):
    """Named read-only fields, read as attributes or as items.

    Parameters
    ----------
    fields : mapping of str to object
        The fields, in the order to keep.

    Notes
    -----
    A record is a read-only :class:`collections.abc.Mapping`: ``record["name"]``,
    ``record.get("name")``, ``"name" in record`` and iteration over the field names all
    work, and a record compares equal to a dict with the same items.
    """

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_fields", dict(fields))

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as error:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}") from error

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self._fields))

    def __reduce__(self) -> Tuple[Any, Tuple[Dict[str, Any]]]:
        return (type(self), (self._fields,))

    def to_dict(self) -> Dict[str, Any]:
        """The fields as plain data.

        Returns
        -------
        dict
            A deep copy in which nested records are dicts and sequences are lists, ready
            for :func:`json.dumps`.
        """
        return {key: _plain(value) for key, value in self._fields.items()}

    def _repr_fields(self) -> List[str]:
        parts = []
        for key, value in self._fields.items():
            if isinstance(value, (bool, int, float, str)) or value is None:
                parts.append(f"{key}={value!r}")
            elif isinstance(value, (list, Mapping)) and not isinstance(value, Record):
                parts.append(f"{key}=<{len(value)}>")
        return parts

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {' '.join(self._repr_fields())}>"


class Report(Record):
    """The base of every report: a record that is also a table."""

    __slots__ = ()

    def to_dataframe(self) -> "pandas.DataFrame":
        """The report as a table.

        Returns
        -------
        pandas.DataFrame
        """
        raise NotImplementedError


class InputReport(Report):
    """What one input call read: an entry per source plus totals over them.

    Built with :meth:`from_files`. ``files`` holds one :class:`Record` per source, in the
    order given, ``sources`` their names (the path, or the name given for bytes). Each
    subclass names its totals: fields summed over the files, counts merged by key, lists
    concatenated, and per-file names collected into a list (``subgraphs``, ``stacks``).
    """

    __slots__ = ()

    _SUMMED: ClassVar[Tuple[str, ...]] = ()
    _COUNTS_MERGED: ClassVar[Tuple[str, ...]] = ()
    _CONCATENATED: ClassVar[Tuple[str, ...]] = ()
    _COLLECTED: ClassVar[Tuple[Tuple[str, str], ...]] = ()  # (total, per-file field)

    @classmethod
    def from_files(
        cls, files: Sequence[Mapping[str, Any]], **sections: Mapping[str, Any]
    ) -> "InputReport":
        """The report over `files`, with their totals.

        Parameters
        ----------
        files : sequence of mapping
            One mapping per source read, each with a ``source`` field and the fields
            this report's totals are computed from.
        **sections : mapping
            Further parts of the report that belong to no one file (the trace summary).

        Returns
        -------
        InputReport
            An instance of the class it is called on.
        """
        records = [f if isinstance(f, Record) else Record(f) for f in files]
        fields: Dict[str, Any] = {"files": records, "sources": [r["source"] for r in records]}
        fields.update(cls._totals(records))
        for name, section in sections.items():
            fields[name] = section if isinstance(section, Record) else Record(section)
        return cls(fields)

    @classmethod
    def _totals(cls, files: Sequence[Record]) -> Dict[str, Any]:
        totals: Dict[str, Any] = {}
        for total, field in cls._COLLECTED:
            totals[total] = [f[field] for f in files]
        for name in cls._SUMMED:
            totals[name] = sum(f[name] for f in files)
        for name in cls._COUNTS_MERGED:
            merged: Dict[str, int] = {}
            for f in files:
                for key, count in f[name].items():
                    merged[key] = merged.get(key, 0) + count
            totals[name] = dict(sorted(merged.items()))
        for name in cls._CONCATENATED:
            totals[name] = [item for f in files for item in f[name]]
        return totals

    def __getitem__(self, key: str) -> Any:
        try:
            return self._fields[key]
        except KeyError:
            pass
        files = self._fields["files"]
        if files and key in files[0]:
            if len(files) == 1:
                return files[0][key]
            raise KeyError(
                f"{key!r} is a per-file field and this report covers {len(files)} files: "
                f"read it from report.files[i]"
            )
        raise KeyError(key)

    def _repr_fields(self) -> List[str]:
        collected = {total for total, _ in self._COLLECTED} | {"sources"}
        parts = [f"{key}={value!r}" for key, value in self._fields.items() if key in collected]
        shown = collected | {"files"}
        return parts + [p for p in super()._repr_fields() if p.split("=")[0] not in shown]

    def to_dataframe(self) -> "pandas.DataFrame":
        """One row per source read, with that file's fields as columns.

        Returns
        -------
        pandas.DataFrame
            Indexed by the position of the source in the call (index name ``file``).
        """
        import pandas as pd

        files = self._fields["files"]
        columns = list(files[0]) if files else ["source"]
        frame = pd.DataFrame.from_records([f.to_dict() for f in files], columns=columns)
        frame.index.name = "file"
        return frame


class TopologyReport(InputReport):
    """What :meth:`~faultline.ModelBuilder.add_topology` read and built.

    Attributes
    ----------
    files : list of Record
        Per topology document: ``source``, ``subgraph`` (the subgraph written),
        ``services``, ``entities`` and ``edges`` (in the subgraph), ``implicit_zones``
        (zones referenced without being declared) and ``warnings``.
    sources, subgraphs : list of str
        The documents read and the subgraphs they wrote.
    services, entities, edges, implicit_zones : int
        Totals over the documents.
    warnings : list of str
        Every document's non-fatal findings.
    """

    __slots__ = ()
    _COLLECTED = (("subgraphs", "subgraph"),)
    _SUMMED = ("services", "entities", "edges", "implicit_zones")
    _CONCATENATED = ("warnings",)


class TraceReport(InputReport):
    """What :meth:`~faultline.ModelBuilder.add_traces` read and built.

    Attributes
    ----------
    files : list of Record
        Per trace file: ``source``, ``format`` (as detected), ``spans_read``,
        ``spans_accepted``, ``rejected`` (reason -> spans) and ``errors`` (the first few,
        with file and line or byte offset).
    sources : list of str
        The files read, as one stream.
    spans_read, spans_accepted, spans_rejected : int
        Totals over the files.
    rejected : dict of str to int
        Rejected spans by reason, over the files.
    errors : list of str
        Every file's first errors.
    summary : Record
        What the stream of spans became: ``traces``, ``spans``, ``paired_calls``,
        ``unkinded_calls``, ``link_edges``, ``virtual_peers``, ``unpaired_client_spans``,
        ``orphan_spans``, ``clock_skew_adjusted``, ``duplicate_spans``, ``split_traces``,
        ``dropped_links``, ``unresolved_links``, ``capped_operation_spans``.
    """

    __slots__ = ()
    _SUMMED = ("spans_read", "spans_accepted")
    _COUNTS_MERGED = ("rejected",)
    _CONCATENATED = ("errors",)

    @classmethod
    def _totals(cls, files: Sequence[Record]) -> Dict[str, Any]:
        totals = super()._totals(files)
        totals["spans_rejected"] = sum(totals["rejected"].values())
        return totals


class TerraformStateReport(InputReport):
    """What :meth:`~faultline.ModelBuilder.add_terraform_state` read and built.

    Attributes
    ----------
    files : list of Record
        Per state: ``source``, ``stack``, ``subgraph``, ``serial``, ``previous_serial``
        (0 for a first load), ``resources``, ``data_sources``, ``instances``, ``modules``,
        ``dependency_edges``, ``transitive_dependencies_removed``, ``placement_edges``,
        ``remote_state_links``, ``dangling_dependencies``, ``unresolved_remote_states``,
        ``changes`` (``kind``, ``address``, ``attributes`` of each change since the previous
        serial), ``attributes_dropped``, ``sensitive_attributes_dropped`` and ``warnings``.
    sources, stacks, subgraphs : list of str
        The states read, the stacks they are and the subgraphs they wrote.
    resources, data_sources, instances, modules, dependency_edges : int
        Totals over the states.
    transitive_dependencies_removed, placement_edges, remote_state_links : int
        Totals over the states.
    attributes_dropped, sensitive_attributes_dropped : int
        Totals over the states: attributes not kept, and of those the ones marked sensitive.
    dangling_dependencies, unresolved_remote_states, changes, warnings : list
        Every state's entries, in the order of the files.
    """

    __slots__ = ()
    _COLLECTED = (("stacks", "stack"), ("subgraphs", "subgraph"))
    _SUMMED = (
        "resources",
        "data_sources",
        "instances",
        "modules",
        "dependency_edges",
        "transitive_dependencies_removed",
        "placement_edges",
        "remote_state_links",
        "attributes_dropped",
        "sensitive_attributes_dropped",
    )
    _CONCATENATED = ("dangling_dependencies", "unresolved_remote_states", "changes", "warnings")


class TerraformPlanReport(InputReport):
    """What :meth:`~faultline.ModelBuilder.add_terraform_plan` read and built.

    Attributes
    ----------
    files : list of Record
        Per plan: ``source``, ``stack``, ``subgraph``, ``creates``, ``updates``,
        ``deletes``, ``replaces``, ``skipped`` (no-op and read actions),
        ``references_added``, ``attributes_dropped`` and ``warnings``.
    sources, stacks, subgraphs : list of str
        The plans read, their stacks and the subgraphs they wrote.
    creates, updates, deletes, replaces, skipped, references_added, attributes_dropped : int
        Totals over the plans.
    warnings : list of str
        Every plan's non-fatal findings.
    """

    __slots__ = ()
    _COLLECTED = (("stacks", "stack"), ("subgraphs", "subgraph"))
    _SUMMED = (
        "creates",
        "updates",
        "deletes",
        "replaces",
        "skipped",
        "references_added",
        "attributes_dropped",
    )
    _CONCATENATED = ("warnings",)


class LinkMappingReport(InputReport):
    """What :meth:`~faultline.ModelBuilder.add_links` added.

    Attributes
    ----------
    files : list of Record
        Per mapping: ``source`` (the file, or ``"<list>"`` for links given inline) and
        ``links`` (links added).
    sources : list of str
        The mappings read.
    links : int
        Links added, over the mappings.
    """

    __slots__ = ()
    _SUMMED = ("links",)


class LinkReport(Report):
    """What :meth:`~faultline.ModelBuilder.link_infrastructure` linked.

    Attributes
    ----------
    links : int
        Links made, over every rule.
    links_by_rule : dict of str to int
        Links made by each rule (endpoint, k8s, function, label, queue, host, ...).
    unlinked_traced : list of str
        Traced services, databases, queues and externals linked to no resource.
    unlinked_infrastructure : list of str
        Workloads and datastores in IaC that no traced entity is linked to.
    """

    __slots__ = ()

    @classmethod
    def from_links(cls, fields: Mapping[str, Any]) -> "LinkReport":
        """The report over what the linker returned.

        Parameters
        ----------
        fields : mapping
            ``links_by_rule``, ``unlinked_traced`` and ``unlinked_infrastructure``.

        Returns
        -------
        LinkReport
            With ``links``, the total over the rules, first.
        """
        return cls({"links": sum(fields["links_by_rule"].values()), **fields})

    def to_dataframe(self) -> "pandas.DataFrame":
        """One row per linking rule that made links.

        Returns
        -------
        pandas.DataFrame
            Columns ``rule`` and ``links``, in rule order.
        """
        import pandas as pd

        by_rule = self._fields["links_by_rule"]
        return pd.DataFrame({"rule": list(by_rule), "links": list(by_rule.values())})


class SignalReport(InputReport):
    """What a signal input call (metrics, logs, alerts, change events) read and kept.

    Attributes
    ----------
    files : list of Record
        Per source: ``source``, ``format`` (as detected or named), ``subgraph``, ``read``
        and ``accepted`` records, ``rejected`` (reason -> count), ``errors`` (the first
        few, with line and column or offset) and ``unmapped`` (label sets that named no
        entity), plus the fields of the signal.
    sources, formats : list of str
        The sources read and their formats.
    read, accepted : int
        Totals over the sources.
    rejected : dict of str to int
        Rejected records by reason, over the sources.
    errors, unmapped : list of str
        Every source's errors and unmapped label sets.
    """

    __slots__ = ()
    # What one record is called in printed accounts ("alerts", "events", "samples").
    NOUN: ClassVar[str] = "records"
    _COLLECTED = (("formats", "format"),)
    _SUMMED = ("read", "accepted")
    _COUNTS_MERGED = ("rejected",)
    _CONCATENATED = ("errors", "unmapped")


class AlertReport(SignalReport):
    """What :meth:`~faultline.ModelBuilder.add_alerts` read: a :class:`SignalReport` with
    ``merged`` (repeats of one alert folded into one record) summed over the sources."""

    __slots__ = ()
    NOUN = "alerts"
    _SUMMED = ("read", "accepted", "merged")


class EventReport(SignalReport):
    """What :meth:`~faultline.ModelBuilder.add_events` read: a :class:`SignalReport` with
    ``by_kind`` (events kept per change kind) merged over the sources."""

    __slots__ = ()
    NOUN = "events"
    _COUNTS_MERGED = ("rejected", "by_kind")


class LogReport(SignalReport):
    """What :meth:`~faultline.ModelBuilder.add_logs` read, mined and kept.

    Per source (``files``): ``records_read``, ``records_accepted``, ``rejected``,
    ``errors``, ``unmapped_labels``, ``by_severity``, ``untemplated``, ``records_with_span``
    and ``operation_records``; over the call: those summed, and ``templates`` (templates
    in the model after the call), ``template_ids``, ``template_overflow`` and ``entities``
    (entities holding log counts).
    """

    __slots__ = ()
    NOUN = "log records"
    _SUMMED = ("records_read", "records_accepted", "untemplated", "records_with_span",
               "operation_records")
    _COUNTS_MERGED = ("rejected", "by_severity")
    _CONCATENATED = ("errors", "unmapped_labels")
    _BATCH: ClassVar[Tuple[str, ...]] = ("templates", "template_ids", "template_overflow",
                                         "entities")

    @classmethod
    def from_batch(cls, result: Mapping[str, Any]) -> "LogReport":
        """The report over the dict the compiled reader returns (one file's fields, or
        ``files``, plus the fields of the whole call)."""
        files = result["files"] if "files" in result else [
            {k: v for k, v in result.items() if k not in cls._BATCH}]
        fields = dict(cls.from_files(files)._fields)
        fields.update({k: result[k] for k in cls._BATCH if k in result})
        return cls(fields)


class MetricReport(SignalReport):
    """What :meth:`~faultline.ModelBuilder.add_metrics` read: per source (``files``)
    ``samples_read``, ``samples_accepted``, ``points`` (after rate conversion),
    ``series``, ``unmapped_series``, ``unmapped`` (their label sets), ``rejected`` and
    ``errors``; the counts summed over the sources."""

    __slots__ = ()
    NOUN = "samples"
    _SUMMED = ("samples_read", "samples_accepted", "points", "series", "unmapped_series")
