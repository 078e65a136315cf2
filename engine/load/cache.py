"""A cache of loaded rule trees (criteria, catalog), keyed by the content of every file read.

Loading the criteria means parsing, validating and compiling hundreds of conditions: about a
second, paid by every ``hazcheck`` command. The result depends only on the YAML files and on
the code that reads them, so it is pickled under a key made of both: a changed file (or a
changed loader) gives a new key and a fresh load. The cache is an optimisation only — a
missing, read-only or corrupt cache folder means loading from the files, never an error.

Folder: ``$HAZCHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/hazcheck``, else ``~/.cache/hazcheck``;
``HAZCHECK_CACHE_DIR=off`` turns it off. Entries are written atomically, readable by the
user only, and only entries this code wrote are ever unpickled from that private folder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_ENGINE = Path(__file__).resolve().parents[1]
# the code whose output is cached: a change to any of it must invalidate every entry
_CODE_DIRS = ("load", "model", "expr", "compile")
_code_digest: str | None = None


def cache_dir() -> Path | None:
    setting = os.environ.get("HAZCHECK_CACHE_DIR")
    if setting is not None:
        return None if setting.strip().lower() in ("", "off", "0", "none") else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hazcheck"


def _code() -> str:
    global _code_digest
    if _code_digest is None:
        h = hashlib.sha256(sys.version.encode())
        for sub in _CODE_DIRS:
            for path in sorted((_ENGINE / sub).glob("*.py")):
                h.update(path.name.encode())
                h.update(path.read_bytes())
        _code_digest = h.hexdigest()
    return _code_digest


def content_key(kind: str, files: Iterable[Path]) -> str:
    h = hashlib.sha256(f"{kind}|{_code()}".encode())
    for path in sorted(files):
        h.update(str(path).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:32]


_IN_PROCESS: dict[str, tuple[Path, Any]] = {}  # kind -> (entry, value): the last one loaded


def cached(kind: str, files: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``, or its pickled result from an earlier run over the same files and code."""
    files = list(files)
    folder = cache_dir()
    if folder is None:
        return build()
    try:
        entry = folder / f"{kind}-{content_key(kind, files)}.pickle"
    except OSError:
        return build()
    remembered = _IN_PROCESS.get(kind)
    if remembered is not None and remembered[0] == entry:
        return remembered[1]  # loaded already in this process, and no file has changed since
    value = _load_entry(kind, entry)
    if value is not None:
        return value
    with _building(folder, kind):  # two processes starting together build it once
        value = _load_entry(kind, entry)
        if value is not None:
            return value
        return _build_and_store(kind, files, entry, folder, build)


def _load_entry(kind: str, entry: Path) -> Any:
    """The pickled value, or None when there is none yet (or it cannot be read)."""
    try:
        with entry.open("rb") as fh:
            value = pickle.load(fh)  # our own private cache folder, see the module docstring
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    _IN_PROCESS[kind] = (entry, value)
    return value


@contextmanager
def _building(folder: Path, kind: str) -> Iterator[None]:
    """An exclusive lock on ``folder/.kind.lock`` while one process builds; nothing if it cannot
    be had (a read-only folder, a system without flock): then each process builds its own."""
    try:
        import fcntl

        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fh = (folder / f".{kind}.lock").open("a")
    except (ImportError, OSError):
        yield
        return
    try:
        with suppress(OSError):
            fcntl.flock(fh, fcntl.LOCK_EX)
        yield
    finally:
        fh.close()  # closing releases the lock


def _build_and_store(kind: str, files: list[Path], entry: Path, folder: Path,
                     build: Callable[[], T]) -> T:
    value = build()
    try:
        if content_key(kind, files) != entry.stem.split("-", 1)[1]:
            return value  # a file changed while it was being read: do not store a mixed result
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _prune(folder, kind, keep=entry)
    except (OSError, pickle.PicklingError):
        pass  # a read-only or full disk: the next run loads from the files again
    return value


def _prune(folder: Path, kind: str, keep: Path, entries: int = 4) -> None:
    """Keep the newest few entries of ``kind``: each edit of a rule file makes a new one."""
    old = sorted((p for p in folder.glob(f"{kind}-*.pickle") if p != keep),
                 key=lambda p: p.stat().st_mtime, reverse=True)
    for path in old[entries - 1:]:
        path.unlink(missing_ok=True)
