"""The kernel-free interactive figure: frames, determinism, modes and errors."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

from lecture_utils.interactive import StaticFigure, interactive_figure, resolve_mode


def _draw(ax: object, slope: float, offset: float = 0.0) -> None:
    x = np.linspace(0, 1, 5)
    ax.plot(x, slope * x + offset)


def test_static_frames_cover_the_product_in_row_major_order() -> None:
    fig = interactive_figure(
        _draw, {"slope": [1, 2, 3], "offset": [0.0, 0.5]}, alt="s={slope} o={offset}",
        mode="static",
    )
    assert isinstance(fig, StaticFigure)
    assert fig.n_frames == 6
    assert fig.alts == ["s=1 o=0", "s=1 o=0.5", "s=2 o=0", "s=2 o=0.5", "s=3 o=0", "s=3 o=0.5"]
    for png in fig.frames:
        assert base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(set(fig.frames)) == 6, "different parameters must give different frames"


def test_html_is_deterministic_and_self_contained() -> None:
    make = lambda: interactive_figure(  # noqa: E731
        _draw, {"slope": [1, 2]}, alt="slope {slope}", initial={"slope": 2}, mode="static"
    )._repr_html_()
    first, second = make(), make()
    assert first == second, "two renderings must be byte-identical (nbval compares them)"
    assert "http://" not in first and "https://" not in first
    assert first.count('type="range"') == 1
    # the initial frame (slope 2, index 1) is the visible one
    shown = re.findall(r'<img data-frame="(\d)"[^>]*style="max-width:100%;"', first)
    assert shown == ["1"]
    assert 'alt="slope 1"' in first and 'alt="slope 2"' in first


def test_resolve_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LECTURE_UTILS_INTERACTIVE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert resolve_mode() == "static"
    monkeypatch.setenv("JPY_SESSION_NAME", "/tmp/notebook.ipynb")
    assert resolve_mode() == "widgets"
    monkeypatch.setenv("LECTURE_UTILS_INTERACTIVE", "static")
    assert resolve_mode() == "static"
    assert resolve_mode("widgets") == "widgets"


def test_widgets_mode_returns_live_sliders() -> None:
    ipywidgets = pytest.importorskip("ipywidgets")
    widget = interactive_figure(_draw, {"slope": [1, 2]}, alt="slope {slope}", mode="widgets")
    assert isinstance(widget, ipywidgets.interactive)
    slider = widget.children[0]
    assert isinstance(slider, ipywidgets.SelectionSlider)
    assert [value for _, value in slider.options] == [1, 2]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"params": {}}, ValueError, "params must name at least one parameter"),
        ({"params": {"slope": []}}, ValueError, "parameter 'slope' has no values"),
        ({"alt": " "}, ValueError, "alt must be a non-empty description"),
        ({"initial": {"slope": 5}}, ValueError, "initial value 5 of 'slope' is not one of"),
        ({"mode": "sliders"}, ValueError, "mode must be 'static', 'widgets' or None"),
        ({"draw": 3}, TypeError, "draw must be callable, got int"),
        ({"ncols": 0}, ValueError, "ncols must be an integer >= 1"),
    ],
)
def test_bad_arguments(kwargs: dict, error: type, match: str) -> None:
    args = {"draw": _draw, "params": {"slope": [1, 2]}, "alt": "slope {slope}", "mode": "static"}
    args.update(kwargs)
    draw, params = args.pop("draw"), args.pop("params")
    with pytest.raises(error, match=match):
        interactive_figure(draw, params, **args)
