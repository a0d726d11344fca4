"""A figure with parameter sliders that works with *and* without a kernel.

``ipywidgets`` controls need a running Python kernel: in the published book
they would be dead controls. :func:`interactive_figure` therefore has two
renderings of the same "plot as a function of parameters":

* **widgets** (a local Jupyter kernel): one ``ipywidgets`` slider per
  parameter; moving one redraws the figure by calling ``draw`` again.
* **static** (the built book, and every automated execution): every frame is
  drawn once in advance, stored as PNG in a self-contained HTML snippet, and an
  HTML range slider per parameter switches which frame is visible. No server,
  no kernel and no external script: a few lines of inline JavaScript do it. The
  PNGs are written without timestamps, so the snippet is byte-for-byte
  reproducible and nbval can compare it with the stored output.

Which rendering is used
-----------------------
``mode="static"`` or ``mode="widgets"`` forces one. With ``mode=None``
(default) the environment variable ``LECTURE_UTILS_INTERACTIVE`` decides if
it is set (``static`` or ``widgets``); otherwise widgets are used only when
the kernel was started by a Jupyter server (JupyterLab / Notebook set
``JPY_SESSION_NAME``) and ``ipywidgets`` is installed. The book build, nbval
and the notebook-refresh script start kernels without a server, so they get
the static rendering.

How a chapter uses it
---------------------
Write a function ``draw(ax, **params)`` that draws on the Axes it is given
(or on an array of Axes when ``ncols``/``nrows`` > 1), then make it the last
expression of a cell::

    interactive_figure(
        draw,
        {"h": [1.0, 0.5, 0.1, 0.01]},
        alt="Secant of f through x and x + h = {h}; it approaches the tangent.",
    )

``alt`` is a template formatted with the parameter values of each frame: every
frame gets its own alternative text. Keep the number of frames (the product of
the parameter list lengths) modest, ~30 at most: each frame is a PNG that every
reader downloads.

Examples
--------
>>> import numpy as np
>>> def draw(ax, slope):
...     x = np.linspace(0, 1, 5)
...     ax.plot(x, slope * x)
>>> fig = interactive_figure(draw, {"slope": [1, 2]}, alt="Line of slope {slope}",
...                          mode="static")
>>> fig.n_frames
2
>>> html = fig._repr_html_()
>>> html.count('<img ')
2
>>> 'Line of slope 2' in html
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import os
from collections.abc import Callable, Mapping, Sequence

import matplotlib

from .validation import check_int

__all__ = ["StaticFigure", "interactive_figure", "resolve_mode"]

_ENV = "LECTURE_UTILS_INTERACTIVE"
_MODES = ("static", "widgets")

# One inline handler shared by all sliders of one figure: compute the flat
# frame index (row-major over the parameters, as itertools.product) and show
# only that frame. Kept tiny and dependency-free on purpose.
_SCRIPT = """<script>
(function () {
  var root = document.getElementById("%(id)s");
  if (!root) { return; }
  var sliders = root.querySelectorAll("input[type=range]");
  var frames = root.querySelectorAll("img[data-frame]");
  function update() {
    var index = 0;
    sliders.forEach(function (s) {
      index = index * Number(s.dataset.size) + Number(s.value);
      var labels = JSON.parse(s.dataset.labels);
      s.parentNode.querySelector("output").textContent = labels[Number(s.value)];
    });
    frames.forEach(function (f) {
      f.style.display = Number(f.dataset.frame) === index ? "" : "none";
    });
    root.dataset.frame = String(index);
  }
  sliders.forEach(function (s) { s.addEventListener("input", update); });
  update();
})();
</script>"""


def resolve_mode(mode: str | None = None) -> str:
    """Decide between ``"static"`` and ``"widgets"`` rendering.

    Parameters
    ----------
    mode : {"static", "widgets"} or None
        Forced mode; ``None`` looks at the environment (see module docstring).

    Returns
    -------
    str
        ``"static"`` or ``"widgets"``.

    Examples
    --------
    >>> resolve_mode("static")
    'static'
    >>> resolve_mode("sliders")
    Traceback (most recent call last):
    ...
    ValueError: interactive_figure: mode must be 'static', 'widgets' or None, got 'sliders'
    """
    if mode is None:
        mode = os.environ.get(_ENV) or None
    if mode is None:
        if "JPY_SESSION_NAME" not in os.environ:
            return "static"
        try:
            import ipywidgets  # noqa: F401
        except ImportError:
            return "static"
        return "widgets"
    if mode not in _MODES:
        raise ValueError(
            f"interactive_figure: mode must be 'static', 'widgets' or None, got {mode!r}"
        )
    return mode


def _format_value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class StaticFigure:
    """Pre-rendered frames of a figure, shown with HTML range sliders.

    Created by :func:`interactive_figure`; Jupyter and the book display it via
    ``_repr_html_``.

    Attributes
    ----------
    names : list of str
        Parameter names, one slider each.
    values : list of list
        The values of each parameter.
    frames : list of str
        Base64 PNG of each frame, in ``itertools.product`` order.
    alts : list of str
        Alternative text of each frame.
    initial : tuple of int
        Index of the value each slider starts at.
    """

    def __init__(
        self,
        names: list[str],
        values: list[list[object]],
        frames: list[str],
        alts: list[str],
        initial: tuple[int, ...],
    ) -> None:
        self.names = names
        self.values = values
        self.frames = frames
        self.alts = alts
        self.initial = initial

    @property
    def n_frames(self) -> int:
        """Number of pre-rendered frames."""
        return len(self.frames)

    def _repr_html_(self) -> str:
        digest = hashlib.sha256("".join(self.frames + self.alts).encode()).hexdigest()[:12]
        fig_id = f"lu-interactive-{digest}"
        shown = 0
        for size, i in zip((len(v) for v in self.values), self.initial, strict=True):
            shown = shown * size + i
        controls = []
        for name, values, start in zip(self.names, self.values, self.initial, strict=True):
            labels = [_format_value(v) for v in values]
            label_json = html.escape("[" + ", ".join(f'"{t}"' for t in labels) + "]")
            controls.append(
                f'<label class="lu-control" style="display:block;margin:0.25em 0">'
                f"<code>{html.escape(name)}</code> "
                f'<input type="range" min="0" max="{len(values) - 1}" step="1" '
                f'value="{start}" data-size="{len(values)}" data-labels="{label_json}" '
                f'aria-label="{html.escape(name)}" style="vertical-align:middle;width:14em"> '
                f"<output>{html.escape(labels[start])}</output></label>"
            )
        images = [
            f'<img data-frame="{k}" alt="{html.escape(alt)}" '
            f'src="data:image/png;base64,{png}" style="max-width:100%;'
            f'{"" if k == shown else "display:none"}">'
            for k, (png, alt) in enumerate(zip(self.frames, self.alts, strict=True))
        ]
        return (
            f'<div class="lu-interactive" id="{fig_id}" data-frame="{shown}">'
            + "".join(controls)
            + '<div class="lu-frames">'
            + "".join(images)
            + "</div></div>"
            + _SCRIPT % {"id": fig_id}
        )

    def __repr__(self) -> str:
        sizes = " x ".join(f"{n} ({len(v)})" for n, v in zip(self.names, self.values, strict=True))
        return f"<StaticFigure: {self.n_frames} frames over {sizes}>"


def _render_png(fig: matplotlib.figure.Figure, dpi: int) -> str:
    buffer = io.BytesIO()
    # metadata={"Software": None} drops the version string: identical bytes on
    # every run with the same matplotlib.
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def interactive_figure(
    draw: Callable[..., object],
    params: Mapping[str, Sequence[object]],
    *,
    alt: str,
    initial: Mapping[str, object] | None = None,
    nrows: int = 1,
    ncols: int = 1,
    figsize: tuple[float, float] | None = None,
    dpi: int = 72,
    mode: str | None = None,
) -> object:
    """Show ``draw(ax, **params)`` with one slider per parameter.

    Parameters
    ----------
    draw : callable
        ``draw(ax, **values)`` draws one frame on ``ax`` (an Axes, or an array
        of Axes when ``nrows * ncols > 1``). It must not call ``plt.show()``.
    params : mapping of str to sequence
        Parameter name to the values its slider steps through (at least one).
    alt : str
        Alternative text template, formatted with each frame's values, e.g.
        ``"Fit of degree {degree}"``. Must be non-empty: every frame of the
        book has alt text.
    initial : mapping, optional
        Starting value of each parameter (must be one of its values). The
        default is each parameter's first value.
    nrows, ncols : int
        Subplot grid passed to :func:`matplotlib.pyplot.subplots`.
    figsize : (float, float), optional
        Figure size in inches; default from the book style.
    dpi : int, default 72
        Resolution of the static frames (smaller pages for slow connections).
    mode : {"static", "widgets"}, optional
        See :func:`resolve_mode`.

    Returns
    -------
    StaticFigure or ipywidgets.Widget
        In static mode, an object displayed as the HTML slider; in widgets mode
        an ``ipywidgets.interactive`` instance.

    Raises
    ------
    ValueError
        Empty ``params``, a parameter without values, an ``initial`` value not
        in its list, or an empty ``alt``.
    TypeError
        ``draw`` not callable.

    Notes
    -----
    Frames are enumerated in :func:`itertools.product` order (the last
    parameter varies fastest); the inline script computes the same row-major
    index from the slider positions.
    """
    func = "interactive_figure"
    if not callable(draw):
        raise TypeError(f"{func}: draw must be callable, got {type(draw).__name__}")
    if not params:
        raise ValueError(f"{func}: params must name at least one parameter, got none")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"{func}: alt must be a non-empty description of the figure")
    names = list(params)
    values = [list(params[n]) for n in names]
    for name, vals in zip(names, values, strict=True):
        if not vals:
            raise ValueError(f"{func}: parameter {name!r} has no values; give at least one")
    start: list[int] = []
    for name, vals in zip(names, values, strict=True):
        if initial is not None and name in initial:
            if initial[name] not in vals:
                raise ValueError(
                    f"{func}: initial value {initial[name]!r} of {name!r} is not one of {vals}"
                )
            start.append(vals.index(initial[name]))
        else:
            start.append(0)
    check_int(nrows, func=func, name="nrows", minimum=1)
    check_int(ncols, func=func, name="ncols", minimum=1)
    import matplotlib.pyplot as plt

    def new_axes() -> tuple[matplotlib.figure.Figure, object]:
        return plt.subplots(nrows, ncols, figsize=figsize, squeeze=True)

    if resolve_mode(mode) == "widgets":
        from ._widgets import live_figure

        return live_figure(draw, dict(zip(names, values, strict=True)), start, new_axes)

    frames, alts = [], []
    for combo in itertools.product(*values):
        kwargs = dict(zip(names, combo, strict=True))
        fig, ax = new_axes()
        try:
            draw(ax, **kwargs)
            frames.append(_render_png(fig, dpi))
        finally:
            plt.close(fig)
        alts.append(alt.format(**{k: _format_value(v) for k, v in kwargs.items()}))
    return StaticFigure(names, values, frames, alts, tuple(start))
