"""The book builds with warnings as errors, and every chapter is in it."""

from __future__ import annotations

import re
import types

import learner_notebooks as ln
import pytest
from conftest import HTML, ROOT, BuildResult

pytestmark = pytest.mark.book


def test_book_builds_without_warnings(book_build: BuildResult) -> None:
    # Sphinx reports "path:line: WARNING: ..." (kernels' own log lines look different).
    lines = book_build.log.splitlines()
    warnings = [line for line in lines if re.search(r"(WARNING|ERROR):", line)]
    assert book_build.returncode == 0, "\n".join(warnings) or book_build.log[-3000:]
    assert warnings == []


@pytest.mark.parametrize("page", ln.toc_docs(ROOT))
def test_every_toc_entry_is_a_page(book_build: BuildResult, page: str) -> None:
    assert (HTML / f"{page}.html").is_file()


def test_maths_is_served_by_the_book(book_build: BuildResult) -> None:
    """Each formula's TeX is in the page; KaTeX's script, stylesheet and fonts are
    the book's own files, loaded only on pages with maths."""
    page = (HTML / "book" / "differentiation.html").read_text()
    assert page.count('<span class="katex-tex">') > 20
    assert not re.search(r"<script[^>]*mathjax", page, re.IGNORECASE)
    katex = HTML / "_static" / "katex"
    for name in ("katex.min.css", "katex.min.js", "render.js"):
        assert (katex / name).is_file() and f'"../_static/katex/{name}' in page, name
    fonts = re.findall(r"url\((fonts/[^)]+)\)", (katex / "katex.min.css").read_text())
    assert fonts and all((katex / f).is_file() for f in fonts)
    assert "katex.min.js" not in (HTML / "book" / "references.html").read_text()


def test_katex_checks_every_formula_at_build_time(book_build: BuildResult) -> None:
    """The build's KaTeX process refuses what it cannot parse (a -W build fails)."""
    from sphinx_katex import _katex_dir, _Renderer

    renderer = _Renderer(_katex_dir(types.SimpleNamespace(srcdir=ROOT)))
    try:
        assert renderer.render(r"\frac{a}{b}", True) == {"ok": True}
        assert "error" in renderer.render(r"\frac{a}{", True)
        assert "error" in renderer.render(r"\require{cancel}", False)
    finally:
        renderer.close()
    assert "KaTeX cannot render" not in book_build.log


def test_pages_load_no_icon_font(book_build: BuildResult) -> None:
    for page in HTML.rglob("*.html"):
        if "_static" not in page.relative_to(HTML).parts:
            assert "fontawesome" not in page.read_text(), page
    assert not (HTML / "_static" / "scripts" / "fontawesome.js").exists()
    theme = (HTML / "_static" / "styles" / "pydata-sphinx-theme.css").read_text()
    assert not re.search(r"@font-face\{[^}]*Font Awesome", theme)
    assert ".fa-magnifying-glass:before" not in theme


def test_no_image_is_inline(book_build: BuildResult) -> None:
    """Slider frames are files (chapters stored with an older lecture_utils fail here
    until `make refresh`)."""
    for page in (HTML / "book").rglob("*.html"):
        assert "data:image/png;base64" not in page.read_text(), f"{page}: inline image"


def test_slider_frames_are_files_fetched_when_shown(book_build: BuildResult) -> None:
    page = (HTML / "book" / "intro" / "networks.html").read_text()
    frames = re.findall(r"<img data-frame=[^>]*>", page)
    assert len(frames) > 1
    shown = [f for f in frames if "display:none" not in f]
    assert len(shown) == 1 and 'loading="lazy"' in shown[0]
    for frame in frames:
        url = re.search(r'(?:data-)?src="([^"]+)"', frame).group(1)
        assert (HTML / "book" / "intro" / url).resolve().is_file(), url
