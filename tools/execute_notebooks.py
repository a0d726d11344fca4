"""Re-execute notebooks in place so their stored outputs are the new truth.

Usage::

    python tools/execute_notebooks.py                 # every notebook under book/
    python tools/execute_notebooks.py book/sampling.ipynb

Each notebook is executed twice, in fresh kernels started exactly as nbval starts
them (the Python running this script, the notebook's folder as working directory,
``LECTURE_UTILS_INTERACTIVE=static`` and no ``JPY_SESSION_NAME``, so interactive
figures use their static rendering): once as the machine runs it, once under another
OpenBLAS kernel with one thread (``OPENBLAS_CORETYPE=Prescott
OPENBLAS_NUM_THREADS=1``, as the second nbval pass of ``make test``). The outputs
nbval compares (everything but images, sanitized with tests/nbval_sanitize.cfg) must
agree, or the notebook is NOT written: a digit that depends on the machine would fail
on someone else's. The first run's outputs are stored, without any ipywidgets state
or widget views (a live widget must not appear: the book renders figures statically).
"""

from __future__ import annotations

import argparse
import difflib
import os
import pathlib
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager
from nbval.plugin import find_comment_markers, find_metadata_tags, get_sanitize_patterns
from traitlets import default

ROOT = pathlib.Path(__file__).resolve().parents[1]
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
# The second run, as in the Makefile's PORTABLE_ENV.
PORTABLE_ENV = {"OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_NUM_THREADS": "1"}
# What JupyterLab opens the stored notebook with.
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# Output keys nbval does not compare (nbval.plugin.IPyNbFile.skip_compare).
NOT_COMPARED = {
    "metadata",
    "traceback",
    "prompt_number",
    "output_type",
    "name",
    "execution_count",
    WIDGET_VIEW,
    "image/png",
    "image/jpeg",
}


class _KernelManager(AsyncKernelManager):
    """Starts the kernel nbval's --nbval-current-env starts: this Python's ipykernel."""

    @default("kernel_spec_manager")
    def _nbval_kernel_specs(self) -> NbvalKernelspecManager:
        return NbvalKernelspecManager(data_dir=self.data_dir)


def _execute(path: str, portable: bool) -> str:
    """Execute one notebook in a fresh kernel; return it as JSON text, or raise
    RuntimeError with the reason (picklable, unlike nbclient's errors)."""
    nb = nbformat.read(path, as_version=4)
    env = {k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"}
    env["LECTURE_UTILS_INTERACTIVE"] = "static"
    if portable:
        env.update(PORTABLE_ENV)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name=CURRENT_ENV_KERNEL_NAME,
        kernel_manager_class=_KernelManager,
        store_widget_state=False,
        resources={"metadata": {"path": str(pathlib.Path(path).parent)}},
    )
    try:
        with open(os.devnull, "w") as devnull:  # the kernel's stderr, as under nbval
            client.execute(env=env, stderr=devnull)
    except Exception as exc:
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None
    return nbformat.writes(nb)


def _strip_widgets(nb: nbformat.NotebookNode) -> list[int]:
    """Drop ipywidgets state and widget views; return the cells (numbered as nbval
    numbers them) that displayed a view."""
    nb.metadata.pop("widgets", None)
    shown = []
    code_cells = (cell for cell in nb.cells if cell.cell_type == "code")
    for i, cell in enumerate(code_cells):
        cell.metadata.pop("widgets", None)
        for out in cell.get("outputs", []):
            if WIDGET_VIEW in out.get("data", {}):
                del out["data"][WIDGET_VIEW]
                shown.append(i)
    return shown


def _compared(nb: nbformat.NotebookNode, patterns: list[tuple[str, str]]) -> dict:
    """The outputs nbval compares, sanitized as nbval sanitizes them, keyed by nbval's
    cell number (code cells counted from 0, as in ``book/x.ipynb::Cell 12``)."""

    def clean(text: object) -> str:
        text = "".join(text) if isinstance(text, list) else str(text)
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    cells = {}
    code_cells = (cell for cell in nb.cells if cell.cell_type == "code")
    for i, cell in enumerate(code_cells):
        options = dict(find_comment_markers(cell.source))
        options.update(find_metadata_tags(cell.metadata))
        if options.get("skip") or options.get("check") is False:
            continue
        items: list[tuple[str, str]] = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                if items and items[-1][0] == f"stream:{out.name}":
                    items[-1] = (items[-1][0], items[-1][1] + clean(out.text))
                else:
                    items.append((f"stream:{out.name}", clean(out.text)))
                continue
            for key, value in sorted(out.items()):
                if key == "data":
                    items += [
                        (k, clean(v))
                        for k, v in sorted(value.items())
                        if k not in NOT_COMPARED
                    ]
                elif key not in NOT_COMPARED:
                    items.append((key, clean(value)))
        cells[i] = items
    return cells


def _difference(first: dict, second: dict) -> str:
    """A unified diff of every cell whose compared outputs differ ("" if none)."""
    parts = []
    for i in first:
        if first[i] != second.get(i):
            a = "\n".join(f"[{k}] {v}" for k, v in first[i]).splitlines()
            b = "\n".join(f"[{k}] {v}" for k, v in second.get(i, [])).splitlines()
            diff = difflib.unified_diff(
                a, b, "this machine", "Prescott, 1 thread", lineterm="", n=1
            )
            parts.append(f"Cell {i} (nbval's numbering):\n" + "\n".join(list(diff)[2:]))
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument(
        "--once", action="store_true", help="skip the second run (no portability check)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(os.cpu_count() or 2, 4),
        help="kernels running at the same time (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(
        pathlib.Path(os.path.relpath(p))
        for p in (ROOT / "book").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )
    patterns = get_sanitize_patterns(SANITIZE.read_text())
    runs = [False] if args.once else [False, True]
    status = 0
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn")) as pool:
        futures = {
            (p, r): pool.submit(_execute, str(p), r) for p in paths for r in runs
        }
        for path in paths:
            try:
                nbs = [
                    nbformat.reads(futures[path, r].result(), as_version=4)
                    for r in runs
                ]
            except Exception as exc:  # a cell raised, or a kernel died
                print(f"{path}: FAILED to execute, not written:\n{exc}")
                status = 1
                continue
            for i in _strip_widgets(nbs[0]):
                print(
                    f"{path}: Cell {i} displayed a live widget; its view is not stored "
                    "(the book and nbval render figures statically)"
                )
            if not args.once:
                diff = _difference(*(_compared(nb, patterns) for nb in nbs))
                if diff:
                    print(
                        f"{path}: NOT written: its outputs depend on the machine; "
                        f"print only digits the maths fixes (CONTRIBUTING.md).\n{diff}"
                    )
                    status = 1
                    continue
            nbs[0].metadata["kernelspec"] = KERNELSPEC
            nbformat.write(nbs[0], path)
            print(
                f"{path}: written"
                + ("" if args.once else " (same outputs on both runs)")
            )
    print(
        f"{len(paths)} notebook(s), {len(runs)} run(s) each, "
        f"in {time.perf_counter() - start:.0f} s"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
