"""Exporters: a model or a report written in one format each.

Modules
-------
graph_json
    :func:`to_json_document`: a snapshot as one JSON document.
dot
    :func:`to_dot`: a snapshot as Graphviz DOT, one cluster per subgraph.
summary
    :func:`summarize`: a snapshot as a readable text summary.
input_text
    :func:`input_text`: an input report (:mod:`faultline._reports`) as text.
build_json
    :func:`build_document`: the input reports and the model of a build as JSON data.
"""

from faultline.report.build_json import build_document
from faultline.report.dot import to_dot
from faultline.report.graph_json import to_json_document
from faultline.report.input_text import input_text
from faultline.report.summary import summarize

__all__ = ["build_document", "input_text", "summarize", "to_dot", "to_json_document"]
