"""The ``faultline`` command line.

Subcommands
-----------
demo
    Load the bundled Online Boutique topology and one minute of its real traces (or
    ``--topology PATH`` / ``--traces PATH...``) and print a readable summary: subgraphs,
    entity counts by kind, each service with its dependencies, the calls seen in the
    traces with their request counts, errors and latency, and the meta-graph.
build
    Read topology, Terraform/OpenTofu state and trace files into one model and write it
    as a snapshot file, printing each file's accounting (spans read, accepted, rejected by
    reason; resources, dependencies and changes of each stack).
graph
    Print a snapshot as Graphviz DOT (one cluster per subgraph) or JSON.

Errors print ``faultline: error: <message>`` on stderr and exit with status 2 for usage
errors and 1 for bad input.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import IO, Any, Dict, Iterable, List, NoReturn, Optional, Sequence

import faultline
from faultline._model import ModelBuilder, Snapshot

__all__ = ["main", "bundled_topology_path", "bundled_traces_path", "to_dot", "to_json_document"]

_BUNDLED_NAME = "online-boutique.json"
_BUNDLED_TRACES = "nezha-2022-08-22-0353.csv.gz"


class _InputError(Exception):
    """Bad input named on the command line (exit status 1)."""


class _UsageError(Exception):
    """A command line that cannot be run as given (exit status 2)."""


def _bundled(folder: str, name: str) -> Path:
    here = Path(__file__).resolve().parent
    candidates = [here / "datasets" / name]
    candidates += [p / "datasets" / folder / name for p in list(here.parents)[:3]]
    root = os.environ.get("FAULTLINE_REPO_ROOT")
    if root:
        candidates.append(Path(root) / "datasets" / folder / name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"bundled {folder} file {name} not found (looked in "
        + ", ".join(str(c) for c in candidates)
        + ")"
    )


def bundled_topology_path() -> Path:
    """Locate the bundled Online Boutique topology.

    Looks in the installed package (``faultline/datasets/``), then in the source checkout
    holding the package (``<repo>/datasets/topology/``), then under
    ``$FAULTLINE_REPO_ROOT``.

    Returns
    -------
    pathlib.Path
        The topology file.

    Raises
    ------
    FileNotFoundError
        No copy of the file was found; the message lists where it looked.
    """
    return _bundled("topology", _BUNDLED_NAME)


def bundled_traces_path() -> Path:
    """Locate the bundled minute of Online Boutique traces (Nezha CSV layout).

    Looked up like :func:`bundled_topology_path`, under ``datasets/traces/``.

    Returns
    -------
    pathlib.Path
        The gzip-compressed CSV file.
    """
    return _bundled("traces", _BUNDLED_TRACES)


# --- rendering ----------------------------------------------------------------------------


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str], indent: str = "  ") -> str:
    cells = [[str(h) for h in header]] + [["-" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(indent + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            lines.append(indent + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _dependencies(snapshot: Snapshot, entity: str) -> List[tuple]:
    """(target, kind) of each out-edge of `entity`, in edge order, without repeats."""
    seen = []
    for index in snapshot.out_edges(entity):
        _, target, kind, _ = snapshot.edge(index)
        if (target, kind) not in seen:
            seen.append((target, kind))
    return seen


def summarize(snapshot: Snapshot, out: IO[str]) -> None:
    """Write a readable summary of `snapshot`.

    Parameters
    ----------
    snapshot : Snapshot
        The model to describe.
    out : file-like
        Where to write.
    """
    w = out.write
    w(
        f"Model: {snapshot.entity_count} entities, {snapshot.edge_count} edges, "
        f"{snapshot.subgraph_count} subgraphs\n\n"
    )

    subgraphs = snapshot.subgraphs()
    w("Subgraphs\n")
    w(
        _table(
            subgraphs[["id", "kind", "parent", "version", "members", "edges"]].itertuples(
                index=False
            ),
            ["id", "kind", "parent", "version", "members", "edges"],
        )
        + "\n\n"
    )

    entities = snapshot.entities()
    counts = entities["kind"].value_counts()
    order = [k for k in faultline.ENTITY_KINDS if k in counts.index]
    w("Entities by kind\n")
    w(_table([(k, int(counts[k])) for k in order], ["kind", "count"]) + "\n\n")

    w("Services and their dependencies\n")
    for service in snapshot.entities_of_kind("service"):
        deps = _dependencies(snapshot, service)
        w(f"  {service}\n")
        calls = [f"{t} ({k})" for t, k in deps if k not in ("runs_on", "contains")]
        hosts = [t for t, k in deps if k == "runs_on"]
        w("    depends on: " + (", ".join(calls) if calls else "(nothing)") + "\n")
        if hosts:
            w("    runs on:    " + ", ".join(hosts) + "\n")
        dependents = sorted(set(snapshot.in_neighbors(service)))
        if dependents:
            w("    used by:    " + ", ".join(dependents) + "\n")
    w("\n")

    if snapshot.has_statistics:
        edges = snapshot.edges()
        calls = edges[
            edges["source"].str.startswith("service:")
            & edges["target"].str.startswith(("service:", "database:", "queue:", "external:"))
            & (edges["requests"] > 0)
        ].sort_values(["requests", "source", "target"], ascending=[False, True, True])
        w("Calls seen in traces (whole capture)\n")
        rows = [
            (
                f"{s} -> {t}",
                k,
                int(r),
                f"{100.0 * e / r:.1f}%",
                f"{p50:.1f}",
                f"{p99:.1f}",
            )
            for s, t, k, r, e, p50, p99 in zip(
                calls["source"], calls["target"], calls["kind"], calls["requests"],
                calls["errors"], calls["latency_p50_ms"], calls["latency_p99_ms"],
            )
        ]
        w(_table(rows, ["call", "kind", "requests", "errors", "p50 ms", "p99 ms"]) + "\n\n")

    w("Meta graph\n")
    meta = snapshot.meta_edges()
    if not meta:
        names = ", ".join(snapshot.subgraph_ids()) or "(none)"
        w(f"  subgraphs: {names}; no edges between subgraphs\n")
    else:
        for source, target, count in meta:
            w(f"  {source} -> {target} ({count} edges)\n")


_SHAPES = {
    "service": "box",
    "operation": "box",
    "instance": "box3d",
    "database": "cylinder",
    "queue": "cds",
    "external": "doubleoctagon",
    "node": "component",
    "zone": "tab",
    "region": "tab",
    "cluster": "tab",
    "iac_resource": "note",
    "iac_module": "folder",
    "stack": "folder",
    "entry_point": "invhouse",
    "namespace": "folder",
}


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(snapshot: Snapshot) -> str:
    """Render `snapshot` as a Graphviz digraph.

    Parameters
    ----------
    snapshot : Snapshot
        The model to render.

    Returns
    -------
    str
        DOT text with one ``subgraph cluster_N`` per subgraph (nested as the subgraphs
        are), each entity in the cluster of its home subgraph, and cross links dashed.
    """
    subgraphs = snapshot._subgraph_columns()
    ids: List[str] = list(subgraphs["id"])
    parents: List[Optional[str]] = list(subgraphs["parent"])
    children: Dict[Optional[str], List[int]] = {}
    for i, parent in enumerate(parents):
        children.setdefault(parent if parent in ids else None, []).append(i)

    ents = snapshot._entity_columns()
    members: Dict[Optional[str], List[int]] = {}
    for i, home in enumerate(ents["subgraph"]):
        members.setdefault(home, []).append(i)

    lines = [
        "digraph faultline {",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8];',
    ]

    def node_line(i: int, pad: str) -> str:
        kind = ents["kind"][i]
        return (
            f"{pad}{_dot_id(ents['id'][i])} [shape={_SHAPES.get(kind, 'box')}, "
            f"tooltip={_dot_id(kind)}];"
        )

    def emit(index: int, depth: int) -> None:
        pad = "  " * depth
        lines.append(f"{pad}subgraph cluster_{index} {{")
        lines.append(f"{pad}  label={_dot_id(ids[index])};")
        for e in members.get(ids[index], []):
            lines.append(node_line(e, pad + "  "))
        for child in children.get(ids[index], []):
            emit(child, depth + 1)
        lines.append(f"{pad}}}")

    for top in children.get(None, []):
        emit(top, 1)
    for e in members.get(None, []):
        lines.append(node_line(e, "  "))

    edges = snapshot._edge_columns()
    for source, target, kind, sub, rule in zip(
        edges["source"], edges["target"], edges["kind"], edges["subgraph"], edges["link_rule"]
    ):
        attrs = [f"label={_dot_id(kind)}"]
        if sub is None:
            attrs.append("style=dashed")
            if rule:
                attrs.append(f"tooltip={_dot_id(rule)}")
        lines.append(f"  {_dot_id(source)} -> {_dot_id(target)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _records(columns: Dict[str, Any], drop: Iterable[str] = ()) -> List[Dict[str, Any]]:
    names = [n for n in columns if n not in set(drop)]
    values = [list(columns[n]) for n in names]
    count = len(values[0]) if values else 0
    return [{n: _clean(v[i]) for n, v in zip(names, values)} for i in range(count)]


def to_json_document(snapshot: Snapshot) -> Dict[str, Any]:
    """The whole model as plain JSON-ready data.

    Parameters
    ----------
    snapshot : Snapshot
        The model to export.

    Returns
    -------
    dict
        ``entities``, ``edges``, ``subgraphs`` (lists of objects with the columns of
        :meth:`Snapshot.entities`, :meth:`Snapshot.edges` and :meth:`Snapshot.subgraphs`)
        and ``meta_graph`` (objects with ``from``, ``to`` and ``edge_count``). Missing
        statistics are null.
    """
    return {
        "faultline_version": faultline.__version__,
        "entities": _records(snapshot._entity_columns()),
        "edges": _records(snapshot._edge_columns(), drop=("source_index", "target_index")),
        "subgraphs": _records(snapshot._subgraph_columns()),
        "meta_graph": [
            {"from": a, "to": b, "edge_count": n} for a, b, n in snapshot.meta_edges()
        ],
    }


# --- commands -----------------------------------------------------------------------------


def _add_topologies(builder: ModelBuilder, paths: Sequence[str], out: IO[str]) -> None:
    for path in paths:
        if not Path(path).is_file():
            raise _InputError(f"{path}: no such file")
        report = builder.add_topology(path)
        out.write(
            f"read {path}: subgraph {report.subgraph}, {report.services} services, "
            f"{report.entities} entities, {report.edges} edges\n"
        )
        for warning in report.warnings:
            out.write(f"  warning: {warning}\n")


def _read_topologies(paths: Sequence[str], out: IO[str]) -> Snapshot:
    builder = ModelBuilder()
    _add_topologies(builder, paths, out)
    return builder.freeze()


def _add_states(builder: ModelBuilder, specs: Sequence[str], out: IO[str]) -> None:
    """Terraform/OpenTofu states given as PATH or PATH=BACKEND (e.g. s3://bucket/key)."""
    for spec in specs:
        path, _, backend = spec.partition("=")
        if not Path(path).is_file():
            raise _InputError(f"{path}: no such file")
        report = builder.add_terraform_state(path, backend=backend or None)
        out.write(
            f"read {path}: stack {report['stack']} (serial {report['serial']}), "
            f"{report['instances']} resources in {report['modules']} modules, "
            f"{report['dependency_edges']} dependencies "
            f"({report['transitive_dependencies_removed']} transitive removed), "
            f"{report['placement_edges']} placement edges, "
            f"{report['attributes_dropped'] + report['sensitive_attributes_dropped']} "
            f"attributes not kept\n"
        )
        for item in report["unresolved_remote_states"]:
            out.write(f"  remote state not loaded yet: {item}\n")
        for item in report["dangling_dependencies"]:
            out.write(f"  dependency not in state: {item}\n")
        for change in report["changes"]:
            detail = f" ({', '.join(change['attributes'])})" if change["attributes"] else ""
            out.write(f"  {change['kind']}: {change['address']}{detail}\n")
        for warning in report["warnings"]:
            out.write(f"  warning: {warning}\n")


def _link(builder: ModelBuilder, out: IO[str]) -> None:
    report = builder.link_infrastructure()
    rules = ", ".join(f"{count} by {rule}" for rule, count in report["links_by_rule"].items())
    out.write(f"links between traces and infrastructure: {rules or 'none'}\n")
    if report["unlinked_traced"]:
        out.write("  traced but not found in IaC: " + ", ".join(report["unlinked_traced"]) + "\n")
    if report["unlinked_infrastructure"]:
        out.write(
            "  in IaC but not seen in traces: " + ", ".join(report["unlinked_infrastructure"]) + "\n"
        )


def _mapping(text: Optional[str]) -> Optional[Dict[str, Any]]:
    """A CSV column mapping from JSON text, or from a JSON file named with a leading @."""
    if text is None:
        return None
    if text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise _InputError(f"{path}: no such file")
        text = path.read_text()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise _InputError(f"--mapping: not JSON: {e}") from None
    if not isinstance(value, dict):
        raise _InputError("--mapping: expected a JSON object of column names")
    return value


def _add_traces(builder: ModelBuilder, args: argparse.Namespace, out: IO[str]) -> None:
    for path in args.traces:
        if not Path(path).is_file():
            raise _InputError(f"{path}: no such file")
    result = builder.add_traces(
        list(args.traces),
        format=args.trace_format,
        mapping=_mapping(args.mapping),
        environment=args.environment,
    )
    for report in result["files"]:
        rejected = sum(report["rejected"].values())
        out.write(
            f"read {report['source']} ({report['format']}): {report['spans_read']} spans, "
            f"{report['spans_accepted']} accepted, {rejected} rejected\n"
        )
        for reason, count in sorted(report["rejected"].items()):
            out.write(f"  rejected {count}: {reason}\n")
        for error in report["errors"]:
            out.write(f"  {error}\n")
    summary = result["summary"]
    out.write(
        f"traces: {summary['traces']} traces, {summary['paired_calls']} paired calls, "
        f"{summary['unkinded_calls']} calls without span kinds, {summary['virtual_peers']} "
        f"calls to uninstrumented peers, {summary['unpaired_client_spans']} unpaired client "
        f"spans, {summary['orphan_spans']} orphan spans\n"
    )
    # The rarer losses, only when they happened.
    notes = {
        "duplicate_spans": "duplicate spans ignored",
        "clock_skew_adjusted": "negative durations clamped (clock skew)",
        "split_traces": "traces over the span limit analysed in parts",
        "dropped_links": "span links over the per-target limit dropped",
        "unresolved_links": "span links whose target span never arrived",
        "capped_operation_spans": "span names beyond the per-service cap counted as (other)",
    }
    for key, text in notes.items():
        if summary.get(key):
            out.write(f"  {summary[key]} {text}\n")


def _add_metric_files(builder: ModelBuilder, args: argparse.Namespace, out: IO[str]) -> None:
    for path in args.metrics:
        if not Path(path).is_file():
            raise _InputError(f"{path}: no such file")
    for report in builder.add_metrics(list(args.metrics), format=args.metrics_format)["files"]:
        rejected = sum(report["rejected"].values())
        out.write(
            f"read {report['source']} ({report['format']}): {report['samples_read']} samples, "
            f"{report['samples_accepted']} accepted, {rejected} rejected, {report['series']} "
            f"series ({report['unmapped_series']} mapped to no entity)\n"
        )
        for reason, count in sorted(report["rejected"].items()):
            out.write(f"  rejected {count}: {reason}\n")
        for labels in report["unmapped"]:
            out.write(f"  unmapped: {labels}\n")
        for error in report["errors"]:
            out.write(f"  {error}\n")


def _cmd_demo(args: argparse.Namespace, out: IO[str]) -> int:
    path = args.topology if args.topology else str(bundled_topology_path())
    out.write(f"faultline {faultline.__version__} demo\n")
    builder = ModelBuilder()
    _add_topologies(builder, [path], out)
    if not args.no_traces:
        if not args.traces:
            args.traces = [str(bundled_traces_path())]
            args.trace_format = args.trace_format or "nezha"
        _add_traces(builder, args, out)
    snapshot = builder.freeze()
    out.write("\n")
    summarize(snapshot, out)
    return 0


def _cmd_build(args: argparse.Namespace, out: IO[str]) -> int:
    if not args.topology and not args.traces and not args.state and not args.metrics:
        raise _UsageError("build needs --topology, --state, --traces and/or --metrics")
    builder = ModelBuilder()
    _add_topologies(builder, args.topology or [], out)
    _add_states(builder, args.state or [], out)
    if args.traces:
        _add_traces(builder, args, out)
    if args.state and (args.traces or args.topology):
        _link(builder, out)
    if args.metrics:
        _add_metric_files(builder, args, out)
    for path in args.links or []:
        if not Path(path).is_file():
            raise _InputError(f"{path}: no such file")
        builder.add_links(path)
        out.write(f"links from {path}\n")
    snapshot = builder.freeze()
    snapshot.save(args.output)
    out.write(
        f"wrote {args.output}: {snapshot.entity_count} entities, {snapshot.edge_count} "
        f"edges, {snapshot.subgraph_count} subgraphs\n"
    )
    return 0


def _cmd_graph(args: argparse.Namespace, out: IO[str]) -> int:
    if not Path(args.model).is_file():
        raise _InputError(f"{args.model}: no such file")
    snapshot = Snapshot.load(args.model)
    if args.format == "dot":
        text = to_dot(snapshot)
    else:
        text = json.dumps(to_json_document(snapshot), indent=2, allow_nan=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return 0


class _Parser(argparse.ArgumentParser):
    """Reports every usage error, subcommands included, as ``faultline: error: ...``."""

    def error(self, message: str) -> "NoReturn":  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"faultline: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="faultline",
        description="Causal root-cause analysis over traces and infrastructure-as-code.",
    )
    parser.add_argument("--version", action="version", version=f"faultline {faultline.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser(
        "demo", help="summarize the bundled Online Boutique topology and a minute of its traces"
    )
    demo.add_argument("--topology", metavar="PATH", help="a topology JSON file to use instead")
    demo.add_argument("--traces", metavar="PATH", nargs="+", help="trace files to use instead")
    demo.add_argument("--trace-format", help="their format (default: detected)")
    demo.add_argument("--no-traces", action="store_true", help="the topology only")
    demo.set_defaults(mapping=None, environment=None)
    demo.set_defaults(func=_cmd_demo)

    build = sub.add_parser("build", help="build a snapshot from topology and trace files")
    build.add_argument(
        "--topology",
        metavar="PATH",
        nargs="+",
        action="extend",
        help="topology JSON files (repeatable)",
    )
    build.add_argument(
        "--state",
        metavar="PATH[=BACKEND]",
        nargs="+",
        action="extend",
        help="Terraform/OpenTofu states (raw or `terraform show -json`); BACKEND (e.g. "
        "s3://bucket/key) links the stacks that read it through terraform_remote_state",
    )
    build.add_argument(
        "--traces",
        metavar="PATH",
        nargs="+",
        action="extend",
        help="trace files, read as one stream: OTLP protobuf or JSON, Jaeger, Zipkin, CSV; "
        "gzip/zstd transparently (repeatable)",
    )
    build.add_argument(
        "--trace-format",
        choices=("otlp-proto", "otlp-json", "jaeger", "zipkin", "csv", "nezha", "rcaeval"),
        help="the trace format (default: detected per file)",
    )
    build.add_argument(
        "--mapping",
        metavar="JSON",
        help='CSV columns, e.g. \'{"service": "svc", "duration_unit": "us"}\' or @file.json',
    )
    build.add_argument("--environment", help="the traces/ENV subgraph (default: from the spans)")
    build.add_argument(
        "--links",
        metavar="PATH",
        nargs="+",
        action="extend",
        help='explicit links for what the rules cannot infer: JSON files of '
        '[{"from": ID, "to": ID, "kind": "runs_on", "detail": TEXT}]',
    )
    build.add_argument(
        "--metrics",
        metavar="PATH",
        nargs="+",
        action="extend",
        help="metric files, read as one stream: Prometheus query_range/query JSON, OTLP "
        "metrics (JSON Lines or protobuf), long or wide CSV; gzip/zstd transparently (repeatable)",
    )
    build.add_argument(
        "--metrics-format",
        choices=("prometheus", "otlp-json", "otlp-proto", "csv", "wide-csv", "nezha", "rcaeval"),
        help="the metric format (default: detected per file)",
    )
    build.add_argument("-o", "--output", metavar="MODEL", required=True, help="snapshot to write")
    build.set_defaults(func=_cmd_build)

    graph = sub.add_parser("graph", help="print a snapshot as DOT or JSON")
    graph.add_argument("model", metavar="MODEL", help="a snapshot file written by build")
    graph.add_argument("--format", choices=("dot", "json"), default="dot")
    graph.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    graph.set_defaults(func=_cmd_graph)
    return parser


def _message(error: BaseException) -> str:
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0])
    if isinstance(error, OSError) and error.filename and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        The exit status: 0 on success, 1 for bad input, 2 for a usage error.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command is None:
        parser.print_usage(sys.stderr)
        sys.stderr.write("faultline: error: a command is required (demo, build, graph)\n")
        return 2
    try:
        return int(args.func(args, sys.stdout))
    except _UsageError as error:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"faultline: error: {error}\n")
        return 2
    except BrokenPipeError:
        # The reader went away (``faultline demo | head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (_InputError, faultline.Error, ValueError, KeyError, OSError) as error:
        sys.stderr.write(f"faultline: error: {_message(error)}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
