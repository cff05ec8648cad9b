"""The metrics of the accuracy harness, as the field defines them.

- AC@k (RCAEval): the share of cases whose true root cause (or an accepted equivalent) is
  among a ranker's top k suspects; a case with several root causes counts the share of
  them found, out of at most k.
- Avg@5: the mean of AC@1 .. AC@5.
- Blast radius precision, recall and F1 of a predicted set against the true set.
- ECE: expected calibration error of the top suspect's confidence, over equal-width bins.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence, Set, Tuple


def hit_rank(ranked: Sequence[str], truth: Set[str]) -> Optional[int]:
    """The 1-based rank of the first suspect in `truth`, or None."""
    for i, entity in enumerate(ranked):
        if entity in truth:
            return i + 1
    return None


def ac_at_k(ranks: Sequence, k: int) -> float:
    """AC@k over cases. Each case is its hit rank (None: not found) or, for a case with
    several root causes, the list of each one's hit rank: RCAEval credits such a case
    |top k ∩ root causes| / min(k, |root causes|)."""
    if not ranks:
        return float("nan")
    total = 0.0
    for r in ranks:
        if isinstance(r, (list, tuple)):
            total += sum(1 for x in r if x is not None and x <= k) / min(k, len(r))
        else:
            total += 1 if r is not None and r <= k else 0
    return total / len(ranks)


def avg_at_5(ranks: Sequence) -> float:
    return sum(ac_at_k(ranks, k) for k in range(1, 6)) / 5


def precision_recall_f1(predicted: Iterable[str], truth: Iterable[str]) -> Tuple[float, float, float]:
    p, t = set(predicted), set(truth)
    if not p and not t:
        return 1.0, 1.0, 1.0
    tp = len(p & t)
    precision = tp / len(p) if p else 0.0
    recall = tp / len(t) if t else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool],
                               bins: int = 10) -> float:
    """sum over bins of |accuracy - mean confidence| weighted by the bin's share of cases."""
    if len(confidences) != len(correct):
        raise ValueError("one confidence per case")
    if not confidences:
        return float("nan")
    total = 0.0
    n = len(confidences)
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidences)
                   if (lo <= c < hi) or (b == bins - 1 and c == 1.0)]
        if not members:
            continue
        acc = sum(correct[i] for i in members) / len(members)
        conf = sum(confidences[i] for i in members) / len(members)
        total += len(members) / n * abs(acc - conf)
    return total
