"""A missing input file: FileNotFoundError from every Python entry point that takes a
path, before anything is read, and one clear line from the command line."""

import errno
import subprocess
import sys

import pytest

import faultline
from faultline.cli import main

from conftest import REPO_ROOT

TRACES = REPO_ROOT / "tests" / "data" / "traces"
TOPOLOGY = REPO_ROOT / "datasets" / "topology" / "online-boutique.json"

ENTRY_POINTS = {
    "add_topology": lambda path: faultline.ModelBuilder().add_topology(path),
    "add_traces": lambda path: faultline.ModelBuilder().add_traces(path),
    "add_terraform_state": lambda path: faultline.ModelBuilder().add_terraform_state(path),
    "add_terraform_plan": lambda path: faultline.ModelBuilder().add_terraform_plan(path),
    "add_links": lambda path: faultline.ModelBuilder().add_links(path),
    "read_link_mapping": lambda path: faultline.read_link_mapping(path),
    "Snapshot.load": lambda path: faultline.Snapshot.load(path),
}


@pytest.mark.parametrize("as_str", [True, False], ids=["str", "pathlike"])
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_missing_file_is_file_not_found(entry, as_str, tmp_path):
    path = tmp_path / "absent" / "input.json"
    with pytest.raises(FileNotFoundError) as info:
        ENTRY_POINTS[entry](str(path) if as_str else path)
    error = info.value
    assert error.errno == errno.ENOENT
    assert error.filename == str(path)
    assert str(path) in str(error)
    assert isinstance(error, faultline.NoSuchFileError)
    # What a missing file raised before: callers catching KeyError still do.
    assert isinstance(error, KeyError)


@pytest.mark.parametrize("entry", ["add_topology", "add_traces", "add_terraform_state",
                                   "add_terraform_plan", "add_links"])
def test_a_missing_file_in_a_list_stops_the_call_before_reading(entry, tmp_path):
    present = {"add_topology": TOPOLOGY, "add_traces": TRACES / "canonical.otlp.json"}.get(
        entry, REPO_ROOT / "tests" / "data" / "iac" / "aws" / "data.tfstate")
    missing = tmp_path / "missing.json"
    b = faultline.ModelBuilder()
    with pytest.raises(FileNotFoundError) as info:
        getattr(b, entry)([str(present), str(missing)])
    assert info.value.filename == str(missing)
    assert b.subgraph_ids() == [] and b.entity_count == 0


CLI_CASES = {
    "build --topology": lambda p, out: ["build", "--topology", p, "-o", out],
    "build --state": lambda p, out: ["build", "--state", f"{p}=s3://b/k", "-o", out],
    "build --traces": lambda p, out: ["build", "--traces", p, "-o", out],
    "build --links": lambda p, out: ["build", "--topology", str(TOPOLOGY), "--links", p,
                                     "-o", out],
    "build --mapping @": lambda p, out: ["build", "--traces", str(TRACES / "canonical.csv"),
                                         "--mapping", f"@{p}", "-o", out],
    "graph": lambda p, out: ["graph", p],
    "demo --topology": lambda p, out: ["demo", "--topology", p],
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_cli_names_the_missing_file_on_one_line(case, tmp_path, capsys):
    path = str(tmp_path / "nowhere.json")
    model = tmp_path / "m.flsnap"
    assert main(CLI_CASES[case](path, str(model))) == 1
    out, err = capsys.readouterr()
    assert err == f"faultline: error: {path}: No such file or directory\n"
    assert not model.exists()


def test_cli_missing_file_has_no_traceback_from_the_installed_command(tmp_path):
    path = tmp_path / "absent.tfstate"
    proc = subprocess.run(
        [sys.executable, "-m", "faultline", "build", "--state", str(path), "-o",
         str(tmp_path / "m.flsnap")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr == f"faultline: error: {path}: No such file or directory\n"


def test_missing_file_does_not_hide_other_errors(tmp_path):
    # A file that exists but is not JSON is still a ValueError naming it, not a missing file.
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(ValueError, match="bad.json") as info:
        faultline.read_link_mapping(bad)
    assert not isinstance(info.value, FileNotFoundError)
    # Unknown names are KeyErrors that are no FileNotFoundError.
    with pytest.raises(KeyError) as info:
        faultline.ModelBuilder().freeze().lookup("service:nowhere")
    assert not isinstance(info.value, FileNotFoundError)
