"""The book builds with warnings as errors, and every chapter is in it."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import HTML, ROOT, BuildResult

pytestmark = pytest.mark.book


def test_book_builds_without_warnings(book_build: BuildResult) -> None:
    # Sphinx reports "path:line: WARNING: ..." (kernels' own log lines look different).
    lines = book_build.log.splitlines()
    warnings = [line for line in lines if re.search(r"(WARNING|ERROR):", line)]
    assert book_build.returncode == 0, "\n".join(warnings) or book_build.log[-3000:]
    assert warnings == []


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


@pytest.mark.parametrize("page", _toc_files())
def test_every_toc_entry_is_a_page(book_build: BuildResult, page: str) -> None:
    assert (HTML / f"{page}.html").is_file()


def test_mathjax_is_served_by_the_book(book_build: BuildResult) -> None:
    assert (HTML / "_static" / "mathjax" / "tex-chtml.js").is_file()
    page = (HTML / "book" / "intro" / "networks.html").read_text()
    # Sphinx appends ?v=<checksum> when the file already exists from an earlier build.
    assert re.search(
        r'src="\.\./\.\./_static/mathjax/tex-chtml\.js(\?v=[0-9a-f]+)?"', page
    )


def test_execution_table_lists_every_notebook(book_build: BuildResult) -> None:
    table = (HTML / "book" / "execution.html").read_text()
    notebooks = sorted((ROOT / "book").rglob("*.ipynb"))
    assert notebooks
    for nb in notebooks:
        docname = nb.relative_to(ROOT).with_suffix("").as_posix()
        assert docname in table, f"{docname} missing from the execution-status page"
