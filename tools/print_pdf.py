"""Print the whole book as one PDF: ``make pdf`` -> ``_build/pdf/<name>.pdf``.

The book is built once more as a single HTML page (Sphinx's ``singlehtml``
builder, with the same extensions: maths rendered by KaTeX, the print
stylesheet of ``book/_static/reading.css``), served on 127.0.0.1 and printed by
the headless Chromium the browser test uses. Before printing, every solution and
"Going deeper" dropdown is opened (as the page's own ``beforeprint`` handler
does) and every lazily loaded figure is fetched.

The PDF is also copied to the root of ``_build/html`` (if built), where the
introduction links it: run ``make pdf`` after ``make book`` before publishing.

Usage: ``python tools/print_pdf.py [--skip-build]``
"""

from __future__ import annotations

import argparse
import functools
import http.server
import pathlib
import shutil
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SINGLE = ROOT / "_build" / "singlehtml"
OUT = ROOT / "_build" / "pdf" / "mathematics-for-machine-learning.pdf"
SITE = ROOT / "_build" / "html"  # the introduction links the PDF at the site root
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

PREPARE = """async () => {
  document.querySelectorAll('main details:not(.hide)').forEach(d => { d.open = true; });
  const images = [...document.images];
  images.forEach(i => { i.loading = 'eager'; });
  await Promise.all(images.filter(i => i.offsetParent !== null)
      .map(i => i.decode().catch(() => null)));
  await document.fonts.ready;
  return images.length;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def build() -> None:
    jupyter_book = pathlib.Path(sys.executable).parent / "jupyter-book"
    subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--builder", "singlehtml", "-W", "-n"],
        check=True,
        cwd=ROOT,
    )


def _single_page() -> str:
    """The single page, copied to the site root: its links are relative to the root."""
    import yaml

    root_doc = yaml.safe_load((ROOT / "_toc.yml").read_text())["root"]
    shutil.copyfile(SINGLE / f"{root_doc}.html", SINGLE / "print.html")
    return "print.html"


def print_pdf() -> pathlib.Path:
    from playwright.sync_api import sync_playwright

    name = _single_page()
    handler = functools.partial(_Quiet, directory=str(SINGLE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(
                f"http://127.0.0.1:{server.server_address[1]}/{name}",
                wait_until="networkidle",
                timeout=120_000,
            )
            page.emulate_media(media="print")
            page.evaluate(PREPARE)
            page.pdf(
                path=str(OUT),
                format="A4",
                margin={
                    "top": "15mm",
                    "bottom": "15mm",
                    "left": "15mm",
                    "right": "15mm",
                },
                print_background=True,
                outline=True,
                tagged=True,
            )
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return OUT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-build", action="store_true", help="reuse _build/singlehtml"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    if not args.skip_build:
        build()
    pdf = print_pdf()
    if SITE.is_dir():
        shutil.copyfile(pdf, SITE / pdf.name)
    size = pdf.stat().st_size / 1e6
    print(
        f"{pdf.relative_to(ROOT)}: {size:.1f} MB in {time.perf_counter() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
