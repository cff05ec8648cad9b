"""The accuracy harness: every ranker on every case of the chosen suites, one table.

    python bench/accuracy/run.py                       # synthetic, nezha and dowhy suites
    python bench/accuracy/run.py --suite synthetic --topology online-boutique --seed 1
    python bench/accuracy/run.py --json build/accuracy/results.json --markdown results.md

Per ranker and suite: AC@1, AC@3, Avg@5 (RCAEval's definitions), per fault type and
overall; blast-radius precision, recall and F1 where the suite has that truth; the expected
calibration error of the top suspect's confidence; and the time per case (model build and
ranking). faultline's own ranker is not implemented yet: its column says so.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "peers"))

import metrics  # noqa: E402
import rankers  # noqa: E402
import suites  # noqa: E402
import inputs as peer_inputs  # noqa: E402


PEER_METHODS = ["rcaeval-baro", "rcaeval-tracerca", "rcaeval-microrank", "pyrca-random-walk",
                "pyrca-ht"]
# DoWhy's gcm runs on the DoWhy-style case it was made for (fitting a causal mechanism per
# service takes about half a minute a case).
PEER_METHODS_BY_SUITE = {"dowhy": PEER_METHODS + ["dowhy-gcm"]}
PEERS_DIR = Path(__file__).resolve().parent / "peers"


def run_peers(case, python: str, work: Path) -> Dict[str, Dict]:
    """Feeds the case to every peer in their own environment; returns method -> result."""
    d = work / "peers"
    peer_inputs.write_inputs(case.spans(), case.window[0] // 1000, d)
    methods = PEER_METHODS_BY_SUITE.get(case.suite, PEER_METHODS)
    out = d / "ranks.json"
    subprocess.run([python, str(PEERS_DIR / "run_peers.py"), str(d), str(out), "--methods",
                    ",".join(methods)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return json.loads(out.read_text())


def _hit(suspects: List[str], case):
    """The hit rank, or one per root cause for a case with several."""
    if case.groups:
        return [metrics.hit_rank(suspects, g) for g in case.groups]
    return metrics.hit_rank(suspects, case.truth)


def evaluate(cases, ranker_list, peers_python: str = None, work: Path = None) -> List[Dict]:
    rows = []
    for case in cases:
        t0 = time.perf_counter()
        snapshot = case.build()
        build_s = time.perf_counter() - t0
        ctx = rankers.prepare(snapshot, case.window, case.baseline)
        prepare_s = time.perf_counter() - t0 - build_s
        for r in ranker_list:
            t1 = time.perf_counter()
            ranked = r.rank(ctx)
            rank_s = time.perf_counter() - t1
            suspects = [e for e, _ in ranked]
            hit = _hit(suspects, case)
            row = {"suite": case.suite, "case": case.name, "fault": case.fault_type,
                   "ranker": r.name, "hit_rank": hit, "top": suspects[:5],
                   "confidence": rankers.confidence(ranked),
                   "correct": metrics.ac_at_k([hit], 1) == 1.0,
                   "seconds": build_s + prepare_s + rank_s, "nuisance": case.notes}
            if case.blast_radius is not None and suspects:
                predicted = r.blast_radius(ctx, suspects[0])
                row["blast"] = metrics.precision_recall_f1(predicted, case.blast_radius)
            rows.append(row)
        n_rows = len(ranker_list)
        if peers_python and case.spans is not None:
            try:
                results = run_peers(case, peers_python, work)
            except Exception as e:  # recorded per peer, never a made-up ranking
                reason = f"feeding the peers failed: {type(e).__name__}: {e}"[:300]
                results = {m: {"error": reason, "seconds": 0.0}
                           for m in PEER_METHODS_BY_SUITE.get(case.suite, PEER_METHODS)}
            for method, result in results.items():
                row = {"suite": case.suite, "case": case.name, "fault": case.fault_type,
                       "ranker": method, "peer": True, "seconds": result["seconds"],
                       "nuisance": case.notes}
                if "error" in result:
                    row.update(hit_rank=None, error=result["error"], top=[])
                else:
                    suspects = [f"service:{s}" for s in result["ranks"]]
                    row.update(hit_rank=_hit(suspects, case), top=suspects[:5])
                rows.append(row)
                n_rows += 1
        print(f"  {case.suite:9s} {case.name:48s} " +
              " ".join(f"{row['ranker']}={row['hit_rank']}" for row in rows[-n_rows:]),
              file=sys.stderr)
    return rows


def summarize(rows: List[Dict]) -> Dict:
    out: Dict = {}
    groups = defaultdict(list)
    for row in rows:
        groups[(row["suite"], row["ranker"])].append(row)
        groups[(row["suite"], row["ranker"], row["fault"])].append(row)
    for key, members in sorted(groups.items()):
        ranks = [m["hit_rank"] for m in members]
        blast = [m["blast"] for m in members if "blast" in m]
        scored = [m for m in members if "confidence" in m]
        out[" / ".join(key)] = {
            "cases": len(members),
            "ac@1": metrics.ac_at_k(ranks, 1),
            "ac@3": metrics.ac_at_k(ranks, 3),
            "avg@5": metrics.avg_at_5(ranks),
            "blast_precision": statistics.mean(b[0] for b in blast) if blast else None,
            "blast_recall": statistics.mean(b[1] for b in blast) if blast else None,
            "blast_f1": statistics.mean(b[2] for b in blast) if blast else None,
            # Peers rank without comparable scores: no calibration to measure.
            "ece": (metrics.expected_calibration_error([m["confidence"] for m in scored],
                                                       [m["correct"] for m in scored])
                    if scored else None),
            "seconds_per_case": statistics.mean(m["seconds"] for m in members),
            "failed": sum(1 for m in members if "error" in m),
            "errors": sorted({m["error"] for m in members if "error" in m})[:3],
        }
    return out


def markdown(summary: Dict) -> str:
    def f(v, pct=True):
        if v is None:
            return "n/a"
        return f"{100 * v:.0f} %" if pct else f"{v:.2f}"

    lines = ["| suite | ranker | cases | AC@1 | AC@3 | Avg@5 | blast P / R / F1 | ECE | s/case |",
             "|---|---|---:|---:|---:|---:|---|---:|---:|"]
    for key, s in summary.items():
        parts = key.split(" / ")
        if len(parts) != 2:
            continue
        blast = ("n/a" if s["blast_f1"] is None else
                 f"{f(s['blast_precision'])} / {f(s['blast_recall'])} / {f(s['blast_f1'])}")
        cases = str(s["cases"]) + (f" ({s['failed']} failed)" if s["failed"] else "")
        lines.append(f"| {parts[0]} | {parts[1]} | {cases} | {f(s['ac@1'])} | "
                     f"{f(s['ac@3'])} | {f(s['avg@5'])} | {blast} | {f(s['ece'], False)} | "
                     f"{s['seconds_per_case']:.2f} |")
    suites_seen = sorted({k.split(" / ")[0] for k in summary})
    peers_seen = any(k.split(" / ")[1].startswith(("rcaeval", "pyrca", "dowhy"))
                     for k in summary if len(k.split(" / ")) == 2)
    for suite in suites_seen:
        lines.append(f"| {suite} | faultline | — | not implemented yet (ranker) | | | | | |")
        if not peers_seen:
            lines.append(f"| {suite} | peers | — | not run (no --peers environment) | | | | | |")
    lines.append("")
    lines.append("Per fault type (AC@1):")
    lines.append("")
    per = defaultdict(dict)
    rankers_seen = []
    for key, s in summary.items():
        parts = key.split(" / ")
        if len(parts) == 3:
            per[(parts[0], parts[2])][parts[1]] = s
            if parts[1] not in rankers_seen:
                rankers_seen.append(parts[1])
    lines.append("| suite | fault | cases | " + " | ".join(rankers_seen) + " |")
    lines.append("|---|---|---:|" + "---:|" * len(rankers_seen))
    for (suite, fault), by_ranker in sorted(per.items()):
        n = next(iter(by_ranker.values()))["cases"]
        lines.append(f"| {suite} | {fault} | {n} | " +
                     " | ".join(f(by_ranker[r]["ac@1"]) if r in by_ranker else "" for r in rankers_seen)
                     + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--suite", action="append", choices=["synthetic", "nezha", "dowhy"])
    p.add_argument("--topology", action="append", help="synthetic topologies (default: all)")
    p.add_argument("--fault", action="append", help="synthetic fault kinds (default: all)")
    p.add_argument("--seed", action="append", type=int, help="synthetic seeds (default: 1 2)")
    p.add_argument("--limit", type=int, help="at most this many cases per suite")
    p.add_argument("--cases-dir", help="where generated cases go (default: a temporary dir)")
    p.add_argument("--peers", metavar="PYTHON",
                   help="the peers' environment's python (make peers-venv); without it the "
                        "peers are not run and the table says so")
    p.add_argument("--json", help="write the rows and the summary here")
    p.add_argument("--markdown", help="write the table here too")
    args = p.parse_args(argv)
    chosen = args.suite or ["synthetic", "nezha", "dowhy"]
    tmp = None
    if args.cases_dir:
        cases_dir = Path(args.cases_dir)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="faultline-accuracy-")
        cases_dir = Path(tmp.name)
    ranker_list = rankers.reference_rankers()
    rows = []
    t0 = time.perf_counter()
    for suite in chosen:
        if suite == "synthetic":
            cases = suites.synthetic(cases_dir, args.topology, args.fault, args.seed)
        elif suite == "nezha":
            cases = suites.nezha()
        else:
            cases = suites.dowhy(cases_dir)
        if args.limit:
            cases = (c for i, c in zip(range(args.limit), cases))
        rows.extend(evaluate(cases, ranker_list, args.peers, cases_dir))
    summary = summarize(rows)
    table = markdown(summary)
    print(table)
    n_cases = len({(r["suite"], r["case"]) for r in rows})
    print(f"{n_cases} cases in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"rows": rows, "summary": summary}, indent=1,
                                              default=list))
    if args.markdown:
        Path(args.markdown).write_text(table)
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
