"""Sphinx extension: maths by KaTeX, served by the book, checked at build time.

Every formula is checked at build time by KaTeX in one Node.js process: a
formula KaTeX cannot parse (an unknown macro, an unbalanced brace) is a Sphinx
warning naming the source, so ``-W`` builds fail on it. Chapters therefore use
standard LaTeX that KaTeX supports: no ``\\require``, no MathJax-only macros.

The page carries each formula's TeX, and KaTeX (``katex.min.js``, 270 KB, on
pages with maths only, so a browser fetches it once) renders it when the page
loads: HTML for the eye and MathML for screen readers. Rendered into the page
at build time, KaTeX's markup costs about 2 KB per formula (a chapter's HTML
triples), which readers on a slow link would pay on every page. KaTeX's script,
stylesheet and fonts come from the pinned npm package ``katex``
(``package.json``) and are copied into ``_static/katex``: nothing is fetched
from another host, and the book works from ``file://``. Without JavaScript a
reader sees the TeX source.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

NAME = "katex"
STATIC = "katex"  # _static/katex/{katex.min.js,katex.min.css,render.js,fonts/}

# Reads {"tex", "display"} per line, answers {"ok"} or {"error"} per line.
_SERVER = r"""
const katex = require(process.argv[1]);
const lines = require("readline").createInterface({input: process.stdin});
lines.on("line", (line) => {
  const {tex, display} = JSON.parse(line);
  let answer;
  try {
    katex.renderToString(tex, {
      displayMode: display, throwOnError: true, strict: "ignore", trust: false});
    answer = {ok: true};
  } catch (error) {
    answer = {error: String(error.message || error)};
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
"""


def _katex_dir(app: Sphinx) -> Path:
    return Path(app.srcdir) / "node_modules" / "katex"


class _Renderer:
    """One Node.js process per build process, started on the first formula."""

    def __init__(self, katex: Path) -> None:
        self.katex = katex
        self.process: subprocess.Popen[str] | None = None
        self.pid = 0

    def _start(self) -> subprocess.Popen[str]:
        node = shutil.which("node")
        if node is None or not (self.katex / "package.json").is_file():
            raise ExtensionError(
                "KaTeX renders the book's maths at build time and needs Node.js and "
                f"the pinned npm package katex in {self.katex}: run `make deps`."
            )
        self.pid = os.getpid()
        return subprocess.Popen(
            [node, "-e", _SERVER, str(self.katex / "dist" / "katex.js")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def render(self, tex: str, display: bool) -> dict[str, str]:
        if self.process is None or self.pid != os.getpid():  # forked: own process
            self.process = self._start()
        self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise ExtensionError("the KaTeX process stopped; see the message above")
        return json.loads(line)

    def close(self) -> None:
        if self.process is not None and self.pid == os.getpid():
            self.process.stdin.close()
            self.process.wait(timeout=30)
            self.process.stdout.close()
        self.process = None


def _check(
    self: nodes.NodeVisitor, node: nodes.Element, tex: str, display: bool
) -> str:
    """The formula's TeX for the page, after KaTeX has parsed it at build time."""
    answer = self.builder.app.katex_renderer.render(tex, display)
    if "error" in answer:
        logger.warning(
            "KaTeX cannot render %r: %s",
            tex,
            answer["error"],
            location=node,
            type="katex",
        )
    return f'<span class="katex-tex">{self.encode(tex)}</span>'


def visit_math(self: nodes.NodeVisitor, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(_check(self, node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def _display_tex(node: nodes.math_block) -> str:
    """The TeX of a display, split into lines exactly as Sphinx does for MathJax."""
    if node["nowrap"]:
        return node.astext()
    parts = [part for part in node.astext().split("\n\n") if part.strip()]
    parts = [rf"\begin{{split}}{p}\end{{split}}" if r"\\" in p else p for p in parts]
    if len(parts) > 1:
        return r"\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}"
    return parts[0] if parts else ""


def visit_display(self: nodes.NodeVisitor, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(_check(self, node, _display_tex(node), display=True) + "</div>\n")
    raise nodes.SkipNode


def _copy_assets(app: Sphinx, exception: Exception | None) -> None:
    app.katex_renderer.close()
    if exception is not None or app.builder.format != "html":
        return
    source = _katex_dir(app) / "dist"
    target = Path(app.outdir) / "_static" / STATIC
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    for font in (source / "fonts").glob("*.woff2"):
        shutil.copyfile(font, target / "fonts" / font.name)
    css = (source / "katex-swap.min.css").read_text(encoding="utf-8")
    # Every browser that runs the book reads woff2: drop the woff/ttf fallbacks.
    css = re.sub(r'(url\(fonts/[^)]+\.woff2\) format\("woff2"\))[^;}]*', r"\1", css)
    (target / "katex.min.css").write_text(css, encoding="utf-8")
    shutil.copyfile(source / "katex.min.js", target / "katex.min.js")
    (target / "render.js").write_text(_RENDER, encoding="utf-8")


# Renders every formula of the page in place, before the page's load event.
_RENDER = """document.querySelectorAll(".katex-tex").forEach(function (el) {
  katex.render(el.textContent, el, {
    displayMode: el.parentNode.tagName === "DIV", throwOnError: false,
    output: "htmlAndMathml", strict: "ignore"});
});
"""


def _add_scripts(app: Sphinx, pagename: str, *args: object) -> None:
    """KaTeX's script on the pages that have maths, run at the end of the page."""
    if app.env.get_domain("math").has_equations(pagename):
        app.add_js_file(f"{STATIC}/katex.min.js", defer="defer")
        app.add_js_file(f"{STATIC}/render.js", defer="defer")


def _use_katex(app: Sphinx, config: object) -> None:
    config.html_math_renderer = NAME


def setup(app: Sphinx) -> dict[str, object]:
    app.add_html_math_renderer(NAME, (visit_math, None), (visit_display, None))
    app.connect("config-inited", _use_katex)
    app.connect("html-page-context", _add_scripts)
    app.connect("build-finished", _copy_assets)
    app.add_css_file(f"{STATIC}/katex.min.css")
    app.katex_renderer = _Renderer(_katex_dir(app))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
