"""Re-execute notebooks in place so their stored outputs are the new truth.

Usage::

    python tools/execute_notebooks.py                 # every notebook under book/
    python tools/execute_notebooks.py book/sampling.ipynb

The notebooks are run exactly as the book build and nbval run them: a fresh
``python3`` kernel started without a Jupyter server (so interactive figures
use their static rendering), the notebook's folder as working directory, and
``LECTURE_UTILS_INTERACTIVE=static``. Each notebook is then run a second time
and the text outputs of both runs are compared, so a non-reproducible cell is
caught here rather than by nbval later.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
SKIP_TAG = "nbval-ignore-output"


def _run(path: pathlib.Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return nb


def _text_outputs(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or SKIP_TAG in cell.metadata.get("tags", []):
            continue
        for o in cell.get("outputs", []):
            text = o.get("text") or "".join(
                str(v) for k, v in sorted(o.get("data", {}).items()) if not k.startswith("image/")
            )
            out.append((i, text))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--once", action="store_true", help="skip the reproducibility re-run")
    args = parser.parse_args(argv)
    os.environ["LECTURE_UTILS_INTERACTIVE"] = "static"
    os.environ.pop("JPY_SESSION_NAME", None)
    paths = args.notebooks or sorted(
        p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    status = 0
    for path in paths:
        start = time.perf_counter()
        nb = _run(path)
        elapsed = time.perf_counter() - start
        if not args.once:
            again = _run(path)
            first, second = _text_outputs(nb), _text_outputs(again)
            if first != second:
                diff = next(
                    (i for (i, a), (_, b) in zip(first, second, strict=False) if a != b), "count"
                )
                print(f"{path}: NOT reproducible, cell {diff} differs between two runs")
                status = 1
        nbformat.write(nb, path)
        print(f"{path}: executed in {elapsed:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
