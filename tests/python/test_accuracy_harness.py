"""The accuracy harness (bench/accuracy): metrics against hand-computed values, and a
small slice of the synthetic suite run end to end with every reference ranker."""

import math
import sys

import pytest

from conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "bench" / "accuracy"))

import metrics  # noqa: E402
import rankers  # noqa: E402
import run  # noqa: E402


def test_ac_at_k_and_avg_at_5_by_hand():
    # Four cases: hit at rank 1, at rank 2, at rank 4, never.
    ranks = [1, 2, 4, None]
    assert metrics.ac_at_k(ranks, 1) == 0.25
    assert metrics.ac_at_k(ranks, 3) == 0.5
    assert metrics.ac_at_k(ranks, 5) == 0.75
    # (1/4 + 2/4 + 2/4 + 3/4 + 3/4) / 5
    assert metrics.avg_at_5(ranks) == pytest.approx(0.55)
    assert metrics.hit_rank(["a", "b", "c"], {"c", "x"}) == 3
    assert metrics.hit_rank(["a"], {"x"}) is None
    assert math.isnan(metrics.ac_at_k([], 1))
    # Two root causes found at ranks 2 and 7: AC@1 0, AC@3 1/2, AC@10 1 (RCAEval's rule).
    assert metrics.ac_at_k([[2, 7]], 1) == 0.0
    assert metrics.ac_at_k([[2, 7]], 3) == 0.5
    assert metrics.ac_at_k([[2, 7]], 10) == 1.0
    assert metrics.ac_at_k([[1, None]], 1) == 1.0  # out of at most k


def test_blast_radius_precision_recall_f1_by_hand():
    p, r, f = metrics.precision_recall_f1({"a", "b", "c", "d"}, {"a", "b", "e"})
    assert (p, r) == (0.5, 2 / 3)
    assert f == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert metrics.precision_recall_f1(set(), set()) == (1.0, 1.0, 1.0)
    assert metrics.precision_recall_f1({"a"}, set()) == (0.0, 0.0, 0.0)


def test_expected_calibration_error_by_hand():
    # Bin [0.9, 1.0]: confidences 0.9, 0.95 with one right -> |0.5 - 0.925| = 0.425, weight 2/4.
    # Bin [0.2, 0.3): 0.2, 0.25 with none right -> |0 - 0.225| = 0.225, weight 2/4.
    ece = metrics.expected_calibration_error([0.9, 0.95, 0.2, 0.25], [True, False, False, False])
    assert ece == pytest.approx(0.5 * 0.425 + 0.5 * 0.225)
    assert metrics.expected_calibration_error([1.0], [True]) == 0.0


def test_personalized_pagerank_matches_the_closed_form_on_two_nodes():
    import networkx as nx
    g = nx.DiGraph()
    g.add_edge("a", "b", weight=1.0)
    # b is dangling and jumps by the personalization (all on a):
    # x_a = (1 - alpha) + alpha * x_b, x_b = alpha * x_a  =>  x_a = 1 / (1 + alpha).
    pr = rankers.personalized_pagerank(g, {"a": 1.0, "b": 0.0}, alpha=0.5)
    assert pr["a"] == pytest.approx(1 / 1.5)
    assert pr["b"] == pytest.approx(0.5 / 1.5)


def test_a_slice_of_the_synthetic_suite_runs_with_every_ranker(tmp_path, capsys):
    out = tmp_path / "results.json"
    assert run.main(["--suite", "synthetic", "--topology", "online-boutique", "--fault", "cpu",
                     "--fault", "db_slowdown", "--seed", "1", "--cases-dir", str(tmp_path),
                     "--json", str(out)]) == 0
    table = capsys.readouterr().out
    # cpu and db_slowdown, and the case with both at once.
    assert "| synthetic | most-anomalous | 3 |" in table
    assert "| synthetic | faultline | — | not implemented yet" in table
    import json
    result = json.loads(out.read_text())
    by = {(r["ranker"], r["fault"]): r for r in result["rows"]}
    # A slow service and a slow database are the most anomalous entities of their cases.
    assert by[("most-anomalous", "cpu")]["hit_rank"] == 1
    assert by[("most-anomalous", "db_slowdown")]["hit_rank"] == 1
    # Two root causes: one hit rank each; the slow database is still the top suspect.
    hits = by[("most-anomalous", "cpu+db_slowdown")]["hit_rank"]
    assert len(hits) == 2 and 1 in hits
    assert set(result["summary"]) >= {"synthetic / random", "synthetic / pagerank"}
