"""The verdict policy in one place: named, ordered rules from the evidence to 重大 / 一般 / 待确认.

The classifier gathers the evidence (which items hold, which are still open, which failed on
a recorded fact, which standards are only partly encoded); this module alone decides what that
evidence means, what counts as a major hazard on a return, and which exit code a command
gives. The first rule that applies decides, and its code travels with the classification, so
a report (or a test) can say *why* without parsing the Chinese reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from engine.model.classification import Classification, Verdict


@dataclass(frozen=True)
class Evidence:
    """What the classifier found for one finding."""

    matched: bool  # at least one item holds
    sector_standard: bool  # an edition of the finding's own standard was in force on its date
    undecided: bool  # an item the finding is about could still hold, for want of a fact
    partial: bool  # a standard consulted is only partly encoded and the finding touches it
    near_miss: bool  # an item the finding is about failed on a recorded fact
    text_about_nothing: bool  # a description sharing no word with any item and stating no condition
    near_on_topic: bool = False  # the item the text is most about failed on a fact the finding states
    failed: bool = False  # judging this finding raised an error in the program


@dataclass(frozen=True)
class VerdictRule:
    code: str
    verdict: Verdict
    needs_confirmation: bool
    applies: Callable[[Evidence], bool]
    doc: str


RULES: tuple[VerdictRule, ...] = (
    VerdictRule("internal-error", "待确认", True, lambda e: e.failed,
                "判定这一条时程序出错：结论未定，需人工判断（错误写在理由中，请报告）"),
    VerdictRule("matched", "重大", False, lambda e: e.matched,
                "至少一项条款成立（条款均未核实时另注需对照原文确认）"),
    VerdictRule("no-standard-in-force", "待确认", True, lambda e: not e.sector_standard,
                "发现日期没有在有效期内的本行业标准"),
    VerdictRule("undecided", "待确认", True, lambda e: e.undecided,
                "与隐患有关的条款还可能成立，缺少能判断的事实"),
    VerdictRule("near-miss-on-topic", "一般", False, lambda e: e.partial and e.near_on_topic,
                "所涉标准只录入了部分条款，但描述所说的已录入条款因已记录的事实不成立"),
    VerdictRule("partial-standard", "待确认", True, lambda e: e.partial,
                "所涉标准只录入了部分条款"),
    VerdictRule("text-about-nothing", "一般", True, lambda e: e.text_about_nothing,
                "描述没有涉及任何已录入条款（据描述，需人工确认）"),
    VerdictRule("no-evidence", "待确认", True, lambda e: not e.near_miss,
                "记录的事实没有涉及任何条款的判定条件：既不能说重大，也不能说一般"),
    VerdictRule("near-miss", "一般", False, lambda e: True,
                "没有条款成立，与隐患有关的条款因已记录的事实不成立"),
)


# Applied after classification, to a ledger row whose 发现日期 is written but unreadable: it was
# judged on the audit date, and where its standards have another edition that date may have
# chosen the wrong one, so no 重大 or 一般 is borrowed from another day.
DATE_UNREADABLE = VerdictRule("date-unreadable", "待确认", True, lambda e: False,
                              "发现日期无法识别，不能确定适用哪一版判定标准")


def undated(result: Classification) -> Classification:
    """``result`` as the DATE_UNREADABLE rule leaves it: 待确认, with the reason first."""
    rule = DATE_UNREADABLE
    return result.model_copy(update={
        "verdict": rule.verdict, "needs_confirmation": rule.needs_confirmation, "rule": rule.code,
        "reasons": (f"{rule.doc}（已按审核日期暂作对照）", *result.reasons)})


def decide(evidence: Evidence) -> VerdictRule:
    """The first rule that applies to ``evidence``."""
    return next(rule for rule in RULES if rule.applies(evidence))


def counted_as_major(reported_level: str | None, production_unit: bool | None, verdict: str,
                     duplicate: bool) -> bool:
    """Counts as a major hazard on a return (填表说明第3、4条): reported 重大, a production unit
    (unknown counts as one), not judged 一般 by the criteria, and not a repeat of an earlier row."""
    return production_unit is not False and reported_level == "重大" and verdict != "一般" and not duplicate


def classify_exit_code(verdicts: Iterable[str]) -> int:
    """0 when every finding is 一般; 1 when someone must act (重大 or 待确认)."""
    return 0 if all(v == "一般" for v in verdicts) else 1


def audit_exit_code(has_errors: bool) -> int:
    """0 without error-severity findings, 1 with them (ruff's convention; 2 is bad input)."""
    return 1 if has_errors else 0
