"""Learner notebooks (tools/learner_notebooks.py) and the book's download button.

Three layers:

* a small synthetic book that uses every construct CONTRIBUTING.md allows, with
  the exact Markdown each one must become;
* every real chapter: no MyST left, the install cell first, outputs cleared,
  each code exercise's stub (followed by its checker) before the "Solutions"
  section and every solution after it;
* the real thing (needs the built book): the download button serves the
  learner notebook, numbered like the book, and each downloaded notebook runs
  top to bottom with nbclient in a fresh virtual environment that has only the
  runtime dependencies, in an empty folder next to the wheel of ``make wheel``.
  The first notebook's install cell installs ``lecture_utils`` from that wheel.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import textwrap
import time

import learner_env
import learner_notebooks as ln
import nbformat
import pytest
from conftest import CHAPTERS, HTML, ROOT

# What a learner needs to run the notebooks (the rest comes with them).
# The wheel's dependencies and its [notebooks] extra, plus a kernel to run them.
RUNTIME = ["numpy", "scipy", "matplotlib", "ipywidgets", "autograd", "mpmath"]
RUNTIME += ["ipykernel", "nbclient"]
MYST_LEFT = [
    (re.compile(r"^\s*(:::+|```+)\s*\{"), "a MyST directive fence"),
    (re.compile(r"\{cite(:\w+)?\}`"), "a {cite} role"),
    (re.compile(r"\{(doc|ref|numref|eq|math|download)\}`"), "a MyST role"),
    (re.compile(r"literalinclude"), "a literalinclude"),
    (re.compile(r"^\([\w.:-]+\)=\s*$"), "a MyST target"),
    (
        re.compile(r"^:(label|class|pyobject|start-after|end-before):"),
        "a directive option",
    ),
]


# --------------------------------------------------------------- synthetic book


def _nb(*cells: tuple[str, str, list[str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["widgets"] = {"state": {}}
    for kind, source, tags in cells:
        source = textwrap.dedent(source).strip("\n")
        if kind == "md":
            cell = nbformat.v4.new_markdown_cell(source)
        elif kind == "raw":
            cell = nbformat.v4.new_raw_cell(source)
        else:
            cell = nbformat.v4.new_code_cell(source)
            cell.execution_count = 1
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x\n")]
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


MODULE = '''\
"""A module."""


def f(x):
    """Double."""
    return 2 * x


# start
def g(x):
    return x + 1
# end


def h():
    a = 1
    b = 2
    return a + b
'''


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A book of two chapter notebooks, an index and a summary page."""
    root = tmp_path_factory.mktemp("minibook")
    (root / "book" / "sub").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "src" / "mod.py").write_text(MODULE)
    shutil.copy(ROOT / "references.bib", root / "references.bib")
    (root / "_config.yml").write_text(
        "title: Mini\nbibtex_bibfiles:\n  - references.bib\nrepository:\n  url: ''\n"
    )
    (root / "_toc.yml").write_text(
        textwrap.dedent("""\
        format: jb-book
        root: book/index
        parts:
          - caption: One
            chapters:
              - file: book/ch_one
              - file: book/sub/ch_two.ipynb
          - caption: End
            chapters:
              - file: book/summary
    """)
    )
    (root / "book" / "index.md").write_text(
        "# Home\n\n:::{exercise}\n:label: ex-home\n\nWarm up.\n:::\n"
    )
    (root / "book" / "summary.md").write_text("(sec-summary)=\n# Summary\n\nDone.\n")
    one = _nb(
        (
            "md",
            """
            (sec-one)=
            # Chapter one

            Intro {cite:p}`bishop2006,gilks1996` and {cite:t}`opper2001`. See
            {doc}`sub/ch_two`, {ref}`the second chapter <sec-two>` and {ref}`sec-two`.

            % a comment for authors

            :::{note}
            A note with $x$.
            :::

            :::{admonition} Careful
            :class: dropdown
            Hidden text with a display:

            $$
            a = b
            $$
            :::
            """,
            [],
        ),
        ("code", "import math\nx = 1", ["nbval-ignore-output"]),
        ("code", "plot_stuff = 1", ["hide-input"]),
        ("code", "secret = 1", ["remove-cell"]),
        (
            "md",
            """
            ## Section one

            ```{literalinclude} ../src/mod.py
            :pyobject: f
            ```

            ```{literalinclude} /src/mod.py
            :start-after: "# start"
            :end-before: "# end"  # quoted: MyST reads options as YAML
            ```

            ```{literalinclude} ../src/mod.py
            :pyobject: h
            :start-at: b = 2
            :end-at: return
            ```

            ```{literalinclude} ../src/mod.py
            :lines: 1
            ```

            ```python
            kept = "an ordinary {cite}`fence` stays as it is"
            ```
            """,
            [],
        ),
        (
            "md",
            """
            Before the detour.

            :::{deeper-start} Why this works
            :::

            Detour text.
            """,
            [],
        ),
        ("code", "detour = 2", []),
        (
            "md",
            """
            :::{deeper-end}
            :::

            Back on the main line.

            :::{exercise}
            :label: ex-one-pen

            Prove it.
            :::

            :::{solution} ex-one-pen
            :class: dropdown

            Because $y$.
            :::
            """,
            [],
        ),
        (
            "md",
            """
            :::{exercise} Double it
            :label: ex-one-code

            Write `double(x)`.
            :::

            A first attempt:
            """,
            [],
        ),
        ("code", "def double(x):\n    return x\n\n\ncheck_double(double)", []),
        (
            "code",
            "def double(x):\n    ...  # your code\n\n\ncheck_double(double)",
            ["learner-stub", "remove-cell"],
        ),
        (
            "md",
            """
            :::{solution-start} ex-one-code
            :class: dropdown
            :::

            Multiply by two:
            """,
            [],
        ),
        ("code", "def double(x):\n    return 2 * x\n\n\ncheck_double(double)", []),
        (
            "md",
            """
            :::{solution-end}
            :::

            ## After

            Main line continues.
            """,
            [],
        ),
        ("raw", "raw text", []),
    )
    nbformat.write(one, root / "book" / "ch_one.ipynb")
    two = _nb(
        (
            "md",
            """
            (sec-two)=
            # Chapter two

            :::{exercise}
            :label: ex-two
            Again.
            :::

            Back to {doc}`../ch_one`, {ref}`ex-one-code` and {doc}`/book/summary`.
            """,
            [],
        ),
    )
    nbformat.write(two, root / "book" / "sub" / "ch_two.ipynb")
    return root


@pytest.fixture(scope="module")
def mini_notebooks(mini: pathlib.Path) -> dict[str, nbformat.NotebookNode]:
    return ln.learner_notebooks(mini)


def _text(nb: nbformat.NotebookNode) -> str:
    return "\n\n".join(c.source for c in nb.cells)


def _index(nb: nbformat.NotebookNode, needle: str) -> int:
    hits = [i for i, c in enumerate(nb.cells) if needle in c.source]
    assert len(hits) == 1, f"{needle!r} in cells {hits}"
    return hits[0]


def test_one_learner_notebook_per_chapter_notebook(mini_notebooks: dict) -> None:
    assert list(mini_notebooks) == ["book/ch_one", "book/sub/ch_two"]
    for nb in mini_notebooks.values():
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        assert "widgets" not in nb.metadata


def test_install_cell(mini: pathlib.Path, mini_notebooks: dict) -> None:
    first = mini_notebooks["book/ch_one"].cells[0]
    assert first.cell_type == "code" and first.source.startswith(ln.INSTALL_MARKER)
    assert 'find_spec("lecture_utils") is None' in first.source
    assert 'glob("lecture_utils-*.whl")' in first.source
    assert "git+" not in first.source and "make wheel" in first.source
    with_url = ln.learner_notebooks(mini, repository_url="https://example.org/me/mml")
    source = with_url["book/ch_one"].cells[0].source
    assert 'else "lecture_utils[notebooks] @ git+https://example.org/me/mml"' in source
    assert "make wheel" not in source
    compile(source, "install", "exec")
    compile(first.source, "install", "exec")


def test_install_cell_installs_only_when_missing(tmp_path: pathlib.Path) -> None:
    """Run the cell's code with a fake pip: nothing when importable, the wheel else."""
    source = ln.install_cell("").source
    calls: list[list[str]] = []
    fake = type(
        "subprocess", (), {"run": staticmethod(lambda cmd, check: calls.append(cmd))}
    )
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(source.replace("import subprocess\n", ""), {"subprocess": fake})
        assert calls == [], "lecture_utils is importable here: no reinstall"
        missing = source.replace(
            'find_spec("lecture_utils")', 'find_spec("no_such_pkg_x")'
        )
        (tmp_path / "lecture_utils-9.9-py3-none-any.whl").write_bytes(b"")
        exec(missing.replace("import subprocess\n", ""), {"subprocess": fake})
        assert calls and calls[0][-1] == "lecture_utils-9.9-py3-none-any.whl[notebooks]"
    finally:
        os.chdir(cwd)


def test_no_myst_left(mini_notebooks: dict) -> None:
    for doc, nb in mini_notebooks.items():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown":
                continue
            for line in cell.source.split("\n"):
                if "an ordinary {cite}`fence`" in line:
                    continue  # inside a code fence: shown as it is
                for pattern, what in MYST_LEFT:
                    assert not pattern.search(line), (
                        f"{doc} cell {index}: {what}: {line!r}"
                    )
    assert "a comment for authors" not in _text(mini_notebooks["book/ch_one"])


def test_citations_and_reference_list(mini_notebooks: dict) -> None:
    text = _text(mini_notebooks["book/ch_one"])
    assert (
        "Intro (Bishop, 2006; Gilks et al., 1996) and Opper and Winther (2001)." in text
    )
    references = mini_notebooks["book/ch_one"].cells[-1].source
    assert references.startswith("## References")
    assert [line[:12] for line in references.split("\n")[2:]] == [
        "* Christophe",
        "* Walter R\\.",
        "* Manfred Op",
    ]


def test_links_between_notebooks(mini_notebooks: dict) -> None:
    one = _text(mini_notebooks["book/ch_one"])
    assert "See\n[Chapter two](ch_two.ipynb), " in one
    assert "[the second chapter](ch_two.ipynb#Chapter-two) and " in one
    assert "and [Chapter two](ch_two.ipynb#Chapter-two)." in one
    two = _text(mini_notebooks["book/sub/ch_two"])
    assert "Back to [Chapter one](ch_one.ipynb), " in two
    assert "[Exercise 3: Double it](ch_one.ipynb#Exercise-3:-Double-it)" in two
    assert "and *Summary*." in two  # a page without a learner notebook


def test_exercises_are_numbered_as_in_the_book(mini_notebooks: dict) -> None:
    one = mini_notebooks["book/ch_one"]
    headings = [
        line
        for c in one.cells
        for line in c.source.split("\n")
        if line.startswith("#") and "Exercise" in line
    ]
    assert headings == [
        "### Exercise 2",  # ex-home of index.md is 1; one level below "## Section one"
        "### Exercise 3: Double it",
        "### Solution to Exercise 2",
        "### Solution to Exercise 3: Double it",
    ]
    assert "## Exercise 4" in _text(mini_notebooks["book/sub/ch_two"])
    assert (
        "[Solution to Exercise 3: Double it](#Solution-to-Exercise-3:-Double-it)"
        in (_text(one))
    )


def test_admonitions(mini_notebooks: dict) -> None:
    text = _text(mini_notebooks["book/ch_one"])
    assert "> **Note**\n>\n> A note with $x$." in text
    assert (
        "<details>\n<summary>Careful</summary>\n\nHidden text with a display:" in text
    )
    assert "$$\na = b\n$$\n\n</details>" in text


def test_literalinclude_honours_its_options(mini_notebooks: dict) -> None:
    text = _text(mini_notebooks["book/ch_one"])
    f = 'def f(x):\n    """Double."""\n    return 2 * x'
    assert f"From `src/mod.py` (`f`):\n\n```python\n{f}\n```" in text
    assert "From `src/mod.py`:\n\n```python\ndef g(x):\n    return x + 1\n```" in text
    assert "```python\n    b = 2\n    return a + b\n```" in text
    assert '```python\n"""A module."""\n```' in text
    assert 'kept = "an ordinary {cite}`fence` stays as it is"' in text


def test_code_cells_cleared_and_tags_mapped(mini_notebooks: dict) -> None:
    one = mini_notebooks["book/ch_one"]
    code = [c for c in one.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "secret = 1" not in _text(one), "remove-cell cells are dropped"
    assert "raw text" not in _text(one), "raw cells are dropped"
    hidden = one.cells[_index(one, "plot_stuff = 1")]
    assert hidden.metadata.get("jupyter") == {"source_hidden": True}
    assert "tags" not in hidden.metadata
    assert "tags" not in one.cells[_index(one, "import math")].metadata


def test_stub_follows_the_exercise_and_solutions_come_last(
    mini_notebooks: dict,
) -> None:
    one = mini_notebooks["book/ch_one"]
    exercise = _index(one, "### Exercise 3: Double it")
    attempt = _index(one, "    return x\n")
    stub = _index(one, "...  # your code")
    solutions = _index(one, "## Solutions")
    assert exercise < attempt < stub < solutions
    assert one.cells[stub - 1].source.startswith(
        "**Your turn** (Exercise 3: Double it)"
    )
    assert one.cells[stub].metadata == {"learner": {"stub": "ex-one-code"}}
    assert _index(one, "return 2 * x\n\n\ncheck_double") > solutions
    assert _index(one, "Because $y$.") > solutions
    assert _index(one, "Multiply by two:") > solutions
    assert _index(one, "Main line continues.") < solutions
    assert one.cells[_index(one, "Multiply by two:")].source.startswith(
        "### Solution to Exercise 3: Double it\n\n"
        "[Back to the exercise](#Exercise-3:-Double-it)"
    )


def test_going_deeper_keeps_its_cells_between_heading_and_end(
    mini_notebooks: dict,
) -> None:
    one = mini_notebooks["book/ch_one"]
    start = _index(one, "### Going deeper: Why this works")
    assert one.cells[start - 1].source.endswith("Before the detour.")
    assert one.cells[start + 1].source == "Detour text."
    assert one.cells[start + 2].source == "detour = 2"
    assert (
        one.cells[start + 3].source
        == "*End of the detour \u201cWhy this works\u201d.*\n\n---"
    )
    assert one.cells[start + 4].source.startswith("Back on the main line.")


def test_generation_is_deterministic(mini: pathlib.Path, mini_notebooks: dict) -> None:
    again = ln.learner_notebooks(mini)
    assert json.dumps(again, sort_keys=True) == json.dumps(
        mini_notebooks, sort_keys=True
    )


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        (":::{solution-end}\n:::\n", "", "solution-start ex-one-code has no end"),
        ("{ref}`sec-two`", "{ref}`sec-nowhere`", "no label 'sec-nowhere'"),
        ("{cite:t}`opper2001`", "{cite:t}`nobody1999`", r"\['nobody1999'\] not in"),
        (
            "```{literalinclude} ../src/mod.py\n:pyobject: f",
            "```{literalinclude} ../src/mod.py\n:pyobject: nothere",
            "literalinclude",
        ),
    ],
)
def test_errors_name_the_chapter_and_cell(
    mini: pathlib.Path, tmp_path: pathlib.Path, old: str, new: str, match: str
) -> None:
    root = tmp_path / "book"
    shutil.copytree(mini, root)
    path = root / "book" / "ch_one.ipynb"
    nb = nbformat.read(path, 4)
    for cell in nb.cells:
        cell.source = cell.source.replace(old, new)
    nbformat.write(nb, path)
    with pytest.raises(ln.LearnerError, match=rf"book/ch_one(, cell \d+)?: .*{match}"):
        ln.learner_notebooks(root)


def test_unknown_directives_are_kept_as_text_with_a_warning(
    mini: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    root = tmp_path / "book"
    shutil.copytree(mini, root)
    path = root / "book" / "sub" / "ch_two.ipynb"
    nb = nbformat.read(path, 4)
    nb.cells[0].source += "\n\n:::{margin-note} Aside\nSide text.\n:::\n"
    nbformat.write(nb, path)
    warnings: list[str] = []
    notebooks = ln.learner_notebooks(root, warn=warnings.append)
    assert warnings == [
        "book/sub/ch_two: unknown directive {margin-note}: rendered as a note"
    ]
    assert "> **Aside**\n>\n> Side text." in _text(notebooks["book/sub/ch_two"])


def test_lab_copy_keeps_the_learners_work(tmp_path: pathlib.Path) -> None:
    fresh = tmp_path / "notebooks"
    fresh.mkdir()
    for name in ("a.ipynb", "b.ipynb"):
        (fresh / name).write_text("new")
    lab = tmp_path / "lab"
    lab.mkdir()
    (lab / "a.ipynb").write_text("my work")
    kept = ln.copy_new(sorted(fresh.iterdir()), lab)
    assert kept == [lab / "a.ipynb"]
    assert (lab / "a.ipynb").read_text() == "my work"
    assert (lab / "b.ipynb").read_text() == "new"


# ---------------------------------------------------------------- real chapters


@pytest.fixture(scope="module")
def chapters() -> dict[str, nbformat.NotebookNode]:
    warnings: list[str] = []
    notebooks = ln.learner_notebooks(ROOT, warn=warnings.append)
    assert warnings == [], "the chapters use constructs without a learner rendering"
    return notebooks


def _gated_solutions(doc: str) -> dict[str, list[str]]:
    """Code cells inside each gated solution of a chapter (read independently)."""
    nb = nbformat.read(ROOT / f"{doc}.ipynb", 4)
    solutions: dict[str, list[str]] = {}
    label = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.split("\n"):
                start = re.match(r"^:{3,}\{solution-start\}\s+(\S+)", line)
                if start:
                    label = start[1]
                    solutions[label] = []
                elif re.match(r"^:{3,}\{solution-end\}", line):
                    label = None
        elif cell.cell_type == "code" and label is not None:
            solutions[label].append(cell.source)
    return solutions


def _last_line(source: str) -> str:
    return [line for line in source.strip().split("\n") if line.strip()][-1].strip()


def test_the_toc_has_chapter_notebooks() -> None:
    assert CHAPTERS, "no chapter notebook in _toc.yml"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_has_no_myst_and_starts_with_the_install_cell(
    doc: str, chapters: dict
) -> None:
    nb = chapters[doc]
    assert nb.cells[0].source.startswith(ln.INSTALL_MARKER)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            continue
        in_fence = False
        for line in cell.source.split("\n"):
            if re.match(r"^\s*(```|~~~)", line) and not re.match(
                r"^\s*```+\s*\{", line
            ):
                in_fence = not in_fence
            if in_fence:
                continue
            for pattern, what in MYST_LEFT:
                assert not pattern.search(line), f"{doc} cell {index}: {what}: {line!r}"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_stubs_before_solutions_after(doc: str, chapters: dict) -> None:
    nb = chapters[doc]
    solutions = _gated_solutions(doc)
    heads = [i for i, c in enumerate(nb.cells) if c.source.startswith("## Solutions")]
    end = heads[0] if heads else len(nb.cells)
    for label, sources in solutions.items():
        for source in sources:
            where = [i for i, c in enumerate(nb.cells) if c.source == source]
            assert where and min(where) > end, (
                f"{doc}: a solution cell of {label} runs before the Solutions section"
            )
        if not sources:
            continue  # a pen-and-paper exercise
        stubs = [
            i
            for i, c in enumerate(nb.cells)
            if c.metadata.get("learner", {}).get("stub") == label
        ]
        assert stubs, (
            f"{doc}: code exercise {label} has no cell tagged learner-stub "
            "(CONTRIBUTING.md, 'Exercises', step 3)"
        )
        stub = nb.cells[stubs[0]]
        assert stubs[0] < end
        checker = _last_line(sources[-1])
        assert _last_line(stub.source) == checker, (
            f"{doc}: the stub of {label} must end with its checker call {checker!r}"
        )
        assert stub.source.strip() != sources[-1].strip(), f"{doc}: stub = solution"


# ------------------------------------------------------- download + fresh venv


@pytest.mark.book
def test_download_button_serves_the_learner_notebook(
    book_build: object, chapters: dict
) -> None:
    assert book_build.returncode == 0, book_build.log[-3000:]
    for doc in CHAPTERS:
        page = (HTML / f"{doc}.html").read_text(encoding="utf-8")
        depth = doc.count("/")
        href = "../" * depth + f"_sources/{doc}.ipynb"
        assert f'href="{href}"' in page, f"{doc}: download button does not link {href}"
        served = nbformat.read(HTML / "_sources" / f"{doc}.ipynb", 4)
        assert served.cells[0].source.startswith(ln.INSTALL_MARKER), doc
        expected = chapters[doc]
        assert served == expected, f"{doc}: the download is not the learner notebook"
        numbers = re.findall(r'class="caption-number">Exercise (\d+) ', page)
        text = "\n".join(c.source for c in served.cells)
        headings = re.findall(r"^#+ Exercise (\d+)\b", text, re.M)
        assert headings == numbers, f"{doc}: exercise numbers differ from the book's"


@pytest.fixture(scope="session")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A virtual environment with only the pinned runtime dependencies."""
    venv = tmp_path_factory.mktemp("learner-venv")
    return learner_env.create_venv(
        venv, ["-c", str(ROOT / "requirements.txt"), *RUNTIME]
    )


@pytest.mark.book
def test_downloaded_notebooks_run_in_a_fresh_venv(
    book_build: object,
    wheel: pathlib.Path,
    fresh_venv: pathlib.Path,
    tmp_path: pathlib.Path,
) -> None:
    assert book_build.returncode == 0, book_build.log[-3000:]
    folders = []
    for doc in CHAPTERS:  # each download in its own empty folder, next to the wheel
        folder = tmp_path / pathlib.PurePosixPath(doc).name
        folder.mkdir()
        shutil.copy(HTML / "_sources" / f"{doc}.ipynb", folder)
        shutil.copy(wheel, folder)
        folders.append(folder)
    start = time.perf_counter()
    # The first notebook installs the wheel; the others find it installed.
    notebooks = [next(folder.glob("*.ipynb")) for folder in folders]
    results = dict(learner_env.run_notebooks(fresh_venv, notebooks[:1], tmp_path))
    results.update(learner_env.run_notebooks(fresh_venv, notebooks[1:], tmp_path))
    elapsed = time.perf_counter() - start
    first = results[next(folders[0].glob("*.ipynb"))]
    assert first["install_output"].startswith(
        f"Installing lecture_utils from {wheel.name}"
    ), first
    failures = []
    for notebook, result in results.items():
        if result["error"]:
            failures.append(
                f"{notebook.name}:\n{learner_env.strip_ansi(result['error'])[-2500:]}"
            )
        elif notebook != next(folders[0].glob("*.ipynb")):
            assert result["install_output"] == "", f"{notebook.name} reinstalled"
    where = learner_env.imported_from(fresh_venv, tmp_path)
    assert where.startswith(str(fresh_venv)), f"lecture_utils imported from {where}"
    if os.environ.get("LEARNER_REPORT"):
        times = ", ".join(f"{n.stem} {r['seconds']:.1f} s" for n, r in results.items())
        print(f"\nnotebooks in the fresh venv: {elapsed:.1f} s ({times})")
    assert not failures, "downloaded learner notebooks fail:\n\n" + "\n\n".join(
        failures
    )


def test_make_lab_works_in_build_lab_and_allows_root() -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    dry = subprocess.run(
        [make, "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "tools/learner_notebooks.py --out _build/notebooks --lab _build/lab" in dry
    lab = [line for line in dry.split("\n") if "jupyter lab" in line]
    assert len(lab) == 1 and "--ServerApp.root_dir=_build/lab" in lab[0]
    assert "book" not in lab[0], "JupyterLab must not open the committed sources"
    assert ("--allow-root" in lab[0]) == (os.getuid() == 0)
