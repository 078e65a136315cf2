"""The fast backends on every fact, durable-rules re-evaluating a random sample in the same run.

durable-rules stays the engine of record. Small inputs go to it whole. A large input (more
facts than ``whole_up_to``) is evaluated by a fast backend — the columnar one (polars) for a
call of at least ``columnar_from`` facts, the closure one for a smaller call, where building
a frame costs more than it saves — and durable-rules re-evaluates a random sample of the same
facts against the same conditions; any difference in the sample's hits stops the run
(EvaluationError) rather than let one backend's answer through unchecked. How many facts were
sampled, and the seed, are part of the summary's backend description, so a run can be
repeated exactly (``HAZCHECK_SAMPLE_SEED``).

One input may reach the backend as many calls: a ledger's distinct findings are classified
in a few hundred groups, one per set of standards, a few dozen findings each. Judged call
by call, every group would be "small" and go to durable-rules whole. ``batch(total)`` says
that the next calls are one input of ``total`` facts: it is small or large as a whole, and
its sample is drawn once, over all of its facts, each call checking its share as it returns.
"""

from __future__ import annotations

import os
import random
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from engine.errors import EvaluationError, InputError
from engine.evaluate.source import Backend, RuleSource
from engine.facts import Fact

Hit = tuple[int, int]
WHOLE_UP_TO = 2_000  # facts: up to this many, durable-rules evaluates them all
SAMPLE = 1_000  # facts durable-rules re-evaluates out of a larger input
# facts in one call from which a polars frame pays: a frame costs about 20 ms to set up, a
# finding about 8 µs as closures (measured: a ledger's 428 groups of 65 findings on average
# took 9.8 s as frames, 0.23 s as closures). No more than WHOLE_UP_TO, so that a call judged
# on its own always goes to the columnar backend, as before there were batches.
COLUMNAR_FROM = WHOLE_UP_TO


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


@dataclass
class _Batch:
    """One input spread over several calls: its size, and the positions of its sample."""

    total: int
    picked: list[int]  # sorted positions (0 … total-1) that durable-rules re-evaluates; all if whole
    whole: bool  # small enough for durable-rules alone
    seen: int = 0  # facts of the batch evaluated so far

    def take(self, n: int) -> tuple[int, int]:
        """The positions of the next ``n`` facts, [start, end): more than declared is a bug."""
        start, self.seen = self.seen, self.seen + n
        if self.seen > self.total:
            raise ValueError(f"batch declared {self.total} facts, got {self.seen}")
        return start, self.seen


class SampledBackend:
    """Fast evaluation with a durable-rules cross-check on a random sample."""

    def __init__(self, make_fast: Callable[[], Backend], reference: Backend, *,
                 make_small: Callable[[], Backend] | None = None, columnar_from: int = COLUMNAR_FROM,
                 whole_up_to: int = WHOLE_UP_TO, sample: int = SAMPLE, seed: int | None = None) -> None:
        # the fast backends are made on first use: polars is imported only for a large call
        self._make_fast, self._fast = make_fast, None
        self._make_small, self._small = make_small, None
        self.columnar_from = columnar_from
        self.reference = reference
        self.whole_up_to, self.sample = whole_up_to, sample
        self.seed = seed if seed is not None else _seed_from_environment()
        self._rng = random.Random(self.seed)
        self._batch: _Batch | None = None
        self._used: dict[str, None] = {}  # names of the fast backends that ran, in order
        self.fast_facts = 0  # facts the fast backends evaluated
        self.checked = 0  # of those, how many durable-rules re-evaluated

    @property
    def fast(self) -> Backend:
        if self._fast is None:
            self._fast = self._make_fast()
        return self._fast

    def _fast_for(self, n: int) -> Backend:
        """The columnar backend for a call of ``n`` facts, or the closures for a small one."""
        if self._make_small is None or n >= self.columnar_from:
            return self.fast
        if self._small is None:
            self._small = self._make_small()
        return self._small

    @property
    def name(self) -> str:
        """What ran, for the summary: durable alone, or the fast backends and their check."""
        if not self.fast_facts:
            return self.reference.name
        fast = "/".join(self._used) or self.fast.name
        return (f"{fast}+{self.reference.name}"
                f"（{self.reference.name} 抽查 {self.checked:,}/{self.fast_facts:,} 条，种子 {self.seed}）")

    def _draw(self, total: int) -> list[int]:
        return sorted(self._rng.sample(range(total), min(self.sample, total)))

    @contextmanager
    def batch(self, total: int) -> Iterator[None]:
        """The calls made inside are one input of ``total`` facts (see the module's docstring)."""
        if self._batch is not None:
            raise RuntimeError("batches do not nest")
        whole = total <= self.whole_up_to
        self._batch = _Batch(total, [] if whole else self._draw(total), whole)
        try:
            yield
        finally:
            self._batch = None

    def evaluate(self, plan: RuleSource, facts: Sequence[Fact]) -> tuple[list[Hit], int]:
        batch = self._batch
        if batch is None:  # a call on its own is one input
            if len(facts) <= self.whole_up_to:
                return self.reference.evaluate(plan, facts)
            return self._checked(plan, facts, self._draw(len(facts)))
        start, end = batch.take(len(facts))
        if batch.whole:
            return self.reference.evaluate(plan, facts)
        share = batch.picked[bisect_left(batch.picked, start):bisect_left(batch.picked, end)]
        return self._checked(plan, facts, [p - start for p in share])

    def _checked(self, plan: RuleSource, facts: Sequence[Fact], picked: list[int]) -> tuple[list[Hit], int]:
        """The fast backend's hits on ``facts``, after durable-rules agreed on those ``picked``."""
        fast = self._fast_for(len(facts))
        hits, evaluated = fast.evaluate(plan, facts)
        self._used.setdefault(fast.name)
        if picked:
            self._compare(plan, facts, picked, hits)
        self.fast_facts += len(facts)
        self.checked += len(picked)
        return hits, evaluated

    def _compare(self, plan: RuleSource, facts: Sequence[Fact], picked: list[int], hits: list[Hit]) -> None:
        """Stop the run unless durable-rules finds exactly the fast hits among the ``picked`` facts."""
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


@contextmanager
def one_input(backend: Backend, total: int) -> Iterator[None]:
    """``backend.batch(total)`` for a sampled backend; any other backend judges every call alike."""
    if isinstance(backend, SampledBackend):
        with backend.batch(total):
            yield
    else:
        yield
