"""The live rendering of :func:`lecture_utils.interactive.interactive_figure`.

Used when a Jupyter server runs the kernel (JupyterLab, Notebook 7): one
``ipywidgets`` slider per parameter, and the figure redrawn on every change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt


def _label(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def live_figure(
    draw: Callable[..., object],
    params: dict[str, Sequence[object]],
    start: Sequence[int],
    new_axes: Callable[[], tuple[object, object]],
) -> object:
    """Return an ``ipywidgets.interactive`` that redraws ``draw`` on every change."""
    import ipywidgets

    def update(**kwargs: object) -> None:
        _, ax = new_axes()
        draw(ax, **kwargs)
        plt.show()

    sliders = {
        name: ipywidgets.SelectionSlider(
            options=[(_label(v), v) for v in values], value=values[i], description=name
        )
        for (name, values), i in zip(params.items(), start, strict=True)
    }
    return ipywidgets.interactive(update, **sliders)
