"""What ``faultline build --format json`` prints: each input's report and the model written."""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Union

import faultline
from faultline._model import Snapshot
from faultline._reports import Report

__all__ = ["build_document"]


def build_document(
    reports: Mapping[str, Report], snapshot: Snapshot, path: Union[str, "os.PathLike[str]"]
) -> Dict[str, Any]:
    """The inputs read and the model written, as plain JSON-ready data.

    Parameters
    ----------
    reports : mapping of str to Report
        Each input's report, by the name of what it read (``topology``, ``state``,
        ``traces``, ``infrastructure_links``, ``links``).
    snapshot : Snapshot
        The model built.
    path : str or os.PathLike
        Where the model was written.

    Returns
    -------
    dict
        ``faultline_version``, ``inputs`` (each report's :meth:`~faultline.Report.to_dict`)
        and ``model`` (``path``, ``entities``, ``edges``, ``subgraphs``).
    """
    return {
        "faultline_version": faultline.__version__,
        "inputs": {name: report.to_dict() for name, report in reports.items()},
        "model": {
            "path": os.fspath(path),
            "entities": snapshot.entity_count,
            "edges": snapshot.edge_count,
            "subgraphs": snapshot.subgraph_count,
        },
    }
