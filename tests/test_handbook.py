"""``hazcheck rules docs``: one self-contained page; every check linked to its basis; text
from the rule files escaped; searchable in a real (headless) browser when one is installed."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        if found.get("id"):
            self.ids.add(found["id"])
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"])


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pack = tmp_path_factory.mktemp("pack")
    shutil.copytree(ROOT / "examples" / "zone-quarterly" / "checks", pack / "checks")
    shutil.copytree(ROOT / "examples" / "zone-quarterly" / "forms", pack / "forms")
    checks = pack / "checks" / "zone-quarterly.yaml"
    checks.write_text(checks.read_text(encoding="utf-8").replace(
        "但出动执法人员为 0", "但出动执法人员为 0 <script>alert(1)</script>"), encoding="utf-8")
    out = tmp_path_factory.mktemp("docs")
    result = runner.invoke(app, ["rules", "docs", str(out), "--rules", str(pack)])
    assert result.exit_code == 0, result.stderr
    return out / "index.html"


def test_every_link_lands_and_every_check_has_its_basis(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(text)
    internal = [h[1:] for h in parser.hrefs if h.startswith("#")]
    assert internal and all(h in parser.ids for h in internal)
    assert not [h for h in parser.hrefs if not h.startswith("#")]  # nothing leaves the page
    for rule_id in ("fine-without-penalty", "detail-over-reported", "zone-groups-without-staff"):
        assert f'id="rule-{rule_id}"' in text
    assert "工贸企业重大事故隐患判定标准（gongmao-2023）" in text and "炉下渣坑" in text


def test_text_from_rule_files_is_escaped(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.count("<script>") == 1  # the page's own search script only


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no headless browser on this machine (apt: chromium)")
def test_the_page_renders_and_searches_in_a_headless_browser(page: Path) -> None:
    def dom(query: str) -> str:
        command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                   page.as_uri() + query]
        return subprocess.run(command, capture_output=True, text=True, timeout=120).stdout

    whole = dom("")
    assert "hazcheck 手册" in whole and "zone-groups-without-staff" in whole and 'class="hidden"' not in whole
    searched = dom("?q=" + "派出检查组")
    rows = [r for r in searched.split("<tr")[1:] if "data-search" in r]
    shown = [r for r in rows if 'class="hidden"' not in r]
    assert shown and all("派出检查组" in r for r in shown) and len(shown) < len(rows)
