"""Every built page in a real headless Chromium, served from 127.0.0.1.

One browser is launched for the module; each page is opened twice:

* on a **cold cache** (a fresh browser context) at 1280 px: what it transfers
  (budget: 1.5 MB, 600 KB gzipped), then the reading checks: no code or output
  block and no page scrolls sideways, every image is rendered for high-density
  screens (natural width >= 2 x displayed width, or SVG), the slider labels have
  >= 4.5:1 contrast in light and dark mode, axe-core finds no critical or
  serious violation, the first slider is reached in <= 10 Tab presses, a
  chapter is <= 12,000 px tall with its dropdowns closed, and at 390 px the page
  does not scroll sideways. Plus: the maths is rendered (no raw TeX, no maths
  script), every image has alt text, nothing was requested from another host,
  no request failed and the console stayed free of errors;
* as a **later page** (a context that has already shown the start page): what
  it transfers (budget: 300 KB).

axe-core comes from the npm registry (pinned in package.json, installed by
`make deps`) and is injected by the test as an inline script: the book never
serves it. Chromium is Debian's /usr/bin/chromium (installed by `make deps`);
Playwright drives it through its bundled driver and never downloads a browser.

Run ``python tests/test_browser.py`` (after a build) to print the measured
numbers of every page as a table instead of asserting them.
"""

from __future__ import annotations

import functools
import gzip
import pathlib
import sys
from urllib.parse import unquote, urlparse

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from conftest import ARGS, CHROMIUM, HTML, ROOT, serve

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Budgets (issue 13 and, for the height, issue 12).
COLD_BYTES = 1_500_000
COLD_GZIP_BYTES = 600_000
LATER_BYTES = 300_000
MAX_TABS_TO_SLIDER = 10
MIN_CONTRAST = 4.5
MAX_CHAPTER_HEIGHT = 12_000
WIDE, PHONE = 1280, 390

# Console messages that are known to be harmless. Each entry: (substring, why).
KNOWN_HARMLESS_CONSOLE: list[tuple[str, str]] = []


def _pages(root: pathlib.Path = HTML) -> list[str]:
    """The built pages under ``root``, as paths relative to it."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(p.relative_to(root).parts)
    )


def _is_chapter(path: str) -> bool:
    """A chapter is a page made from a notebook."""
    return (HTML / "_sources" / path).with_suffix(".ipynb").is_file()


@functools.cache
def _gzip_size(file: pathlib.Path) -> int:
    return len(gzip.compress(file.read_bytes(), compresslevel=6, mtime=0))


class Visit:
    """One page load: what it requested, transferred and logged."""

    def __init__(self, context: object, url: str) -> None:
        self.host = urlparse(url).netloc
        self.external: list[str] = []
        self.failed: list[str] = []
        self.console: list[str] = []
        self.requests: list[object] = []
        page = context.new_page()
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.failure} {r.url}"))
        page.on("console", self._on_console)
        page.on("pageerror", lambda e: self.console.append(f"page error: {e}"))
        # networkidle also lets the root index.html follow its redirect.
        page.goto(url, wait_until="networkidle")
        self.page = page

    def _on_request(self, request: object) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in ("data", "blob", "about"):
            return
        if parsed.netloc != self.host:
            self.external.append(request.url)
        else:
            self.requests.append(request)

    def _on_response(self, response: object) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def _on_console(self, message: object) -> None:
        if message.type == "error" and not any(
            s in message.text for s, _ in KNOWN_HARMLESS_CONSOLE
        ):
            self.console.append(message.text)

    def transferred(self) -> tuple[int, int, int]:
        """(bytes, bytes if gzipped, number of requests) that went over the wire.

        The server sends files uncompressed, so the body size is the file size;
        the gzipped size is what a compressing server would send. Answers from
        the browser cache (or a 304) transfer no body.
        """
        plain = zipped = count = 0
        for request in self.requests:
            response = request.response()
            if response is None or response.status == 304:
                continue
            body = request.sizes()["responseBodySize"]
            if body <= 0:
                continue
            count += 1
            plain += body
            file = HTML / unquote(urlparse(request.url).path).lstrip("/")
            if file.is_dir():
                file = file / "index.html"
            zipped += _gzip_size(file) if file.is_file() else body
        return plain, zipped, count


SIDEWAYS = """() => {
  const root = document.documentElement;
  const blocks = [...document.querySelectorAll(
      'main pre, main div.highlight, main .cell_output, main .output, main table')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => (e.className || e.tagName) + ': ' + e.textContent.trim().slice(0, 50));
  return {page: root.scrollWidth - root.clientWidth, blocks: blocks};
}"""

# Does an 88-column line (ruff's limit for the notebooks) fit the code box?
FIT88 = """() => {
  const pre = document.querySelector('main div.cell_input div.highlight pre')
      || document.querySelector('main div.highlight pre');
  if (!pre) return null;
  const probe = document.createElement('span');
  probe.textContent = 'x'.repeat(88);
  probe.style.whiteSpace = 'pre';
  pre.appendChild(probe);
  const need = probe.getBoundingClientRect().width;
  probe.remove();
  const style = getComputedStyle(pre);
  const room = pre.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
  return {need: Math.ceil(need), room: Math.floor(room), font: style.fontSize};
}"""

RAW_TEX = r"""() => {
  const main = document.querySelector('main') || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, .katex, .highlight, textarea')
      .forEach(e => e.remove());
  const hits = copy.textContent.match(
      /\$\$|\\\(|\\\[|\\(frac|mathbb|begin|sum|partial|sigma)\b/g);
  return {hits: hits || [], katex: document.querySelectorAll('.katex').length,
          errors: document.querySelectorAll('.katex-error').length,
          mathjax: [...document.scripts].filter(s => /mathjax/i.test(s.src)).length};
}"""

# Load every image (lazy ones too) and compare its natural width with its
# displayed width; slider frames are compared with the frame on display.
DENSITY = """async () => {
  const load = src => new Promise(ok => {
    const i = new Image(); i.onload = () => ok(i.naturalWidth); i.onerror = () => ok(0);
    i.src = src;
  });
  const bad = [];
  for (const img of document.querySelectorAll('main img')) {
    const frames = img.closest('.lu-frames');
    const shown = frames ? [...frames.querySelectorAll('img')]
        .find(i => i.offsetWidth > 0) : img;
    const width = shown ? shown.getBoundingClientRect().width : 0;
    if (!width) continue;
    const src = img.currentSrc || img.src || img.dataset.src;
    if (!src || /\\.svg($|\\?)/.test(src) || src.startsWith('data:image/svg')) continue;
    const natural = await load(src);
    const ratio = img.offsetWidth ? img.offsetHeight / img.offsetWidth : null;
    if (natural < 2 * width - 1)
      bad.push(`${src.slice(-40)}: ${natural} < 2 x ${width}`);
    if (ratio !== null && img.naturalWidth && Math.abs(
        ratio - img.naturalHeight / img.naturalWidth) > 0.02)
      bad.push(`${src.slice(-40)}: aspect ratio changed`);
  }
  return bad;
}"""

CONTRAST = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((s, v, k) => s + v * [0.2126, 0.7152, 0.0722][k], 0);
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll('.lu-interactive *')) {
    const text = [...el.childNodes].filter(n => n.nodeType === 3)
        .map(n => n.textContent).join('').trim();
    if (!text || el.offsetParent === null) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    out.push({text: text.slice(0, 20),
              ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
  }
  return out;
}"""

AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,
      where: v.nodes.slice(0, 2).map(n => n.target.join(' '))}));
}"""


def _dark(page: object, on: bool) -> None:
    mode = "dark" if on else "light"
    page.evaluate(
        f"() => {{ document.documentElement.dataset.theme = '{mode}';"
        f" document.documentElement.dataset.mode = '{mode}'; }}"
    )


def _tabs_to_slider(page: object, limit: int = 80) -> int | None:
    """Tab presses a keyboard user needs from the page start to the first slider.

    The first Tab reaches the theme's "Skip to main content" link; Enter follows
    it, and the count goes on from the start of the main content.
    """
    if not page.evaluate("() => !!document.querySelector('.lu-interactive input')"):
        return None
    on = "() => document.activeElement?.matches(%r)"
    page.keyboard.press("Tab")
    if page.evaluate(on % "#pst-skip-link a"):
        page.keyboard.press("Enter")
    for presses in range(2, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(on % ".lu-interactive input[type=range]"):
            return presses
    return limit + 1


def measure(browser: object, base: str, path: str, axe: bool = True) -> dict:
    """Every number the test asserts on, for one page."""
    url = f"{base}/{path}"
    result: dict[str, object] = {"chapter": _is_chapter(path)}
    context = browser.new_context(viewport={"width": WIDE, "height": 900})
    try:
        visit = Visit(context, url)
        page = visit.page
        result["cold"] = visit.transferred()
        result["tabs"] = _tabs_to_slider(page)  # early: focus starts at the top
        result["title"] = page.title()
        result["sideways_1280"] = page.evaluate(SIDEWAYS)
        result["fit88"] = page.evaluate(FIT88)
        result["height_1280"] = page.evaluate("document.documentElement.scrollHeight")
        result["tex"] = page.evaluate(RAW_TEX)
        result["no_alt"] = page.evaluate(
            "() => [...document.images].filter(i => !(i.getAttribute('alt') || '')"
            ".trim()).map(i => (i.src || i.dataset.src || '').slice(-60))"
        )
        result["density"] = page.evaluate(DENSITY)
        result["contrast_light"] = page.evaluate(CONTRAST)
        if axe and AXE.is_file():
            page.add_script_tag(content=AXE.read_text())
            result["axe"] = page.evaluate(AXE_RUN)
        _dark(page, True)
        result["contrast_dark"] = page.evaluate(CONTRAST)
        _dark(page, False)
        page.set_viewport_size({"width": PHONE, "height": 844})
        page.wait_for_timeout(50)
        result["sideways_390"] = page.evaluate(SIDEWAYS)["page"]
        result["external"], result["failed"] = visit.external, visit.failed
        result["console"] = visit.console
    finally:
        context.close()
    return result


class LaterPages:
    """A reader who has already seen the start page: what does the next page cost?

    A resource that an earlier page of the same reader fetched (the same URL)
    comes from the browser's cache, so only what is new is counted. The test
    keeps that record itself: Chromium's cache in a throwaway profile forgets
    entries between tabs, which would count the same stylesheet on every page.
    """

    def __init__(self, browser: object, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": WIDE, "height": 900})
        self.seen: set[str] = set()
        self.measure("index.html")

    def measure(self, path: str) -> tuple[int, int, int]:
        visit = Visit(self.context, f"{self.base}/{path}")
        plain = zipped = count = 0
        try:
            for request in visit.requests:
                url = urlparse(request.url)._replace(query="", fragment="").geturl()
                file = HTML / unquote(urlparse(url).path).lstrip("/")
                if file.is_dir():
                    file = file / "index.html"
                if url in self.seen or not file.is_file():
                    continue
                self.seen.add(url)
                count += 1
                plain += file.stat().st_size
                zipped += _gzip_size(file)
            return plain, zipped, count
        finally:
            visit.page.close()

    def close(self) -> None:
        self.context.close()


def problems(m: dict, later: tuple[int, int, int]) -> list[str]:
    out = []
    if not m["title"]:
        out.append("no title")
    plain, zipped, count = m["cold"]
    if plain > COLD_BYTES or zipped > COLD_GZIP_BYTES:
        out.append(
            f"cold load {plain / 1e6:.2f} MB ({zipped / 1e6:.2f} MB gzipped, {count} "
            f"requests) > budget {COLD_BYTES / 1e6} MB ({COLD_GZIP_BYTES / 1e6} MB)"
        )
    if later[0] > LATER_BYTES:
        out.append(
            f"as a later page {later[0] / 1e3:.0f} KB > {LATER_BYTES / 1e3:.0f} KB"
        )
    side = m["sideways_1280"]
    if side["page"] > 0 or side["blocks"]:
        out.append(
            f"at {WIDE} px: page {side['page']} px too wide; "
            f"{len(side['blocks'])} blocks scroll sideways: {side['blocks'][:3]}"
        )
    fit = m["fit88"]
    if fit is not None and fit["need"] > fit["room"]:
        out.append(
            f"an 88-column code line needs {fit['need']} px, the code box has "
            f"{fit['room']} px at {WIDE} px"
        )
    if m["sideways_390"] > 0:
        out.append(f"at {PHONE} px the page scrolls sideways by {m['sideways_390']} px")
    if m["chapter"] and m["height_1280"] > MAX_CHAPTER_HEIGHT:
        out.append(f"{m['height_1280']} px tall at {WIDE} px > {MAX_CHAPTER_HEIGHT}")
    tex = m["tex"]
    if tex["hits"]:
        out.append(f"raw TeX left in the page: {tex['hits'][:5]}")
    if tex["errors"]:
        out.append(f"{tex['errors']} formulas KaTeX could not render")
    if tex["mathjax"]:
        out.append("loads a maths script")
    if m["no_alt"]:
        out.append(f"images without alt text: {m['no_alt']}")
    if m["density"]:
        out.append(f"images not rendered at 2x: {m['density'][:3]}")
    for mode in ("light", "dark"):
        low = [c for c in m[f"contrast_{mode}"] if c["ratio"] < MIN_CONTRAST]
        if low:
            out.append(
                f"slider labels below {MIN_CONTRAST}:1 in {mode} mode: {low[:3]}"
            )
    severe = [v for v in m.get("axe", []) if v["impact"] in ("critical", "serious")]
    if severe:
        out.append(f"axe critical/serious: {severe}")
    if m["tabs"] is not None and m["tabs"] > MAX_TABS_TO_SLIDER:
        out.append(
            f"{m['tabs']} Tab presses to the first slider > {MAX_TABS_TO_SLIDER}"
        )
    for kind, what in (
        ("external", "requests to other hosts"),
        ("failed", "failed requests"),
        ("console", "console errors"),
    ):
        if m[kind]:
            out.append(f"{what}: {m[kind]}")
    return out


def test_every_page(book_server: str, browser: object) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} not found: run `make deps` (installs the pinned axe-core)")
    pages = _pages()
    assert len(pages) >= 5, f"too few pages built: {pages}"
    report = {}
    later = LaterPages(browser, book_server)
    try:
        for path in pages:
            found = problems(measure(browser, book_server, path), later.measure(path))
            if found:
                report[path] = found
    finally:
        later.close()
    assert report == {}, "\n".join(f"{k}: {'; '.join(v)}" for k, v in report.items())


SHOWN = (
    "el => [...el.querySelectorAll('.lu-frames img')]"
    ".filter(i => i.style.display !== 'none')"
)


def move_first_slider(page: object) -> tuple[list[str], list[str]]:
    """The frames the first figure shows before and after End on its first slider.

    The keyboard moves the slider (which fires input); both times the frames
    shown are read once they have loaded.
    """
    figure = page.locator(".lu-interactive").first
    loaded = SHOWN + ".every(i => i.complete && i.naturalWidth > 0)"
    figure.scroll_into_view_if_needed()
    page.wait_for_function(loaded, arg=figure.element_handle())
    before = figure.evaluate(SHOWN + ".map(i => i.currentSrc)")
    figure.locator("input[type=range]").first.focus()
    page.keyboard.press("End")
    page.wait_for_function(loaded, arg=figure.element_handle())
    return before, figure.evaluate(SHOWN + ".map(i => i.currentSrc)")


def test_static_slider_changes_the_figure(book_server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": WIDE, "height": 900})
    try:
        visit = Visit(context, f"{book_server}/book/intro/networks.html")
        before, after = move_first_slider(visit.page)
        assert len(before) == 1, "exactly one frame should be shown"
        assert len(after) == 1
        assert after != before, "moving the slider did not change the figure"
        figure = visit.page.locator(".lu-interactive").first
        label = figure.locator("output").first.text_content()
        assert label == "90", f"slider label shows {label!r}"
        slider = figure.locator("input[type=range]").first
        assert slider.get_attribute("aria-valuetext") == "90"
        # After the first move the frames one step away are fetched too: more
        # than the first frame and the one shown have a src now.
        fetched = figure.evaluate(
            "el => [...el.querySelectorAll('.lu-frames img')]"
            ".filter(i => i.getAttribute('src')).length"
        )
        assert fetched > 2, f"only {fetched} frames fetched: no neighbour prefetched"
        # The figure is data only: the book's reading.js drives it.
        assert figure.evaluate("el => el.parentElement.querySelector('script')") is None
        assert visit.console == [] and visit.failed == []
    finally:
        context.close()


PRINTED = """() => {
  const shown = e => e.offsetParent !== null && getComputedStyle(e).display !== 'none';
  const wide = [...document.querySelectorAll('main pre')]
      .filter(e => shown(e) && e.scrollWidth > e.clientWidth + 1).length;
  const solutions = [...document.querySelectorAll('.solution')];
  return {
    wide: wide,
    controls: [...document.querySelectorAll(
        '.toggle-button, button.copybtn, .bd-sidebar-primary, .lu-slider, '
        + 'details.hide > summary'
      )].filter(shown).length,
    solutions: solutions.length,
    solutionsOpen: solutions.filter(s => !s.classList.contains('toggle-hidden')
        && [...s.children].slice(1).some(shown)).length,
    labelled: solutions.filter(s => /Solution/.test(s.textContent.slice(0, 80))).length,
    detours: document.querySelectorAll('details.deeper').length,
    detoursOpen: document.querySelectorAll('details.deeper[open]').length,
  };
}"""


def test_print_layout(book_server: str, browser: object) -> None:
    """Printed, code wraps, no controls print, solutions and detours print open."""
    context = browser.new_context(viewport={"width": 800, "height": 1100})
    try:
        page = Visit(context, f"{book_server}/book/backprop.html").page
        page.emulate_media(media="print")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        printed = page.evaluate(PRINTED)
    finally:
        context.close()
    assert printed["wide"] == 0, f"{printed['wide']} code blocks cut off on paper"
    assert printed["controls"] == 0, "buttons, sidebars or sliders would be printed"
    assert printed["solutions"] > 0
    assert printed["solutionsOpen"] == printed["labelled"] == printed["solutions"]
    assert printed["detoursOpen"] == printed["detours"]


def main() -> None:
    """Print the numbers of every page of the current build (no assertions)."""
    from playwright.sync_api import sync_playwright

    head = (
        "page",
        "cold KB",
        "gz KB",
        "req",
        "later KB",
        "blocks>1280",
        "page>390",
        "height",
        "imgs<2x",
        "contrast L/D",
        "axe crit/ser",
        "tabs",
        "88 cols px need/room",
        "time s",
    )
    print(" | ".join(head))
    import time

    with serve(HTML) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        later_pages = LaterPages(browser, base)
        for path in _pages():
            start = time.perf_counter()
            m = measure(browser, base, path)
            later = later_pages.measure(path)
            axe = m.get("axe", [])
            crit = sum(v["n"] for v in axe if v["impact"] == "critical")
            ser = sum(v["n"] for v in axe if v["impact"] == "serious")
            low = [
                min([c["ratio"] for c in m[f"contrast_{k}"]], default=float("nan"))
                for k in ("light", "dark")
            ]
            print(
                " | ".join(
                    str(x)
                    for x in (
                        path,
                        round(m["cold"][0] / 1e3),
                        round(m["cold"][1] / 1e3),
                        m["cold"][2],
                        round(later[0] / 1e3),
                        len(m["sideways_1280"]["blocks"]),
                        m["sideways_390"],
                        m["height_1280"],
                        len(m["density"]),
                        f"{low[0]:.1f}/{low[1]:.1f}",
                        f"{crit}/{ser}",
                        m["tabs"],
                        m["fit88"] and f"{m['fit88']['need']}/{m['fit88']['room']}",
                        f"{time.perf_counter() - start:.1f}",
                    )
                )
            )
            other = sorted({f"{v['id']}({v['impact']})" for v in axe})
            if other:
                print("    axe:", ", ".join(other))
            if m["console"] or m["failed"] or m["external"]:
                print("    log:", m["console"][:2], m["failed"][:2], m["external"][:2])
        browser.close()


if __name__ == "__main__":
    main()
