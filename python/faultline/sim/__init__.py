"""faultline.sim: a deterministic incident simulator.

Topologies (``topology``), where they run (``world``), the faults and nuisances
(``faults``), requests drawn once and evaluated with and without the faults (``traffic``),
and the files a case is made of (``export``, ``case``)."""

from faultline.sim.case import CaseOptions, generate_case
from faultline.sim.faults import FAULT_KINDS, Fault, Nuisance
from faultline.sim.topology import Topology, by_name, generated, online_boutique, sock_shop
from faultline.sim.world import World, place

__all__ = ["CaseOptions", "FAULT_KINDS", "Fault", "Nuisance", "Topology", "World",
           "by_name", "generate_case", "generated", "online_boutique", "place", "sock_shop"]
