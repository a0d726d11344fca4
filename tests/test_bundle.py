"""The course offline: the zip of ``make bundle``, used as its README.txt says.

The zip is made from the built book (``tools/bundle.py``, as ``make bundle``
does) and unzipped into a temporary folder outside the repository. Then:

* its contents: the site, one learner notebook per chapter (the same as the
  book's downloads), the wheel, a requirements file with exactly the runtime
  pins of requirements.txt, README.txt; under 25 MB;
* the book from ``file://`` in headless Chromium: every page loads with no
  failed request, no request other than to a file of the folder and no console
  error; the maths is rendered (the browser test's check: no raw TeX, no KaTeX
  error, no maths script); a slider changes its figure;
  search finds pages; no link points to a download the folder lacks;
* the notebooks: a fresh virtual environment made with README.txt's pip
  command (the pinned requirements and the bundled wheel, in the background
  while the browser runs), in which every notebook of the zip runs top to
  bottom with nbclient.

``BUNDLE_REPORT=1`` prints the zip's size and the times.
"""

from __future__ import annotations

import os
import pathlib
import shlex
import shutil
import subprocess
import time
import zipfile
from urllib.parse import unquote, urlparse

import bundle
import learner_env
import learner_notebooks as ln
import nbformat
import pytest
from conftest import CHAPTERS, HTML, ROOT, BuildResult
from test_browser import RAW_TEX, Visit, _pages, move_first_slider

pytestmark = [pytest.mark.book, pytest.mark.browser]

MAX_BYTES = 25_000_000


def _report(message: str) -> None:
    if os.environ.get("BUNDLE_REPORT"):
        print(f"\n{message}")


@pytest.fixture(scope="module")
def unzipped(
    book_build: BuildResult,
    wheel: pathlib.Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> pathlib.Path:
    """The bundle of the built book, unzipped outside the repository."""
    assert book_build.returncode == 0, book_build.log[-3000:]
    out = tmp_path_factory.mktemp("bundle") / "zip" / f"{bundle.NAME}.zip"
    start = time.perf_counter()
    bundle.write_bundle(out, HTML, wheel, ROOT, publish=False)
    size = out.stat().st_size
    _report(f"bundle: {size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")
    assert size < MAX_BYTES, f"the zip has {size / 1e6:.1f} MB"
    target = out.parent.parent / "offline"
    assert not target.resolve().is_relative_to(ROOT.resolve())
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert all(n.startswith(f"{bundle.NAME}/") for n in names), names[:5]
        archive.extractall(target)
    return target / bundle.NAME


def test_make_bundle_writes_the_zip() -> None:
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "bundle"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "jupyter-book build" in dry and "pip wheel" in dry, "needs book and wheel"
    assert dry.strip().endswith(".venv/bin/python tools/bundle.py"), dry[-300:]
    assert bundle.ZIP == ROOT / "_build" / f"{bundle.NAME}.zip"
    intro = (ROOT / "book" / "intro" / "index.md").read_text(encoding="utf-8")
    assert f'<a href="../../{bundle.NAME}.zip">' in intro, "the introduction links it"


def test_contents(unzipped: pathlib.Path) -> None:
    notebooks = unzipped / "notebooks"
    assert (unzipped / "book" / "index.html").is_file()
    assert (unzipped / "book" / "book" / "intro" / "index.html").is_file()
    expected = ln.learner_notebooks(ROOT)
    names = {ln.learner_name(doc): doc for doc in CHAPTERS}
    assert {p.name for p in notebooks.glob("*.ipynb")} == set(names)
    for name, doc in names.items():
        nb = nbformat.read(notebooks / name, 4)
        assert nb == expected[doc], f"{name} is not the learner notebook"
        served = nbformat.read(unzipped / "book" / "_sources" / f"{doc}.ipynb", 4)
        assert served == nb, f"{name}: the book's download differs"
    (wheel,) = notebooks.glob("lecture_utils-*.whl")
    pins = {
        line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line
    }
    lines = (notebooks / "requirements.txt").read_text().splitlines()
    required = [line for line in lines if line and not line.startswith("#")]
    assert set(required) <= pins, set(required) - pins
    names_pinned = {line.split("==")[0].lower() for line in required}
    needed = {"numpy", "scipy", "matplotlib", "ipywidgets", "autograd", "mpmath"}
    assert needed | {"ipykernel", "jupyterlab"} <= names_pinned
    assert not {"sphinx", "pytest", "jupyter-book", "playwright"} & names_pinned
    readme = (unzipped / "README.txt").read_text()
    assert "book/index.html" in readme
    assert f"pip install -r requirements.txt {wheel.name}" in readme


def _readme_pip_args(unzipped: pathlib.Path) -> list[str]:
    """The arguments of README.txt's `pip install` line."""
    readme = (unzipped / "README.txt").read_text()
    (line,) = [line for line in readme.splitlines() if " -m pip install " in line]
    return shlex.split(line.split(" -m pip install ", 1)[1])


# Links to a download; each must name a file of the folder.
DOWNLOADS = """() => [...document.querySelectorAll('a[href$=".zip"], a[href$=".pdf"]')]
    .map(a => a.href)"""


def _outside(visit: Visit, folder: pathlib.Path) -> list[str]:
    """Requests of ``visit`` that are not for a file of ``folder``."""
    prefix = folder.resolve().as_uri() + "/"
    return visit.external + [
        r.url for r in visit.requests if not r.url.startswith(prefix)
    ]


def _file(url: str) -> pathlib.Path:
    return pathlib.Path(unquote(urlparse(url).path))


def _browse(browser: object, site: pathlib.Path) -> dict[str, object]:
    found: dict[str, object] = {}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        # The folder's index.html redirects to the introduction.
        start = Visit(context, (site / "index.html").as_uri())
        found["start"] = start.page.url
        for path in _pages(site):
            visit = Visit(context, (site / path).as_uri())
            checks = visit.page.evaluate(RAW_TEX)
            checks["downloads"] = [  # links to a file the folder lacks
                u for u in visit.page.evaluate(DOWNLOADS) if not _file(u).is_file()
            ]
            problems = [f"{k}: {v}" for k, v in checks.items() if k != "katex" and v]
            problems += [f"failed: {u}" for u in visit.failed]
            problems += [f"not in the folder: {u}" for u in _outside(visit, site)]
            problems += [f"console: {m}" for m in visit.console]
            found[path] = (checks["katex"], problems)
            visit.page.close()
        slider = Visit(context, (site / "book/intro/networks.html").as_uri())
        before, after = move_first_slider(slider.page)
        found["slider"] = (before, after, slider.failed + slider.console)
        search = Visit(context, (site / "search.html").as_uri() + "?q=jacobian")
        search.page.wait_for_selector("#search-results li", timeout=15_000)
        found["search"] = (
            search.page.locator("#search-results li a").all_inner_texts(),
            search.failed + search.console + _outside(search, site),
        )
    finally:
        context.close()
    return found


def test_offline_book_and_notebooks(unzipped: pathlib.Path, browser: object) -> None:
    """The book from file:// and every notebook in a fresh venv (see the module)."""
    notebooks = unzipped / "notebooks"
    venv = notebooks / ".venv"
    start = time.perf_counter()
    pip = learner_env.start_venv(venv, _readme_pip_args(unzipped), cwd=notebooks)
    try:
        found = _browse(browser, unzipped / "book")
    except BaseException:
        pip.kill()
        pip.communicate()
        raise
    browsed = time.perf_counter() - start
    assert found.pop("start").endswith("/book/book/intro/index.html")
    before, after, slider_problems = found.pop("slider")
    search_hits, search_problems = found.pop("search")
    assert len(before) == 1 and len(after) == 1 and before != after, (
        "moving the slider did not change the figure"
    )
    assert slider_problems == []
    assert "Differentiation: from slopes to tensors" in search_hits, search_hits
    assert search_problems == []
    problems = {page: p for page, (_, p) in found.items() if p}
    assert problems == {}, problems
    assert found["book/differentiation.html"][0] > 20, "maths not rendered"

    learner_env.finish_venv(pip)
    installed = time.perf_counter() - start
    home = notebooks.parent / "jupyter-home"
    home.mkdir()
    paths = sorted(notebooks.glob("*.ipynb"))
    results = dict(learner_env.run_notebooks(venv, paths, home))
    total = time.perf_counter() - start
    failures = [
        f"{nb.name}:\n{learner_env.strip_ansi(r['error'])[-2500:]}"
        for nb, r in results.items()
        if r["error"]
    ]
    assert not failures, "bundled notebooks fail:\n\n" + "\n\n".join(failures)
    assert all(r["install_output"] == "" for r in results.values()), (
        "lecture_utils was installed with the requirements: no install cell installs"
    )
    where = learner_env.imported_from(venv, home)
    assert where.startswith(str(venv)), f"lecture_utils imported from {where}"
    times = ", ".join(f"{n.stem} {r['seconds']:.1f} s" for n, r in results.items())
    _report(
        f"offline test: browser {browsed:.1f} s, venv ready at {installed:.1f} s, "
        f"all done at {total:.1f} s ({times})"
    )


def test_zip_is_published_with_the_site_and_reproducible(
    unzipped: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """``make bundle`` puts the zip next to the site's index.html (the publish
    workflow deploys that folder), a later bundle leaves that copy out, and the
    same inputs give the same bytes (fixed order and timestamps)."""
    first = unzipped.parent.parent / "zip" / f"{bundle.NAME}.zip"
    (wheel,) = (unzipped / "notebooks").glob("lecture_utils-*.whl")
    site = tmp_path / "html"
    shutil.copytree(HTML, site)
    out = bundle.write_bundle(tmp_path / "a" / first.name, site, wheel, ROOT)
    assert (site / first.name).read_bytes() == out.read_bytes()
    again = bundle.write_bundle(tmp_path / "b" / first.name, site, wheel, ROOT)
    assert again.read_bytes() == out.read_bytes() == first.read_bytes()
