"""The input calls of :class:`~faultline.ModelBuilder`: sources in, report objects out.

Every call takes a path (str or os.PathLike), the file's bytes, or a list of them, and
returns a report of its kind (:mod:`faultline._reports`) of the same shape either way.
A path that does not exist raises :class:`~faultline.NoSuchFileError`, a
:class:`FileNotFoundError`, before anything is read.
"""

from __future__ import annotations

import os
from typing import Dict, List, Mapping, Optional, Sequence, Union

from faultline import _core
from faultline._reports import (
    LinkMappingReport,
    LinkReport,
    TerraformPlanReport,
    TerraformStateReport,
    TopologyReport,
    TraceReport,
)

__all__ = ["BuilderInputs", "read_link_mapping"]

Source = Union[bytes, bytearray, str, "os.PathLike[str]"]
Sources = Union[Source, Sequence[Source]]
PerSource = Union[None, str, Sequence[Optional[str]]]


def read_link_mapping(source: Source, name: Optional[str] = None) -> List[Dict[str, str]]:
    """Read an explicit link mapping without adding it to a model.

    Parameters
    ----------
    source : str, os.PathLike or bytes
        A JSON file (or its bytes) holding a list of ``{"from": id, "to": id, "kind":
        edge kind, "detail": text}`` objects, or an object with that list under
        ``"links"``.
    name : str, optional
        What error messages call bytes given as `source`.

    Returns
    -------
    list of dict
        One dict per link with ``from``, ``to``, ``kind`` (``"runs_on"`` by default) and
        ``detail`` (``""`` by default), ready for :meth:`ModelBuilder.add_links`.

    Raises
    ------
    NoSuchFileError
        `source` names a file that does not exist (a :class:`FileNotFoundError`).
    ValueError
        The mapping is not valid JSON or has an unknown key; the message names the
        source, the line and column, and the entry.
    """
    return _core.read_link_mapping(source, name)


class BuilderInputs:
    """The input calls of :class:`~faultline.ModelBuilder`, returning report objects.

    Mixed in ahead of the compiled class, whose calls (reached through ``super()``)
    return plain data: one dict per source read.
    """

    def add_topology(
        self,
        source: Sources,
        subgraph: PerSource = None,
        name: PerSource = None,
    ) -> TopologyReport:
        """Read topology JSON documents, each replacing its subgraph.

        Parameters
        ----------
        source : str, os.PathLike, bytes or list of them
            The documents.
        subgraph : str or list of (str or None), optional
            The subgraph to write; by default ``"topology/"`` + the document's name (or
            the file's stem). For a list of sources, one value (or None) per source.
        name : str or list of (str or None), optional
            What error messages call bytes given as `source`; one per source for a list.

        Returns
        -------
        TopologyReport
            One entry per document, with totals.

        Raises
        ------
        NoSuchFileError
            A path does not exist; nothing is read.
        ValueError
            A document is not valid topology JSON; the message names it with the line.
            The builder keeps the documents before it in the list.
        """
        files = super().add_topology(source, subgraph, name)  # type: ignore[misc]
        return TopologyReport.from_files(files)

    def add_traces(
        self,
        source: Sources,
        format: Optional[str] = None,
        mapping: Optional[Mapping[str, str]] = None,
        environment: Optional[str] = None,
        pairing_horizon_s: Optional[float] = None,
        operations: bool = True,
        placement: bool = True,
        name: Optional[str] = None,
        retention_s: Optional[float] = None,
        max_operations_per_service: Optional[int] = None,
    ) -> TraceReport:
        """Read trace files (or bytes) into the ``traces/ENV`` subgraphs.

        Parameters
        ----------
        source : str, os.PathLike, bytes or list of them
            The spans; a list is read as one stream (traces may span files).
        format : str, optional
            ``"otlp-proto"``, ``"otlp-json"``, ``"jaeger"``, ``"zipkin"``, ``"csv"``,
            ``"nezha"`` or ``"rcaeval"``; detected per file by default. gzip and zstd are
            read transparently.
        mapping : dict of str to str, optional
            CSV columns (``trace_id``, ``span_id``, ``parent_span_id``, ``service``,
            ``pod``, ``operation``, ``start``, ``end``, ``duration``, ``kind``,
            ``status``, ``root_parent_value``) and units (``start_unit``,
            ``duration_unit``: ``ns``, ``us``, ``ms`` or ``s``); implies CSV.
        environment : str, optional
            The ``traces/ENV`` subgraph; by default from the spans' resources.
        pairing_horizon_s : float, optional
            How long a client span waits for its server span.
        operations : bool, default True
            Build operation entities and edges.
        placement : bool, default True
            Build instance, node, zone, region, cluster and namespace placement.
        name : str, optional
            What error messages call bytes given as `source`.
        retention_s : float, optional
            Drop statistics buckets older than this, behind the newest span, while
            reading; every bucket is kept by default.
        max_operations_per_service : int, optional
            Span names kept as operations per service (default 1000); further names
            count as ``(other)``.

        Returns
        -------
        TraceReport
            One entry per file (spans read, accepted, rejected by reason, first errors),
            totals, and the ``summary`` of what the stream became.

        Raises
        ------
        NoSuchFileError
            A path does not exist; nothing is read.
        ValueError
            A bad option, or a file that is not traces in the format; what was read
            before stays in the model.
        """
        result = super().add_traces(  # type: ignore[misc]
            source,
            format,
            mapping,
            environment,
            pairing_horizon_s,
            operations,
            placement,
            name,
            retention_s,
            max_operations_per_service,
        )
        return TraceReport.from_files(result["files"], summary=result["summary"])

    def add_terraform_state(
        self,
        source: Sources,
        stack: PerSource = None,
        backend: PerSource = None,
        seen_at_ns: Optional[int] = None,
        name: PerSource = None,
    ) -> TerraformStateReport:
        """Read Terraform/OpenTofu states, each as the stack subgraph ``iac/<stack>``.

        Parameters
        ----------
        source : str, os.PathLike, bytes or list of them
            Raw v4 states or ``terraform show -json`` output. Loading a stack again
            replaces it and reports the changes since its previous serial.
        stack : str or list of (str or None), optional
            The stack name; the file's stem by default. One per source for a list.
        backend : str or list of (str or None), optional
            Where the state is stored, as other stacks' ``terraform_remote_state`` read
            it (``"s3://bucket/key"``, ``"gcs://bucket/prefix"``), so that those reads
            become links between the stacks. One per source for a list.
        seen_at_ns : int, optional
            When the state was seen (Unix ns), stamped on changed resources.
        name : str or list of (str or None), optional
            What error messages call bytes given as `source`; one per source for a list.

        Returns
        -------
        TerraformStateReport
            One entry per state (resources, dependencies, placement, changes), with
            totals. Secrets never enter the model or the report.

        Raises
        ------
        NoSuchFileError
            A path does not exist; nothing is read.
        ValueError
            A state is not valid JSON (the message names the line and column).
        faultline.Error
            A state cannot be used: encrypted, or of a version before 4.
        """
        files = super().add_terraform_state(  # type: ignore[misc]
            source, stack, backend, seen_at_ns, name
        )
        return TerraformStateReport.from_files(files)

    def add_terraform_plan(
        self,
        source: Sources,
        stack: PerSource = None,
        name: PerSource = None,
    ) -> TerraformPlanReport:
        """Read plan JSON (``terraform show -json PLANFILE``) as the subgraph ``plan/<stack>``.

        Each planned create, update, delete or replacement becomes the stack's entity
        ``tf:<stack>:<address>`` with attributes ``plan.actions``, ``plan.changed`` and the
        planned values; references between planned resources become ``depends_on`` edges.

        Parameters
        ----------
        source : str, os.PathLike, bytes or list of them
            The plans (format 1.x).
        stack : str or list of (str or None), optional
            The stack planned; the file's stem by default. One per source for a list.
        name : str or list of (str or None), optional
            What error messages call bytes given as `source`; one per source for a list.

        Returns
        -------
        TerraformPlanReport
            One entry per plan (changes of each kind), with totals.

        Raises
        ------
        NoSuchFileError
            A path does not exist; nothing is read.
        ValueError
            Not a plan (a state, or invalid JSON).
        faultline.Error
            A plan format this version cannot read.
        """
        files = super().add_terraform_plan(source, stack, name)  # type: ignore[misc]
        return TerraformPlanReport.from_files(files)

    def link_infrastructure(self) -> LinkReport:
        """Link traced entities to the IaC resources that serve them, by rule.

        Rules: endpoint, Kubernetes workload, function ARN or name, labels, queue names,
        host ids (``include/faultline/iac/linker.h``). Earlier rule links are replaced.

        Returns
        -------
        LinkReport
            Links per rule and what stayed unlinked on both sides.
        """
        return LinkReport.from_links(super().link_infrastructure())  # type: ignore[misc]

    def add_links(
        self,
        links: Union[Sources, Sequence[Mapping[str, str]]],
        name: PerSource = None,
    ) -> LinkMappingReport:
        """Add explicit links, for what the rules cannot infer.

        Parameters
        ----------
        links : list of dict, or str, os.PathLike, bytes or a list of them
            Links as ``{"from": id, "to": id, "kind": "runs_on" (default) | "uses" | ...,
            "detail": text}`` (see :func:`read_link_mapping`), or mapping files holding
            such a list.
        name : str or list of (str or None), optional
            What error messages call bytes given as `links`; one per source for a list.

        Returns
        -------
        LinkMappingReport
            Links added per mapping (``"<list>"`` for links given inline), with the total.

        Raises
        ------
        NoSuchFileError
            A mapping file does not exist; nothing is read.
        ValueError
            A mapping is invalid; the message names the file, line and entry.
        """
        files = super().add_links(links, name)  # type: ignore[misc]
        return LinkMappingReport.from_files(files)

