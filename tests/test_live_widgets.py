"""Live sliders in a real JupyterLab and a real Notebook 7, in headless Chromium.

For each front end: generate the learner notebooks, start the server on
127.0.0.1 with a random free port and a token (its own config, data, runtime
and workspace folders), open a learner notebook, run all cells, focus a slider
of a live ``interactive_figure``, press an arrow key and wait until the figure
shows another image. The time from key press to the new image is the redraw
time the learner feels; it must stay under ``MAX_STEP_SECONDS`` for the intro
(linear map) and differentiation (secant) figures. The server is stopped by
its PID at the end. Requests to any host but 127.0.0.1 are blocked and fail
the test.

Run ``LIVE_WIDGETS_REPORT=1 pytest -s -m browser tests/test_live_widgets.py`` to
print the measured step times. In Notebook 7 arrow keys do not reach a focused
slider (an upstream issue, explained at ``NOTEBOOK7_ARROW_COMMAND``): the test
expects exactly that and measures the steps by dragging the slider instead.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from conftest import ROOT

BIN = pathlib.Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tools"))

# The goal; a machine busy with other work can relax it (LIVE_WIDGETS_MAX_STEP=0.5).
MAX_STEP_SECONDS = float(os.environ.get("LIVE_WIDGETS_MAX_STEP", "0.3"))
STEPS = 5  # arrow-key presses per figure (median is compared)
# (learner notebook, source snippet of the interactive_figure cell)
FIGURES = [
    ("networks.ipynb", "draw_linear_map"),
    ("differentiation.ipynb", "draw_secant"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyter_server(
    app: str, root_dir: pathlib.Path, home: pathlib.Path
) -> Iterator[str]:
    """Start ``jupyter lab`` or ``jupyter notebook``; yield its base URL with token."""
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY"))}
    env.pop("LECTURE_UTILS_INTERACTIVE", None)  # the kernel decides, as for a learner
    for name, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
    ]:
        env[name] = str(home / sub)
    server_app = "LabApp" if app == "lab" else "JupyterNotebookApp"
    command = [
        str(BIN / "jupyter"),
        app,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        f"--{server_app}.expose_app_in_browser=True",
    ]
    if app == "lab":  # no news or update checks (they would leave 127.0.0.1)
        command += [
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
    if os.getuid() == 0:
        command.append("--allow-root")
    log = open(home / f"{app}.log", "w")
    server = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root_dir
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(
                    f"{base}/api/status?token={token}", timeout=2
                ):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        f"jupyter {app} did not start:\n"
                        + (home / f"{app}.log").read_text()[-3000:]
                    )
                time.sleep(0.3)
        yield f"{base}|{token}"
    finally:
        os.kill(server.pid, signal.SIGTERM)  # stop the server by its PID
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def learner_dir(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    import learner_notebooks

    folder = tmp_path_factory.mktemp("lab")
    learner_notebooks.write_notebooks(folder, ROOT)
    return folder


# JavaScript run in the page (the app is exposed as window.jupyterapp).
_NOTEBOOK = """() => {
  const app = window.jupyterapp;
  const widget = app && app.shell.currentWidget;
  return widget && widget.content && widget.sessionContext ? widget : null;
}"""
_KERNEL_IDLE = f"""() => {{
  const nb = ({_NOTEBOOK})();
  const kernel = nb && nb.sessionContext.session && nb.sessionContext.session.kernel;
  return !!kernel && kernel.status === "idle" && nb.context.isReady;
}}"""
_RUN_ALL = f"""async () => {{
  const nb = ({_NOTEBOOK})();
  await window.jupyterapp.commands.execute("notebook:run-all-cells");
  return nb.content.widgets.length;
}}"""
# Run All is over when the kernel is idle and every code cell ran, or one failed
# (Run All stops at an error).
_ALL_RUN = f"""() => {{
  const nb = ({_NOTEBOOK})();
  const kernel = nb && nb.sessionContext.session && nb.sessionContext.session.kernel;
  if (!kernel || kernel.status !== "idle") return false;
  const code = nb.content.widgets.filter((c) => c.model.type === "code");
  const failed = code.some((c) => {{
    for (let k = 0; k < c.model.outputs.length; k++) {{
      if (c.model.outputs.get(k).type === "error") return true;
    }}
    return false;
  }});
  return failed || code.every((c) => c.model.executionCount !== null);
}}"""
_ERRORS = f"""() => {{
  const nb = ({_NOTEBOOK})();
  const errors = [];
  nb.content.widgets.forEach((c, i) => {{
    if (c.model.type !== "code") return;
    for (let k = 0; k < c.model.outputs.length; k++) {{
      const o = c.model.outputs.get(k).toJSON();
      if (o.output_type !== "error") continue;
      errors.push(`cell ${{i}}: ${{o.ename}}: ${{o.evalue}}`);
    }}
  }});
  return errors;
}}"""
_SHOW_CELL = f"""(snippet) => {{
  const nb = ({_NOTEBOOK})();
  const index = nb.content.widgets.findIndex((c) =>
    c.model.type === "code" && c.model.sharedModel.getSource().includes(snippet));
  nb.content.activeCellIndex = index;
  nb.content.scrollToItem(index, "center");
  return index;
}}"""
# Wait (in the page) until the figure's image differs from `before`; resolves with
# the milliseconds since the key press, or -1 after the timeout.
_WAIT_NEW_IMAGE = """([selector, before, t0, timeout]) => new Promise((resolve) => {
  const check = () => {
    const img = document.querySelector(selector);
    const now = performance.now();
    if (img && img.src && img.src !== before && img.complete && img.naturalWidth > 0) {
      resolve(now - t0);
    } else if (now - t0 > timeout) {
      resolve(-1);
    } else {
      requestAnimationFrame(check);
    }
  };
  check();
})"""


def _open_notebook(
    browser: object, url: str, app: str, name: str
) -> tuple[object, list[str]]:
    base, token = url.split("|")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    external: list[str] = []

    def route(r: object) -> None:
        host = urlparse(r.request.url).hostname
        if host not in ("127.0.0.1", None) and not r.request.url.startswith(
            ("data:", "blob:")
        ):
            external.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    page.route("**/*", route)
    # JupyterLab: a fresh workspace, so no tab of an earlier page is restored.
    path = f"lab/tree/{name}?reset&" if app == "lab" else f"notebooks/{name}?"
    page.goto(f"{base}/{path}token={token}", wait_until="domcontentloaded")
    page.wait_for_function(_KERNEL_IDLE, timeout=120_000, polling=250)
    return page, external


def _figure_selector(page: object, snippet: str) -> str:
    index = page.evaluate(_SHOW_CELL, snippet)
    assert index >= 0, f"no cell with {snippet!r}"
    cell = f".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell:nth-child({index + 1})"
    page.wait_for_selector(f"{cell} .widget-slider [role=slider]", timeout=60_000)
    return cell


def _slider(page: object, cell: str, k: int = 0) -> tuple[object, int, int]:
    """Handle, value index and last index of slider ``k`` of ``cell``."""
    handle = page.locator(f"{cell} .widget-slider [role=slider]").nth(k)
    value = round(float(handle.get_attribute("aria-valuenow")))
    return handle, value, round(float(handle.get_attribute("aria-valuemax")))


def step_times(page: object, cell: str, via: str = "key") -> tuple[list[float], float]:
    """Seconds from a slider step to the new figure: STEPS new frames, one revisit.

    Every step shows a frame not shown before: the first slider moves right to its
    last value, then the next slider, and so on. ``via="key"``: focus the handle
    and press ArrowRight; ``via="mouse"``: click the track at the next value (drag
    the handle to go back). The
    last step goes back one value (a frame shown before) and is returned apart.
    """
    image = f"{cell} .widget-interact img"
    n_sliders = page.locator(f"{cell} .widget-slider [role=slider]").count()
    moves = []
    for k in range(n_sliders):
        _, value, last = _slider(page, cell, k)
        moves += [(k, v) for v in range(value + 1, last + 1)]
    moves = moves[:STEPS]
    moves.append((moves[-1][0], moves[-1][1] - 1))  # back: a frame seen before
    times = []
    for k, target in moves:
        handle, value, last = _slider(page, cell, k)
        track = page.locator(f"{cell} .widget-slider .noUi-target").nth(k)
        before = page.eval_on_selector(image, "img => img.src")
        if via == "key":
            handle.focus()
        else:  # noUiSlider ignores a tap within its 300 ms tap animation
            page.wait_for_timeout(400)
        box = track.bounding_box()
        t0 = page.evaluate("() => performance.now()")
        if via == "key":
            page.keyboard.press("ArrowLeft" if target < value else "ArrowRight")
        elif target > value:  # click the track right of the handle: a tap moves it
            page.mouse.click(
                box["x"] + min(max(box["width"] * target / last, 2), box["width"] - 2),
                box["y"] + box["height"] / 2,
            )
        else:  # left of the handle the track is "connected": drag the handle there
            grip = handle.bounding_box()
            page.mouse.move(
                grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
            )
            page.mouse.down()
            page.mouse.move(
                box["x"] + min(max(box["width"] * target / last, 2), box["width"] - 2),
                box["y"] + box["height"] / 2,
                steps=4,
            )
            page.mouse.up()
        elapsed = page.evaluate(_WAIT_NEW_IMAGE, [image, before, t0, 15_000])
        if elapsed < 0:
            raise AssertionError(
                f"the figure did not change within 15 s ({via}: slider {k} value "
                f"{value} -> {_slider(page, cell, k)[1]}, wanted {target})"
            )
        assert _slider(page, cell, k)[1] == target
        times.append(elapsed / 1000)
    return times[:-1], times[-1]


# Notebook 7.6.5 starts its Lumino application without `bubblingKeydown` (JupyterLab
# 4.6 starts it with `bubblingKeydown: true`), so its document-level keydown
# listener runs in the capture phase, before the slider's own handler. A focused
# slider handle inside the notebook matches the command-mode binding
# `.jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus` of ArrowRight
# (`notebook:move-cursor-heading-below-or-expand`; ArrowLeft: `...-above-or-collapse`),
# which runs, prevents the default and stops propagation: the slider never sees
# the key. Upstream: jupyterlab/jupyterlab#14115 (Lumino handles keydown in the
# capture phase and stops propagation on a match), fixed for JupyterLite by starting
# with bubbling keydown (jupyterlite/jupyterlite#1702). Any ipywidgets slider is
# affected, not only ours; the mouse works.
NOTEBOOK7_ARROW_COMMAND = "notebook:move-cursor-heading-below-or-expand"


def notebook7_arrow_key(page: object, cell: str) -> tuple[int, int, list[str]]:
    """Press ArrowRight on a focused slider; (value before, after, commands run)."""
    handle, before, _ = _slider(page, cell)
    page.evaluate("""() => { window.__commands = [];
      window.jupyterapp.commands.commandExecuted.connect(
        (_, args) => window.__commands.push(args.id)); }""")
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(1000)
    return before, _slider(page, cell)[1], page.evaluate("() => window.__commands")


def _report(app: str, name: str, via: str, times: list[float], back: float) -> None:
    if os.environ.get("LIVE_WIDGETS_REPORT"):
        shown = ", ".join(f"{t:.3f}" for t in times)
        median = statistics.median(times)
        print(
            f"\n{app} {name} ({via}): new frames [s] {shown}; median {median:.3f};"
            f" back to a frame seen before {back:.3f}"
        )


@pytest.mark.browser
@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_live_sliders_redraw_quickly(
    app: str, learner_dir: pathlib.Path, browser: object, tmp_path: pathlib.Path
) -> None:
    medians = {}
    with jupyter_server(app, learner_dir, tmp_path) as url:
        for name, snippet in FIGURES if app == "lab" else FIGURES[:1]:
            page, external = _open_notebook(browser, url, app, name)
            try:
                page.evaluate(_RUN_ALL)
                page.wait_for_function(_ALL_RUN, timeout=300_000, polling=500)
                assert page.evaluate(_ERRORS) == [], f"{name}: errors in Run All"
                cell = _figure_selector(page, snippet)
                via = "key"
                if app == "notebook":
                    before, after, commands = notebook7_arrow_key(page, cell)
                    assert after == before and NOTEBOOK7_ARROW_COMMAND in commands, (
                        "Notebook 7 now passes arrow keys to a focused slider "
                        f"(value {before} -> {after}, commands {commands}): drop this "
                        "expectation and the README's note, and step with the keyboard"
                    )
                    via = "mouse"
                times, back = step_times(page, cell, via)
                _report(app, name, via, times, back)
                medians[name] = statistics.median(times)
                assert external == [], f"requests to other hosts: {external}"
            finally:
                page.close()
    slow = {n: f"{t:.2f} s" for n, t in medians.items() if t >= MAX_STEP_SECONDS}
    assert not slow, (
        f"{app}: a slider step takes longer than {MAX_STEP_SECONDS} s: {slow}. "
        "On a slow or busy machine, set LIVE_WIDGETS_MAX_STEP (seconds)."
    )


# ------------------------------------------------ the live rendering, without a browser


def _live(draw: object, params: dict, **kwargs: object) -> object:
    pytest.importorskip("ipywidgets")
    import matplotlib.pyplot as plt

    from lecture_utils._widgets import live_figure

    start = [0] * len(params)
    return live_figure(draw, params, start, lambda: plt.subplots(), **kwargs)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_live_figure_redraws_one_figure_into_an_image() -> None:
    import ipywidgets
    import matplotlib.pyplot as plt

    open_before = plt.get_fignums()
    seen_axes = []

    def draw(ax: object, slope: float, offset: float) -> None:
        seen_axes.append(ax)
        ax.plot([0, 1], [offset, offset + slope])

    widget = _live(
        draw,
        {"slope": [1.0, 2.0, 3.0], "offset": [0, 1]},
        labels={"slope": "λ"},
    )
    assert isinstance(widget, ipywidgets.interactive)
    slope, offset, image, output = widget.children
    assert isinstance(slope, ipywidgets.SelectionSlider)
    assert (slope.description, offset.description) == ("λ", "offset")
    assert isinstance(image, ipywidgets.Image) and isinstance(output, ipywidgets.Output)
    first = image.value
    width, height = _png_size(first)
    assert image.layout.width == f"{width}px", "the PNG has the displayed size"
    assert not image.tooltip, "a tooltip breaks the Image view of ipywidgets 8.1"
    slope.value = 2.0
    assert image.value != first and _png_size(image.value) == (width, height)
    assert len({id(ax) for ax in seen_axes}) == 1, "the same axes are redrawn"
    assert plt.get_fignums() == open_before, (
        "no pyplot figure left for the inline backend"
    )


def test_live_figure_reuses_frames_shown_before() -> None:
    calls = []

    def draw(ax: object, h: float) -> None:
        calls.append(h)
        ax.plot([0, 1], [0, h])

    widget = _live(draw, {"h": [1.0, 0.5, 0.1]})
    slider, image = widget.children[0], widget.children[1]
    first = image.value
    slider.value = 0.5
    slider.value = 0.1
    assert calls == [1.0, 0.5, 0.1]
    slider.value = 1.0
    assert calls == [1.0, 0.5, 0.1], "a frame shown before is not drawn again"
    assert image.value == first


def test_live_figure_keeps_no_extra_axes_or_texts() -> None:
    figures = []

    def draw(ax: object, h: float) -> None:
        figures.append(ax.figure)
        ax.twinx()
        ax.figure.suptitle(f"h = {h}")
        ax.figure.legend(["x"])

    widget = _live(draw, {"h": [1.0, 0.5, 0.1]})
    widget.children[0].value = 0.5
    widget.children[0].value = 0.1
    fig = figures[-1]
    assert len(fig.axes) == 2, "twinx axes of earlier frames are removed"
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.texts] == ["h = 0.1"]


def test_a_failing_draw_keeps_the_last_frame() -> None:
    def draw(ax: object, h: float) -> None:
        if h < 1:
            raise ValueError("no frame for small h")
        ax.plot([0, 1], [0, h])

    widget = _live(draw, {"h": [1.0, 0.5]})
    slider, image, _ = widget.children
    first = image.value
    slider.value = 0.5  # in a kernel, the traceback shows in the Output widget
    assert image.value == first
    slider.value = 1.0
    assert image.value == first
