"""The suites of the accuracy harness: each yields cases, a case builds its model.

- synthetic: faultline.sim cases from committed topologies (Online Boutique, Sock Shop,
  DeathStarBench's social network, a Train-Ticket-sized system), every fault kind and
  seeds (the data is generated, not committed); seed 2 adds nuisances (10 % of spans
  dropped, clock skew on one service, an uninstrumented dependency, a noisy alert on a
  healthy service); two cases have two simultaneous faults.
- nezha: the Nezha Online Boutique captures in ../shared/datasets (25 cases with their
  injection-minute traces; service-level truth: the injected pod's Deployment, or the
  pod; no blast-radius truth).
- dowhy: the web shop of DoWhy's microservice example, simulated, root cause the Caching
  Service (a latency fault).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pandas as pd

import faultline
from faultline.sim import CaseOptions, FAULT_KINDS, Nuisance, generate_case

sys.path.insert(0, str(Path(__file__).resolve().parent / "peers"))
import inputs as peer_inputs  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAULTLINE_SHARED", REPO.parent / "shared"))
SECOND = 1_000_000_000


@dataclass
class Case:
    suite: str
    name: str
    fault_type: str
    truth: set  # the root cause and its equivalents
    blast_radius: Optional[set]  # None: the suite has no blast-radius truth
    window: Tuple[int, int]
    baseline: Tuple[int, int]
    build: Callable[[], "faultline.Snapshot"]
    notes: List[str] = field(default_factory=list)
    # The case's spans as a DataFrame for the peers (peers/inputs.py), read from its files.
    spans: Optional[Callable[[], object]] = None
    # Several root causes: one set per root cause (each with its equivalents).
    groups: Optional[List[set]] = None


# --- synthetic -----------------------------------------------------------------------------

SYNTHETIC_TOPOLOGIES = ["online-boutique", "sock-shop", "social-network", "train-ticket"]
SYNTHETIC_SEEDS = [1, 2]
# The larger systems run one seed (no nuisances) to keep `make eval` within its budget.
SEEDS_BY_TOPOLOGY = {"social-network": [1], "train-ticket": [1]}


# Cases with two simultaneous faults (seed 1): (topology, fault, concurrent faults).
CONCURRENT = [("online-boutique", "cpu", ["db_slowdown"]),
              ("sock-shop", "exception", ["pod_crash"])]


def _nuisance_for(topology: str, seed: int) -> Optional[Nuisance]:
    if seed % 2 == 1:
        return None
    skewed, silent = {"online-boutique": ("currencyservice", "emailservice"),
                      "sock-shop": ("user", "payment"),
                      "social-network": ("media-service", "unique-id-service"),
                      "train-ticket": ("ts-station-service", "ts-news-service"),
                      "dowhy-shop": ("shipping-cost-service", None)}.get(topology, (None, None))
    return Nuisance(drop_spans=0.1, clock_skew_service=skewed, clock_skew_ms=250,
                    uninstrumented_service=silent, noisy_alert_service=skewed)


def build_sim_case(case_dir: Path) -> "faultline.Snapshot":
    manifest = json.loads((case_dir / "case.json").read_text())
    b = faultline.ModelBuilder()
    for path in manifest["inputs"]["traces"]:
        b.add_traces(str(case_dir / path))
    for s in manifest["inputs"]["states"]:
        b.add_terraform_state(str(case_dir / s["path"]), stack=s["stack"], backend=s["backend"],
                              seen_at_ns=s["seen_at_ns"])
    b.link_infrastructure()
    return b.freeze()


def _sim_case(suite: str, case_dir: Path, manifest: Dict) -> Case:
    t = manifest["truth"]
    # Several simultaneous faults: one group per root cause (with its equivalents).
    groups = [{r["root_cause"], *r["equivalents"]} for r in t.get("root_causes", [])]
    truth = set().union(*groups) if groups else {t["root_cause"], *t["equivalents"]}
    fault = manifest["fault"]["kind"]
    if manifest.get("concurrent"):
        fault = "+".join([fault] + [c["kind"] for c in manifest["concurrent"]])
    return Case(suite, manifest["name"], fault, truth, set(t["blast_radius"]),
                (manifest["window"]["start_ns"], manifest["window"]["end_ns"]),
                (manifest["baseline"]["start_ns"], manifest["baseline"]["end_ns"]),
                lambda d=case_dir: build_sim_case(d), manifest["nuisance"],
                lambda d=case_dir, m=manifest: pd.concat(
                    [peer_inputs.spans_from_otlp_json(d / p) for p in m["inputs"]["traces"]]),
                groups if len(groups) > 1 else None)


def synthetic(cases_dir: Path, topologies=None, faults=None, seeds=None) -> Iterator[Case]:
    for topology in topologies or SYNTHETIC_TOPOLOGIES:
        for fault in faults or sorted(FAULT_KINDS):
            for seed in seeds or SEEDS_BY_TOPOLOGY.get(topology, SYNTHETIC_SEEDS):
                d = cases_dir / topology / fault / str(seed)
                try:
                    manifest = generate_case(topology, fault, seed, d,
                                             CaseOptions(nuisance=_nuisance_for(topology, seed)))
                except ValueError:
                    continue  # the topology has nothing this fault can target
                yield _sim_case("synthetic", d, manifest)
    for topology, fault, more in CONCURRENT:
        if topologies and topology not in topologies:
            continue
        if seeds and 1 not in seeds:
            continue
        if faults and fault not in faults:
            continue
        d = cases_dir / topology / "+".join([fault] + more) / "1"
        manifest = generate_case(topology, fault, 1, d, CaseOptions(concurrent=more))
        yield _sim_case("synthetic", d, manifest)


def dowhy(cases_dir: Path, seeds=(1, 2, 3)) -> Iterator[Case]:
    for seed in seeds:
        d = cases_dir / "dowhy-shop" / str(seed)
        manifest = generate_case("dowhy-shop", "cpu", seed, d, CaseOptions(magnitude=0.5),
                                 target="caching-service")
        yield _sim_case("dowhy", d, manifest)


# --- nezha ---------------------------------------------------------------------------------

NEZHA_TYPES = {"cpu_contention": "cpu", "cpu_consumed": "cpu", "network_delay": "network_delay",
               "return": "wrong_return", "exception": "exception"}


def nezha(root: Path = None) -> Iterator[Case]:
    root = root or SHARED / "datasets" / "nezha-online-boutique"
    if not root.is_dir():
        return
    for day in sorted(p for p in root.iterdir() if p.is_dir()):
        lists = list(day.glob("*-fault_list.json"))
        if not lists:
            continue
        faults = json.loads(lists[0].read_text())
        for hour in sorted(faults):
            for f in faults[hour]:
                inject = datetime.strptime(f["inject_time"], "%Y-%m-%d %H:%M:%S").replace(
                    tzinfo=timezone.utc)
                minute = day / "trace" / f"{inject:%H_%M}_trace.csv.gz"
                if not minute.is_file():
                    continue
                ts = int(inject.timestamp())
                files = []
                # File HH_MM holds about the minute that ends at HH:MM: up to +4 covers the
                # three minutes after the injection.
                for delta in range(-3, 5):
                    m = datetime.fromtimestamp(ts + 60 * delta, tz=timezone.utc)
                    p = day / "trace" / f"{m:%H_%M}_trace.csv.gz"
                    if p.is_file():
                        files.append(str(p))
                service = peer_inputs.deployment_of_pod(f["inject_pod"])
                window = (ts * SECOND, (ts + 180) * SECOND)
                baseline = ((ts - 180) * SECOND, ts * SECOND)

                def build(files=files):
                    b = faultline.ModelBuilder()
                    b.add_traces(files, format="nezha")
                    return b.freeze()

                yield Case("nezha", f"{day.name} {f['inject_time'][11:]} {f['inject_pod']}",
                           NEZHA_TYPES.get(f["inject_type"], f["inject_type"]),
                           {f"service:{service}", f"instance:{service}/{f['inject_pod']}"},
                           None, window, baseline, build, [],
                           lambda files=files: peer_inputs.spans_from_nezha(files))
