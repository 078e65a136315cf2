"""The fast backend on every fact, durable-rules re-evaluating a random sample in the same run.

durable-rules stays the engine of record. Small inputs go to it whole. A large input (more
facts than ``whole_up_to``) is evaluated by the columnar backend, and durable-rules
re-evaluates a random sample of the same facts against the same conditions; any difference
in the sample's hits stops the run (EvaluationError) rather than let one backend's answer
through unchecked. How many facts were sampled, and the seed, are part of the summary's
backend description, so a run can be repeated exactly (``HAZCHECK_SAMPLE_SEED``).
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence

from engine.errors import EvaluationError, InputError
from engine.evaluate.source import Backend, RuleSource
from engine.facts import Fact

Hit = tuple[int, int]
WHOLE_UP_TO = 2_000  # facts: up to this many, durable-rules evaluates them all
SAMPLE = 1_000  # facts durable-rules re-evaluates out of a larger input


def _seed_from_environment() -> int:
    """``HAZCHECK_SAMPLE_SEED`` repeats a run's sample; without it, a fresh seed each run."""
    written = os.environ.get("HAZCHECK_SAMPLE_SEED", "").strip()
    if not written:
        return random.randrange(2**31)
    try:
        return int(written)
    except ValueError:
        raise InputError(f"HAZCHECK_SAMPLE_SEED 应为整数，写的是 “{written}”",
                         field="HAZCHECK_SAMPLE_SEED") from None


class SampledBackend:
    """Columnar evaluation with a durable-rules cross-check on a random sample."""

    def __init__(self, make_fast: Callable[[], Backend], reference: Backend, *,
                 whole_up_to: int = WHOLE_UP_TO, sample: int = SAMPLE, seed: int | None = None) -> None:
        # the fast backend is made on first use: polars is imported only for a large input
        self._make_fast, self._fast = make_fast, None
        self.reference = reference
        self.whole_up_to, self.sample = whole_up_to, sample
        self.seed = seed if seed is not None else _seed_from_environment()
        self._rng = random.Random(self.seed)
        self.fast_facts = 0  # facts the fast backend evaluated
        self.checked = 0  # of those, how many durable-rules re-evaluated

    @property
    def fast(self) -> Backend:
        if self._fast is None:
            self._fast = self._make_fast()
        return self._fast

    @property
    def name(self) -> str:
        """What ran, for the summary: durable alone, or the fast backend and its check."""
        if not self.fast_facts:
            return self.reference.name
        return (f"{self.fast.name}+{self.reference.name}"
                f"（{self.reference.name} 抽查 {self.checked:,}/{self.fast_facts:,} 条，种子 {self.seed}）")

    def evaluate(self, plan: RuleSource, facts: Sequence[Fact]) -> tuple[list[Hit], int]:
        if len(facts) <= self.whole_up_to:
            return self.reference.evaluate(plan, facts)
        hits, evaluated = self.fast.evaluate(plan, facts)
        picked = sorted(self._rng.sample(range(len(facts)), min(self.sample, len(facts))))
        ref_hits, ref_evaluated = self.reference.evaluate(plan, [facts[j] for j in picked])
        if ref_evaluated != len(picked):
            raise EvaluationError(
                f"抽查：送入 {len(picked)} 条事实，规则引擎只评估了 {ref_evaluated} 条，已停止")
        expected = {(i, picked[j]) for i, j in ref_hits}
        chosen = set(picked)
        got = {(i, j) for i, j in hits if j in chosen}
        if got != expected:
            diff = sorted(got ^ expected)[:3]
            raise EvaluationError(
                f"快速求值与规则引擎抽查结果不一致（{len(got ^ expected)} 处，如 规则/事实 {diff}；"
                f"种子 {self.seed}），结果不可信，已停止")
        self.fast_facts += len(facts)
        self.checked += len(picked)
        return hits, evaluated
