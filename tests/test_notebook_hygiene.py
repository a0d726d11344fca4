"""Committed notebooks carry no live-widget state.

A notebook saved from JupyterLab while a live ``interactive_figure`` is shown
stores the ipywidgets state in its metadata (``widgets``) and replaces the
figure's output by a widget view (``application/vnd.jupyter.widget-view+json``).
Committed, that breaks nbval ("Unexpected output fields"), shows "Error
displaying widget: model not found" on reopening and causes merge conflicts.
Learners work in the generated notebooks (``make lab``), never in ``book/``;
``make refresh`` strips widget state.
"""

from __future__ import annotations

import json
import pathlib

import pytest
from conftest import NOTEBOOKS, ROOT

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def widget_problems(nb: dict, name: str) -> list[str]:
    """Every place of a notebook (as JSON) that holds ipywidgets state or views."""
    problems = []
    if "widgets" in nb.get("metadata", {}):
        problems.append(f"{name}: notebook metadata has ipywidgets state ('widgets')")
    for index, cell in enumerate(nb.get("cells", [])):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in (WIDGET_VIEW, WIDGET_STATE):
                if mime in data:
                    source = "".join(cell.get("source", ""))[:60]
                    where = f"{name}, cell {index} ({source!r}...)"
                    problems.append(f"{where}: output {mime}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_widget_state_in_committed_notebooks(path: pathlib.Path) -> None:
    name = path.relative_to(ROOT).as_posix()
    problems = widget_problems(json.loads(path.read_text(encoding="utf-8")), name)
    assert not problems, (
        "live widget state was saved into a committed notebook (work in `make lab`, "
        "then restore the notebook or run `make refresh`):\n" + "\n".join(problems)
    )


def test_the_check_finds_widget_state_and_views() -> None:
    saved = {
        "metadata": {"widgets": {WIDGET_STATE: {"state": {}}}},
        "cells": [
            {"cell_type": "markdown", "source": "# Title"},
            {
                "cell_type": "code",
                "source": "interactive_figure(draw, {'h': [1, 2]}, alt='...')",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "data": {WIDGET_VIEW: {"model_id": "abc"}, "text/plain": "..."},
                    }
                ],
            },
        ],
    }
    problems = widget_problems(saved, "book/x.ipynb")
    assert len(problems) == 2
    assert "book/x.ipynb: notebook metadata" in problems[0]
    assert problems[1].startswith('book/x.ipynb, cell 1 ("interactive_figure(')
    clean = {"metadata": {}, "cells": saved["cells"][:1]}
    assert widget_problems(clean, "book/x.ipynb") == []
