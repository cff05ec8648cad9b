"""Metrics: time series from Prometheus, OpenTelemetry and CSV files (``faultline/ingest/metrics.h``).

``ModelBuilder.add_metrics`` reads them into the model's metric series, attached to the
entities their labels name; ``read_metrics`` returns what a source reads as, in long form;
``Snapshot.metrics`` returns an entity's per-bucket summaries. Counters become per-second
rates (PromQL ``rate`` semantics: a decrease is a reset counted from zero); gauges are kept
as they are.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple, Union

from faultline import _core
from faultline._reports import MetricReport

if TYPE_CHECKING:
    import pandas

PathLike = Union[str, "os.PathLike[str]"]
Source = Union[PathLike, bytes, "pandas.DataFrame"]

__all__ = ["add_metrics", "read_metrics", "snapshot_metrics"]

_LONG_TIME = ("timestamp", "time", "ts", "time_ns", "time_unix_nano")
_LONG_ENTITY = ("entity", "labels", "series")
_LONG_METRIC = ("metric", "name", "__name__", "metric_name")
_LONG_VALUE = ("value", "val")


def _find(columns: Sequence[str], names: Sequence[str]) -> Optional[str]:
    lower = {str(c).lower(): c for c in columns}
    for name in names:
        if name in lower:
            return lower[name]
    return None


def _time_column(series: "pandas.Series") -> "pandas.Series":
    """Datetimes as integer nanoseconds (other columns unchanged)."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        return series.astype("datetime64[ns]").astype("int64")
    return series


def _frame_to_csv(frame: "pandas.DataFrame", columns: Optional[Dict[str, Any]]) -> Tuple[bytes, str, Optional[Dict[str, Any]]]:
    """A DataFrame as CSV bytes in memory, its format and the wide mapping to read it with.

    Long form (timestamp, entity, metric and value columns) becomes a long CSV; any other
    frame is wide: `columns` names its columns, or else the time column is the first of
    time/timestamp/ts, the non-numeric columns are labels and the numeric ones values.
    """
    import pandas as pd

    if columns is None:
        t = _find(frame.columns, _LONG_TIME)
        e = _find(frame.columns, _LONG_ENTITY)
        m = _find(frame.columns, _LONG_METRIC)
        v = _find(frame.columns, _LONG_VALUE)
        if t is not None and e is not None and m is not None and v is not None:
            long = pd.DataFrame({
                "timestamp": _time_column(frame[t]),
                "entity": frame[e].astype(str),
                "metric": frame[m].astype(str),
                "value": frame[v],
            })
            return long.to_csv(index=False).encode(), "csv", None
        if t is None:
            raise ValueError(
                "a metric DataFrame needs either long-form columns (timestamp, entity, metric, "
                "value) or a time column (time, timestamp, ts); name its columns with columns=")
        labels = [c for c in frame.columns
                  if c != t and not pd.api.types.is_numeric_dtype(frame[c])]
        columns = {"time": str(t), "labels": [str(c) for c in labels]}
    wide = frame.copy()
    time_name = columns.get("time", "time")
    if time_name in wide.columns:
        wide[time_name] = _time_column(wide[time_name])
    return wide.to_csv(index=False).encode(), "wide-csv", columns


def add_metrics(self: "_core.ModelBuilder", source: Union[Source, List[Source]], format: Optional[str] = None,
                mapping: Optional[Dict[str, Any]] = None, columns: Optional[Dict[str, Any]] = None,
                subgraph: Optional[str] = None, type_rules: Optional[PathLike] = None,
                qualifier_labels: Optional[List[str]] = None, name: Optional[str] = None) -> Dict[str, Any]:
    """Read metrics into the model's series ("metrics/default" unless `subgraph` says).

    Parameters
    ----------
    source : path, bytes, pandas.DataFrame, or a list of them
        A list is read as one stream (a counter continued in the next file keeps its last
        sample). gzip and zstd files are read transparently. A DataFrame is long form
        (timestamp, entity, metric, value) or wide form (see `columns`).
    format : str, optional
        None (detect from the content), "prometheus" ("query_range", "query"),
        "otlp-json", "otlp-proto", "csv" (long), "wide-csv", or a wide CSV preset:
        "nezha" (Nezha pod metric files) or "rcaeval" (RCAEval data.csv).
    mapping : dict, optional
        Label keys per entity part, replacing the defaults: ``{"pod": ["pod_name"],
        "service": ["app"], "node": [...], ...}`` (keys: entity, pod, service_instance,
        service, namespace, database, queue, node, weak_service, weak_node, zone, region).
    columns : dict, optional
        A wide CSV's columns: ``time``, ``labels`` (columns whose cells are labels),
        ``values`` (list, or dict column -> metric name), ``ignore``, ``constant_labels``,
        ``split_separator``/``split_label`` ("{service}_{metric}" columns).
    type_rules : path, optional
        JSON ``{"rules": [{"match": "...", "type": "..."}]}`` tried before the built-in
        metric-type table.
    qualifier_labels : list of str, optional
        Labels that qualify the metric name rather than the entity (default: mode, le,
        code, container, ...).

    Returns
    -------
    MetricReport
        Per source (``files``): source, format, samples_read, samples_accepted, points,
        series, unmapped_series, unmapped (label sets of series that map to no entity),
        rejected (reason -> count), errors (the first few, with file and line or offset);
        the counts summed over the sources.
    """
    sources, format, columns, name = _prepare(source, format, columns, name)
    reports = self._add_metrics(sources, format=format, mapping=mapping, columns=columns,
                                subgraph=subgraph, type_rules=_path(type_rules),
                                qualifier_labels=qualifier_labels, name=name)
    return MetricReport.from_files(reports)


def _path(path: Optional[PathLike]) -> Optional[str]:
    return None if path is None else os.fspath(path)


def _prepare(source: Any, format: Optional[str], columns: Optional[Dict[str, Any]],
             name: Optional[str]) -> Tuple[Any, Optional[str], Optional[Dict[str, Any]], Optional[str]]:
    """DataFrames converted to in-memory CSV bytes; other sources unchanged."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency of the package
        return source, format, columns, name
    if isinstance(source, pd.DataFrame):
        data, fmt, cols = _frame_to_csv(source, columns)
        return data, fmt if format is None else format, cols, name or "<DataFrame>"
    if isinstance(source, (list, tuple)) and any(isinstance(s, pd.DataFrame) for s in source):
        if not all(isinstance(s, pd.DataFrame) for s in source):
            raise TypeError("a list of metric sources mixes DataFrames and files: pass them in separate calls")
        converted = [_frame_to_csv(s, columns) for s in source]
        fmts = {c[1] for c in converted}
        if len(fmts) != 1:
            raise ValueError("a list of DataFrames must all be long form or all wide form")
        return [c[0] for c in converted], format or fmts.pop(), converted[0][2], name or "<DataFrame>"
    return source, format, columns, name


def read_metrics(source: Union[Source, List[Source]], format: Optional[str] = None,
                 mapping: Optional[Dict[str, Any]] = None, columns: Optional[Dict[str, Any]] = None,
                 type_rules: Optional[PathLike] = None, qualifier_labels: Optional[List[str]] = None,
                 name: Optional[str] = None) -> "pandas.DataFrame":
    """What metric sources read as, without a model: one row per point, in input order.

    Same arguments as :meth:`ModelBuilder.add_metrics`. Values are after rate conversion
    (a counter's first sample is its base and gives no row); series that map to no entity
    and rejected samples are left out (``df.attrs["reports"]`` holds the accounting).

    Returns
    -------
    pandas.DataFrame
        Columns ``time_ns`` (int64), ``entity`` (canonical id), ``metric`` (name, with
        {qualifiers}), ``value`` (float64), ``type`` (signal type: cpu, memory, latency, ...);
        entity, metric and type are categoricals.
    """
    import numpy as np
    import pandas as pd

    sources, format, columns, name = _prepare(source, format, columns, name)
    cols = _core.read_metrics(sources, format=format, mapping=mapping, columns=columns,
                              type_rules=_path(type_rules), qualifier_labels=qualifier_labels,
                              name=name)
    metric_codes = cols["metric_code"].astype("int64")
    frame = pd.DataFrame({
        "time_ns": cols["time_ns"],
        "entity": pd.Categorical.from_codes(cols["entity_code"].astype("int64"),
                                            categories=pd.Index(cols["entities"], dtype=object)),
        "metric": pd.Categorical.from_codes(metric_codes,
                                            categories=pd.Index(cols["metrics"], dtype=object)),
        "value": cols["value"],
        "type": pd.Categorical(np.asarray(cols["types"], dtype=object)[metric_codes]
                               if len(metric_codes) else []),
    })
    frame.attrs["reports"] = cols["reports"]
    return frame


def snapshot_metrics(self: "_core.Snapshot", entity: str,
                     window: Optional[Tuple[int, int]] = None) -> "pandas.DataFrame":
    """Per-bucket summaries of every metric series of `entity`.

    Parameters
    ----------
    entity : str
        Canonical id ("instance:cart/cart-7d4b9c8f5-abcde", "service:cart").
    window : (begin_ns, end_ns), optional
        Only buckets whose start lies in [begin_ns, end_ns); None: every bucket.

    Returns
    -------
    pandas.DataFrame
        Columns ``time_ns`` (bucket start), ``metric``, ``type``, ``count``, ``min``,
        ``max``, ``mean``, ``last``; sorted by metric, then time. Empty for an entity
        without metrics.

    Raises
    ------
    faultline.Error
        `entity` is not in the snapshot.
    """
    import pandas as pd

    begin, end = (None, None) if window is None else (int(window[0]), int(window[1]))
    cols = self._metric_rows(entity, begin, end)
    return pd.DataFrame(cols, columns=["time_ns", "metric", "type", "count", "min", "max", "mean", "last"])
