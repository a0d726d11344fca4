"""Run learner notebooks as a learner would: a fresh virtual environment, nbclient.

Shared by tests/test_learner_notebooks.py (the book's downloads, each in an empty
folder next to the wheel) and tests/test_bundle.py (the notebooks of the offline
zip, with its wheel and requirements file).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence


def clean_env(home: pathlib.Path | None = None) -> dict[str, str]:
    """This process's environment without what ties a Python to this repository."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "PYTHONPATH",
            "VIRTUAL_ENV",
            "LECTURE_UTILS_INTERACTIVE",
            "JPY_SESSION_NAME",
            "JUPYTER_PATH",
        )
    }
    if home is not None:  # kernelspecs and runtime files of this test only
        env["JUPYTER_DATA_DIR"] = str(home / "data")
        env["JUPYTER_CONFIG_DIR"] = str(home / "config")
        env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    return env


def start_venv(
    venv: pathlib.Path, pip_args: Sequence[str], cwd: pathlib.Path | None = None
) -> subprocess.Popen[str]:
    """Create ``venv`` and ``pip install *pip_args`` in it, in the background.

    Returns the running shell; :func:`finish_venv` waits for it.
    """
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    pip += ["--disable-pip-version-check", *pip_args]
    script = f'{sys.executable!s} -m venv {venv!s} && exec "$@"'
    return subprocess.Popen(
        ["sh", "-c", script, "sh", *pip],
        cwd=cwd,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_venv(proc: subprocess.Popen[str], timeout: float = 900) -> None:
    _, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"pip install failed:\n{err[-3000:]}"


def create_venv(
    venv: pathlib.Path, pip_args: Sequence[str], cwd: pathlib.Path | None = None
) -> pathlib.Path:
    """A fresh virtual environment with ``pip install *pip_args`` (and nothing else)."""
    finish_venv(start_venv(venv, pip_args, cwd))
    return venv


RUNNER = """\
import json, pathlib, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

path = pathlib.Path(sys.argv[1])
nb = nbformat.read(path, 4)
start = time.perf_counter()
error = None
try:
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
except CellExecutionError as exc:
    error = str(exc)
first = "".join(o.get("text", "") for o in nb.cells[0].get("outputs", []))
print(json.dumps({"error": error, "install_output": first,
                  "seconds": time.perf_counter() - start}))
"""


def run_notebooks(
    venv: pathlib.Path,
    notebooks: Sequence[pathlib.Path],
    home: pathlib.Path,
    parallel: int = 2,
) -> Iterator[tuple[pathlib.Path, dict]]:
    """Execute each notebook with the venv's Python in its own folder, ``parallel``
    at a time; yield (notebook, {"error", "install_output", "seconds"})."""
    runner = home / "run_notebook.py"
    runner.write_text(RUNNER)
    env = clean_env(home)
    pending = list(notebooks)
    running: list[tuple[pathlib.Path, subprocess.Popen]] = []
    while pending or running:
        while pending and len(running) < parallel:
            notebook = pending.pop(0)
            running.append(
                (
                    notebook,
                    subprocess.Popen(
                        [str(venv / "bin" / "python"), str(runner), str(notebook)],
                        cwd=notebook.parent,
                        env=env,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    ),
                )
            )
        notebook, proc = running.pop(0)
        out, err = proc.communicate(timeout=600)
        try:
            yield notebook, json.loads(out.strip().split("\n")[-1])
        except (json.JSONDecodeError, IndexError):
            yield (
                notebook,
                {
                    "error": f"runner failed: {err[-3000:]}",
                    "install_output": "",
                    "seconds": 0.0,
                },
            )


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def imported_from(venv: pathlib.Path, cwd: pathlib.Path) -> str:
    """Where the venv's Python imports lecture_utils from."""
    return subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import lecture_utils; print(lecture_utils.__file__)",
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env(),
    ).stdout
