"""Shared fixtures: the built book (built once per session) and its HTTP server."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import pathlib
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

# Kernels started by nbval and by the book build render interactive figures
# statically, exactly as the stored outputs were made (tools/execute_notebooks.py).
os.environ["LECTURE_UTILS_INTERACTIVE"] = "static"
os.environ.pop("JPY_SESSION_NAME", None)


@dataclass
class BuildResult:
    returncode: int
    log: str


def build_book(source: pathlib.Path) -> BuildResult:
    """``jupyter-book build`` of the sources in ``source``, warnings as errors."""
    jupyter_book = pathlib.Path(sys.executable).parent / "jupyter-book"
    proc = subprocess.run(
        [str(jupyter_book), "build", str(source), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        cwd=source,
        timeout=1200,
    )
    return BuildResult(proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="session")
def book_build() -> BuildResult:
    """Build the book with warnings as errors (once per test session)."""
    return build_book(ROOT)


@pytest.fixture(scope="session")
def wheel() -> pathlib.Path:
    """The ``lecture_utils`` wheel, built into _build/ by ``make wheel`` (once)."""
    make = subprocess.run(
        ["make", "-s", "wheel"], cwd=ROOT, capture_output=True, text=True
    )
    assert make.returncode == 0, make.stderr[-2000:]
    wheels = sorted((ROOT / "_build").glob("lecture_utils-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that closes a page drops its open connections: not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: pathlib.Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 like ``python -m http.server`` (no gzip).

    Yields the base URL; the server stops when the block ends.
    """
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def book_server(book_build: BuildResult) -> Iterator[str]:
    """Serve _build/html on 127.0.0.1 and yield its base URL."""
    if book_build.returncode != 0:
        pytest.fail("the book did not build; see test_book_build for the log")
    with serve(HTML) as url:
        yield url


# Debian's Chromium, driven by Playwright; the flags keep it from calling home.
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


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium, one per test module."""
    from playwright.sync_api import sync_playwright  # pinned: missing is a failure

    if not pathlib.Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} not found: run `make deps` (installs Debian's chromium)"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


# --------------------------------------------------------- shared by test modules

# tools/ is importable by every test module (learner_notebooks, bundle, ...).
sys.path.insert(0, str(ROOT / "tools"))
import learner_notebooks as ln  # noqa: E402

# Every notebook under book/; the chapter notebooks of _toc.yml, as docnames
# ("book/sampling") in reading order.
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
CHAPTERS = [d for d in ln.toc_docs(ROOT) if (ROOT / f"{d}.ipynb").is_file()]
# The repository URL a fork sets in _config.yml, in tests that play a fork.
PLACEHOLDER = "https://github.com/example-org/mml-course"
