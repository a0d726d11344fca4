"""The course offline in one zip, and the learner notebooks for Colab and Binder.

``make bundle`` (after ``make book`` and ``make wheel``) writes
``_build/mathematics-for-machine-learning.zip``, one folder with:

* ``book/``: the built site (``_build/html``), opened from ``book/index.html``
  on the local disk. Sphinx's search shows no text snippets there (a page
  opened from ``file://`` may not read other files, so the snippets' requests
  would fail): the copy switches them off and keeps the list of pages. Links
  to downloads that are not in the copy (the zip itself, the PDF before
  ``make pdf``) become plain text.
* ``notebooks/``: the learner notebooks (``tools/learner_notebooks.py``, as
  ``make notebooks`` writes them), the ``lecture_utils`` wheel of ``make wheel``
  (the notebooks' install cell finds it there) and ``requirements.txt``: the
  exact pins of the repository's ``requirements.txt`` for what the notebooks
  need (the package's dependencies and its ``[notebooks]`` extra, ipykernel,
  JupyterLab) and everything those depend on.
* ``README.txt``: how to open the book and run the notebooks.

The zip is also copied next to the site's ``index.html``, where the
introduction links it. With ``--branch-dir`` the script writes instead what
the publish workflow pushes to the branch ``notebooks`` (``NOTEBOOKS_BRANCH``),
where the book's Colab and Binder buttons open the learner notebooks: the
notebooks, a Binder ``requirements.txt`` (the pins, plus ``lecture_utils`` from
the repository at the published commit) and ``runtime.txt``.

Usage::

    python tools/bundle.py                         # the zip (make bundle)
    python tools/bundle.py --branch-dir DIR        # the branch `notebooks`
    python tools/bundle.py --print-repository-url  # repository.url of _config.yml
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import learner_notebooks
from sphinx_learner import NOTEBOOKS_BRANCH

ROOT = pathlib.Path(__file__).resolve().parents[1]
NAME = "mathematics-for-machine-learning"
ZIP = ROOT / "_build" / f"{NAME}.zip"
SITE = ROOT / "_build" / "html"
PYTHON = "3.11"  # requirements.txt pins for this version (Makefile, README)
# Besides the package's own dependencies and [notebooks] extra: a kernel to run the
# notebooks and, in the bundle, JupyterLab to open them (Binder brings its own).
KERNEL = ["ipykernel"]
LAB = ["jupyterlab"]
# Links in the site copy to a download that is not in it are made plain text.
_DOWNLOAD_LINK = re.compile(r'<a\b[^>]*\bhref="([^"#?:]+\.(?:zip|pdf))"[^>]*>(.*?)</a>')
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed, so the same inputs give the same zip


class BundleError(Exception):
    """Something the bundle needs is missing; the message says how to make it."""


# ------------------------------------------------------------- configuration


def repository_url(root: pathlib.Path = ROOT) -> str:
    """``repository.url`` of ``_config.yml`` (empty when not set)."""
    return learner_notebooks.config_repository_url(learner_notebooks.read_config(root))


def runtime_packages(root: pathlib.Path = ROOT, lab: bool = True) -> list[str]:
    """What the learner notebooks need: lecture_utils' dependencies, its
    ``[notebooks]`` extra, a kernel and (``lab``) JupyterLab."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    project = project["project"]
    wanted = project.get("dependencies", [])
    wanted += project.get("optional-dependencies", {}).get("notebooks", [])
    names = [Requirement(r).name for r in wanted] + KERNEL + (LAB if lab else [])
    return list(dict.fromkeys(canonicalize_name(n) for n in names))


def _pins(root: pathlib.Path) -> dict[str, str]:
    pins = {}
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonicalize_name(name)] = f"{name.strip()}=={version.strip()}"
    return pins


def runtime_requirements(root: pathlib.Path = ROOT, lab: bool = True) -> list[str]:
    """Exact pins of ``requirements.txt`` for ``runtime_packages`` and everything they
    depend on (read from the installed distributions, markers evaluated here)."""
    pins = _pins(root)
    todo = runtime_packages(root, lab)
    seen: dict[str, str] = {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in pins:
            raise BundleError(
                f"{name} is needed by the notebooks but not pinned in requirements.txt"
            )
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise BundleError(f"{name} is not installed: run `make venv`") from None
        if pins[name].split("==")[1] != dist.version:
            raise BundleError(
                f"{name} {dist.version} is installed but requirements.txt "
                f"pins {pins[name]}: run `make venv`"
            )
        seen[name] = pins[name]
        for spec in dist.requires or []:
            requirement = Requirement(spec)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            todo.append(canonicalize_name(requirement.name))
    return sorted(seen.values(), key=lambda pin: canonicalize_name(pin.split("==")[0]))


def _requirements_file(lines: list[str], what: str) -> str:
    header = [
        f"# {what}",
        f"# Exact versions the course is tested with, for Python {PYTHON}; written by",
        "# tools/bundle.py from the course repository's requirements.txt.",
    ]
    return "\n".join(header + lines) + "\n"


# ----------------------------------------------------------------------- zip


def _find_wheel(directory: pathlib.Path) -> pathlib.Path:
    wheels = sorted(directory.glob("lecture_utils-*.whl"))
    if len(wheels) != 1:
        raise BundleError(
            f"need exactly one lecture_utils wheel in {directory}, found "
            f"{[w.name for w in wheels]}: run `make wheel`"
        )
    return wheels[0]


def _copy_site(site: pathlib.Path, dest: pathlib.Path) -> None:
    """The built site as it works from the local disk (see the module docstring)."""
    if not (site / "index.html").is_file():
        raise BundleError(f"no built book in {site}: run `make book`")
    ignore = shutil.ignore_patterns(".buildinfo", f"{NAME}.zip")
    shutil.copytree(site, dest, ignore=ignore)
    options = dest / "_static" / "documentation_options.js"
    if options.is_file():
        text = options.read_text(encoding="utf-8")
        options.write_text(
            text.replace("SHOW_SEARCH_SUMMARY: true", "SHOW_SEARCH_SUMMARY: false"),
            encoding="utf-8",
        )
    for page in dest.rglob("*.html"):
        text = page.read_text(encoding="utf-8")

        def unlink(match: re.Match[str], page: pathlib.Path = page) -> str:
            target = (page.parent / match[1]).resolve()
            return match[0] if target.is_file() else match[2]

        new = _DOWNLOAD_LINK.sub(unlink, text)
        if new != text:
            page.write_text(new, encoding="utf-8")


README = """\
Mathematics for Machine Learning: the course offline
====================================================

This folder holds the whole course: the book, one notebook per chapter to run
yourself, and the course's Python package lecture_utils.

Read the book
-------------
Open book/index.html in a web browser (double-click it). Formulas, figures and
the figures' sliders work without an internet connection. Search works too; it
lists the pages that match, without a text snippet under each.

Run the notebooks
-----------------
notebooks/ holds the chapters as notebooks made for you to run and fill in
(the solutions are collected at the end of each), the course's package as a
wheel file and requirements.txt with the exact versions of the packages the
course is tested with. You need Python {python} and, once, an internet
connection for pip to download those packages. In a terminal:

    cd notebooks
    python{python} -m venv .venv
    .venv/bin/python -m pip install -r requirements.txt {wheel}
    .venv/bin/jupyter lab

On Windows, create it with `py -{python} -m venv .venv` and write
.venv\\Scripts\\python and .venv\\Scripts\\jupyter instead.
JupyterLab opens in your browser: open a chapter and run its cells from the
top. A notebook's first cell installs lecture_utils from the wheel next to it
if the Python running the notebook does not have it yet.
"""


def _zip(folder: pathlib.Path, out: pathlib.Path) -> None:
    tmp = out.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                name = path.relative_to(folder.parent).as_posix()
                info = zipfile.ZipInfo(name, _ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(out)


def write_bundle(
    out: pathlib.Path = ZIP,
    site: pathlib.Path = SITE,
    wheel: pathlib.Path | None = None,
    root: pathlib.Path = ROOT,
    publish: bool = True,
) -> pathlib.Path:
    """Write the zip ``out``; with ``publish``, copy it into ``site`` too."""
    wheel = wheel or _find_wheel(root / "_build")
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp) / NAME
        _copy_site(site, folder / "book")
        notebooks = folder / "notebooks"
        learner_notebooks.write_notebooks(notebooks, root)
        shutil.copy2(wheel, notebooks / wheel.name)
        (notebooks / "requirements.txt").write_text(
            _requirements_file(
                runtime_requirements(root, lab=True),
                f"pip install -r requirements.txt {wheel.name}",
            ),
            encoding="utf-8",
        )
        (folder / "README.txt").write_text(
            README.format(wheel=wheel.name, python=PYTHON), encoding="utf-8"
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        _zip(folder, out)
    if publish and out.resolve() != (site / out.name).resolve():
        shutil.copyfile(out, site / out.name)
    return out


# -------------------------------------------------------- branch `notebooks`

BRANCH_README = """\
# Learner notebooks of {url}

Written by the publish workflow (`tools/bundle.py --branch-dir`) from commit
{commit}: the book's Colab and Binder buttons open these notebooks. Do not edit
them here; edit the chapters in `book/` on the main branch.
"""


def write_branch(
    dest: pathlib.Path, root: pathlib.Path = ROOT, commit: str | None = None
) -> list[pathlib.Path]:
    """The branch ``notebooks``: learner notebooks and Binder's environment."""
    url = repository_url(root)
    if not url:
        raise BundleError(
            "repository.url is empty in _config.yml: nothing links "
            "the learner notebooks, so there is no branch to write"
        )
    commit = (
        commit
        or os.environ.get("GITHUB_SHA")
        or subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    if dest.exists() and any(dest.iterdir()):
        raise BundleError(f"{dest} is not empty")
    written = learner_notebooks.write_notebooks(dest, root)
    package = f"lecture_utils[notebooks] @ git+{url}@{commit}"
    files = {
        "requirements.txt": _requirements_file(
            [*runtime_requirements(root, lab=False), package],
            "Binder installs these (the course's package at the published commit).",
        ),
        "runtime.txt": f"python-{PYTHON}\n",
        "README.md": BRANCH_README.format(url=url, commit=commit),
    }
    for name, text in files.items():
        (dest / name).write_text(text, encoding="utf-8")
        written.append(dest / name)
    return written


# ----------------------------------------------------------------------- cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=ZIP)
    parser.add_argument("--site", type=pathlib.Path, default=SITE)
    parser.add_argument("--wheel", type=pathlib.Path, help="default: _build/*.whl")
    parser.add_argument(
        "--branch-dir",
        type=pathlib.Path,
        help=f"write the branch `{NOTEBOOKS_BRANCH}` here instead",
    )
    parser.add_argument("--print-repository-url", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.print_repository_url:
            print(repository_url())
        elif args.branch_dir:
            written = write_branch(args.branch_dir)
            print(
                f"{len(written)} files for the branch `{NOTEBOOKS_BRANCH}` in "
                f"{args.branch_dir}"
            )
        else:
            out = write_bundle(args.out, args.site, args.wheel)
            print(f"{out}: {out.stat().st_size / 1e6:.1f} MB (also in {args.site})")
    except BundleError as error:
        print(f"bundle: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
