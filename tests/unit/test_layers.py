"""The house stays straight: a part of docservice imports only parts on its own floor or below, and the two
surfaces (api, web) do not import each other. The import graph is read from the source (nothing is run).

The exceptions still standing are listed by name and must match exactly: when one is mended, the test asks
for it to leave the list (issue 19 removes the rest)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "docservice"

FLOORS = {
    # plain helpers that know nothing of the rest
    "errors": 0, "text": 0, "config": 0, "validation": 0, "programs": 0, "processes": 0, "logs": 0,
    "sandbox": 0,
    "db": 1,
    "rules": 2, "security": 2,
    "registry": 3, "numbering": 3,
    # the features: they may use one another
    "archive": 4, "search": 4, "generation": 4, "meetings": 4, "oversight": 4,
    "services": 5,  # the engines, built once
    "demo": 6, "jobs": 6,
    "api": 7, "web": 7,  # the surfaces: they render, side by side
    "cli": 8, "serve": 8, "wsgi": 8, "__init__": 8,
}
SURFACES = {"api", "web"}
STILL_STANDING = {
    ("web", "api"),  # pages borrow helpers from the API views (issue 19, step 1)
}


def _part(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports() -> dict[tuple[str, str], list[str]]:
    """``(importer part, imported part)`` → the files where it happens."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = _part(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                if name.startswith("docservice.") and (target := name.split(".")[1]) != source:
                    found.setdefault((source, target), []).append(str(path.relative_to(PACKAGE)))
    return found


def test_every_part_has_a_floor():
    parts = {_part(p) for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    assert parts <= FLOORS.keys(), f"give these a floor in FLOORS: {sorted(parts - FLOORS.keys())}"


def test_nothing_imports_upward_or_across_the_surfaces():
    wrong = {pair: files for pair, files in _imports().items()
             if FLOORS[pair[1]] > FLOORS[pair[0]] or (pair[0] in SURFACES and pair[1] in SURFACES)}
    assert wrong.keys() - STILL_STANDING == set(), {p: wrong[p] for p in wrong.keys() - STILL_STANDING}
    assert STILL_STANDING - wrong.keys() == set(), f"mended, take off the list: {STILL_STANDING - wrong.keys()}"
