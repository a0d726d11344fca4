"""Static checks of the committed notebooks (fast; nbval checks the outputs)."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)


def _cells(path: pathlib.Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_executed_and_seeded(path: pathlib.Path) -> None:
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    unrun = [
        i
        for i, c in enumerate(code)
        if "".join(c["source"]).strip() and c["execution_count"] is None
    ]
    assert unrun == [], f"code cells {unrun} have no stored execution: run `make refresh`"
    counts = [c["execution_count"] for c in code if c["execution_count"] is not None]
    assert counts == list(range(1, len(counts) + 1)), "execute top to bottom in a fresh kernel"
    for c in code:
        source = "".join(c["source"])
        assert not re.search(r"np\.random\.(seed|rand|randn|normal|uniform|choice)\(", source), (
            "use the notebook's Generator (rng), not NumPy's global random state"
        )
        errors = [o for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert errors == [], f"stored error output in: {source[:80]!r}"
        streams = [o for o in c.get("outputs", []) if o.get("name") == "stderr"]
        assert streams == [], f"stderr output (a leaked warning?) in: {source[:80]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text(path: pathlib.Path) -> None:
    for c in _cells(path):
        if c["cell_type"] != "code":
            continue
        has_image = any("image/png" in o.get("data", {}) for o in c.get("outputs", []))
        if has_image:
            alt = c["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert alt.strip(), f"figure without alt text in: {''.join(c['source'])[:80]!r}"
            assert "".join(c["source"]).rstrip().endswith("plt.show()"), (
                "plot cells end with plt.show()"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_timing_cells_skip_output_comparison(path: pathlib.Path) -> None:
    for c in _cells(path):
        tags = c.get("metadata", {}).get("tags", [])
        assert "nbval-skip" not in tags, "cells are never skipped entirely"
        if "nbval-ignore-output" in tags:
            source = "".join(c["source"])
            assert re.search(r"tim(e|ing)|perf_counter|benchmark", source), (
                f"nbval-ignore-output is reserved for timing cells: {source[:80]!r}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_sections_name_their_slides(path: pathlib.Path) -> None:
    cells = _cells(path)
    for i, c in enumerate(cells):
        if c["cell_type"] != "markdown":
            continue
        text = "".join(c["source"])
        for match in re.finditer(r"^##+ .*$", text, flags=re.M):
            after = text[match.end() :] + "".join(
                "".join(n["source"]) for n in cells[i + 1 : i + 2] if n["cell_type"] == "markdown"
            )
            window = match.group(0) + after[:400]
            assert re.search(r"[Ss]lides? \d|[Bb]eyond the lecture|[Hh]omework", window), (
                f"{path.name}: section {match.group(0)!r} does not say which slides it covers"
            )
