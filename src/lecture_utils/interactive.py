"""A figure with parameter sliders that works with *and* without a kernel.

``ipywidgets`` controls need a running Python kernel: in the published book
they would be dead controls. :func:`interactive_figure` therefore has two
renderings of the same "plot as a function of parameters":

* **widgets** (a local Jupyter kernel): one ``ipywidgets`` slider per
  parameter; moving one redraws the figure by calling ``draw`` again.
* **static** (the built book, and every automated execution): every frame is
  drawn once in advance at twice its displayed size (crisp on high-density
  screens), stored as a palette PNG in a self-contained HTML snippet, and an
  HTML range slider per parameter switches which frame is visible. No server,
  no kernel and no external script: a few lines of inline JavaScript do it. The
  PNGs are written without timestamps, so the snippet is byte-for-byte
  reproducible and nbval can compare it with the stored output. The book build
  (``tools/sphinx_reading.py``) moves the frames into image files that the
  browser fetches only when they are shown.

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
        {"lam": [0.0, 0.1, 1.0, 10.0]},
        labels={"lam": "λ"},
        alt="Ridge fit with regularisation λ = {lam}; the curve flattens.",
    )

``labels`` gives each slider its mathematical notation (default: the name).
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
>>> 'width="640"' in html  # displayed size; the PNG is twice as wide
True
>>> 'Line of slope 2' in html
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import inspect
import io
import itertools
import json
import os
import string
from collections.abc import Callable, Mapping, Sequence

import matplotlib
from PIL import Image

from ._validation import as_int, check_instance, describe, fail

__all__ = ["StaticFigure", "interactive_figure", "resolve_mode"]

_ENV = "LECTURE_UTILS_INTERACTIVE"
_MODES = ("static", "widgets")
_MAX_FRAMES = 64
_COLOURS = 128  # palette size of a stored frame: small PNGs, identical bytes per run

# Three grid columns (name, track, value): the tracks of all sliders align. The
# inline styles make it work in a notebook too; the book's stylesheet adds colours.
_GRID = (
    "display:grid;grid-template-columns:max-content minmax(6em,22em) max-content;"
    "gap:0.25em 0.75em;align-items:center;margin:0.5em 0"
)
_TRACK = "width:100%;min-height:24px;margin:0"
_HIDDEN = ";display:none"

# One inline handler for all sliders of one figure: compute the flat frame index
# (row-major over the parameters, as itertools.product), show only that frame and
# the values. A frame without ``src`` (the book moves frames into files, named in
# ``data-src``) is fetched when first shown; after the first move, the frames one
# step away are fetched too, so the next step is instant.
_SCRIPT = """<script>
(function () {
  var root = document.getElementById("%(id)s");
  if (!root) { return; }
  var sliders = Array.prototype.slice.call(root.querySelectorAll("input[type=range]"));
  var frames = root.querySelectorAll(".lu-frames img");
  var strides = sliders.map(function (s, i) {
    return sliders.slice(i + 1).reduce(function (p, t) {
      return p * Number(t.dataset.size); }, 1);
  });
  function load(k) {
    var f = frames[k];
    if (f && !f.getAttribute("src") && f.dataset.src) { f.src = f.dataset.src; }
  }
  function update(moved) {
    var index = 0;
    sliders.forEach(function (s, i) {
      index += strides[i] * Number(s.value);
      var text = JSON.parse(s.dataset.labels)[Number(s.value)];
      s.setAttribute("aria-valuetext", text);
      s.nextElementSibling.textContent = text;
    });
    load(index);
    for (var k = 0; k < frames.length; k++) {
      frames[k].style.display = k === index ? "" : "none";
    }
    root.dataset.frame = String(index);
    if (!moved) { return; }
    sliders.forEach(function (s, i) {
      if (Number(s.value) > 0) { load(index - strides[i]); }
      if (Number(s.value) < Number(s.max)) { load(index + strides[i]); }
    });
  }
  sliders.forEach(function (s) {
    s.addEventListener("input", function () { update(true); });
  });
  update(false);
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
    >>> resolve_mode("sliders")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: interactive_figure: mode must be 'static', 'widgets' or None, got ...
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
        fail("interactive_figure", "mode", "'static', 'widgets' or None", repr(mode))
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
        Base64 PNG of each frame, in ``itertools.product`` order, stored at
        twice the displayed size.
    alts : list of str
        Alternative text of each frame.
    initial : tuple of int
        Index of the value each slider starts at.
    labels : list of str
        What each slider is labelled with (the notation, e.g. ``"λ"``).
    size : (int, int)
        Displayed width and height of a frame in CSS pixels.
    """

    def __init__(
        self,
        names: list[str],
        values: list[list[object]],
        frames: list[str],
        alts: list[str],
        initial: tuple[int, ...],
        labels: list[str] | None = None,
        size: tuple[int, int] = (640, 360),
    ) -> None:
        self.names = names
        self.values = values
        self.frames = frames
        self.alts = alts
        self.initial = initial
        self.labels = list(names) if labels is None else labels
        self.size = size

    @property
    def n_frames(self) -> int:
        """Number of pre-rendered frames."""
        return len(self.frames)

    def _repr_html_(self) -> str:
        digest = hashlib.sha256(
            "".join(self.frames + self.alts + self.labels).encode()
        ).hexdigest()[:12]
        fig_id = f"lu-interactive-{digest}"
        shown = 0
        for size, i in zip((len(v) for v in self.values), self.initial, strict=True):
            shown = shown * size + i
        controls = []
        for k, (label, values, start) in enumerate(
            zip(self.labels, self.values, self.initial, strict=True)
        ):
            texts = [_format_value(v) for v in values]
            slider = f"{fig_id}-{k}"
            controls.append(
                f'<label class="lu-name" for="{slider}">{html.escape(label)}</label>'
                f'<input type="range" class="lu-slider" id="{slider}" min="0" '
                f'max="{len(values) - 1}" step="1" value="{start}" '
                f'data-size="{len(values)}" '
                f'data-labels="{html.escape(json.dumps(texts, ensure_ascii=False))}" '
                f'aria-valuetext="{html.escape(texts[start])}" style="{_TRACK}">'
                f'<output class="lu-value" for="{slider}">'
                f"{html.escape(texts[start])}</output>"
            )
        width, height = self.size
        images = [
            f'<img data-frame="{k}" width="{width}" height="{height}" '
            f'alt="{html.escape(alt)}" src="data:image/png;base64,{png}" '
            f'style="max-width:100%;height:auto{"" if k == shown else _HIDDEN}">'
            for k, (png, alt) in enumerate(zip(self.frames, self.alts, strict=True))
        ]
        return (
            f'<div class="lu-interactive" id="{fig_id}" data-frame="{shown}">'
            f'<div class="lu-controls" style="{_GRID}">'
            + "".join(controls)
            + '</div><div class="lu-frames">'
            + "".join(images)
            + "</div></div>"
            + _SCRIPT % {"id": fig_id}
        )

    def __repr__(self) -> str:
        sizes = " x ".join(
            f"{n} ({len(v)})" for n, v in zip(self.names, self.values, strict=True)
        )
        return f"<StaticFigure: {self.n_frames} frames over {sizes}>"


def _render_png(fig: matplotlib.figure.Figure, dpi: float) -> str:
    """The figure as a palette PNG at ``dpi``, base64; the same bytes every run."""
    buffer = io.BytesIO()
    # metadata={"Software": None} drops the version string.
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    image = Image.open(buffer).convert("RGB")
    palette = image.quantize(_COLOURS, method=Image.Quantize.MEDIANCUT, dither=0)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")


def _check_alt(alt: object, names: list[str], func: str) -> None:
    if not isinstance(alt, str) or not alt.strip():
        fail(
            func,
            "alt",
            "a non-empty description of the figure",
            describe(alt),
            "Every frame of the book has alternative text.",
        )
    allowed = ", ".join("{" + n + "}" for n in names)
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(alt) if f is not None]
    except ValueError as err:
        fail(
            func,
            "alt",
            "a str.format template",
            f"{alt!r} ({err})",
            "Write a literal brace as {{ or }}.",
        )
    for field in fields:
        name = field.split(".")[0].split("[")[0]
        if name not in names:
            fail(
                func,
                "alt",
                f"a template whose placeholders are parameters ({allowed})",
                f"the placeholder {{{field}}}",
                "Name a parameter of params, or write a literal brace as {{ or }}.",
            )


def _check_labels(labels: object, names: list[str], func: str) -> list[str]:
    if labels is None:
        return list(names)
    check_instance(labels, Mapping, func, "labels")
    for key, text in labels.items():
        if key not in names:
            fail(
                func,
                "labels",
                f"keyed by parameter names ({', '.join(names)})",
                f"the key {key!r}",
            )
        if not isinstance(text, str) or not text.strip():
            fail(
                func,
                f"labels[{key!r}]",
                "a non-empty str",
                describe(text),
                error=TypeError if not isinstance(text, str) else ValueError,
            )
    return [labels.get(n, n) for n in names]


def interactive_figure(
    draw: Callable[..., object],
    params: Mapping[str, Sequence[object]],
    *,
    alt: str,
    labels: Mapping[str, str] | None = None,
    initial: Mapping[str, object] | None = None,
    nrows: int = 1,
    ncols: int = 1,
    figsize: tuple[float, float] | None = None,
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
        At most 64 frames in all (the product of the lengths); ~30 is plenty.
    alt : str
        Alternative text template, formatted with each frame's values, e.g.
        ``"Fit of degree {degree}"``; its placeholders must be parameters.
    labels : mapping of str to str, optional
        The notation each slider is labelled with, e.g. ``{"lam": "λ",
        "prior_var": "σ_p²"}``; default the parameter name.
    initial : mapping, optional
        Starting value of each parameter (one of its values); default the first.
    nrows, ncols : int
        Subplot grid passed to :func:`matplotlib.pyplot.subplots`.
    figsize : (float, float), optional
        Figure size in inches; default from the book style.
    mode : {"static", "widgets"}, optional
        See :func:`resolve_mode`.

    Returns
    -------
    StaticFigure or ipywidgets.Widget
        In static mode, an object displayed as HTML sliders over frames drawn at
        twice their displayed size (``figure.dpi`` CSS pixels per inch); in widgets
        mode an ``ipywidgets.interactive`` instance.

    Raises
    ------
    ValueError
        Empty ``params``, a parameter without values, too many frames, an
        ``initial`` value not in its list, an empty ``alt`` or one naming an
        unknown placeholder, a label for an unknown parameter.
    TypeError
        ``draw`` not callable, ``labels`` not a mapping of str.

    Notes
    -----
    Frames are enumerated in :func:`itertools.product` order (the last
    parameter varies fastest); the inline script computes the same row-major
    index from the slider positions.
    """
    func = "interactive_figure"
    if not callable(draw):
        fail(func, "draw", "callable", describe(draw), error=TypeError)
    if not params:
        fail(func, "params", "a mapping naming at least one parameter", "none")
    names = list(params)
    values = [list(params[n]) for n in names]
    for name, vals in zip(names, values, strict=True):
        if not vals:
            fail(func, f"params[{name!r}]", "a non-empty list of values", "[]")
    n_frames = 1
    for vals in values:
        n_frames *= len(vals)
    if n_frames > _MAX_FRAMES:
        fail(
            func,
            "params",
            f"at most {_MAX_FRAMES} frames in all",
            f"{n_frames}",
            "Every frame is an image every reader downloads: use fewer values.",
        )
    _check_alt(alt, names, func)
    shown_labels = _check_labels(labels, names, func)
    start: list[int] = []
    for name, vals in zip(names, values, strict=True):
        if initial is not None and name in initial:
            if initial[name] not in vals:
                fail(func, f"initial[{name!r}]", f"one of {vals}", repr(initial[name]))
            start.append(vals.index(initial[name]))
        else:
            start.append(0)
    as_int(nrows, func, "nrows", minimum=1)
    as_int(ncols, func, "ncols", minimum=1)
    import matplotlib.pyplot as plt

    def new_axes() -> tuple[matplotlib.figure.Figure, object]:
        return plt.subplots(nrows, ncols, figsize=figsize, squeeze=True)

    if resolve_mode(mode) == "widgets":
        from ._widgets import live_figure

        grid = dict(zip(names, values, strict=True))
        # Until the live rendering takes labels everywhere (issue 14), pass them
        # only where it does.
        if "labels" in inspect.signature(live_figure).parameters:
            return live_figure(
                draw,
                grid,
                start,
                new_axes,
                labels=dict(zip(names, shown_labels, strict=True)),
            )
        return live_figure(draw, grid, start, new_axes)

    frames, alts = [], []
    size = (0, 0)
    for combo in itertools.product(*values):
        kwargs = dict(zip(names, combo, strict=True))
        fig, ax = new_axes()
        try:
            draw(ax, **kwargs)
            css_dpi = fig.get_dpi()
            width, height = fig.get_size_inches()
            size = (round(width * css_dpi), round(height * css_dpi))
            frames.append(_render_png(fig, 2 * css_dpi))
        finally:
            plt.close(fig)
        alts.append(alt.format(**{k: _format_value(v) for k, v in kwargs.items()}))
    return StaticFigure(names, values, frames, alts, tuple(start), shown_labels, size)
