"""A figure with parameter sliders that works with *and* without a kernel.

Live, one ``ipywidgets`` slider per parameter redraws the figure
(:mod:`lecture_utils._widgets`). Static (the built book, nbval, every automated
run), each frame is drawn once, at twice its displayed size, as a palette PNG
without timestamps, in an HTML snippet with one range slider per parameter: data
only and byte-identical across runs (nbval compares it). In the book,
``reading.js`` switches the frames and the build moves them into image files
fetched when first shown (``tools/sphinx_reading.py``).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import io
import itertools
import json
import os
import string
from collections.abc import Callable, Mapping, Sequence

import matplotlib
import numpy as np
from PIL import Image

from ._validation import as_int, check_instance, describe, fail

__all__ = ["StaticFigure", "interactive_figure", "resolve_mode"]

_ENV = "LECTURE_UTILS_INTERACTIVE"
_MAX_FRAMES = 64
_COLOURS = 128  # palette size of a stored frame: small PNGs, identical bytes per run


def resolve_mode(mode: str | None = None) -> str:
    """``"static"`` or ``"widgets"``: ``mode`` if given, else the environment
    variable ``LECTURE_UTILS_INTERACTIVE`` if set, else widgets only when a Jupyter
    server started the kernel (``JPY_SESSION_NAME``) and ``ipywidgets`` is
    installed: the book build, nbval and ``tools/execute_notebooks.py`` get static.
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
    if mode not in ("static", "widgets"):
        fail("interactive_figure", "mode", "'static', 'widgets' or None", repr(mode))
    return mode


def _format_value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclasses.dataclass(repr=False, eq=False)
class StaticFigure:
    """Pre-rendered ``frames`` (base64 PNGs at twice the displayed ``size``, in
    :func:`itertools.product` order of the parameters' ``values``) and their
    ``alts``, shown with HTML range sliders labelled ``labels`` (e.g. ``"λ"``;
    default the ``names``) starting at the indices ``initial``."""

    names: list[str]
    values: list[list[object]]
    frames: list[str]
    alts: list[str]
    initial: tuple[int, ...]
    labels: list[str] | None = None
    size: tuple[int, int] = (640, 360)

    def __post_init__(self) -> None:
        self.labels = list(self.names) if self.labels is None else self.labels

    @property
    def n_frames(self) -> int:
        """Number of pre-rendered frames."""
        return len(self.frames)

    def _repr_html_(self) -> str:
        text = "".join(self.frames + self.alts + self.labels)
        fig_id = "lu-interactive-" + hashlib.sha256(text.encode()).hexdigest()[:12]
        shown = int(np.ravel_multi_index(self.initial, [len(v) for v in self.values]))
        controls = []
        for k, (label, values, start) in enumerate(
            zip(self.labels, self.values, self.initial, strict=True)
        ):
            texts = [_format_value(v) for v in values]
            labels = html.escape(json.dumps(texts, ensure_ascii=False))
            value = html.escape(texts[start])
            slider = f"{fig_id}-{k}"
            controls.append(
                f'<label class="lu-name" for="{slider}">{html.escape(label)}</label>'
                f'<input type="range" class="lu-slider" id="{slider}" min="0" '
                f'max="{len(values) - 1}" step="1" value="{start}" '
                f'data-labels="{labels}" aria-valuetext="{value}">'
                f'<output class="lu-value" for="{slider}">{value}</output>'
            )
        width, height = self.size
        images = [
            f'<img data-frame="{k}" width="{width}" height="{height}" '
            f'alt="{html.escape(alt)}" src="data:image/png;base64,{png}"'
            + ("" if k == shown else ' style="display:none"')
            + ">"
            for k, (png, alt) in enumerate(zip(self.frames, self.alts, strict=True))
        ]
        return (
            f'<div class="lu-interactive" id="{fig_id}" data-frame="{shown}">'
            f'<div class="lu-controls">{"".join(controls)}</div>'
            f'<div class="lu-frames">{"".join(images)}</div></div>'
        )

    def __repr__(self) -> str:
        sizes = " x ".join(
            f"{n} ({len(v)})" for n, v in zip(self.names, self.values, strict=True)
        )
        return f"<StaticFigure: {self.n_frames} frames over {sizes}>"


def _render_png(fig: matplotlib.figure.Figure, dpi: float) -> str:
    """The figure as a palette PNG at ``dpi``, base64; the same bytes every run."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    image = Image.open(buffer).convert("RGB")
    palette = image.quantize(_COLOURS, method=Image.Quantize.MEDIANCUT, dither=0)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")


def _check_params(
    params: object, alt: object, labels: object, initial: object, func: str
) -> tuple[list[str], list[list[object]], list[str], list[int]]:
    """Names, values, slider labels and starting indices, after checking them."""
    if not params:
        fail(func, "params", "a mapping naming at least one parameter", "none")
    names = list(params)
    values = [list(params[n]) for n in names]
    for name, vals in zip(names, values, strict=True):
        if not vals:
            fail(func, f"params[{name!r}]", "a non-empty list of values", "[]")
    n_frames = int(np.prod([len(vals) for vals in values]))
    if n_frames > _MAX_FRAMES:
        fix = "Every frame is an image every reader downloads: use fewer values."
        fail(func, "params", f"at most {_MAX_FRAMES} frames in all", f"{n_frames}", fix)
    if not isinstance(alt, str) or not alt.strip():
        fix = "Every frame of the book has alternative text."
        fail(func, "alt", "a non-empty description of the figure", describe(alt), fix)
    brace = "Write a literal brace as {{ or }}."
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(alt) if f is not None]
    except ValueError as err:
        fail(func, "alt", "a str.format template", f"{alt!r} ({err})", brace)
    for field in fields:
        if field.split(".")[0].split("[")[0] not in names:
            allowed = ", ".join("{" + n + "}" for n in names)
            expected = f"a template whose placeholders are parameters ({allowed})"
            got = f"the placeholder {{{field}}}"
            fail(func, "alt", expected, got, f"Name a parameter of params, or {brace}")
    labels = {} if labels is None else check_instance(labels, Mapping, func, "labels")
    for key, text in labels.items():
        if key not in names:
            expected = f"keyed by parameter names ({', '.join(names)})"
            fail(func, "labels", expected, f"the key {key!r}")
        if not isinstance(text, str) or not text.strip():
            error = ValueError if isinstance(text, str) else TypeError
            name = f"labels[{key!r}]"
            fail(func, name, "a non-empty str", describe(text), error=error)
    start = []
    for name, vals in zip(names, values, strict=True):
        value = (initial or {}).get(name, vals[0])
        if value not in vals:
            fail(func, f"initial[{name!r}]", f"one of {vals}", repr(value))
        start.append(vals.index(value))
    return names, values, [labels.get(n, n) for n in names], start


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
    """Show ``draw(ax, **values)`` with one slider per parameter.

    ``draw`` draws one frame on ``ax`` (an Axes, or an array of them when ``nrows
    * ncols > 1``; ``nrows``, ``ncols`` and ``figsize`` go on to
    :func:`matplotlib.pyplot.subplots`) and must not call ``plt.show()``.
    ``params`` maps each parameter to the values its slider steps through: at
    most 64 frames in all, ~30 is plenty (each is a PNG every reader downloads).
    ``alt``, the alternative text, is a template formatted with each frame's
    values, e.g. ``"Fit of degree {degree}"``. ``labels`` gives a slider's
    notation (e.g. ``{"lam": "λ"}``, default the name), ``initial`` its starting
    value (default the first); ``mode`` goes to :func:`resolve_mode`. Returns a
    :class:`StaticFigure`, frames drawn at twice their displayed size
    (``figure.dpi`` CSS pixels per inch), the last parameter varying fastest, or
    an ``ipywidgets.interactive``.
    """
    func = "interactive_figure"
    if not callable(draw):
        fail(func, "draw", "callable", describe(draw), error=TypeError)
    names, values, shown_labels, start = _check_params(
        params, alt, labels, initial, func
    )
    as_int(nrows, func, "nrows", minimum=1)
    as_int(ncols, func, "ncols", minimum=1)
    import matplotlib.pyplot as plt

    def new_axes() -> tuple[matplotlib.figure.Figure, object]:
        return plt.subplots(nrows, ncols, figsize=figsize, squeeze=True)

    if resolve_mode(mode) == "widgets":
        from ._widgets import live_figure

        grid = dict(zip(names, values, strict=True))
        shown = dict(zip(names, shown_labels, strict=True))
        return live_figure(draw, grid, start, new_axes, labels=shown)

    frames, alts, size = [], [], (0, 0)
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
