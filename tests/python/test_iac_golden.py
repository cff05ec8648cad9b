"""Golden graphs of the Terraform fixtures: for each stack, every subgraph, entity (with its
kept attributes), edge and cross link it made, as sorted text in tests/data/iac/golden/;
and the links from the shop's traces to the infrastructure.

A change to what the IaC loader builds shows up as a diff here. When the change is
intended, regenerate the files and review the diff:

    FAULTLINE_UPDATE_GOLDEN=1 python -m pytest tests/python/test_iac_golden.py
"""

import difflib
import os

import pytest

import faultline

from test_iac_fixtures import BACKEND, IAC, assert_no_secret

GOLDEN = IAC / "golden"
STACKS = ["network", "data", "apps", "gcp", "k8s"]


@pytest.fixture(scope="module")
def world():
    b = faultline.ModelBuilder()
    for stack in ["apps", "data", "network"]:
        b.add_terraform_state(str(IAC / "aws" / f"{stack}.tfstate"),
                              backend=BACKEND.format(stack))
    b.add_terraform_state(str(IAC / "gcp" / "show.json"), stack="gcp")
    b.add_terraform_state(str(IAC / "k8s" / "kubernetes.tfstate"), stack="k8s")
    b.add_traces(str(IAC / "traces" / "shop.otlp.json"))
    b.link_infrastructure()
    return b.freeze()


def render_stack(snap, stack):
    root = f"iac/{stack}"
    mine = lambda sg: sg == root or sg.startswith(root + "/")
    lines = [f"# golden graph of stack {stack}: subgraphs, entities, edges, cross links"]
    sg = snap.subgraphs()
    for row in sg[sg.id.map(mine)].itertuples():
        lines.append(f"subgraph {row.id} kind={row.kind} parent={row.parent or '-'} "
                     f"version={row.version}")
    ents = snap.entities()
    for row in ents[ents.subgraph.map(mine)].itertuples():
        attrs = " ".join(f"{k}={v}" for k, v in sorted(row.attributes.items()))
        lines.append(f"entity {row.id} kind={row.kind} subgraph={row.subgraph} {attrs}".rstrip())
    edges = snap.edges()
    sets = (f"terraform_placement/{stack}", f"terraform_remote_state/{stack}")
    own = edges.subgraph.map(lambda s: isinstance(s, str) and mine(s)) & edges.link_set.isna()
    for row in edges[own].itertuples():
        lines.append(f"edge {row.source} -[{row.kind}]-> {row.target} subgraph={row.subgraph}")
    for row in edges[edges.link_set.isin(sets)].itertuples():
        lines.append(f"link {row.source} -[{row.kind}]-> {row.target} set={row.link_set} "
                     f"rule={row.link_rule} detail={row.link_detail}")
    return "\n".join([lines[0]] + sorted(lines[1:])) + "\n"


def render_links(snap):
    edges = snap.edges()
    lines = ["# golden links from the shop's traces to the infrastructure (rule: detail)"]
    for row in edges[edges.link_set == "iac_traces"].itertuples():
        lines.append(f"link {row.source} -[{row.kind}]-> {row.target} "
                     f"rule={row.link_rule} detail={row.link_detail}")
    return "\n".join([lines[0]] + sorted(lines[1:])) + "\n"


def check(name, text):
    assert_no_secret(text, f"golden {name}")
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("FAULTLINE_UPDATE_GOLDEN"):
        path.write_text(text)
        return
    assert path.exists(), f"{path} is missing: run with FAULTLINE_UPDATE_GOLDEN=1"
    expected = path.read_text()
    if text != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(True), text.splitlines(True), str(path), "built"))[:60])
        pytest.fail(f"the graph of {name} differs from its golden file:\n{diff}")


@pytest.mark.parametrize("stack", STACKS)
def test_stack_graph_matches_its_golden_file(world, stack):
    text = render_stack(world, stack)
    assert text.count("\nentity ") > 0 and text.count("\nedge ") > 0
    check(stack, text)


def test_trace_links_match_their_golden_file(world):
    text = render_links(world)
    assert text.count("\nlink ") >= 8
    check("links", text)
