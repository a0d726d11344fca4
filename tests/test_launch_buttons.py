"""Launch buttons: configured by ``repository.url`` alone, absent without it.

The book is built once more from a copy of the sources whose ``_config.yml``
names a placeholder repository (the build renders the stored outputs, so this
takes seconds). There, every chapter page has a launch menu with Colab and
Binder opening the chapter's learner notebook on the branch ``notebooks``
(which ``tools/bundle.py --branch-dir`` writes, with exactly these file names),
the other pages have none, and the downloads' install cell installs
``lecture_utils`` from the repository. The page passes the browser test's
checks with the menu (axe-core, Tab stops to the first slider, no request to
another host), the menu opens and shows both providers. In
the book built as committed (no URL), no page has a launch button.
"""

from __future__ import annotations

import html
import pathlib
import re
from collections.abc import Iterator

import bundle
import learner_notebooks as ln
import nbformat
import pytest
from book_copy import copy_sources
from conftest import CHAPTERS, HTML, PLACEHOLDER, ROOT, BuildResult, build_book, serve
from sphinx_learner import NOTEBOOKS_BRANCH

pytestmark = pytest.mark.book

ORG_REPO = "example-org/mml-course"
OTHER_PAGES = [d for d in ln.toc_docs(ROOT) if d not in CHAPTERS]
_MENU = re.compile(
    r'<div class="dropdown dropdown-launch-buttons">.*?</ul>\s*</div>', re.S
)


def _menu_links(page: pathlib.Path) -> dict[str, str]:
    """{provider text: href} of the launch menu of a built page."""
    text = page.read_text(encoding="utf-8")
    menus = _MENU.findall(text)
    if not menus:
        return {}
    assert len(menus) == 1, f"{page}: {len(menus)} launch menus"
    links = re.findall(
        r'<a href="([^"]+)"[^>]*>.*?<span class="btn__text-container">([^<]+)</span>',
        menus[0],
        re.S,
    )
    return {name: html.unescape(href) for href, name in links}


@pytest.fixture(scope="module")
def placeholder(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The sources with a placeholder repository.url, built with -W."""
    source = copy_sources(tmp_path_factory.mktemp("fork"), PLACEHOLDER)
    build = build_book(source)
    assert build.returncode == 0, build.log[-3000:]
    return source


def test_chapters_launch_their_learner_notebook(placeholder: pathlib.Path) -> None:
    site = placeholder / "_build" / "html"
    for doc in CHAPTERS:
        name = pathlib.PurePosixPath(doc).name + ".ipynb"
        assert _menu_links(site / f"{doc}.html") == {
            "Binder": f"https://mybinder.org/v2/gh/{ORG_REPO}/{NOTEBOOKS_BRANCH}"
            f"?urlpath=lab/tree/{name}",
            "Colab": f"https://colab.research.google.com/github/{ORG_REPO}/blob/"
            f"{NOTEBOOKS_BRANCH}/{name}",
        }, doc
    for doc in [*OTHER_PAGES, "search", "genindex"]:
        assert _menu_links(site / f"{doc}.html") == {}, f"{doc}: not a notebook"


def test_links_name_the_files_of_the_branch(
    placeholder: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """Each link opens a notebook the publish workflow puts on the branch, and that
    notebook installs lecture_utils from the repository."""
    branch = tmp_path / "branch"
    bundle.write_branch(branch, placeholder, commit="0" * 40)
    site = placeholder / "_build" / "html"
    for doc in CHAPTERS:
        colab = _menu_links(site / f"{doc}.html")["Colab"]
        name = colab.rsplit(f"/blob/{NOTEBOOKS_BRANCH}/", 1)[1]
        notebook = nbformat.read(branch / name, 4)
        assert notebook.cells[0].source.startswith(ln.INSTALL_MARKER)
        assert f'"lecture_utils[notebooks] @ git+{PLACEHOLDER}"' in (
            notebook.cells[0].source
        )


def test_downloads_install_from_the_repository(placeholder: pathlib.Path) -> None:
    site = placeholder / "_build" / "html"
    for doc in CHAPTERS:
        served = nbformat.read(site / "_sources" / f"{doc}.ipynb", 4)
        install = served.cells[0].source
        assert install.startswith(ln.INSTALL_MARKER), doc
        assert f'else "lecture_utils[notebooks] @ git+{PLACEHOLDER}"' in install, doc
        compile(install, doc, "exec")


def test_no_launch_button_without_a_repository_url(book_build: BuildResult) -> None:
    assert book_build.returncode == 0, book_build.log[-3000:]
    assert bundle.repository_url(ROOT) == "", "the committed _config.yml names no URL"
    for page in HTML.rglob("*.html"):
        if "_static" in page.relative_to(HTML).parts:
            continue
        text = page.read_text(encoding="utf-8")
        assert "launch-buttons" not in text, page
        assert "mybinder" not in text and "colab" not in text.lower(), page
    for doc in CHAPTERS:
        served = nbformat.read(HTML / "_sources" / f"{doc}.ipynb", 4)
        assert "git+" not in served.cells[0].source, doc


# ------------------------------------------------------------------ browser


@pytest.fixture(scope="module")
def served(placeholder: pathlib.Path) -> Iterator[str]:
    with serve(placeholder / "_build" / "html") as url:
        yield url


def _kinds(found: list[str]) -> set[str]:
    """Problems of the browser test without their numbers."""
    return {re.sub(r"\d[\d.]*", "#", problem.split(":")[0]) for problem in found}


@pytest.mark.browser
def test_launch_menu_in_the_browser(
    served: str, book_server: str, browser: object
) -> None:
    """With the menu in its header, the chapter with sliders has no problem of the
    browser test that it does not have without (axe-core, Tab presses to the first
    slider, page weight, requests); the menu opens onto both providers' links."""
    from test_browser import AXE, LaterPages, Visit, measure, problems

    if not AXE.is_file():
        pytest.fail(f"{AXE} not found: run `make deps` (installs the pinned axe-core)")
    path = "book/intro/networks.html"
    found = {}
    for name, base in (("with", served), ("without", book_server)):
        later = LaterPages(browser, base)
        try:
            found[name] = problems(measure(browser, base, path), later.measure(path))
        finally:
            later.close()
    new = _kinds(found["with"]) - _kinds(found["without"])
    assert not new, f"{path}: the launch menu adds {found['with']}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        visit = Visit(context, f"{served}/{path}")
        page = visit.page
        toggle = page.locator(".dropdown-launch-buttons > button")
        assert toggle.get_attribute("aria-label") == "Launch interactive content"
        icon = toggle.locator("i.fa-rocket")
        mask = icon.evaluate("i => getComputedStyle(i).maskImage")
        assert mask.startswith('url("data:image/svg+xml'), mask
        toggle.click()
        items = page.locator(".dropdown-launch-buttons .dropdown-menu a")
        items.first.wait_for(state="visible")
        assert items.all_inner_texts() == ["Binder", "Colab"]
        assert items.evaluate_all("a => a.map(e => e.href)") == [
            f"https://mybinder.org/v2/gh/{ORG_REPO}/{NOTEBOOKS_BRANCH}"
            "?urlpath=lab/tree/networks.ipynb",
            f"https://colab.research.google.com/github/{ORG_REPO}/blob/"
            f"{NOTEBOOKS_BRANCH}/networks.ipynb",
        ]
        assert visit.failed == [] and visit.console == [] and visit.external == []
    finally:
        context.close()
