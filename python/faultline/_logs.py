"""Logs: reading log records, adding their counts to a model, and the snapshot's log views.

The compiled readers (``faultline/ingest/logs.h``) do the work; this module adds pandas:
``faultline.read_logs`` returns a DataFrame, ``ModelBuilder.add_logs`` also takes one, and
``Snapshot.log_templates`` / ``Snapshot.log_counts`` return the model's log counts as
DataFrames.

The model keeps no message: per entity and time bucket it counts records by severity and by
log template (templates mined by a Drain-style miner, ids shared by equal texts). It does
not keep the severity of each template's records, only the two counts side by side, so
``log_templates`` has no per-severity columns; ``log_counts`` has them per bucket.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Tuple, Union

from faultline import _core
from faultline._reports import LogReport

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["read_logs", "add_logs", "log_templates", "log_counts", "SEVERITIES"]

Source = Union[str, "os.PathLike[str]", bytes]
Window = Tuple[int, int]

#: Severity names, lowest first (OpenTelemetry's ranges; "unspecified" when unknown).
SEVERITIES = ("unspecified", "trace", "debug", "info", "warn", "error", "fatal")

_LOG_COLUMNS = ["time_ns", "entity", "severity", "template_id", "template", "message",
                "trace_id", "span_id", "operation"]


def _is_frame(obj: Any) -> bool:
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "to_csv")


def _frame_to_csv(frame: "pandas.DataFrame", mapping: Optional[Dict[str, Any]]) -> bytes:
    """A DataFrame as CSV bytes; a datetime time column becomes Unix nanoseconds."""
    import pandas as pd

    time_column = (mapping or {}).get("time", "time")
    frame = frame.copy()
    if time_column in frame.columns and pd.api.types.is_datetime64_any_dtype(frame[time_column]):
        column = frame[time_column]
        if getattr(column.dt, "tz", None) is None:
            column = column.dt.tz_localize("UTC")
        # Nanoseconds since the epoch, whatever the column's resolution.
        frame[time_column] = (column - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(nanoseconds=1)
    return frame.to_csv(index=False).encode()


def _sources(source: Any, mapping: Optional[Dict[str, Any]]) -> Tuple[Any, Optional[str], Optional[Dict[str, Any]]]:
    if _is_frame(source):
        csv_mapping = dict(mapping or {})
        if "time_unit" not in csv_mapping:
            import pandas as pd

            time_column = csv_mapping.get("time", "time")
            if time_column in source.columns and pd.api.types.is_datetime64_any_dtype(source[time_column]):
                csv_mapping["time_unit"] = "ns"
        return _frame_to_csv(source, mapping), "<DataFrame>", csv_mapping
    if isinstance(source, (list, tuple)):
        return [os.fspath(s) if not isinstance(s, bytes) else s for s in source], None, mapping
    return source, None, mapping


def add_logs(
    self: "_core.ModelBuilder",
    source: Union[Source, Sequence[Source], "pandas.DataFrame"],
    format: Optional[str] = None,
    mapping: Optional[Dict[str, Any]] = None,
    regex: Optional[str] = None,
    labels: Optional[Dict[str, str]] = None,
    subgraph: Optional[str] = None,
    name: Optional[str] = None,
    similarity: Optional[float] = None,
    depth: Optional[int] = None,
    max_children: Optional[int] = None,
    templates: bool = True,
    time_unit: Optional[str] = None,
) -> Dict[str, Any]:
    """Read log records into per-entity, per-bucket counts by severity and log template.

    Parameters
    ----------
    source : path, bytes, list of them, or pandas.DataFrame
        Log files (gzip and zstd read transparently), read with one template miner. A
        DataFrame is read as CSV: its columns named by `mapping` (defaults ``time``,
        ``message``, ``severity``, ``trace_id``, ``span_id``; every other column is a
        label); a datetime ``time`` column is taken as UTC.
    format : str, optional
        ``"otlp-json"``, ``"otlp-proto"``, ``"csv"``, ``"text"`` or ``"nezha"``; detected
        from the content when None.
    mapping : dict, optional
        CSV columns: ``time``, ``severity``, ``message``, ``trace_id``, ``span_id``,
        ``labels`` (list), ``time_unit`` (ns/us/ms/s), ``docker_envelope`` (bool).
    regex : str, optional
        Plain text lines: a regular expression with named groups ``time``, ``severity``,
        ``message``, ``trace_id``, ``span_id``; any other group is a label.
    labels : dict, optional
        Labels added to every record (e.g. ``{"service": "cart"}``).
    subgraph : str, optional
        The subgraph entities join (default ``"logs/default"``).
    similarity, depth, max_children : optional
        Template miner settings (defaults 0.4, 4, 100).
    templates : bool
        Mine templates (False: counts by severity only).
    time_unit : str, optional
        The unit of integer times (default: by magnitude).

    Returns
    -------
    dict
        The accounting: ``records_read``, ``records_accepted``, ``rejected`` (reason ->
        count, ``"unmapped"`` for records whose labels name no entity), ``unmapped_labels``,
        ``errors``, ``by_severity``, ``templates``; ``files`` (one such dict per source)
        when `source` is a list.
    """
    src, frame_name, mapping = _sources(source, mapping)
    if frame_name is not None:
        name = name or frame_name
        format = format or "csv"
    return LogReport.from_batch(_core.ModelBuilder.add_logs(
        self, src, format=format, mapping=mapping, regex=regex, labels=labels,
        subgraph=subgraph, name=name, similarity=similarity, depth=depth,
        max_children=max_children, templates=templates, time_unit=time_unit))


def read_logs(
    source: Union[Source, Sequence[Source], "pandas.DataFrame"],
    format: Optional[str] = None,
    mapping: Optional[Dict[str, Any]] = None,
    regex: Optional[str] = None,
    labels: Optional[Dict[str, str]] = None,
    name: Optional[str] = None,
    similarity: Optional[float] = None,
    depth: Optional[int] = None,
    max_children: Optional[int] = None,
    templates: bool = True,
    time_unit: Optional[str] = None,
) -> "pandas.DataFrame":
    """Read log records as a DataFrame, without a model.

    Takes the arguments of :meth:`ModelBuilder.add_logs`. Returns one row per record with a
    time, in input order: ``time_ns``, ``entity`` (canonical id, None when the labels name
    no entity), ``severity``, ``template_id`` and ``template`` (the mined template's final
    text; None for an empty message), ``message``, ``trace_id``, ``span_id`` and
    ``operation`` (``SERVICE/OP`` when the record names it). The accounting dict is in
    ``frame.attrs["report"]``.
    """
    import pandas as pd

    src, frame_name, mapping = _sources(source, mapping)
    if frame_name is not None:
        name = name or frame_name
        format = format or "csv"
    result = _core._read_logs(
        src, format=format, mapping=mapping, regex=regex, labels=labels, name=name,
        similarity=similarity, depth=depth, max_children=max_children, templates=templates,
        time_unit=time_unit)
    columns = result["columns"]
    frame = pd.DataFrame({
        "time_ns": columns["time_ns"],
        **{k: pd.Series(columns[k], dtype=object) for k in _LOG_COLUMNS[1:] if k != "template_id"},
        "template_id": pd.array(columns["template_id"], dtype="Int64"),
    }, columns=_LOG_COLUMNS)
    frame.attrs["report"] = result["report"]
    return frame


def _window_args(window: Optional[Window]) -> Tuple[Optional[int], Optional[int]]:
    if window is None:
        return None, None
    return int(window[0]), int(window[1])


def log_counts(self: "_core.Snapshot", entity: Union[str, int, None] = None,
               window: Optional[Window] = None) -> "pandas.DataFrame":
    """Per entity and time bucket: the log count per severity.

    Parameters
    ----------
    entity : str or int, optional
        One entity (canonical id or index); every entity with logs when None.
    window : (begin_ns, end_ns), optional
        Only buckets starting in this half-open interval.

    Returns
    -------
    pandas.DataFrame
        ``entity``, ``bucket_start_ns``, ``total`` and one column per severity
        (``unspecified`` ... ``fatal``), ordered by entity then bucket.
    """
    import pandas as pd

    begin, end = _window_args(window)
    columns = self._log_counts(entity, begin, end)
    order = ["entity", "bucket_start_ns", "total", *SEVERITIES]
    return pd.DataFrame({k: columns[k] for k in order}, columns=order).astype(
        {k: "int64" for k in order[1:]})


def log_templates(self: "_core.Snapshot", entity: Union[str, int, None] = None,
                  window: Optional[Window] = None) -> "pandas.DataFrame":
    """The log templates seen, with their counts.

    Parameters
    ----------
    entity : str or int, optional
        One entity; every entity with logs when None.
    window : (begin_ns, end_ns), optional
        Only buckets starting in this half-open interval.

    Returns
    -------
    pandas.DataFrame
        One row per entity and template: ``entity``, ``template_id``, ``template`` (text),
        ``count``, ``buckets`` (buckets it appears in), ``first_bucket_ns``,
        ``last_bucket_ns``; ordered by entity, then count (descending), then id. A template
        absent from a baseline window and frequent in the incident window is a signal.
        Per-severity counts are per bucket, not per template: see :meth:`log_counts`.
    """
    import pandas as pd

    begin, end = _window_args(window)
    columns = self._log_template_counts(entity, begin, end)
    texts = self._log_template_texts()
    order = ["entity", "template_id", "template", "count", "buckets", "first_bucket_ns",
             "last_bucket_ns"]
    raw = pd.DataFrame({k: columns[k] for k in ("entity", "bucket_start_ns", "template_id", "count")},
                       columns=["entity", "bucket_start_ns", "template_id", "count"])
    if raw.empty:
        return pd.DataFrame({k: [] for k in order}, columns=order).astype(
            {"template_id": "int64", "count": "int64", "buckets": "int64",
             "first_bucket_ns": "int64", "last_bucket_ns": "int64"})
    grouped = raw.groupby(["entity", "template_id"], sort=False).agg(
        count=("count", "sum"), buckets=("count", "size"),
        first_bucket_ns=("bucket_start_ns", "min"), last_bucket_ns=("bucket_start_ns", "max"),
    ).reset_index()
    grouped["template"] = [texts[i] for i in grouped["template_id"]]
    grouped = grouped.sort_values(["entity", "count", "template_id"], ascending=[True, False, True],
                                  kind="mergesort").reset_index(drop=True)
    return grouped[order].astype({"template_id": "int64", "count": "int64", "buckets": "int64",
                                  "first_bucket_ns": "int64", "last_bucket_ns": "int64"})

