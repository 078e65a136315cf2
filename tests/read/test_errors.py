"""Unusable inputs: always InputError with the file named, never another exception."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import InputError
from engine.model.forms import Form
from engine.read import read_submission

from .builders import TABLE


def _raises(path: Path, forms: dict[str, Form], **kw: object) -> InputError:
    with pytest.raises(InputError) as err:
        read_submission(path, forms, **kw)  # type: ignore[arg-type]
    assert err.value.file == str(path)
    assert "\n" not in err.value.one_line()
    return err.value


def test_corrupt_xlsx(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"\x00\x01not a workbook")
    assert "Excel" in _raises(path, forms).message


def test_empty_csv(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "空" in _raises(path, forms).message


def test_blank_lines_csv(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\ufeff\n , \n", encoding="utf-8")
    assert "空" in _raises(path, forms).message


def test_unknown_headers(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "ab.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    err = _raises(path, forms)
    assert "--form" in (err.hint or "") and TABLE in (err.hint or "")


def test_unknown_headers_with_form(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "ab.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert TABLE in _raises(path, forms, form_id=TABLE).message


def test_missing_file(tmp_path: Path, forms: dict[str, Form]) -> None:
    assert "不存在" in _raises(tmp_path / "nope.xlsx", forms).message


def test_directory(tmp_path: Path, forms: dict[str, Form]) -> None:
    folder = tmp_path / "dir.xlsx"
    folder.mkdir()
    assert "文件夹" in _raises(folder, forms).message


@pytest.mark.parametrize("name", ["r.xls", "r.pdf", "noext"])
def test_unsupported_suffix(tmp_path: Path, forms: dict[str, Form], name: str) -> None:
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    _raises(path, forms)


def test_unknown_form_id(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "r.csv"
    path.write_text("unit,fines\nX,1\n", encoding="utf-8")
    err = _raises(path, forms, form_id="nope")
    assert TABLE in (err.hint or "")


def test_empty_workbook(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    _raises(path, forms)


def test_headers_without_data(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "h.csv"
    path.write_text("单位,general_found,general_rectified,fines\n", encoding="utf-8")
    assert "数据行" in _raises(path, forms, form_id=TABLE).message


def test_not_text(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "bin.csv"
    path.write_bytes(bytes(range(256)) * 4)
    _raises(path, forms)


def test_table_without_unit_column(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "nounit.csv"
    path.write_text("general_found,general_rectified,fines\n1,1,1\n2,2,2\n", encoding="utf-8")
    assert "单位列" in _raises(path, forms, form_id=TABLE).message


def test_a_form_is_never_guessed_from_a_few_columns(tmp_path: Path, forms: dict[str, Form]) -> None:
    """Three of the campaign return's 28 indicators: chosen with --form only, and the error
    says how much of each form matched."""
    path = tmp_path / "few.csv"
    path.write_text("单位,general_found,general_rectified,fines\n甲镇,1,1,1\n", encoding="utf-8")
    err = _raises(path, forms)
    assert "不作猜测" in err.message and f"{TABLE}（表单 28 个指标中对上 3 个" in (err.hint or "")
    assert read_submission(path, forms, form_id=TABLE).rows[0].cells["fines"].value == 1


def test_a_table_of_its_own_is_not_read_as_a_known_form(tmp_path: Path, forms: dict[str, Form]) -> None:
    """Most of the campaign indicators, but most of the file's columns are not indicators of it."""
    keys = [i.key for i in forms[TABLE].indicators][:15]
    own = [f"自有指标{n}" for n in range(20)]
    path = tmp_path / "own.csv"
    path.write_text(",".join(["单位", *keys, *own]) + "\n" + ",".join(["甲镇"] + ["1"] * 35) + "\n",
                    encoding="utf-8")
    err = _raises(path, forms)
    assert "文件 35 列中对上 15 列" in (err.hint or "")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300),
                      st.text(alphabet="a,1\n\"：—累计一般隐患/排查{}[]:- ", max_size=200)
                      .map(lambda t: t.encode("utf-8"))),
       suffix=st.sampled_from([".csv", ".txt", ".json", ".yaml", ".xlsx"]))
def test_junk_only_ever_raises_input_error(tmp_path: Path, forms: dict[str, Form], data: bytes,
                                           suffix: str) -> None:
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(data)
    try:
        read_submission(path, forms)
    except InputError as err:
        assert err.file == str(path)


def test_deeply_nested_json(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100000 + "]" * 100000, encoding="utf-8")
    _raises(path, forms)
