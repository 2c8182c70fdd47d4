"""The product's code uses Django's and the libraries' public APIs only: no attribute or import whose name
starts with an underscore unless the product defines that name itself. A private name of Django, django-tasks,
redis or any other library is a break waiting for the next upgrade."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = [
    path for path in ROOT.rglob("*.py")
    if not {".venv", "tests", "migrations", "bench"} & set(path.relative_to(ROOT).parts)
]
# Documented by Django: the model _meta API, and the default manager a model's code may name.
DOCUMENTED = {"_meta", "_default_manager", "_base_manager"}


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def defined_names(trees) -> set[str]:
    """Every private name the product itself defines: functions, classes, assignments, attributes it sets."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return {name for name in names if private(name)}


def uses_of_private_names(paths=PRODUCT) -> list[str]:
    trees = {path: ast.parse(path.read_text(), filename=str(path)) for path in paths}
    own = defined_names(trees.values())
    found = []
    for path, tree in trees.items():
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and private(node.attr) and node.attr not in own | DOCUMENTED:
                found.append(f"{where}:{node.lineno} .{node.attr}")
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                for alias in node.names:
                    if private(alias.name):
                        found.append(f"{where}:{node.lineno} from {node.module} import {alias.name}")
                if node.module and any(private(part) for part in node.module.split(".")):
                    found.append(f"{where}:{node.lineno} from {node.module}")
    return found


def test_the_product_reaches_into_no_private_name_of_django_or_a_library():
    assert uses_of_private_names() == []


def test_the_check_finds_a_private_name_when_there_is_one(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from django.core.cache import cache\nfrom django.db.models.base import _state_hint\n\n"
        "def client():\n    return cache._cache.get_client()\n"
    )
    found = uses_of_private_names([*PRODUCT, planted])
    assert any(item.endswith("._cache") for item in found)
    assert any("import _state_hint" in item for item in found)
