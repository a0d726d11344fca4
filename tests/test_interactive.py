"""The kernel-free interactive figure: frames, markup, determinism, modes and errors."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from conftest import ROOT
from PIL import Image

from lecture_utils.interactive import StaticFigure, interactive_figure, resolve_mode


def _draw(ax: object, slope: float, offset: float = 0.0) -> None:
    x = np.linspace(0, 1, 5)
    ax.plot(x, slope * x + offset)


def _static(draw: object = _draw, **kwargs: object) -> StaticFigure:
    args = {"params": {"slope": [1, 2]}, "alt": "slope {slope}", "mode": "static"}
    args.update(kwargs)
    return interactive_figure(draw, args.pop("params"), **args)


def test_static_frames_cover_the_product_in_row_major_order() -> None:
    fig = _static(
        params={"slope": [1, 2, 3], "offset": [0.0, 0.5]}, alt="s={slope} o={offset}"
    )
    assert isinstance(fig, StaticFigure)
    assert fig.n_frames == 6
    assert fig.alts == [
        "s=1 o=0",
        "s=1 o=0.5",
        "s=2 o=0",
        "s=2 o=0.5",
        "s=3 o=0",
        "s=3 o=0.5",
    ]
    for png in fig.frames:
        assert base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(set(fig.frames)) == 6, "different parameters must give different frames"


def test_frames_are_palette_pngs_at_twice_the_displayed_size() -> None:
    fig = _static(figsize=(4.0, 2.0))
    width, height = fig.size
    assert (width, height) == (400, 200)  # figure.dpi (100 in the book style) px/inch
    image = Image.open(io.BytesIO(base64.b64decode(fig.frames[0])))
    assert image.size == (2 * width, 2 * height)
    assert image.mode == "P", "frames are palette-quantised to keep notebooks small"
    html = fig._repr_html_()
    assert f'width="{width}" height="{height}"' in html


def test_html_is_deterministic_and_self_contained() -> None:
    def make() -> str:
        return _static(initial={"slope": 2})._repr_html_()

    first, second = make(), make()
    assert first == second, (
        "two renderings must be byte-identical (nbval compares them)"
    )
    assert "http://" not in first and "https://" not in first
    assert "<script" not in first, "data only: the book's reading.js drives it"
    assert first.count('type="range"') == 1
    # the initial frame (slope 2, index 1) is the only one without display:none
    frames = re.findall(r'<img data-frame="(\d)"[^>]*>', first)
    shown = re.findall(r'<img data-frame="(\d)"(?![^>]*display:none)[^>]*>', first)
    assert frames == ["0", "1"] and shown == ["1"]
    assert 'alt="slope 1"' in first and 'alt="slope 2"' in first
    assert 'value="1"' in first and 'aria-valuetext="2"' in first


def test_sliders_are_labelled_with_notation_and_aligned_in_a_grid() -> None:
    html = interactive_figure(
        lambda ax, lam, prior_var: _draw(ax, lam, prior_var),
        {"lam": [0.5, 1.0], "prior_var": [1, 2]},
        labels={"lam": "λ", "prior_var": "σ_p²"},
        alt="λ = {lam}, σ_p² = {prior_var}",
        mode="static",
    )._repr_html_()
    names = re.findall(r'<label class="lu-name" for="([^"]+)">([^<]+)</label>', html)
    assert [text for _, text in names] == ["λ", "σ_p²"]
    ids = re.findall(r'<input type="range" class="lu-slider" id="([^"]+)"', html)
    assert ids == [slider for slider, _ in names], "each label names its slider"
    assert (
        re.findall(r'data-labels="([^"]+)"', html)[1]
        == "[&quot;1&quot;, &quot;2&quot;]"
    )
    assert re.findall(r"<output[^>]*>([^<]*)</output>", html) == ["0.5", "1"]
    default = _static()._repr_html_()
    assert re.search(r'<label class="lu-name" [^>]*>slope</label>', default)


def _css_rule(css: str, selector: str) -> str:
    found = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert found, f"reading.css has no rule for {selector}"
    return re.sub(r"/\*.*?\*/|\s", "", found.group(1))


def test_the_book_lays_out_and_drives_the_sliders() -> None:
    """The snippet carries no style or script: the book's reading.css aligns the
    sliders in a grid with 24 px touch targets and keeps the frames' aspect ratio;
    reading.js switches the frames of every figure (tests/test_browser.py moves
    one in Chromium)."""
    static = ROOT / "book" / "_static"
    css = (static / "reading.css").read_text()
    controls = _css_rule(css, ".lu-interactive .lu-controls")
    assert "display:grid" in controls and "grid-template-columns:" in controls
    track = _css_rule(css, '.lu-interactive input[type="range"]')
    assert "min-height:24px" in track and "width:100%" in track
    assert "height:auto!important" in _css_rule(css, "main img")
    script = (static / "reading.js").read_text()
    assert 'querySelectorAll(".lu-interactive")' in script
    for needed in ("dataset.src", "dataset.labels", "aria-valuetext", "<output>"):
        assert needed in script, needed


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"params": {}}, ValueError, r"params must be a mapping naming at least one"),
        (
            {"params": {"slope": []}},
            ValueError,
            r"params\['slope'\] must be a non-empty",
        ),
        (
            {"params": {"a": range(8), "b": range(9)}, "alt": "{a}{b}"},
            ValueError,
            r"params must be at most 64 frames in all, got 72",
        ),
        ({"alt": " "}, ValueError, "alt must be a non-empty description"),
        (
            {"alt": "slope {b}"},
            ValueError,
            r"alt must be a template whose placeholders are parameters \(\{slope\}\), "
            r"got the placeholder \{b\}",
        ),
        ({"alt": "slope {slope"}, ValueError, r"alt must be a str.format template"),
        (
            {"labels": {"b": "β"}},
            ValueError,
            r"labels must be keyed by parameter names",
        ),
        (
            {"labels": {"slope": 2}},
            TypeError,
            r"labels\['slope'\] must be a non-empty str",
        ),
        ({"labels": ["λ"]}, TypeError, r"labels must be a Mapping, got list"),
        (
            {"initial": {"slope": 5}},
            ValueError,
            r"initial\['slope'\] must be one of \[1, 2\]",
        ),
        ({"mode": "sliders"}, ValueError, "mode must be 'static', 'widgets' or None"),
        ({"draw": 3}, TypeError, "draw must be callable, got int 3"),
        ({"ncols": 0}, ValueError, "ncols must be an integer >= 1"),
    ],
)
def test_bad_arguments(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        _static(**kwargs)


def test_resolve_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LECTURE_UTILS_INTERACTIVE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert resolve_mode() == "static"
    monkeypatch.setenv("LECTURE_UTILS_INTERACTIVE", "static")
    assert resolve_mode() == "static"
    assert resolve_mode("widgets") == "widgets"


def test_resolve_mode_under_a_jupyter_server(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip(
        "ipywidgets", reason="live sliders need the optional ipywidgets"
    )
    monkeypatch.delenv("LECTURE_UTILS_INTERACTIVE", raising=False)
    monkeypatch.setenv("JPY_SESSION_NAME", "/tmp/notebook.ipynb")
    assert resolve_mode() == "widgets"


def test_widgets_mode_returns_live_sliders() -> None:
    ipywidgets = pytest.importorskip(
        "ipywidgets", reason="live sliders need the optional ipywidgets"
    )
    widget = interactive_figure(
        _draw, {"slope": [1, 2]}, alt="slope {slope}", mode="widgets"
    )
    assert isinstance(widget, ipywidgets.interactive)
    slider = widget.children[0]
    assert isinstance(slider, ipywidgets.SelectionSlider)
    assert [value for _, value in slider.options] == [1, 2]
