"""The shipped stub file describes the compiled module exactly (public names)."""

import ast
import inspect
from pathlib import Path

import faultline
from faultline import _core

STUB = Path(faultline.__file__).resolve().parent / "_core.pyi"


def _stub_tree():
    return ast.parse(STUB.read_text())


def _assigned(node):
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    return []


def _stub_module_names(tree):
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        names.update(_assigned(node))
    return {n for n in names if not n.startswith("_") or n == "__version__"}


def _stub_classes(tree):
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    members.add(item.name)
                members.update(_assigned(item))
            classes[node.name] = members
    return classes


def _runtime_members(cls):
    return {
        name
        for name in vars(cls)
        if not name.startswith("_pybind11")
        and name not in {"__doc__", "__module__", "__dict__", "__weakref__", "__new__"}
    }


def test_stub_exists_and_is_shipped_with_py_typed():
    assert STUB.is_file()
    assert (STUB.parent / "py.typed").is_file()


def test_module_level_names_match():
    runtime = {n for n in dir(_core) if not n.startswith("_")} | {"__version__"}
    assert _stub_module_names(_stub_tree()) == runtime


def test_class_members_match():
    classes = _stub_classes(_stub_tree())
    for name, stub_members in classes.items():
        cls = getattr(_core, name)
        if not inspect.isclass(cls) or issubclass(cls, BaseException):
            continue
        runtime = _runtime_members(cls)
        stub_public = {m for m in stub_members if not (m.startswith("__") and m.endswith("__"))}
        runtime_public = {m for m in runtime if not (m.startswith("__") and m.endswith("__"))}
        assert stub_public == runtime_public, name
        # Every special method the stub declares exists at runtime.
        assert {m for m in stub_members if m.startswith("__")} <= runtime | {"__init__"}, name


def test_high_level_classes_subclass_the_core():
    assert issubclass(faultline.Snapshot, _core.Snapshot)
    assert issubclass(faultline.ModelBuilder, _core.ModelBuilder)
    assert faultline.Error is _core.Error
