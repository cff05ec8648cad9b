"""Alerts and change events: reading them into a model, as DataFrames, and querying them.

The readers are compiled (``faultline/ingest/alerts.h`` and ``events.h``); this module adds
what is easier in Python: lists of dicts and DataFrames as inputs, DataFrames as outputs.

Alert formats: ``"alertmanager"`` (webhook payloads, version 4), ``"prometheus"``
(``/api/v1/alerts`` responses) and ``"json"`` (a plain list of alerts). Event formats:
``"kubernetes"`` (``kubectl get events -o json``) and ``"json"`` (a list of deploys and
config changes). Formats are detected from the content when not named.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from faultline import _core
from faultline._reports import AlertReport, EventReport

if TYPE_CHECKING:
    import pandas

__all__ = ["read_alerts", "read_events"]

Source = Union[str, "os.PathLike[str]", bytes, bytearray]
Window = Tuple[Any, Any]


def _json_value(value: Any) -> Any:
    """A JSON-ready value: datetimes as RFC 3339 (naive ones read as UTC), numpy scalars as
    Python numbers; None for missing values (NaN, NaT)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return _json_value(value.item())
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items() if _json_value(v) is not None}
    return value


def _records_bytes(records: Sequence[Mapping[str, Any]]) -> bytes:
    rows = []
    for record in records:
        row = {str(k): _json_value(v) for k, v in record.items()}
        rows.append({k: v for k, v in row.items() if v is not None})
    return json.dumps(rows).encode()


def _sources(source: Any) -> Tuple[List[Any], Optional[str], bool]:
    """(sources, name, many): paths and bytes as they are; a DataFrame or a list of dicts as
    the JSON list it holds."""
    try:
        import pandas as pd

        if isinstance(source, pd.DataFrame):
            return [_records_bytes(source.to_dict(orient="records"))], "<DataFrame>", False
    except ImportError:  # pragma: no cover
        pass
    if isinstance(source, (list, tuple)):
        if source and all(isinstance(item, Mapping) for item in source):
            return [_records_bytes(source)], "<list>", False
        return list(source), None, True
    return [source], None, False




def add_alerts(
    self: "_core.ModelBuilder",
    source: Any,
    format: Optional[str] = None,
    mapping: Optional[Dict[str, Any]] = None,
    subgraph: Optional[str] = None,
    name: Optional[str] = None,
) -> AlertReport:
    """Read alerts into the model: each on the entity its labels name.

    Parameters
    ----------
    source : path, bytes, list of paths, list of dicts or pandas.DataFrame
        Alert files (gzip/zstd read transparently), or the alerts themselves as a plain
        list (dicts or DataFrame rows with ``name`` or ``alertname``, ``labels`` or label
        columns, ``severity``, ``startsAt``/``time``...).
    format : str, optional
        ``"alertmanager"``, ``"prometheus"`` or ``"json"``; detected when None.
    mapping : dict, optional
        Label keys naming entities (keys of ``LabelMapping``: ``service``, ``pod``,
        ``node``, ``namespace``, ``entity``, ...; each a key or a list of keys).
    subgraph : str, optional
        Default ``"alerts/default"``.
    name : str, optional
        What errors call bytes.

    Returns
    -------
    AlertReport
        The accounting, one entry per source under ``files`` plus totals: read,
        accepted, merged (repeats folded), rejected (reason -> count), errors (with line
        and column), unmapped (label sets of alerts that named no entity).
    """
    sources, default_name, many = _sources(source)
    reports = self._add_alerts(sources, format=format, mapping=mapping, subgraph=subgraph,
                               name=name or default_name)
    return AlertReport.from_files(reports)


def add_events(
    self: "_core.ModelBuilder",
    source: Any,
    format: Optional[str] = None,
    fields: Optional[Dict[str, str]] = None,
    mapping: Optional[Dict[str, Any]] = None,
    default_kind: Optional[str] = None,
    subgraph: Optional[str] = None,
    name: Optional[str] = None,
) -> Dict[str, Any]:
    """Read change events (deploys, config changes, Kubernetes events) into the model.

    Parameters
    ----------
    source : path, bytes, list of paths, list of dicts or pandas.DataFrame
        Event files, or changes as dicts / DataFrame rows (``time``, ``service`` or
        ``entity`` or ``labels``, ``kind``, ``detail``).
    format : str, optional
        ``"kubernetes"`` or ``"json"``; detected when None.
    fields : dict, optional
        Other field names of a JSON change, e.g. ``{"time": "ts", "service": "svc"}``
        (keys: time, end, entity, service, labels, kind, reason, detail, count, warning).
    mapping : dict, optional
        Label keys naming entities, as for :func:`add_alerts`.
    default_kind : str, optional
        The kind of a change without one (default ``"deploy"``).

    Returns
    -------
    EventReport
        The accounting, one entry per source under ``files`` plus totals: read,
        accepted, rejected, by_kind, errors, unmapped.
    """
    sources, default_name, many = _sources(source)
    reports = self._add_events(sources, format=format, fields=fields, mapping=mapping,
                               default_kind=default_kind, subgraph=subgraph,
                               name=name or default_name)
    return EventReport.from_files(reports)


def _frame(columns: Dict[str, Any], nullable_ints: Sequence[str] = ()) -> "pandas.DataFrame":
    """Columns as a DataFrame: `nullable_ints` as Int64 (<NA> for None), the entity and
    object columns as objects that keep None."""
    import pandas as pd

    data = {}
    for name, values in columns.items():
        if name in nullable_ints:
            data[name] = pd.array(values, dtype="Int64")
        elif name in ("entity", "object"):
            data[name] = pd.Series(values, dtype=object)
        else:
            data[name] = values
    return pd.DataFrame(data, columns=list(columns))


def read_alerts(
    source: Source,
    format: Optional[str] = None,
    mapping: Optional[Dict[str, Any]] = None,
) -> "pandas.DataFrame":
    """Alerts read from a file (or bytes) as a DataFrame, without a model.

    One row per alert (repeats folded): entity (the entity its labels name, or None),
    name, severity, state, starts_ns, ends_ns (<NA> while open), summary, labels,
    annotations, fingerprint, line. The reader's accounting is ``frame.attrs["report"]``.
    """
    columns, report = _core._read_alerts(source, format=format, mapping=mapping)
    frame = _frame(columns, nullable_ints=("ends_ns",))
    frame.attrs["report"] = report
    return frame


def read_events(
    source: Source,
    format: Optional[str] = None,
    fields: Optional[Dict[str, str]] = None,
    mapping: Optional[Dict[str, Any]] = None,
    default_kind: Optional[str] = None,
) -> "pandas.DataFrame":
    """Change events read from a file (or bytes) as a DataFrame, without a model.

    One row per event: entity (or None), time_ns, last_ns, kind, reason, detail, warning,
    count, labels, object (Kubernetes "Kind/namespace/name"), line. The reader's
    accounting is ``frame.attrs["report"]``.
    """
    columns, report = _core._read_events(source, format=format, fields=fields,
                                         mapping=mapping, default_kind=default_kind)
    frame = _frame(columns)
    frame.attrs["report"] = report
    return frame


def _bound(value: Any) -> Optional[int]:
    """A window bound as Unix ns: an int, or anything pandas.Timestamp reads."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    import pandas as pd

    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return int(stamp.value)


def _window(window: Optional[Window]) -> Tuple[Optional[int], Optional[int]]:
    if window is None:
        return None, None
    begin, end = window
    return _bound(begin), _bound(end)


def snapshot_alerts(
    self: "_core.Snapshot", entity: Any = None, window: Optional[Window] = None
) -> "pandas.DataFrame":
    """The alerts of the snapshot (of one entity), active in ``window`` = (begin, end).

    Bounds are Unix ns or anything ``pandas.Timestamp`` reads (naive: UTC). An alert is
    active in [begin, end) when it started before ``end`` and is open or ended at or after
    ``begin``. Columns: entity, name, severity, state, starts_ns, ends_ns (<NA> while
    open), summary, labels (those that made the entity match), source; sorted by start.
    """
    begin, end = _window(window)
    return _frame(self._alert_columns(entity, begin, end), nullable_ints=("ends_ns",))


def snapshot_events(
    self: "_core.Snapshot", entity: Any = None, window: Optional[Window] = None
) -> "pandas.DataFrame":
    """The change events of the snapshot (of one entity) overlapping ``window``.

    Columns: entity, time_ns, last_ns, kind, reason, detail, warning, count, source;
    sorted by time.
    """
    begin, end = _window(window)
    return _frame(self._event_columns(entity, begin, end))
