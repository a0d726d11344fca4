"""The live rendering of :func:`lecture_utils.interactive.interactive_figure`.

Under a Jupyter server, ``ipywidgets`` sliders sit above an ``ipywidgets.Image``.
The figure is made once: a step clears its axes, calls ``draw`` again and sends
the PNG rendered by Agg to the Image, with no new figure, inline backend or
cleared output (what made a step slow). The first frame's layout is kept, so the
axes do not jump, and recent frames are cached. Axes that ``draw`` adds (a
colorbar, ``twinx``) and figure-level legends and texts go before the next frame.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .interactive import _format_value as _label

_CACHED_FRAMES = 64  # PNGs kept: going back to a frame shown before is instant


class _Frames:
    """One persistent figure, redrawn in place; renders PNG bytes at the figure's
    dpi, one pixel per displayed pixel: twice the pixels ("retina") would make a
    step about 1.5 times slower."""

    def __init__(self, fig: Figure, ax: object, draw: Callable[..., object]) -> None:
        plt.close(fig)  # out of pyplot: the inline backend must not show it too
        self.fig, self.ax, self.draw = fig, ax, draw
        self.canvas = FigureCanvasAgg(fig)  # render with Agg whatever the backend
        self.axes = list(fig.axes)
        self.laid_out = False

    @property
    def width_px(self) -> int:
        """Displayed width in CSS pixels."""
        return round(self.fig.get_figwidth() * self.fig.dpi)

    def _reset(self) -> None:
        fig = self.fig
        for extra in [a for a in fig.axes if a not in self.axes]:
            extra.remove()
        for artists in (fig.legends, fig.texts, fig.lines, fig.patches, fig.images):
            artists.clear()
        for name in ("_suptitle", "_supxlabel", "_supylabel"):
            if getattr(fig, name, None) is not None:
                setattr(fig, name, None)
        for ax in self.axes:
            ax.clear()

    def png(self, values: Mapping[str, object]) -> bytes:
        """Draw the frame of ``values`` and return it as PNG."""
        self._reset()
        self.draw(self.ax, **values)
        buffer = io.BytesIO()
        # One Agg draw; compress_level 1: a few kB more than the default, faster.
        self.canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
        if not self.laid_out:  # keep the first frame's layout from now on
            self.fig.set_layout_engine("none")
            self.laid_out = True
        return buffer.getvalue()


def live_figure(
    draw: Callable[..., object],
    params: dict[str, Sequence[object]],
    start: Sequence[int],
    new_axes: Callable[[], tuple[Figure, object]],
    labels: Mapping[str, str] | None = None,
) -> object:
    """An ``ipywidgets.interactive``: one ``SelectionSlider`` per parameter of
    ``params``, at the indices ``start``, labelled by ``labels`` (default the
    names), above the ``Image`` of ``draw(ax, **values)`` on the ``(fig, ax)``
    that ``new_axes()`` makes once, then the ``Output`` where a failing ``draw``
    shows its traceback. (No per-frame alt text: the ``Image`` widget has no
    ``alt``, and its ``tooltip`` breaks the view in ipywidgets 8.1.)
    """
    import ipywidgets

    labels = dict(labels or {})
    fig, ax = new_axes()
    frames = _Frames(fig, ax, draw)
    image = ipywidgets.Image(
        format="png",
        layout=ipywidgets.Layout(width=f"{frames.width_px}px", max_width="100%"),
    )

    cache: dict[tuple[int, ...], bytes] = {}  # frames are a function of the values

    def update(**values: object) -> None:
        key = tuple(slider.index for slider in sliders.values())
        if key not in cache:
            if len(cache) >= _CACHED_FRAMES:
                del cache[next(iter(cache))]
            cache[key] = frames.png(values)
        image.value = cache[key]

    sliders = {
        name: ipywidgets.SelectionSlider(
            options=[(_label(v), v) for v in values],
            value=values[i],
            description=labels.get(name, name),
            style={"description_width": "initial"},
        )
        for (name, values), i in zip(params.items(), start, strict=True)
    }
    widget = ipywidgets.interactive(update, **sliders)
    *controls, output = widget.children
    widget.children = (*controls, image, output)
    return widget
