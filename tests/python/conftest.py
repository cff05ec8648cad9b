"""Shared fixtures for the Python tests."""

from pathlib import Path

import pytest

import faultline
from faultline.cli import bundled_topology_path

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def boutique_path() -> Path:
    return bundled_topology_path()


@pytest.fixture
def shop() -> faultline.ModelBuilder:
    """Two subgraphs: traces of a small shop and the infrastructure it runs on."""
    b = faultline.ModelBuilder()
    b.add_subgraph("traces/prod", kind="traces", attributes={"env": "prod"})
    b.add_subgraph("infra", kind="topology")
    b.add_entity("traces/prod", "service", "service:frontend", {"team": "web"})
    b.add_entity("traces/prod", "service", "service:checkout", {"team": "pay"})
    b.add_entity("traces/prod", "database", "database:orders")
    b.add_edge("traces/prod", "service:frontend", "service:checkout", "calls")
    b.add_edge("traces/prod", "service:checkout", "database:orders", "uses")
    b.add_entity("infra", "node", "node:n1", {"zone": "zone-a"})
    b.add_entity("infra", "zone", "zone:zone-a")
    b.add_edge("infra", "node:n1", "zone:zone-a", "runs_on")
    b.add_cross_link("placement", "service:checkout", "node:n1", "runs_on",
                     rule="k8s-placement", detail="pod checkout-1")
    return b
