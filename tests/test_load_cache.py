"""The loaded-criteria cache: used when nothing changed, rebuilt when a file or the code did,
and never a reason to fail (missing, read-only or corrupt folder)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from engine.load import cache
from engine.load.criteria import load_criteria
from engine.paths import bundled


@pytest.fixture()
def criteria_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "criteria"
    shutil.copytree(bundled("criteria"), folder)
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("criteria-*.pickle"))


def test_second_load_comes_from_the_cache(criteria_copy: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cache"
    monkeypatch.setenv("HAZCHECK_CACHE_DIR", str(store))
    first = load_criteria(criteria_copy)
    assert len(_entries(store)) == 1
    calls = []
    monkeypatch.setattr("engine.load.criteria._load_criteria", lambda f: calls.append(f))
    second = load_criteria(criteria_copy)
    assert calls == []
    assert second.vocabulary == first.vocabulary and set(second.standards) == set(first.standards)


def test_a_changed_file_is_loaded_afresh(criteria_copy: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAZCHECK_CACHE_DIR", str(tmp_path / "cache"))
    load_criteria(criteria_copy)
    path = criteria_copy / "gongmao-2023.yaml"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("title: 工贸企业重大事故隐患判定标准", "title: 工贸标准（改）", 1)
    path.write_text(changed, encoding="utf-8")
    assert load_criteria(criteria_copy).standard("gongmao-2023").title == "工贸标准（改）"
    assert len(_entries(tmp_path / "cache")) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_cache_folder_is_harmless(criteria_copy: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "ro"
    store.mkdir(mode=0o500)
    monkeypatch.setenv("HAZCHECK_CACHE_DIR", str(store))
    assert load_criteria(criteria_copy).standards
    assert _entries(store) == []


def test_unwritable_cache_location_is_harmless(criteria_copy: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("HAZCHECK_CACHE_DIR", str(blocker / "cache"))
    assert load_criteria(criteria_copy).standards


def test_corrupt_entry_is_rebuilt(criteria_copy: Path, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cache"
    monkeypatch.setenv("HAZCHECK_CACHE_DIR", str(store))
    load_criteria(criteria_copy)
    (entry,) = _entries(store)
    entry.write_bytes(b"\x80\x04garbage")
    assert load_criteria(criteria_copy).standards
    assert entry.read_bytes()[:2] != b"\x80\x04g"


def test_cache_can_be_turned_off(criteria_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAZCHECK_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    assert load_criteria(criteria_copy).standards


def test_a_process_waiting_for_another_s_build_loads_its_result(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers starting together (the test suite's, two audits at once) build the cache once:
    the second waits on the lock and then loads what the first stored."""
    import fcntl
    import pickle
    import threading

    store = tmp_path / "cache"
    store.mkdir()
    monkeypatch.setenv("HAZCHECK_CACHE_DIR", str(store))
    source = tmp_path / "a.yaml"
    source.write_text("x: 1\n", encoding="utf-8")
    built: list[int] = []
    got: list[object] = []
    with (store / ".probe.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # "another process" is building
        waiting = threading.Thread(target=lambda: got.append(
            cache.cached("probe", [source], lambda: built.append(1) or "built here")))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive() and not got  # it waits rather than building too
        entry = store / f"probe-{cache.content_key('probe', [source])}.pickle"
        entry.write_bytes(pickle.dumps("built by the other"))
    waiting.join(10)
    assert got == ["built by the other"] and built == []
