"""Every built page in a real headless Chromium, served from 127.0.0.1.

For each page: it loads, MathJax rendered the maths (no raw TeX left), every
image has alt text, nothing was requested from another host, no request
failed and the console stayed free of errors. One kernel-free slider is moved
and the figure must change.

Chromium is Debian's /usr/bin/chromium (installed by `make deps`); Playwright
drives it through its bundled driver and never downloads a browser.
"""

from __future__ import annotations

import pathlib
import shutil
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from conftest import HTML

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
# Console messages that are known to be harmless. Each entry: (substring, why).
KNOWN_HARMLESS_CONSOLE: list[tuple[str, str]] = []


def _pages() -> list[str]:
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(p.relative_to(HTML).parts)
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not pathlib.Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make deps` (installs Debian's chromium)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _open(browser: object, url: str) -> tuple[object, dict[str, list[str]]]:
    page = browser.new_page()
    log: dict[str, list[str]] = {"external": [], "failed": [], "console": []}
    host = urlparse(url).netloc

    def on_request(request: object) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in ("data", "blob", "about"):
            return
        if parsed.netloc != host:
            log["external"].append(request.url)

    def on_response(response: object) -> None:
        if response.status >= 400:
            log["failed"].append(f"{response.status} {response.url}")

    def on_console(message: object) -> None:
        if message.type == "error" and not any(
            s in message.text for s, _ in KNOWN_HARMLESS_CONSOLE
        ):
            log["console"].append(message.text)

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", lambda r: log["failed"].append(f"{r.failure} {r.url}"))
    page.on("console", on_console)
    page.on("pageerror", lambda e: log["console"].append(f"page error: {e}"))
    # networkidle also lets the root index.html follow its redirect.
    page.goto(url, wait_until="networkidle")
    # MathJax 3 typesets asynchronously: wait for its startup promise.
    page.evaluate(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        " ? MathJax.startup.promise.then(() => true) : true"
    )
    return page, log


RAW_TEX = r"""() => {
  const main = document.querySelector('main') || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, mjx-container, .highlight, textarea')
      .forEach(e => e.remove());
  const text = copy.textContent;
  const hits = text.match(/\$\$|\\\(|\\\[|\\(frac|mathbb|begin|sum|partial|sigma)\b/g);
  return {hits: hits || [], typeset: document.querySelectorAll('mjx-container').length,
          mathSource: document.querySelectorAll('.math').length};
}"""


def _problems(page: object, log: dict[str, list[str]]) -> list[str]:
    problems = []
    if not page.title():
        problems.append("no title")
    tex = page.evaluate(RAW_TEX)
    if tex["hits"]:
        problems.append(f"raw TeX left in the page: {tex['hits'][:5]}")
    if tex["mathSource"] and not tex["typeset"]:
        problems.append("has maths but MathJax typeset nothing")
    no_alt = page.evaluate(
        "() => [...document.images].filter(i => !(i.getAttribute('alt') || '').trim())"
        ".map(i => i.src.slice(0, 80))"
    )
    if no_alt:
        problems.append(f"images without alt text: {no_alt}")
    for kind, what in (
        ("external", "requests to other hosts"),
        ("failed", "failed requests"),
        ("console", "console errors"),
    ):
        if log[kind]:
            problems.append(f"{what}: {log[kind]}")
    return problems


def test_every_page(book_server: str, browser: object) -> None:
    pages = _pages()
    assert len(pages) >= 5, f"too few pages built: {pages}"
    report = {}
    for path in pages:
        page, log = _open(browser, f"{book_server}/{path}")
        try:
            problems = _problems(page, log)
        finally:
            page.close()
        if problems:
            report[path] = problems
    assert report == {}, "\n".join(f"{k}: {'; '.join(v)}" for k, v in report.items())


def test_static_slider_changes_the_figure(book_server: str, browser: object) -> None:
    page, log = _open(browser, f"{book_server}/book/intro/networks.html")
    try:
        figure = page.locator(".lu-interactive").first
        visible = (
            "el => [...el.querySelectorAll('img[data-frame]')]"
            ".filter(i => i.style.display !== 'none')"
        )
        before = figure.evaluate(visible + ".map(i => i.src)")
        assert len(before) == 1, "exactly one frame should be visible"
        slider = figure.locator("input[type=range]").first
        slider.fill(str(int(slider.get_attribute("max"))))  # fill() fires the input event
        after = figure.evaluate(visible + ".map(i => i.src)")
        assert len(after) == 1
        assert after != before, "moving the slider did not change the figure"
        label = figure.locator("output").first.text_content()
        assert label == "90", f"slider label shows {label!r}"
        assert log["console"] == []
    finally:
        page.close()
