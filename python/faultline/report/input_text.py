"""Input reports as the text ``faultline build`` and ``faultline demo`` print."""

from __future__ import annotations

from typing import Callable, List, Tuple, Type

from faultline._reports import (
    LinkMappingReport,
    LinkReport,
    LogReport,
    MetricReport,
    Report,
    SignalReport,
    TerraformPlanReport,
    TerraformStateReport,
    TopologyReport,
    TraceReport,
)

__all__ = ["input_text"]

# The rarer losses of a trace stream, printed only when they happened.
_TRACE_NOTES = {
    "duplicate_spans": "duplicate spans ignored",
    "clock_skew_adjusted": "negative durations clamped (clock skew)",
    "split_traces": "traces over the span limit analysed in parts",
    "dropped_links": "span links over the per-target limit dropped",
    "unresolved_links": "span links whose target span never arrived",
    "capped_operation_spans": "span names beyond the per-service cap counted as (other)",
}


def _topology(report: TopologyReport) -> List[str]:
    lines = []
    for f in report.files:
        lines.append(
            f"read {f.source}: subgraph {f.subgraph}, {f.services} services, "
            f"{f.entities} entities, {f.edges} edges"
        )
        lines += [f"  warning: {warning}" for warning in f.warnings]
    return lines


def _traces(report: TraceReport) -> List[str]:
    lines = []
    for f in report.files:
        lines.append(
            f"read {f.source} ({f.format}): {f.spans_read} spans, {f.spans_accepted} "
            f"accepted, {sum(f.rejected.values())} rejected"
        )
        lines += [f"  rejected {count}: {reason}" for reason, count in sorted(f.rejected.items())]
        lines += [f"  {error}" for error in f.errors]
    s = report.summary
    lines.append(
        f"traces: {s.traces} traces, {s.paired_calls} paired calls, {s.unkinded_calls} calls "
        f"without span kinds, {s.virtual_peers} calls to uninstrumented peers, "
        f"{s.unpaired_client_spans} unpaired client spans, {s.orphan_spans} orphan spans"
    )
    lines += [f"  {s[key]} {text}" for key, text in _TRACE_NOTES.items() if s[key]]
    return lines


def _terraform_state(report: TerraformStateReport) -> List[str]:
    lines = []
    for f in report.files:
        lines.append(
            f"read {f.source}: stack {f.stack} (serial {f.serial}), {f.instances} resources "
            f"in {f.modules} modules, {f.dependency_edges} dependencies "
            f"({f.transitive_dependencies_removed} transitive removed), "
            f"{f.placement_edges} placement edges, "
            f"{f.attributes_dropped + f.sensitive_attributes_dropped} attributes not kept"
        )
        lines += [f"  remote state not loaded yet: {item}" for item in f.unresolved_remote_states]
        lines += [f"  dependency not in state: {item}" for item in f.dangling_dependencies]
        for change in f.changes:
            detail = f" ({', '.join(change['attributes'])})" if change["attributes"] else ""
            lines.append(f"  {change['kind']}: {change['address']}{detail}")
        lines += [f"  warning: {warning}" for warning in f.warnings]
    return lines


def _terraform_plan(report: TerraformPlanReport) -> List[str]:
    lines = []
    for f in report.files:
        lines.append(
            f"read {f.source}: plan of stack {f.stack}, {f.creates} to create, {f.updates} to "
            f"update, {f.deletes} to delete, {f.replaces} to replace"
        )
        lines += [f"  warning: {warning}" for warning in f.warnings]
    return lines


def _infrastructure_links(report: LinkReport) -> List[str]:
    rules = ", ".join(f"{count} by {rule}" for rule, count in report.links_by_rule.items())
    lines = [f"links between traces and infrastructure: {rules or 'none'}"]
    if report.unlinked_traced:
        lines.append("  traced but not found in IaC: " + ", ".join(report.unlinked_traced))
    if report.unlinked_infrastructure:
        lines.append(
            "  in IaC but not seen in traces: " + ", ".join(report.unlinked_infrastructure)
        )
    return lines


def _link_mapping(report: LinkMappingReport) -> List[str]:
    return [f"links from {f.source}: {f.links} added" for f in report.files]


def _signal(report: SignalReport) -> List[str]:
    lines = []
    if isinstance(report, LogReport):
        for f in report.files:
            rejected = sum(f.rejected.values())
            lines.append(f"read {f.source} ({f.format}): {f.records_read} log records, "
                         f"{f.records_accepted} accepted, {rejected} rejected")
            lines += [f"  rejected {n}: {reason}" for reason, n in sorted(f.rejected.items())]
            lines += [f"  unmapped labels: {labels}" for labels in f.unmapped_labels]
            lines += [f"  {error}" for error in f.errors]
        lines.append(f"logs: {report.templates} templates, {report.entities} entities")
        return lines
    if isinstance(report, MetricReport):
        for f in report.files:
            rejected = sum(f.rejected.values())
            lines.append(f"read {f.source} ({f.format}): {f.samples_read} samples, "
                         f"{f.samples_accepted} accepted, {rejected} rejected, {f.series} series "
                         f"({f.unmapped_series} mapped to no entity)")
            lines += [f"  rejected {n}: {reason}" for reason, n in sorted(f.rejected.items())]
            lines += [f"  unmapped: {labels}" for labels in f.unmapped]
            lines += [f"  {error}" for error in f.errors]
        return lines
    for f in report.files:
        rejected = sum(f.rejected.values())
        extra = ""
        if "merged" in f:
            extra = f", {f.merged} repeats merged"
        if "by_kind" in f:
            kinds = ", ".join(f"{n} {k}" for k, n in sorted(f.by_kind.items()))
            extra = f" ({kinds or 'none'})"
        lines.append(f"read {f.source} ({f.format}): {f.read} {report.NOUN}, {f.accepted} "
                     f"accepted{extra}, {rejected} rejected")
        lines += [f"  rejected {n}: {reason}" for reason, n in sorted(f.rejected.items())]
        lines += [f"  {error}" for error in f.errors]
        lines += [f"  no entity for {labels}" for labels in f.unmapped]
    return lines


_WRITERS: Tuple[Tuple[Type[Report], Callable[..., List[str]]], ...] = (
    (TopologyReport, _topology),
    (TraceReport, _traces),
    (TerraformStateReport, _terraform_state),
    (TerraformPlanReport, _terraform_plan),
    (LinkReport, _infrastructure_links),
    (LinkMappingReport, _link_mapping),
    (SignalReport, _signal),
)


def input_text(report: Report) -> str:
    """The lines printed for an input report.

    Parameters
    ----------
    report : Report
        What an input call of :class:`~faultline.ModelBuilder` returned.

    Returns
    -------
    str
        One line per file read (with its warnings, rejections and changes indented
        under it), then the totals that belong to no one file; newline-terminated.

    Raises
    ------
    TypeError
        `report` is not an input report.
    """
    for cls, writer in _WRITERS:
        if isinstance(report, cls):
            return "".join(line + "\n" for line in writer(report))
    raise TypeError(f"not an input report: {type(report).__name__}")
