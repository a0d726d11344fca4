"""Static checks of the chapters (fast; nbval checks the outputs themselves)."""

from __future__ import annotations

import json
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)


def _cells(path: pathlib.Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _toc_pages() -> list[pathlib.Path]:
    """The book's pages in reading order, as _toc.yml lists them."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [
        c["file"] for part in toc["parts"] for c in part.get("chapters", [])
    ]
    pages = []
    for name in files:
        matches = [ROOT / f"{name}{ext}" for ext in (".ipynb", ".md")]
        pages += [m for m in matches if m.exists()]
    return pages


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
    for page in _toc_pages():
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


def _literalinclude_lines(block: str, page: pathlib.Path) -> int:
    """How many lines a literalinclude block shows (pyobject/lines/start/end)."""
    head, *options = block.strip().splitlines()
    source = (page.parent / head.split("}", 1)[1].strip()).resolve()
    lines = source.read_text().splitlines()
    opts = {}
    for option in options:  # ":name: value" lines
        _, name, value = option.split(":", 2)
        opts[name] = value.strip()
    if "pyobject" in opts:
        import ast

        tree = ast.parse(source.read_text())
        name = opts["pyobject"].split(".")[-1]
        node = next(n for n in ast.walk(tree) if getattr(n, "name", None) == name)
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        lines = lines[start - 1 : node.end_lineno]
    if "lines" in opts:  # e.g. "1-3,9-": ranges of 1-based lines, open at either end
        keep = []
        for part in opts["lines"].split(","):
            a, dash, b = part.strip().partition("-")
            first, last = int(a or 1), int(b) if b else (len(lines) if dash else int(a))
            keep += lines[first - 1 : last]
        lines = keep
    for key, keep in (("start-after", False), ("start-at", True)):
        if key in opts:
            i = next(i for i, s in enumerate(lines) if opts[key] in s)
            lines = lines[i if keep else i + 1 :]
    for key, keep in (("end-before", False), ("end-at", True)):
        if key in opts:
            i = next(i for i, s in enumerate(lines) if opts[key] in s)
            lines = lines[: i + 1 if keep else i]
    return len(lines)


@pytest.mark.parametrize("page", _toc_pages(), ids=lambda p: p.name)
def test_listings_show_at_most_30_lines(page: pathlib.Path) -> None:
    for text in _markdown(page):
        for block in re.findall(r"```\{literalinclude\}(.*?)```", text, flags=re.S):
            n = _literalinclude_lines("}" + block, page)
            assert n <= 30, f"{page.name}: a listing shows {n} lines: {block[:60]!r}"


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
