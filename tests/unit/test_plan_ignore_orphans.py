"""``COMPOSE_IGNORE_ORPHANS`` in the planner: orphans are neither reported nor removed, even
with ``remove_orphans`` (``run --remove-orphans`` under the variable does that in Compose)."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_plan import ORPHANED, container, load, observed, up


def test_ignored_orphans_are_not_reported(tmp_path: Path) -> None:
    project = load(tmp_path, ORPHANED)
    plan = up(project, observed(container("web"), container("old")), ignore_orphans=True)
    assert plan.warnings == []
    assert plan.writes() == []


def test_ignored_orphans_are_not_removed(tmp_path: Path) -> None:
    project = load(tmp_path, ORPHANED)
    plan = up(project, observed(container("web"), container("old")), ignore_orphans=True,
              remove_orphans=True)
    assert plan.warnings == []
    assert not [op for op in plan.ordered() if op.id.startswith("orphan")]
