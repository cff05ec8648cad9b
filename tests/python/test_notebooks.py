"""Every notebook under notebooks/ runs top to bottom (code cells executed in order)."""

import json

import pytest

from conftest import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    notebook = json.loads(path.read_text())
    namespace = {"__name__": "__notebook__"}
    ran = 0
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        exec(compile(source, f"{path.name}[cell {index}]", "exec"), namespace)
        ran += 1
    assert ran > 0
    # The quickstart reads the bundled traces completely.
    if path.name == "quickstart.ipynb":
        assert namespace["report"]["spans_accepted"] == 23019
        assert len(namespace["calls"]) >= 10


def test_there_is_a_notebook():
    assert NOTEBOOKS
