"""Sphinx extension: light, accessible pages that read well on any screen and on paper.

What it does to the built HTML (the notebooks themselves stay untouched):

* **Slider frames become image files.** ``interactive_figure`` stores its frames
  as base64 PNG inside its HTML (so a notebook is self-contained and nbval can
  compare it). Here each frame is written to ``_images/`` once, the frame on
  display gets ``src`` + ``loading="lazy"``, the others only ``data-src``: the
  slider's script fetches a frame when it is first shown.
* **Figures load lazily** and keep their aspect ratio: a figure's size (from the
  retina PNG's metadata) becomes ``width``/``height`` attributes, so the browser
  reserves the space, and the stylesheet scales it with ``height: auto``. Their
  PNGs are stored with a 256-colour palette, like the slider frames: a quarter of
  the bytes, the same look for line plots.
* **No icon font.** The theme's 1.5 MB ``fontawesome.js`` is not loaded; the few
  icons the theme shows are drawn by ``_static/reading.css`` (own SVG shapes).
* **Keyboard:** "Skip to main content" lands on the chapter's text, past the
  toolbar above it, and figures are not wrapped in links to their own PNG.
* **Accessibility fixes of the theme's markup** that axe-core reports: buttons
  whose ``aria-label`` differs from their visible text, the bibliography's
  deprecated ``doc-biblioentry`` role inside a list, toggles of hidden code
  named "Toggle hidden content" while they read "Show the code ...".
* Adds ``_static/reading.css`` (layout, dark mode, sliders, print) and
  ``_static/reading.js`` (slider figures; opens solutions and "Going deeper"
  for printing).
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from sphinx.application import Sphinx

STATIC = Path(__file__).resolve().parents[1] / "book" / "_static"

# A figure in today's markup (reading.js fetches frames named in data-src);
# figures stored by an older lecture_utils keep their inline frames.
_FIGURE = re.compile(
    r'<div class="lu-interactive"[^>]*><div class="lu-controls".*?'
    r'<div class="lu-frames">.*?</div>',
    re.S,
)
_FRAMES = re.compile(r'<div class="lu-frames">.*?</div>', re.S)
_DATA_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=\s]+)"')
_IMG = re.compile(r"<img\b[^>]*>")
_SIZE_STYLE = re.compile(
    r'\sstyle="width:\s*(\d+(?:\.\d+)?)px;\s*height:\s*(\d+(?:\.\d+)?)px;?"'
)


def _frame_files(app: Sphinx, body: str, pathto: Callable[..., str]) -> str:
    images = Path(app.outdir) / "_images"

    def move(tag: re.Match[str]) -> str:
        img = tag.group(0)
        found = _DATA_PNG.search(img)
        if found is None:
            return img
        data = base64.b64decode(found.group(1))
        name = f"frame-{hashlib.sha256(data).hexdigest()[:20]}.png"
        images.mkdir(parents=True, exist_ok=True)
        if not (images / name).is_file():
            (images / name).write_bytes(data)
        url = pathto(f"_images/{name}", 1)
        if "display:none" in img:
            return img.replace(found.group(0), f'data-src="{url}"')
        return img.replace(
            found.group(0), f'src="{url}" loading="lazy" decoding="async"'
        )

    def figure(block: re.Match[str]) -> str:
        return _FRAMES.sub(lambda f: _IMG.sub(move, f.group(0)), block.group(0))

    return _FIGURE.sub(figure, body)


def _lazy_figures(body: str) -> str:
    def lazy(tag: re.Match[str]) -> str:
        img = tag.group(0)
        if "_images/" not in img or "loading=" in img or "data-frame" in img:
            return img
        size = _SIZE_STYLE.search(img)
        if size is not None:
            width, height = (round(float(v)) for v in size.groups())
            img = img.replace(size.group(0), f' width="{width}" height="{height}"')
        return img.replace("<img ", '<img loading="lazy" decoding="async" ', 1)

    return _IMG.sub(lazy, body)


# Markup of the theme and of other extensions that axe-core flags.
_BODY_FIXES = [
    # myst-nb's toggle of hidden code reads "Show the code ..." (code_prompt_show)
    # but was named "Toggle hidden content": label-content-name-mismatch.
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    # docutils' bibliography: role=doc-biblioentry is deprecated and not a listitem.
    ('role="doc-biblioentry"', 'role="listitem"'),
]
_PAGE_FIXES = [
    # The icon font: 1.5 MB of JavaScript for a dozen icons (drawn by reading.css).
    (re.compile(r"\s*<!-- So that users can add custom icons -->"), ""),
    (re.compile(r'\s*<script defer src="[^"]*fontawesome\.js[^"]*"></script>'), ""),
    # The search field shows "Search Ctrl+K" but was named "Search".
    (
        re.compile(
            r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="[^"]*"'
        ),
        r"\1",
    ),
    # The primary sidebar (book title, search, chapters) is no landmark: axe "region".
    (
        re.compile(
            r'(<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar")>'
        ),
        r'\1 role="complementary" aria-label="Book contents">',
    ),
    # Colour-mode icons: decorative (the button is named "Color mode").
    (
        re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+")\s+title="[^"]*"'),
        r'\1 aria-hidden="true"',
    ),
]


_ARTICLE = '<article class="bd-article">'
_SKIP = re.compile(r'(<div id="pst-skip-link"[^>]*><a href=")#main-content"')
_ICON_RULES = re.compile(r'(?:\.fa-[\w-]+:(?:before|after),?)+\{content:"[^"]*"\}')
_ICON_FONTS = re.compile(r"@font-face\{[^}]*Font Awesome[^}]*\}")


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object
) -> None:
    body = context.get("body")
    if not body:
        return
    body = _lazy_figures(_frame_files(app, body, context["pathto"]))
    for old, new in _BODY_FIXES:
        body = body.replace(old, new)
    context["body"] = body


def _fix_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        if {"_static", "_images", "_sources"} & set(page.relative_to(out).parts):
            continue
        text = original = page.read_text(encoding="utf-8")
        for pattern, new in _PAGE_FIXES:
            text = pattern.sub(new, text)
        if (
            _ARTICLE in text
        ):  # "Skip to main content" lands on the text, past the toolbar
            text = text.replace(
                _ARTICLE, _ARTICLE[:-1] + ' id="main-text" tabindex="-1">'
            )
            text = _SKIP.sub(r'\1#main-text"', text)
        if text != original:
            page.write_text(text, encoding="utf-8")
    for png in (out / "_images").glob("*.png"):
        _palette(png)
    # The theme's stylesheet carries the icon font's 1,900 glyph rules (86 KB).
    theme_css = out / "_static" / "styles" / "pydata-sphinx-theme.css"
    if theme_css.is_file():
        css = theme_css.read_text(encoding="utf-8")
        slim = _ICON_RULES.sub("", _ICON_FONTS.sub("", css))
        if slim != css:
            theme_css.write_text(slim, encoding="utf-8")
    # Nothing loads them any more: keep them out of the site (and the offline zip).
    for unused in (
        "scripts/fontawesome.js",
        "scripts/fontawesome.js.map",
        "scripts/fontawesome.js.LICENSE.txt",
        "vendor/fontawesome",
    ):
        path = out / "_static" / unused
        if path.is_dir():
            shutil.rmtree(path)
        elif path.is_file():
            path.unlink()


def _palette(png: Path) -> None:
    """Store a figure with a 256-colour palette (once: palette PNGs are skipped)."""
    with Image.open(png) as image:
        if image.mode == "P":
            return
        palette = image.convert("RGB").quantize(
            256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    palette.save(png, format="PNG", optimize=True)


def _static_path(app: Sphinx, config: object) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def _single_page_handlers(app: Sphinx) -> None:
    """The one-page build (``make pdf``) renders every node the HTML build does.

    sphinx-exercise registers handlers for ``singlehtml``, after which Sphinx no
    longer falls back to the ``html`` handlers of other extensions (myst-nb's
    hidden code cells): give the one-page builder the ones it lacks.
    """
    if app.builder.name == "singlehtml":
        handlers = app.registry.translation_handlers
        for node, visitors in handlers.get("html", {}).items():
            handlers.setdefault("singlehtml", {}).setdefault(node, visitors)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", _single_page_handlers)
    app.connect("config-inited", _static_path)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _fix_pages)
    app.add_css_file("reading.css")
    app.add_js_file("reading.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
