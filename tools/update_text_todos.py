"""Record the tool's current answers as known gaps in cases/classify/*.yaml, for review.

After a change to the reader, the verdict policy or the phrases, some written findings are
judged better and some worse. This rewrites each case's ``todo:`` (the verdict given today,
when it is not the labelled one) and ``todo_top:`` (the item ranked first, when the verdict is
right but the item is not), and prints what was fixed and what regressed, so the change to the
case files can be read in review like any other diff. Labels are never touched.

    python tools/update_text_todos.py [--check]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.classify.run import Classifier
from engine.evaluate.run import get_backend
from engine.load.criteria import load_criteria
from engine.paths import bundled
from engine.text_cases import EXPECTED, NO_ITEM, Outcome, find_text_cases, run_text_cases

_TODO = re.compile(r",\s*todo(?:_top)?:\s*[^,}]+")


def wanted(o: Outcome) -> tuple[str | None, str | None]:
    """(todo, todo_top) that describe the tool's answer today."""
    if o.result.verdict != EXPECTED[o.case.label]:
        return o.result.verdict, None
    top = " ".join(o.top) if o.top else None
    if o.case.label != "一般" and top != o.case.item:
        return None, top or NO_ITEM
    return None, None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="only report, write nothing")
    args = ap.parse_args()
    classifier = Classifier(load_criteria(), get_backend("python"))
    outcomes = run_text_cases(classifier, find_text_cases(bundled("cases")))
    by_file: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_file.setdefault(o.file, []).append(o)
    fixed = regressed = 0
    for file, items in by_file.items():
        lines = Path(file).read_text(encoding="utf-8").split("\n")
        for o in items:
            todo, top = wanted(o)
            if (todo, top) == (o.case.todo, o.case.todo_top):
                continue
            if todo is None and top is None:
                fixed += 1
                print(f"fixed     {file}:{o.line} {o.case.text}")
            else:
                regressed += o.case.todo is None and o.case.todo_top is None
                print(f"gap       {file}:{o.line} {o.case.text} → {todo or ''} {top or ''}")
            i = (o.line or 1) - 1
            j = i
            while "}" not in lines[j]:
                j += 1
            block = _TODO.sub("", "\n".join(lines[i:j + 1]))
            extra = (f", todo: {todo}" if todo else "") + (f", todo_top: {top}" if top else "")
            k = block.rindex("}")
            lines[i:j + 1] = (block[:k] + extra + block[k:]).split("\n")
        if not args.check:
            Path(file).write_text("\n".join(lines), encoding="utf-8")
    print(f"{fixed} gaps closed, {regressed} new gaps")


if __name__ == "__main__":
    main()
