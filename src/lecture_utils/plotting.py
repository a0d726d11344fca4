"""One figure style for the whole book.

Every notebook calls :func:`use_book_style` once, right after its imports, so
that all figures share size, fonts, grid and colours. Colours have fixed roles
(:data:`COLORS`): the data are always the same colour, a model's prediction
always another, so a learner can read any figure of the book the same way.

Examples
--------
>>> import matplotlib
>>> from lecture_utils.plotting import COLORS, use_book_style
>>> use_book_style()
>>> matplotlib.rcParams["figure.figsize"]
[6.4, 4.0]
>>> COLORS["data"]
'#222222'
"""

from __future__ import annotations

import matplotlib as mpl

__all__ = ["COLORS", "use_book_style"]

#: Colours by role, colour-blind safe (Okabe-Ito palette).
COLORS: dict[str, str] = {
    "data": "#222222",  # observations: black dots
    "truth": "#999999",  # the function that generated the data
    "model": "#0072B2",  # a fitted model / the main curve
    "alternative": "#D55E00",  # a second model to compare with
    "third": "#009E73",  # a third curve
    "uncertainty": "#56B4E9",  # confidence bands
    "accept": "#009E73",  # accepted samples
    "reject": "#CC79A7",  # rejected samples
    "highlight": "#E69F00",  # a point or line to draw the eye to
}

_STYLE: dict[str, object] = {
    "figure.figsize": [6.4, 4.0],
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "figure.constrained_layout.use": True,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 5,
    "image.cmap": "viridis",
    "axes.prop_cycle": mpl.cycler(
        color=[COLORS[k] for k in ("model", "alternative", "third", "highlight", "reject")]
    ),
    # Deterministic output: no timestamps or version strings in saved images.
    "svg.hashsalt": "lecture-utils",
    "path.simplify": True,
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (sizes, fonts, grid, colour cycle).

    Call it once per notebook, after importing matplotlib. It changes
    ``matplotlib.rcParams`` for the current process only and uses the Agg-safe
    settings that make the book's figures byte-for-byte reproducible.
    """
    mpl.rcParams.update(_STYLE)
