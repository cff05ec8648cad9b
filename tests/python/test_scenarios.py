"""Scenarios: every folder of tests/scenarios/ is one case of one parameterized test.

A scenario names its inputs and the builder calls that read them (``scenario.json``) and
the facts that must then hold (``expected.json``). The format is in
tests/scenarios/README.md. Each key of ``expected.json`` is checked by the function
registered for it with ``@expectation("key")`` below; a key with no function fails the
scenario, so a misspelt expectation can never pass unchecked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping

import pandas as pd
import pytest

import faultline

from conftest import REPO_ROOT

SCENARIOS = REPO_ROOT / "tests" / "scenarios"

# The builder calls a step may make, and the keys of scenario.json and of a step.
CALLS = (
    "add_topology",
    "add_traces",
    "add_terraform_state",
    "add_terraform_plan",
    "add_links",
    "link_infrastructure",
)
SCENARIO_KEYS = {"description", "steps"}
STEP_KEYS = {"call", "source", "report"}  # any other key is a keyword argument of the call


class ScenarioError(Exception):
    """A scenario folder that does not follow tests/scenarios/README.md."""


@dataclass
class World:
    """What a scenario built: the frozen model and each step's report, by name, with the
    scenario's folder and its scenario.json."""

    folder: Path
    spec: Dict[str, Any]
    snapshot: faultline.Snapshot
    reports: Dict[str, faultline.Report]
    _cache: Dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def edges(self) -> pd.DataFrame:
        if "edges" not in self._cache:
            self._cache["edges"] = self.snapshot.edges()
        return self._cache["edges"]

    @property
    def entities(self) -> pd.DataFrame:
        if "entities" not in self._cache:
            self._cache["entities"] = self.snapshot.entities().set_index("id")
        return self._cache["entities"]


# --- expectations: one checker per key of expected.json ---------------------------------

EXPECTATIONS: Dict[str, Callable[[World, Any], None]] = {}


def expectation(key: str) -> Callable[[Callable[[World, Any], None]], Callable[[World, Any], None]]:
    """Register `check(world, value)` as the checker of `key` in expected.json."""

    def register(check: Callable[[World, Any], None]) -> Callable[[World, Any], None]:
        assert key not in EXPECTATIONS, f"two checkers for {key!r}"
        EXPECTATIONS[key] = check
        return check

    return register


def _require_fields(item: Mapping[str, Any], allowed: set, where: str) -> None:
    unknown = set(item) - allowed
    if unknown:
        raise ScenarioError(f"{where}: unknown fields {sorted(unknown)}; known: {sorted(allowed)}")


@expectation("entities")
def _entities(world: World, expected: List[Dict[str, Any]]) -> None:
    """Entities that must exist: id, and optionally kind, subgraph (home) and attributes
    (the listed ones must have these values; others may exist)."""
    for item in expected:
        _require_fields(item, {"id", "kind", "subgraph", "attributes"}, "entities")
        entity = item["id"]
        assert entity in world.snapshot, f"entity {entity} is missing"
        row = world.entities.loc[entity]
        if "kind" in item:
            assert row["kind"] == item["kind"], f"{entity}: kind {row['kind']}"
        if "subgraph" in item:
            assert row["subgraph"] == item["subgraph"], f"{entity}: home {row['subgraph']}"
        for key, value in item.get("attributes", {}).items():
            actual = row["attributes"].get(key)
            assert actual == value, f"{entity}: attribute {key} is {actual!r}, not {value!r}"


@expectation("subgraphs")
def _subgraphs(world: World, expected: List[Dict[str, Any]]) -> None:
    """Subgraphs that must exist: id, and optionally kind and parent."""
    table = world.snapshot.subgraphs().set_index("id")
    for item in expected:
        _require_fields(item, {"id", "kind", "parent"}, "subgraphs")
        assert item["id"] in table.index, f"subgraph {item['id']} is missing"
        for key in ("kind", "parent"):
            if key in item:
                actual = table.loc[item["id"], key]
                assert actual == item[key], f"subgraph {item['id']}: {key} is {actual!r}"


# Fields of an edge matcher and the edges() columns they compare with; from_prefix and
# to_prefix match the start of the source or target id.
EDGE_FIELDS = {
    "from": "source",
    "to": "target",
    "kind": "kind",
    "subgraph": "subgraph",
    "link_set": "link_set",
    "rule": "link_rule",
    "detail": "link_detail",
    "requests": "requests",
    "errors": "errors",
}
PREFIX_FIELDS = {"from_prefix": "source", "to_prefix": "target"}


def _matching_edges(edges: pd.DataFrame, matcher: Mapping[str, Any], where: str) -> pd.DataFrame:
    _require_fields(matcher, set(EDGE_FIELDS) | set(PREFIX_FIELDS), where)
    mask = pd.Series(True, index=edges.index)
    for key, value in matcher.items():
        if key in PREFIX_FIELDS:
            mask &= edges[PREFIX_FIELDS[key]].str.startswith(value)
        else:
            column = EDGE_FIELDS[key]
            if column not in edges:
                raise ScenarioError(f"{where}: {key} needs statistics the model does not have")
            mask &= edges[column] == value
    return edges[mask]


def _assert_endpoints_exist(world: World, matcher: Mapping[str, Any], where: str) -> None:
    """An absence only means something when what it is about exists."""
    for key in ("from", "to"):
        if key in matcher:
            assert matcher[key] in world.snapshot, f"{where}: {matcher[key]} is not in the model"
    for key in PREFIX_FIELDS:
        if key in matcher:
            ids = world.entities.index
            assert ids.str.startswith(matcher[key]).any(), f"{where}: no entity {matcher[key]}*"


def _describe(matcher: Mapping[str, Any]) -> str:
    return json.dumps(matcher, ensure_ascii=False)


@expectation("edges")
def _edges(world: World, expected: List[Dict[str, Any]]) -> None:
    """Edges that must exist, subgraph edges or cross links, matched on every field given."""
    for matcher in expected:
        found = _matching_edges(world.edges, matcher, "edges")
        assert len(found), f"no edge matches {_describe(matcher)}"


@expectation("absent_edges")
def _absent_edges(world: World, expected: List[Dict[str, Any]]) -> None:
    """Edges that must not exist (of any kind when kind is not given) between entities
    that do exist."""
    for matcher in expected:
        _assert_endpoints_exist(world, matcher, "absent_edges")
        found = _matching_edges(world.edges, matcher, "absent_edges")
        assert not len(found), (
            f"{_describe(matcher)} matches edges it must not: "
            f"{found[['source', 'target', 'kind', 'subgraph']].to_dict('records')}"
        )


@expectation("cross_links")
def _cross_links(world: World, expected: List[Dict[str, Any]]) -> None:
    """Cross links (edges between subgraphs, with the rule that made them) that must exist."""
    links = world.edges[world.edges["link_set"].notna()]
    for matcher in expected:
        found = _matching_edges(links, matcher, "cross_links")
        assert len(found), f"no cross link matches {_describe(matcher)}"


@expectation("absent_cross_links")
def _absent_cross_links(world: World, expected: List[Dict[str, Any]]) -> None:
    """Cross links that must not exist, about entities that do exist."""
    links = world.edges[world.edges["link_set"].notna()]
    for matcher in expected:
        _assert_endpoints_exist(world, matcher, "absent_cross_links")
        found = _matching_edges(links, matcher, "absent_cross_links")
        assert not len(found), (
            f"{_describe(matcher)} matches cross links it must not: "
            f"{found[['source', 'target', 'link_rule']].to_dict('records')}"
        )


def _assert_subset(actual: Any, expected: Any, path: str) -> None:
    """`expected` holds in `actual`: mappings by the keys given (an empty one: `actual` is
    empty), lists item by item (same length), anything else by equality."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, found {actual!r}"
        assert expected or not actual, f"{path}: expected nothing, found {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{path}: no field {key!r} (fields: {sorted(actual)})"
            _assert_subset(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (
            f"{path}: expected {len(expected)} items, found {actual!r}"
        )
        for i, (a, e) in enumerate(zip(actual, expected)):
            _assert_subset(a, e, f"{path}[{i}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


@expectation("reports")
def _reports(world: World, expected: Dict[str, Any]) -> None:
    """Fields of the steps' reports (by step name) in their to_dict() form."""
    for name, fields in expected.items():
        assert name in world.reports, f"reports: no step named {name!r} ({sorted(world.reports)})"
        _assert_subset(world.reports[name].to_dict(), fields, name)


# --- running a scenario ----------------------------------------------------------------


def _read_json(path: Path) -> Any:
    if not path.is_file():
        raise ScenarioError(f"{path.parent.name}: {path.name} is missing")
    return json.loads(path.read_text())


def _resolve(folder: Path, source: Any) -> Any:
    """Paths from the repository root; "./name" from the scenario's folder."""
    if isinstance(source, list):
        return [_resolve(folder, s) for s in source]
    if not isinstance(source, str):
        return source  # inline data, e.g. a list of links
    return str(folder / source) if source.startswith("./") else str(REPO_ROOT / source)


def build_world(folder: Path) -> World:
    """Run the steps of `folder`'s scenario.json and freeze the model."""
    spec = _read_json(folder / "scenario.json")
    unknown = set(spec) - SCENARIO_KEYS
    if unknown or "steps" not in spec or not spec.get("description"):
        raise ScenarioError(
            f"{folder.name}/scenario.json: needs description and steps"
            + (f"; unknown keys {sorted(unknown)}" if unknown else "")
        )
    builder = faultline.ModelBuilder()
    reports: Dict[str, faultline.Report] = {}
    for number, step in enumerate(spec["steps"], start=1):
        call = step.get("call")
        if call not in CALLS:
            raise ScenarioError(f"{folder.name} step {number}: call {call!r} is not one of {CALLS}")
        name = step.get("report", call)
        if name in reports:
            raise ScenarioError(f"{folder.name} step {number}: a second report named {name!r}; "
                                f"name it with \"report\"")
        kwargs = {k: v for k, v in step.items() if k not in STEP_KEYS}
        args = [_resolve(folder, step["source"])] if "source" in step else []
        reports[name] = getattr(builder, call)(*args, **kwargs)
    return World(folder=folder, spec=spec, snapshot=builder.freeze(), reports=reports)


def check_expectations(world: World, expected: Mapping[str, Any]) -> None:
    """Run the checker of every key of `expected`; unknown keys are errors."""
    unknown = set(expected) - set(EXPECTATIONS)
    if unknown:
        raise ScenarioError(
            f"{world.folder.name}/expected.json: no checker for {sorted(unknown)}; known keys: "
            f"{sorted(EXPECTATIONS)} (add one with @expectation in {Path(__file__).name})"
        )
    if not expected:
        raise ScenarioError(f"{world.folder.name}/expected.json: expects nothing")
    for key, value in expected.items():
        EXPECTATIONS[key](world, value)


def scenario_folders() -> List[Path]:
    return sorted(p for p in SCENARIOS.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", scenario_folders(), ids=lambda p: p.name)
def test_scenario(folder: Path) -> None:
    world = build_world(folder)
    check_expectations(world, _read_json(folder / "expected.json"))


# --- the runner itself ------------------------------------------------------------------


def test_runner_refuses_what_it_cannot_check(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "scenario.json").write_text(json.dumps({
        "description": "the canonical trace",
        "steps": [{"call": "add_traces", "source": "tests/data/traces/canonical.otlp.json"}],
    }))
    world = build_world(folder)
    with pytest.raises(ScenarioError, match=r"no checker for \['top_suspect'\]"):
        check_expectations(world, {"top_suspect": "service:checkout"})
    with pytest.raises(ScenarioError, match="expects nothing"):
        check_expectations(world, {})
    with pytest.raises(ScenarioError, match=r"unknown fields \['tp'\]"):
        check_expectations(world, {"edges": [{"from": "service:frontend", "tp": "x"}]})
    # An absence about an entity the model lacks proves nothing, so it fails.
    with pytest.raises(AssertionError, match="service:nowhere is not in the model"):
        check_expectations(world, {"absent_edges": [{"from": "service:nowhere",
                                                     "to": "service:checkout"}]})
    # A fact that is false fails with what was expected.
    with pytest.raises(AssertionError, match="no edge matches"):
        check_expectations(world, {"edges": [{"from": "service:checkout",
                                              "to": "service:frontend"}]})
    check_expectations(world, {"edges": [{"from": "service:frontend", "to": "service:checkout",
                                          "kind": "calls", "requests": 1, "errors": 1}]})

    (folder / "scenario.json").write_text(json.dumps({
        "description": "a call the runner does not know",
        "steps": [{"call": "add_metrics", "source": "metrics.json"}],
    }))
    with pytest.raises(ScenarioError, match="add_metrics"):
        build_world(folder)
