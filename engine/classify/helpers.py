"""Helper processes that classify part of a large batch while this process does the rest.

A city's ledger holds tens of thousands of distinct findings, and explaining each verdict is
Python that one core runs at about a thousand a second. Each group of findings (one set of
standards) is classified by ``Classifier.classify_group`` wherever it runs, and a group's
result depends on nothing but the group and the criteria, so sending some groups to another
process changes no answer — tests/classify/test_helpers.py checks the batch is the same.

A helper is a fresh interpreter (``python -m engine.classify.helpers``) that loads the
criteria from the same folder, through the cache, reads its groups from stdin and writes
their classifications to stdout. It is never a fork (polars and durable-rules hold threads
and native state a fork would copy half-made), and not multiprocessing's spawn either, which
re-runs the caller's main script. Starting one costs a few seconds, so helpers take part
only in batches of at least ``MIN_DISTINCT`` distinct findings. ``HAZCHECK_WORKERS`` sets how
many processes share the work (1: no helpers; default: the machine's cores, at most 4).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from engine.errors import EvaluationError, InputError
from engine.model.classification import Classification

MIN_DISTINCT = 6_000  # distinct findings below which a helper's start-up costs more than it saves
MAX_WORKERS = 4
Classified = list[tuple[int, list[Classification]]]


def workers_wanted() -> int:
    """Processes to share a large batch: ``HAZCHECK_WORKERS``, else the cores (at most 4)."""
    written = os.environ.get("HAZCHECK_WORKERS", "").strip()
    if not written:
        return max(1, min(MAX_WORKERS, os.cpu_count() or 1))
    try:
        n = int(written)
    except ValueError:
        n = 0
    if n < 1:
        raise InputError(f"HAZCHECK_WORKERS 应为正整数，写的是 “{written}”", field="HAZCHECK_WORKERS")
    return n


class _Helper:
    """One helper process, its groups sent, its answer not yet read."""

    def __init__(self, job: tuple[Any, ...]) -> None:
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - kept open while the helper runs; stop() closes it
        root = str(Path(__file__).resolve().parents[2])  # the folder holding the engine package
        paths = (root, os.environ.get("PYTHONPATH"))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
        self.proc = subprocess.Popen([sys.executable, "-m", "engine.classify.helpers"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, env=env)
        assert self.proc.stdin is not None
        try:
            pickle.dump(job, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.close()
        except BrokenPipeError:
            pass  # it stopped at once: read() says why

    def read(self) -> tuple[Classified, tuple[int, int]]:
        assert self.proc.stdout is not None
        try:
            answer = pickle.load(self.proc.stdout)
        except (EOFError, pickle.UnpicklingError):
            answer = None
        code = self.proc.wait()
        if isinstance(answer, BaseException):
            raise answer
        if code != 0 or answer is None:
            self.stderr.seek(0)
            tail = self.stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["（无输出）"]
            raise EvaluationError(f"判定：辅助进程异常退出（退出码 {code}：{tail[0]}），结果不完整，已停止")
        return answer

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


class ProcessHelpers:
    """``workers - 1`` helper processes; this one keeps about its share of the work."""

    def __init__(self, folder: Path, backend: str, workers: int, *, engine: Any = None,
                 min_distinct: int = MIN_DISTINCT) -> None:
        self.folder, self.backend, self.workers = folder, backend, workers
        self.engine = engine  # this process's backend: a sampled one is told what the helpers checked
        self.min_distinct = min_distinct
        self._helpers: list[_Helper] = []

    def start(self, groups: Sequence[Any]) -> set[int]:
        distinct = sum(len(g.findings) for g in groups)
        if self.workers < 2 or distinct < self.min_distinct or len(groups) < 2:
            return set()
        # largest groups first, each to the least loaded process; this process (bin 0) takes a
        # little more, as a helper first loads the criteria and then sends its results back
        bins: list[list[int]] = [[] for _ in range(self.workers)]
        load = [0] * self.workers
        weight = [1.0] + [1.25] * (self.workers - 1)
        for g in sorted(range(len(groups)), key=lambda g: -len(groups[g].findings)):
            b = min(range(self.workers), key=lambda k: (load[k] + len(groups[g].findings)) * weight[k])
            bins[b].append(g)
            load[b] += len(groups[g].findings)
        seed = getattr(self.engine, "seed", None)
        away: set[int] = set()
        for n, b in enumerate(bins[1:], start=1):
            if b:
                job = (str(self.folder), self.backend, None if seed is None else seed + n,
                       [(g, groups[g]) for g in b])
                try:
                    self._helpers.append(_Helper(job))
                except OSError:
                    continue  # no process to be had: this process classifies these groups itself
                away.update(b)
        return away

    def collect(self) -> dict[int, list[Classification]]:
        out: dict[int, list[Classification]] = {}
        for helper in self._helpers:
            results, (fast, checked) = helper.read()
            out.update(results)
            if fast and hasattr(self.engine, "fast_facts"):
                self.engine.fast_facts += fast
                self.engine.checked += checked
        return out

    def close(self) -> None:
        """Stop the helpers (after ``collect``, or when this process's share failed)."""
        for helper in self._helpers:
            helper.stop()
        self._helpers = []


def _serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """In a helper: read the job, classify its groups, write the answer (or the error raised)."""
    from engine.classify.run import Classifier
    from engine.evaluate.run import get_backend
    from engine.evaluate.sampled import one_input
    from engine.load.criteria import load_criteria

    folder, backend, seed, groups = pickle.load(stdin)
    try:
        classifier = Classifier(load_criteria(Path(folder)), get_backend(backend, seed=seed))
        with one_input(classifier.backend, sum(len(group.findings) for _, group in groups)):
            results = [(g, classifier.classify_group(group)) for g, group in groups]
        engine = classifier.backend
        answer: Any = (results, (getattr(engine, "fast_facts", 0), getattr(engine, "checked", 0)))
    except EvaluationError as exc:
        answer = exc
    pickle.dump(answer, stdout, protocol=pickle.HIGHEST_PROTOCOL)
    stdout.flush()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
