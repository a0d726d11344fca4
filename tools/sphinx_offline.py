"""Sphinx extension: keep the built book free of requests to other hosts.

Jupyter Book 1 always loads ``sphinx_thebe``, which writes a configuration
script naming a CDN address (and, on some versions, writes it twice, a console
error). The book does not offer Thebe (it needs a remote kernel), so this
extension removes sphinx-thebe's event handlers and its stylesheet. The maths comes
from the book's own KaTeX (``sphinx_katex``); widget managers are switched off in
``_config.yml``.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _drop_thebe_listeners(app: Sphinx) -> None:
    for listeners in app.events.listeners.values():
        listeners[:] = [
            listener
            for listener in listeners
            if getattr(listener.handler, "__module__", "") != "sphinx_thebe"
        ]


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("sphinx_thebe")
    _drop_thebe_listeners(app)
    css = app.registry.css_files
    css[:] = [(name, attrs) for name, attrs in css if name != "sphinx-thebe.css"]
    return {"parallel_read_safe": True, "parallel_write_safe": True}
