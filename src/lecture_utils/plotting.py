"""One figure style for the whole book.

Every notebook calls :func:`use_book_style` once, after its imports: all figures
share size, fonts, grid and colours, and colours have fixed roles
(:data:`COLORS`), so a learner reads every figure the same way. Figures are one
panel of 6.4 x 3.6 inches, or panels stacked vertically, never side by side (a
phone); legends hide no data, e.g. above the axes with :func:`legend_above`.
"""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.legend import Legend

__all__ = ["COLORS", "legend_above", "use_book_style"]

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
_CYCLE = ("model", "alternative", "third", "highlight", "reject")  # colours in turn

_STYLE: dict[str, object] = {
    "figure.figsize": [6.4, 3.6],
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "figure.constrained_layout.use": True,
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 5,
    "image.cmap": "viridis",
    "axes.prop_cycle": mpl.cycler(color=[COLORS[k] for k in _CYCLE]),
    "svg.hashsalt": "lecture-utils",
    "path.simplify": True,
}


def use_book_style() -> None:
    """Apply the book's matplotlib style (sizes, fonts, grid, colour cycle); inside
    IPython, inline figures become PNGs at twice their size ("retina")."""
    mpl.rcParams.update(_STYLE)
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing inline to configure
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def legend_above(ax: Axes, ncols: int = 3, **kwargs: object) -> Legend:
    """Place the legend of ``ax`` in rows of ``ncols`` entries above the axes, off
    the data; ``kwargs`` go on to :meth:`matplotlib.axes.Axes.legend`."""
    return ax.legend(
        loc="lower left",
        bbox_to_anchor=(0.0, 1.01, 1.0, 0.1),
        mode="expand",
        ncols=ncols,
        borderaxespad=0.0,
        **kwargs,
    )
