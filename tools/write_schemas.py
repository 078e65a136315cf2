"""Write schemas/<kind>.schema.json for every kind of YAML file (engine/schemas.py).

Run after changing a model; tests/test_schemas.py fails while a committed schema is stale.

    python tools/write_schemas.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.report.atomic import write_text_atomic  # noqa: E402
from engine.schemas import SCHEMAS  # noqa: E402


def rendered(kind: str) -> str:
    return json.dumps(SCHEMAS[kind][1](), ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    folder = ROOT / "schemas"
    folder.mkdir(exist_ok=True)
    for kind in SCHEMAS:
        write_text_atomic(folder / f"{kind}.schema.json", rendered(kind))
        print(f"schemas/{kind}.schema.json")


if __name__ == "__main__":
    main()
