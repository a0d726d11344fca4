"""Sphinx extension: the download button serves the learner notebook.

sphinx-book-theme's download button links a chapter to its copied source,
``_sources/<docname>.ipynb``: the book's notebook with its MyST markup, hidden
stubs, visible solutions and stored outputs, which only runs inside this
repository. When the HTML build has finished, this extension overwrites each
such copy with the chapter's learner notebook (``tools/learner_notebooks.py``):
plain Markdown, the learner's stub cells, solutions at the end, no outputs and
a first cell that installs ``lecture_utils``. Nothing else of the site changes,
and nothing is fetched from the network.

The install cell uses the repository URL: the theme option ``repository_url``
if set, else ``repository.url`` of ``_config.yml``.

**Launch buttons.** With a repository URL, each chapter page also gets the
theme's launch menu with Colab and Binder, opening the chapter's learner
notebook on the branch ``notebooks`` of that repository (the publish workflow
pushes it there, see ``tools/bundle.py``). The providers are the
``launch_buttons`` ``colab_url`` and ``binderhub_url`` of ``_config.yml``
(an empty one has no button). Without a repository URL no button appears.
The theme's own launch buttons stay off: they would open the book's source
notebooks, with MyST markup and visible solutions.
"""

from __future__ import annotations

import pathlib
import re
import sys
from urllib.parse import quote

import nbformat
from sphinx.application import Sphinx
from sphinx.util import logging

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import learner_notebooks

logger = logging.getLogger(__name__)

# The branch the publish workflow pushes the learner notebooks to.
NOTEBOOKS_BRANCH = "notebooks"
_GITHUB = re.compile(
    r"^https://github\.com/(?P<org>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?$"
)
_UI = {"jupyterlab": "lab/tree", "classic": "tree"}


def _read_launch_config(app: Sphinx, config: object) -> None:
    """Set ``learner_launch`` from _config.yml, as a Sphinx config value: a change
    of the repository or of a provider then rewrites every page, even in an
    incremental build (Jupyter Book does not pass these on to Sphinx)."""
    book = learner_notebooks.read_config(app.srcdir)
    url = (config.html_theme_options or {}).get("repository_url") or ""
    url = url or learner_notebooks.config_repository_url(book)
    launch = book.get("launch_buttons") or {}
    config.learner_launch = {
        "repository_url": str(url).strip(),
        **{
            key: str(launch.get(key) or "").strip()
            for key in ("binderhub_url", "colab_url", "notebook_interface")
        },
    }


def repository_url(app: Sphinx) -> str:
    """The theme option ``repository_url``, else ``repository.url`` of _config.yml."""
    return app.config.learner_launch["repository_url"]


def launch_links(
    url: str, notebook: str, launch: dict[str, str]
) -> list[tuple[str, str]]:
    """(provider, link) opening ``notebook`` of the branch ``notebooks`` of ``url``."""
    github = _GITHUB.match(url)
    links = []
    binder = (launch.get("binderhub_url") or "").strip().rstrip("/")
    if binder:
        ui = _UI.get(launch.get("notebook_interface") or "jupyterlab", "lab/tree")
        if github:
            repo = f"gh/{github['org']}/{github['repo']}"
        else:
            repo = f"git/{quote(url, safe='')}"
        links.append(
            ("Binder", f"{binder}/v2/{repo}/{NOTEBOOKS_BRANCH}?urlpath={ui}/{notebook}")
        )
    colab = (launch.get("colab_url") or "").strip().rstrip("/")
    if colab and github:  # Colab opens notebooks from GitHub only
        links.append(
            (
                "Colab",
                f"{colab}/github/{github['org']}/{github['repo']}/blob/"
                f"{NOTEBOOKS_BRANCH}/{notebook}",
            )
        )
    return links


def add_launch_buttons(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object
) -> None:
    """The theme's launch menu, for the learner notebook of a chapter page."""
    url = repository_url(app)
    if not url or "header_buttons" not in context or pagename not in app.env.all_docs:
        return
    if pathlib.Path(app.env.doc2path(pagename)).suffix != ".ipynb":
        return
    launch = app.config.learner_launch
    notebook = learner_notebooks.learner_name(pagename)
    # Text only: the theme's provider logos would be 9 KB more on every chapter page,
    # fetched for a menu that is closed.
    buttons = [
        {
            "type": "link",
            "text": provider,
            "tooltip": f"Open this chapter's notebook on {provider}",
            "url": link,
        }
        for provider, link in launch_links(url, notebook, launch)
    ]
    if buttons:
        context["header_buttons"].insert(
            0,
            {
                "type": "group",
                "tooltip": "Launch interactive content",
                "icon": "fas fa-rocket",
                "buttons": buttons,
                "label": "launch-buttons",
            },
        )


def write_learner_sources(app: Sphinx, exception: Exception | None) -> None:
    """Replace ``_sources/<chapter>.ipynb`` by the learner notebook."""
    if exception is not None or app.builder.format != "html":
        return
    sources = pathlib.Path(app.outdir) / "_sources"
    if not sources.is_dir():  # html_copy_source is off: no download to replace
        return
    # Jupyter Book passes repository.url on as the theme's repository_url, unless
    # sphinx.config.html_theme_options replaces the theme options (as here):
    # learner_launch has it from _config.yml either way.
    url = repository_url(app) or None
    try:
        notebooks = learner_notebooks.learner_notebooks(
            pathlib.Path(app.srcdir),
            repository_url=url,
            # A construct without a learner rendering is kept as text (and fails
            # tests/test_learner_notebooks.py), not the build.
            warn=lambda message: logger.info("learner notebook: %s", message),
        )
    except learner_notebooks.LearnerError as error:
        logger.warning("learner notebooks not written: %s", error)
        return
    for docname, nb in notebooks.items():
        target = sources / f"{docname}.ipynb"
        if target.exists():
            nbformat.write(nb, target)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("learner_launch", {}, "html", types=[dict])
    app.connect("config-inited", _read_launch_config)
    app.connect("build-finished", write_learner_sources)
    # After the theme has made its header buttons (priority 501).
    app.connect("html-page-context", add_launch_buttons, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
