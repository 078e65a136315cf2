"""Helpers for the status tests: a log written as an office writes it, run through the job."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest

from engine.jobs import track_submissions
from engine.paths import bundled
from engine.status.tracking import StatusResult

HEADER = ("填报单位", "报表", "期别", "截止日期", "报送日期", "催报", "补报")
SCHEDULE = bundled("rules") / "schedules" / "campaign-2023.yaml"
CASES = bundled("cases") / "submissions"


def write_log(folder: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER,
              name: str = "log.csv") -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def write_units(folder: Path, names: Sequence[str]) -> Path:
    path = folder / "units.txt"
    path.write_text("\n".join(names) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def run(tmp_path: Path):
    """``run(rows, units=[...], as_of=..., period=...)`` -> StatusResult for a log of ``rows``."""

    def go(rows: Sequence[Sequence[object]], *, units: Sequence[str] | None = None, as_of: str = "2023-09-30",
           period: str | None = "2023Q3", schedule: Path | str | None = None,
           header: Sequence[str] = HEADER) -> StatusResult:
        log = write_log(tmp_path, rows, header)
        roster = write_units(tmp_path, units) if units is not None else None
        return track_submissions(log, schedule=str(schedule) if schedule else None, units=roster,
                                 as_of=as_of, period=period)

    return go


def marks(result: StatusResult) -> dict[str, str]:
    return {line.unit: " ".join(line.marks) for line in result.lines}


def fired(result: StatusResult, rule: str) -> list[tuple[str | None, tuple[str, ...]]]:
    return [(f.unit, f.fields) for f in result.findings if f.rule == rule]
