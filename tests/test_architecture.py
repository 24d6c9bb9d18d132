"""Dependencies point one way: a test fails when an import (at module level or inside a function) points
back up the layers.

    ideas_site                      settings, urls — the composition root
    dashboard                       the staff TF 성과관리 dashboard: reads everything below, nothing imports it
    results                         adopted ideas' projects, programmes' jobs, coordinators: above the siblings
    review (moderation/review)      scores contest entries: above ideas
    grievances                      현장 기동대 field posts: above ideas, beside review (neither imports the other)
    forum                           대토론회 topics and opinions: above ideas, beside review and grievances
    ideas                           contests, ideas, pages, their views and API
    comments                        comments and following on any registered kind (learns of ideas by registration)
    moderation                      screening, reports, quotas, decisions
    nlp (Django side)               the corpus registry's adapter, tasks, generic store, cluster snapshots
    core                            roles, audit trail, submission bases
    nlp core                        Korean analysis, no Django at all

An app plugs its models into a lower layer by registering in its `AppConfig.ready()` (`apps.py` is the
app's composition root, allowed to import its own app's upper modules). Tests may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = (
    "core",
    "comments",
    "ideas",
    "moderation",
    "nlp",
    "grievances",
    "forum",
    "results",
    "dashboard",
    "ideas_site",
)

#: The Django side of nlp: everything else in nlp/ is the Django-free core.
NLP_DJANGO = {"adapter", "services", "tasks", "models", "apps", "management", "migrations"}

#: Layer of each part, bottom (0) to top.
RANK = {
    "nlp-core": 0,
    "core": 1,
    "nlp": 2,
    "moderation": 3,
    "comments": 4,
    "ideas": 5,
    "review": 6,
    "grievances": 6,
    "forum": 6,
    "results": 7,
    "dashboard": 8,
    "ideas_site": 9,
}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    top = parts[0]
    if top not in PROJECT:
        return None
    if top == "nlp":
        return "nlp" if len(parts) > 1 and parts[1] in NLP_DJANGO else "nlp-core"
    if top == "moderation" and len(parts) > 1 and parts[1] == "review":
        return "review"
    return top


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    """Every module `path` imports, at any depth of the file (lazy imports included), resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # `from . import views` imports a module too
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def source_files():
    for top in PROJECT:
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT).parts
            if "tests" in rel or "migrations" in rel:
                continue
            yield path


def violations() -> list[str]:
    out = []
    for path in source_files():
        module = module_name(path)
        mine = layer_of(module)
        is_composition_root = path.name == "apps.py"
        for lineno, target in imports_of(path, module):
            theirs = layer_of(target)
            if theirs is None or mine is None or theirs == mine:
                continue
            # Siblings of one rank (review, grievances) do not import each other either.
            if RANK[theirs] >= RANK[mine] and not is_composition_root:
                out.append(f"{path.relative_to(ROOT)}:{lineno} ({mine}) imports {target} ({theirs})")
            if mine == "nlp-core" and theirs != "nlp-core":
                out.append(f"{path.relative_to(ROOT)}:{lineno}: the nlp core imports {target}")
    return sorted(set(out))


def test_dependencies_point_one_way():
    found = violations()
    assert not found, "imports that point back up:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("nlp.similar", "nlp-core"),
        ("nlp.adapter", "nlp"),
        ("nlp.services", "nlp"),
        ("nlp.management.commands.nlp_refit", "nlp"),
        ("moderation.review.services", "review"),
        ("moderation.services", "moderation"),
        ("core.models", "core"),
        ("comments.services", "comments"),
        ("forum.services", "forum"),
        ("django.db", None),
    ],
)
def test_layers_are_read_from_module_names(module, layer):
    assert layer_of(module) == layer


def test_the_check_sees_lazy_and_relative_imports(tmp_path, monkeypatch):
    pkg = tmp_path / "moderation"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "bad.py").write_text("def f():\n    from ideas.models import Idea\n    from .review import services\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PROJECT", ("moderation", "ideas"))
    assert violations() == [
        "moderation/bad.py:2 (moderation) imports ideas.models (ideas)",
        "moderation/bad.py:2 (moderation) imports ideas.models.Idea (ideas)",
        "moderation/bad.py:3 (moderation) imports moderation.review (review)",
        "moderation/bad.py:3 (moderation) imports moderation.review.services (review)",
    ]
