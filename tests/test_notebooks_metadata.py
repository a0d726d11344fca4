"""Static checks of the chapters (fast; nbval checks the outputs themselves)."""

from __future__ import annotations

import json
import pathlib
import re
from collections.abc import Iterator

import learner_notebooks as ln
import pytest
from conftest import NOTEBOOKS, ROOT

# The book's pages in reading order (sections and globs of _toc.yml included).
PAGES = list(ln.load_book(ROOT).paths.values())


def _cells(path: pathlib.Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _markdown(path: pathlib.Path) -> list[str]:
    if path.suffix == ".md":
        return [path.read_text()]
    return [_source(c) for c in _cells(path) if c["cell_type"] == "markdown"]


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_executed_and_seeded(path: pathlib.Path) -> None:
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    unrun = [
        i
        for i, c in enumerate(code)
        if _source(c).strip() and c["execution_count"] is None
    ]
    assert unrun == [], f"code cells {unrun} have no stored execution: `make refresh`"
    counts = [c["execution_count"] for c in code if c["execution_count"] is not None]
    assert counts == list(range(1, len(counts) + 1)), "execute top to bottom"
    for c in code:
        source = _source(c)
        assert not re.search(
            r"np\.random\.(seed|rand|randn|normal|uniform|choice)\(", source
        ), "use the notebook's Generator (rng), not NumPy's global random state"
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
            assert alt.strip(), f"figure without alt text in: {_source(c)[:80]!r}"
            assert _source(c).rstrip().endswith("plt.show()"), "end with plt.show()"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_timing_cells_skip_output_comparison(path: pathlib.Path) -> None:
    for c in _cells(path):
        tags = c.get("metadata", {}).get("tags", [])
        assert "nbval-skip" not in tags, "cells are never skipped entirely"
        if "nbval-ignore-output" in tags:
            assert re.search(r"tim(e|ing)|perf_counter|benchmark", _source(c)), (
                f"nbval-ignore-output is for timing cells only: {_source(c)[:80]!r}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_sections_name_their_slides(path: pathlib.Path) -> None:
    cells = _cells(path)
    for i, c in enumerate(cells):
        if c["cell_type"] != "markdown":
            continue
        text = _source(c)
        for match in re.finditer(r"^##+ .*$", text, flags=re.M):
            after = text[match.end() :] + "".join(
                _source(n) for n in cells[i + 1 : i + 2] if n["cell_type"] == "markdown"
            )
            window = match.group(0) + after[:400]
            named = r"[Ss]lides? \d|[Bb]eyond the lecture|[Hh]omework"
            assert re.search(named, window), (
                f"{path.name}: section {match.group(0)!r} does not name its slides"
            )


def _slides_named(text: str) -> list[int]:
    """Slide numbers in the section lines of a text: '*Slides 12-13 and 15.*'."""
    found = []
    for line in re.findall(r"\*[Ss]lides? ([^*]*)\*", text):
        for a, b in re.findall(r"(\d+)(?:\s*[-–]\s*(\d+))?", line):
            found += range(int(a), int(b or a) + 1)
    return found


def test_slides_2_to_54_are_covered_in_the_lectures_order() -> None:
    first_seen: list[int] = []
    for page in PAGES:
        for text in _markdown(page):
            for slide in _slides_named(text):
                if slide not in first_seen:
                    first_seen.append(slide)
    lecture = [s for s in first_seen if 2 <= s <= 54]
    missing = sorted(set(range(2, 55)) - set(lecture))
    assert missing == [], f"slides named by no section: {missing}"
    assert lecture == sorted(lecture), (
        f"slides first appear out of the lecture's order: {lecture}"
    )


def _literalincludes(text: str) -> Iterator[ln.Directive]:
    """The literalinclude directives of MyST text, nested ones included."""
    for block in ln._blocks(text):
        d = block.directive
        if d is not None and d.name == "literalinclude":
            yield d
        elif d is not None:
            yield from _literalincludes(d.body)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_listings_show_at_most_30_lines(page: pathlib.Path) -> None:
    for text in _markdown(page):
        for d in _literalincludes(text):
            _, shown = ln.literalinclude(ROOT, page, d)  # read by Sphinx's reader
            n = len(shown.splitlines())
            assert n <= 30, f"{page.name}: {d.arg} {d.options} shows {n} lines"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_has_exercises_that_learners_do(path: pathlib.Path) -> None:
    cells = _cells(path)
    exercises = sum(_source(c).count(":::{exercise}") for c in cells)
    stubs = [c for c in cells if "learner-stub" in c["metadata"].get("tags", [])]
    assert exercises >= 3, f"{path.name}: {exercises} exercises, at least 3 wanted"
    assert len(stubs) >= 2, f"{path.name}: {len(stubs)} code exercises, 2 wanted"
    for c in stubs:
        assert "remove-cell" in c["metadata"]["tags"], "the book does not show stubs"
        assert re.search(r"^(print\()?check_\w+\(", _source(c), flags=re.M), (
            f"{path.name}: a learner stub ends with its checker call: {_source(c)!r}"
        )
