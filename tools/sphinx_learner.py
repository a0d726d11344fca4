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
"""

from __future__ import annotations

import pathlib
import sys

import nbformat
from sphinx.application import Sphinx
from sphinx.util import logging

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import learner_notebooks

logger = logging.getLogger(__name__)


def write_learner_sources(app: Sphinx, exception: Exception | None) -> None:
    """Replace ``_sources/<chapter>.ipynb`` by the learner notebook."""
    if exception is not None or app.builder.format != "html":
        return
    sources = pathlib.Path(app.outdir) / "_sources"
    if not sources.is_dir():  # html_copy_source is off: no download to replace
        return
    # Jupyter Book passes repository.url on as the theme's repository_url, unless
    # sphinx.config.html_theme_options replaces the theme options: then the
    # generator reads _config.yml itself (None).
    url = (app.config.html_theme_options or {}).get("repository_url") or None
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
    app.connect("build-finished", write_learner_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
