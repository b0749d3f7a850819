"""Which of the seed modules have at least one passing test.

``python -m pytest --module-report out.json`` records the passing ``@pytest.mark.module(N)`` ids;
``python -m tools.module_report out.json`` lists covered and missing modules by area.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

MODULES_TSV = Path(__file__).resolve().parents[1] / "docs" / "requirements" / "modules.tsv"


def load_modules(path: Path = MODULES_TSV) -> list[dict]:
    """The seed modules (id, area, system, module, description)."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        row["id"] = int(row["id"])
    return rows


def report(passed: set[int]) -> str:
    """A plain-text report: per area covered/total, then each missing id with its name."""
    modules = load_modules()
    lines = [f"seed modules with a passing test: {len(passed & {m['id'] for m in modules})}/{len(modules)}"]
    areas: dict[str, list[dict]] = {}
    for m in modules:
        areas.setdefault(m["area"], []).append(m)
    for area, items in areas.items():
        done = [m for m in items if m["id"] in passed]
        lines.append(f"  {area:<10} {len(done):>3}/{len(items)}")
    lines.append("covered: " + ", ".join(str(m["id"]) for m in modules if m["id"] in passed))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Print the report for the JSON written by ``--module-report``."""
    passed = set(json.loads(Path(argv[0]).read_text(encoding="utf-8"))) if argv else set()
    print(report(passed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
