#!/usr/bin/env python3
"""Template mining: faultline's C++ miner against the Python `drain3` miner, same lines.

Lines: the messages of the three Nezha log minutes (../shared/datasets/nezha-online-boutique,
read with faultline.read_logs), expanded by copies whose digits are rotated (copy k adds k
to every digit, mod 10), as bench/log_bench.cc does.

Both miners get the same settings: depth 4, similarity 0.4, max children 100, and tokens
holding a digit masked as "<*>" before mining (faultline: its default; drain3: the masking
instruction `\\S*\\d\\S*` -> `*`, which with drain3's "<" ">" mask prefix and suffix is
"<*>"). Times: drain3 as users call it (TemplateMiner.add_log_message, masking included),
and drain3's Drain.add_log_message alone on the already-masked lines (its fastest path);
faultline's mining loop timed inside C++ (list conversion excluded).

Agreement: the share of lines whose final template text (the template of the line's
cluster once every line is mined) is the same in both miners, and whether both group the
lines alike by template text. drain3 may keep several templates with one text (a message
whose constant tokens fall short of the similarity threshold matches no template, not even
one with exactly its tokens, and starts another); faultline's miner keeps one.

Floors (the issue's): faultline at least 1M lines/s on one core and at least 20x drain3;
`--check` exits 1 when one is missed or agreement is below --min-agreement.

    python bench/log_compare.py [--copies 50] [--check]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import faultline
from faultline import _core

HERE = Path(__file__).resolve().parent
DEFAULT_DATASET = HERE.parent.parent / "shared" / "datasets" / "nezha-online-boutique"
FILES = ["2022-08-22/log/05_19_log.csv.gz", "2022-08-22/log/05_20_log.csv.gz",
         "2022-08-23/log/13_29_log.csv.gz"]
ROTATE = [str.maketrans("0123456789", "".join(str((d + k) % 10) for d in range(10)))
          for k in range(10)]


def load_lines(dataset: Path, copies: int) -> list:
    frame = faultline.read_logs([str(dataset / f) for f in FILES])
    base = [m for m in frame["message"].tolist()]
    lines = []
    for k in range(copies):
        table = ROTATE[k % 10]
        lines.extend(m.translate(table) for m in base)
    return lines


def run_drain3(lines: list):
    from drain3 import TemplateMiner
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    config.drain_depth = 4
    config.drain_sim_th = 0.4
    config.drain_max_children = 100
    config.drain_max_clusters = None
    config.parametrize_numeric_tokens = True
    config.masking_instructions = [MaskingInstruction(r"\S*\d\S*", "*")]
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    ids = [0] * len(lines)
    start = time.perf_counter()
    add = miner.add_log_message
    for i, line in enumerate(lines):
        ids[i] = add(line)["cluster_id"]
    seconds = time.perf_counter() - start
    templates = {c.cluster_id: c.get_template() for c in miner.drain.clusters}
    return ids, templates, seconds


def run_drain3_core(lines: list) -> float:
    """drain3's Drain alone, on lines masked beforehand (masking not timed)."""
    from drain3.drain import Drain

    mask = re.compile(r"\S*\d\S*")
    masked = [mask.sub("<*>", line) for line in lines]
    drain = Drain(depth=4, sim_th=0.4, max_children=100, param_str="<*>")
    start = time.perf_counter()
    add = drain.add_log_message
    for line in masked:
        add(line)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=Path(os.environ.get(
        "FAULTLINE_LOG_BENCH_DIR", DEFAULT_DATASET)))
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--check", action="store_true", help="exit 1 when a floor is missed")
    parser.add_argument("--min-agreement", type=float, default=0.99)
    args = parser.parse_args()

    lines = load_lines(args.dataset, args.copies)
    n = len(lines)
    print(f"lines: {n} ({n // args.copies} Nezha log messages x {args.copies} copies)")

    result = _core._mine_log_templates(lines)
    fl_ids = result["ids"]
    fl_templates = result["templates"]
    fl_rate = n / result["seconds"]
    print(f"faultline: {len(fl_templates)} templates, {result['seconds']:.3f} s, "
          f"{fl_rate / 1e6:.2f}M lines/s")

    d_ids, d_templates, d_seconds = run_drain3(lines)
    d_rate = n / d_seconds
    print(f"drain3 TemplateMiner: {len(d_templates)} templates, {d_seconds:.2f} s, "
          f"{d_rate / 1e3:.1f}k lines/s")
    core_seconds = run_drain3_core(lines)
    core_rate = n / core_seconds
    print(f"drain3 Drain alone (pre-masked): {core_seconds:.2f} s, {core_rate / 1e3:.1f}k lines/s")

    same = sum(1 for i in range(n) if fl_templates[fl_ids[i]] == d_templates[d_ids[i]])
    agreement = same / n
    # drain3 may keep several templates of one text (a message whose constant tokens fall
    # short of the threshold matches none, not even its own text); faultline keeps one.
    d_texts = len(set(d_templates.values()))
    fl_texts = len(set(fl_templates))
    pairs = {(int(fl_ids[i]), d_templates[d_ids[i]]) for i in range(n)}
    same_grouping = len(pairs) == len(fl_templates) == d_texts
    print(f"same final template text: {same} of {n} lines ({100 * agreement:.3f} %)")
    print(f"template texts: faultline {fl_texts} ({len(fl_templates)} templates), drain3 "
          f"{d_texts} ({len(d_templates)} templates); lines grouped alike by text: {same_grouping}")

    speedup = fl_rate / d_rate
    speedup_core = fl_rate / core_rate
    print(f"speedup: {speedup:.1f}x drain3 TemplateMiner, {speedup_core:.1f}x drain3 Drain alone")
    floors = [
        ("faultline >= 1M lines/s", fl_rate >= 1e6),
        ("faultline >= 20x drain3 TemplateMiner", speedup >= 20),
        (f"agreement >= {100 * args.min_agreement:.1f} %", agreement >= args.min_agreement),
    ]
    for name, ok in floors:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if args.check and not all(ok for _, ok in floors):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
