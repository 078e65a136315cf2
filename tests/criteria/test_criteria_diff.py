"""``hazcheck criteria diff``: every item of both editions accounted for exactly once."""

from __future__ import annotations

from collections import Counter

from typer.testing import CliRunner

from cli import app
from engine.criteria_diff import diff_editions


def test_an_edition_against_itself_has_no_change(criteria) -> None:
    cs = criteria
    d = diff_editions(cs, "meikuang-2026", "meikuang-2026")
    assert not d.changes and d.unchanged == len(cs.items("meikuang-2026"))


def test_every_item_of_both_editions_is_accounted_for_once(criteria) -> None:
    cs = criteria
    d = diff_editions(cs, "meikuang-2020", "meikuang-2026")
    new = Counter(id(c.new) for c in d.changes if c.new is not None)
    old = Counter(id(c.old) for c in d.changes if c.old is not None)
    assert sum(new.values()) + d.unchanged == len(cs.items("meikuang-2026")) and max(new.values()) == 1
    assert sum(old.values()) + d.unchanged == len(cs.items("meikuang-2020")) and max(old.values()) == 1
    for c in d.of("改号"):
        assert c.old.ref != c.new.ref and c.old.item.holds_when.split() == c.new.item.holds_when.split()
    assert d.of("新增") and d.of("条件改动")


def test_the_command_prints_the_groups_and_rejects_an_unknown_id() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["criteria", "diff", "meikuang-2020", "meikuang-2026"])
    assert result.exit_code == 0 and "新增（" in result.stdout and "未变" in result.stdout
    bad = runner.invoke(app, ["criteria", "diff", "meikuang-2020", "meikuang-2099"])
    assert bad.exit_code == 2 and "meikuang-2099" in bad.stderr
