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
    reason; resources, dependencies and changes of each stack), as text or, with
    ``--format json``, as one JSON document of the input reports.
graph
    Print a snapshot as Graphviz DOT (one cluster per subgraph) or JSON.

The exporters are in :mod:`faultline.report`; this module parses arguments and runs
commands. Errors print ``faultline: error: <message>`` on one line on stderr and exit with
status 2 for usage errors and 1 for bad input (a missing file:
``faultline: error: PATH: No such file or directory``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import IO, Any, Dict, NoReturn, Optional, Sequence

import faultline
from faultline._model import ModelBuilder, Snapshot
from faultline._reports import Report
from faultline.report import build_document, input_text, summarize, to_dot, to_json_document

__all__ = ["main", "bundled_topology_path", "bundled_traces_path"]

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


# --- commands -----------------------------------------------------------------------------


def _mapping(text: Optional[str]) -> Optional[Dict[str, Any]]:
    """A CSV column mapping from JSON text, or from a JSON file named with a leading @."""
    if text is None:
        return None
    if text.startswith("@"):
        text = Path(text[1:]).read_text()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise _InputError(f"--mapping: not JSON: {e}") from None
    if not isinstance(value, dict):
        raise _InputError("--mapping: expected a JSON object of column names")
    return value


def _add_traces(builder: ModelBuilder, args: argparse.Namespace) -> Report:
    return builder.add_traces(
        list(args.traces),
        format=args.trace_format,
        mapping=_mapping(args.mapping),
        environment=args.environment,
    )


def _add_states(builder: ModelBuilder, specs: Sequence[str]) -> Report:
    """Terraform/OpenTofu states given as PATH or PATH=BACKEND (e.g. s3://bucket/key)."""
    paths, backends = [], []
    for spec in specs:
        path, _, backend = spec.partition("=")
        paths.append(path)
        backends.append(backend or None)
    return builder.add_terraform_state(paths, backend=backends)


def _add_logs(builder: ModelBuilder, args: argparse.Namespace) -> Report:
    return builder.add_logs(list(args.logs), format=args.logs_format)


def _add_metric_files(builder: ModelBuilder, args: argparse.Namespace) -> Report:
    return builder.add_metrics(list(args.metrics), format=args.metrics_format)


def _cmd_demo(args: argparse.Namespace, out: IO[str]) -> int:
    path = args.topology if args.topology else str(bundled_topology_path())
    out.write(f"faultline {faultline.__version__} demo\n")
    builder = ModelBuilder()
    out.write(input_text(builder.add_topology(path)))
    if not args.no_traces:
        if not args.traces:
            args.traces = [str(bundled_traces_path())]
            args.trace_format = args.trace_format or "nezha"
        out.write(input_text(_add_traces(builder, args)))
    snapshot = builder.freeze()
    out.write("\n")
    summarize(snapshot, out)
    return 0


def _cmd_build(args: argparse.Namespace, out: IO[str]) -> int:
    if not (args.topology or args.traces or args.state or args.alerts or args.events or args.logs
            or args.metrics):
        raise _UsageError("build needs --topology, --state, --traces, --metrics, --logs, "
                          "--alerts and/or --events")
    builder = ModelBuilder()
    reports: Dict[str, Report] = {}

    def read(name: str, report: Report) -> None:
        # Text goes out as each input is read, so it shows how far a failing build got.
        reports[name] = report
        if args.format == "text":
            out.write(input_text(report))

    if args.topology:
        read("topology", builder.add_topology(list(args.topology)))
    if args.state:
        read("state", _add_states(builder, args.state))
    if args.traces:
        read("traces", _add_traces(builder, args))
    if args.alerts:
        read("alerts", builder.add_alerts(list(args.alerts)))
    if args.events:
        read("events", builder.add_events(list(args.events)))
    if args.logs:
        read("logs", _add_logs(builder, args))
    if args.state and (args.traces or args.topology):
        read("infrastructure_links", builder.link_infrastructure())
    if args.links:
        read("links", builder.add_links(list(args.links)))
    if args.metrics:
        read("metrics", _add_metric_files(builder, args))
    snapshot = builder.freeze()
    snapshot.save(args.output)
    if args.format == "json":
        document = build_document(reports, snapshot, args.output)
        out.write(json.dumps(document, indent=2, allow_nan=False) + "\n")
    else:
        out.write(
            f"wrote {args.output}: {snapshot.entity_count} entities, {snapshot.edge_count} "
            f"edges, {snapshot.subgraph_count} subgraphs\n"
        )
    return 0


def _cmd_graph(args: argparse.Namespace, out: IO[str]) -> int:
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
        "--alerts",
        metavar="PATH",
        nargs="+",
        action="extend",
        help="alert files: Alertmanager webhook payloads, Prometheus /api/v1/alerts "
        "responses or JSON lists of alerts (repeatable)",
    )
    build.add_argument(
        "--events",
        metavar="PATH",
        nargs="+",
        action="extend",
        help="change events: `kubectl get events -o json` or JSON lists of deploys and "
        "config changes (repeatable)",
    )
    build.add_argument(
        "--logs",
        metavar="PATH",
        nargs="+",
        action="extend",
        help="log files, one template miner for all: OTLP logs JSON or protobuf, CSV, plain "
        "text; gzip/zstd transparently (repeatable)",
    )
    build.add_argument(
        "--logs-format",
        choices=("otlp-json", "otlp-proto", "csv", "text", "nezha"),
        help="the log format (default: detected per file)",
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
    build.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="what was read and written, as text lines (default) or one JSON document",
    )
    build.set_defaults(func=_cmd_build)

    graph = sub.add_parser("graph", help="print a snapshot as DOT or JSON")
    graph.add_argument("model", metavar="MODEL", help="a snapshot file written by build")
    graph.add_argument("--format", choices=("dot", "json"), default="dot")
    graph.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    graph.set_defaults(func=_cmd_graph)
    return parser


def _message(error: BaseException) -> str:
    # OSError first: a missing input file (faultline.NoSuchFileError) is a KeyError too.
    if isinstance(error, OSError) and error.filename and error.strerror:
        return f"{error.filename}: {error.strerror}"
    if isinstance(error, KeyError) and error.args:
        return str(error.args[0])
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
