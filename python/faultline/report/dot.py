"""A snapshot as Graphviz DOT: one cluster per subgraph, cross links dashed."""

from __future__ import annotations

from typing import Dict, List, Optional

from faultline._model import Snapshot

__all__ = ["to_dot"]


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
