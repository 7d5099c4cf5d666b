"""The house's floors (README, "How it works"): imports go down or sideways, never up, and no
two folders import each other, however indirectly."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {
    "core": 1, "classifiers": 1, "store": 1, "extraction": 1, "stories": 1,
    "sites": 2,
    "crawler": 3, "spiders": 3, "pipelines": 3,
    "evidence": 4, "alerts": 4, "datasette_plugins": 4, "learning": 4,
    "newsmon": 5,
    "bench": 6,
}


def imports() -> dict[tuple[str, str], set[str]]:
    """(importing folder, imported folder) -> the files that make that import."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for folder in FLOORS:
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom)
                         and not node.level else [])
                for name in names:
                    target = name.split(".", 1)[0]
                    if target in FLOORS and target != folder:
                        found[(folder, target)].add(str(path.relative_to(ROOT)))
    return found


def test_every_top_level_package_has_a_floor() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - set(FLOORS) == set(), "give the new folder a floor (README and here)"


def test_no_import_reaches_up_a_floor() -> None:
    upward = {f"{a} -> {b}": sorted(files) for (a, b), files in imports().items()
              if FLOORS[b] > FLOORS[a]}
    assert upward == {}


def test_no_folder_cycles() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in imports():
        graph[a].add(b)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n}))
                   for n in graph[start])

    cycles = sorted(f"{a} <-> {b}" for a in list(graph) for b in sorted(graph[a])
                    if reaches(b, a, {b}))
    assert cycles == []
