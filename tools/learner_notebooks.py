"""Learner notebooks: every chapter as a plain Jupyter notebook to run and fill in.

The chapter notebooks in ``book/`` are written for the book: MyST directives and
roles, exercise stubs the book hides, gated solutions, stored outputs. This
script turns each chapter notebook listed in ``_toc.yml`` into a notebook made
for JupyterLab, Notebook 7, VS Code or Colab; the chapters stay the single
source of truth.

* The first cell installs ``lecture_utils`` when it is missing: from a wheel
  ``lecture_utils-*.whl`` in the notebook's folder, else from the repository
  set in ``_config.yml`` (``repository.url``), else it says what to do.
* MyST becomes plain Markdown: exercises are headed blocks numbered as in the
  book; admonitions become blockquotes, dropdowns ``<details>``; citations read
  "Author (year)" with a reference list at the end; ``{doc}``/``{ref}`` link to
  the learner notebook (and heading); ``literalinclude`` becomes the included
  source as a code listing (Sphinx's own reader applies the options);
  ``(label)=`` targets and ``%`` comments are dropped.
* A code exercise's cell tagged ``learner-stub`` (and ``remove-cell``, so the
  book hides it) is kept as the learner's work cell. Every other
  ``remove-cell`` cell is dropped; ``hide-input``/``hide-output``/``hide-cell``
  become JupyterLab's collapsed input/output.
* Solutions (``{solution}`` and gated ``solution-start``/``solution-end``) move
  to a "Solutions" section at the end, so Run All never runs one before the
  learner's cell. "Going deeper" detours (``deeper-start``/``deeper-end``)
  keep their cells between a heading and an end line.
* Outputs are cleared and execution counts reset: the learner runs the cells.

Usage::

    python tools/learner_notebooks.py                       # -> _build/notebooks/
    python tools/learner_notebooks.py --out DIR book/sampling.ipynb
    python tools/learner_notebooks.py --lab _build/lab      # + copy new ones there

The Sphinx extension ``tools/sphinx_learner.py`` uses :func:`learner_notebooks`
to make the book's download button serve these notebooks.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import pathlib
import posixpath
import re
import shutil
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import nbformat
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "notebooks"

STUB_TAG = "learner-stub"
_SOURCE_SUFFIXES = (".ipynb", ".md")  # of the book's pages, in order of preference
INSTALL_MARKER = "# Setup: install lecture_utils"
# Tags that only mean something to the book or to nbval.
_BOOK_TAGS = re.compile(r"^(hide-|remove-|nbval-|learner-stub$)")
_HIDDEN = {  # tag -> JupyterLab's "collapsed" metadata
    "hide-input": ("source_hidden",),
    "remove-input": ("source_hidden",),
    "hide-output": ("outputs_hidden",),
    "remove-output": ("outputs_hidden",),
    "hide-cell": ("source_hidden", "outputs_hidden"),
}
_ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
    "admonition": "",
    "dropdown": "",
    "margin": "",
    "sidebar": "",
    "topic": "",
    "epigraph": "",
    "card": "",
    "div": "",
    "container": "",
    "tab-item": "",
    "rubric": "",
}
_SKIPPED_DIRECTIVES = {
    "bibliography",
    "toctree",
    "tableofcontents",
    "glossary",
    "index",
}
_CODE_ROLES = {
    "code",
    "literal",
    "samp",
    "file",
    "command",
    "program",
    "envvar",
    "option",
    "py:func",
    "py:class",
    "py:mod",
    "py:meth",
    "py:attr",
    "py:obj",
    "py:data",
    "py:exc",
    "func",
    "class",
    "mod",
    "meth",
    "attr",
    "obj",
    "data",
    "exc",
}
_PLAIN_ROLES = {
    "term",
    "index",
    "guilabel",
    "menuselection",
    "dfn",
    "emphasis",
    "strong",
}

_MD = (
    MarkdownIt("commonmark")
    .enable("table")
    .use(colon_fence_plugin)
    .use(dollarmath_plugin, double_inline=True)
    .use(amsmath_plugin)
    .use(myst_block_plugin)
    .use(myst_role_plugin)
)
# A role `{name}`content`` or a code span (kept as is); left to right.
_ROLE_OR_CODE = re.compile(
    r"\{(?P<role>[A-Za-z][\w:.+-]*)\}(?P<tick>`+)(?P<content>.*?)(?P=tick)"
    r"|(?P<code>(?P<ctick>`+).*?(?P=ctick))",
    re.S,
)
_TEXT_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_DIRECTIVE = re.compile(r"^\{(?P<name>[^}\s]+)\}\s*(?P<arg>.*)$", re.S)
_OPTION = re.compile(r"^:(?P<key>[\w-]+):(?:\s+(?P<value>.*))?$")


class LearnerError(Exception):
    """A construct of a chapter the generator cannot turn into a learner notebook."""


# --------------------------------------------------------------------------- book


@dataclass
class Target:
    """Where a label points: a document, the heading anchor in it, a title."""

    doc: str
    anchor: str | None
    title: str


@dataclass
class Book:
    """What every chapter needs to know about the others (built by a first pass)."""

    root: pathlib.Path
    docs: list[str]  # docnames in _toc.yml order ("book/sampling")
    paths: dict[str, pathlib.Path]
    repository_url: str = ""
    titles: dict[str, str] = field(default_factory=dict)
    labels: dict[str, Target] = field(default_factory=dict)
    exercise_numbers: dict[str, int] = field(default_factory=dict)
    bib: dict[str, object] | None = None
    warnings: list[str] = field(default_factory=list)

    def notebooks(self) -> list[str]:
        """The docnames that are chapter notebooks (``.ipynb``)."""
        return [d for d in self.docs if self.is_notebook(d)]

    def is_notebook(self, doc: str) -> bool:
        """Whether ``doc`` is a page of the book that is a chapter notebook."""
        return doc in self.paths and self.paths[doc].suffix == ".ipynb"


def learner_name(doc: str) -> str:
    """File name of a chapter's learner notebook (flat folder: unique names)."""
    return posixpath.basename(doc) + ".ipynb"


def read_config(root: pathlib.Path) -> dict:
    """``_config.yml`` of the book in ``root`` (empty when missing or empty)."""
    path = pathlib.Path(root) / "_config.yml"
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def config_repository_url(config: dict) -> str:
    """``repository.url`` of a parsed ``_config.yml`` (empty when not set)."""
    return str((config.get("repository") or {}).get("url") or "").strip()


def toc_docs(root: pathlib.Path) -> list[str]:
    """Docnames of ``_toc.yml`` in reading order (root, parts, chapters, sections)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    docs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    docs.append(_strip_suffix(node[key]))
            if isinstance(node.get("glob"), str):
                for path in sorted(root.glob(node["glob"] + ".*")):
                    if path.suffix in _SOURCE_SUFFIXES:
                        docs.append(_strip_suffix(path.relative_to(root).as_posix()))
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key) or [])

    walk(toc)
    return list(dict.fromkeys(docs))


def _strip_suffix(name: str) -> str:
    for suffix in _SOURCE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def load_book(root: pathlib.Path = ROOT, repository_url: str | None = None) -> Book:
    """Read ``_toc.yml``, ``_config.yml`` and ``references.bib``; index every label."""
    root = pathlib.Path(root)
    paths = {}
    for doc in toc_docs(root):
        for suffix in _SOURCE_SUFFIXES:
            if (root / (doc + suffix)).exists():
                paths[doc] = root / (doc + suffix)
                break
        else:
            raise LearnerError(f"_toc.yml: {doc} has no .ipynb or .md file")
    config = read_config(root)
    if repository_url is None:
        repository_url = config_repository_url(config)
    book = Book(root, list(paths), paths, repository_url)
    names: dict[str, str] = {}
    for doc in book.notebooks():
        name = learner_name(doc)
        if name in names:
            raise LearnerError(
                f"{doc} and {names[name]} would both become {name}: "
                "chapter notebooks need distinct file names"
            )
        names[name] = doc
    bibfiles = config.get("bibtex_bibfiles") or []
    if bibfiles:
        from pybtex.database import BibliographyData, parse_file

        data = BibliographyData()
        for bibfile in bibfiles:
            for key, entry in parse_file(str(root / bibfile)).entries.items():
                data.add_entry(key, entry)
        book.bib = data.entries
    # First pass: titles, labels and exercise numbers, in reading order.
    for doc in book.docs:
        Chapter(book, doc, first_pass=True).convert()
    return book


# ------------------------------------------------------------------ markdown


@dataclass
class Directive:
    name: str
    arg: str
    options: dict[str, str]
    body: str


def _option_values(block: str) -> dict[str, str]:
    """Option block as MyST reads it (YAML-like: quotes removed)."""
    from myst_parser.parsers.options import TokenizeError, options_to_items

    try:
        items, _ = options_to_items(block)
    except TokenizeError as error:
        raise LearnerError(f"directive options {block!r}: {error}") from None
    return {str(k): "" if v is None else str(v) for k, v in items}


def _parse_directive(info: str, content: str) -> Directive | None:
    match = _DIRECTIVE.match(info.strip())
    if not match:
        return None
    lines = content.split("\n")
    options: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            options = _option_values("\n".join(lines[1:end]))
            lines = lines[end + 1 :]
    else:
        option_lines = []
        while lines and _OPTION.match(lines[0].lstrip()):
            option_lines.append(lines.pop(0).lstrip()[1:])
        if option_lines:
            options = _option_values("\n".join(option_lines))
    body = "\n".join(lines).strip("\n")
    return Directive(match["name"], match["arg"].strip(), options, body)


@dataclass
class Block:
    """A top-level block of a markdown cell."""

    kind: str  # "text", "directive", "target", "heading", "drop", "fence"
    text: str
    directive: Directive | None = None
    level: int = 0
    title: str = ""


def _blocks(text: str) -> list[Block]:
    """Split MyST markdown into top-level blocks, keeping the text between them."""
    lines = text.split("\n")
    tokens = _MD.parse(text)
    blocks: list[Block] = []
    line = 0
    for i, token in enumerate(tokens):
        if token.level != 0 or token.map is None or token.nesting == -1:
            continue
        start, end = token.map
        if start > line:
            blocks.append(Block("text", "\n".join(lines[line:start])))
        line = max(line, end)
        raw = "\n".join(lines[start:end])
        if token.type in ("fence", "colon_fence"):
            directive = _parse_directive(token.info, token.content)
            if directive is not None:
                blocks.append(Block("directive", raw, directive))
            else:
                blocks.append(Block("fence", raw))
        elif token.type == "myst_target":
            blocks.append(Block("target", raw, title=token.content.strip()))
        elif token.type in ("myst_line_comment", "myst_block_break"):
            blocks.append(Block("drop", raw))
        elif token.type == "heading_open":
            inline = tokens[i + 1].content
            blocks.append(Block("heading", raw, level=int(token.tag[1]), title=inline))
        elif token.type in ("code_block", "math_block", "amsmath", "html_block"):
            blocks.append(Block("fence", raw))
        else:
            blocks.append(Block("text", raw))
    if line < len(lines):
        blocks.append(Block("text", "\n".join(lines[line:])))
    return blocks


def literalinclude(
    root: pathlib.Path, page: pathlib.Path, d: Directive
) -> tuple[pathlib.Path, str]:
    """The file a ``literalinclude`` on ``page`` names, and what Sphinx shows of it
    (read by Sphinx's own reader: pyobject, lines, start/end, dedent, ...)."""
    from sphinx.directives.code import LiteralIncludeReader

    if d.arg.startswith("/"):
        path = root / d.arg.lstrip("/")
    else:
        path = page.parent / d.arg
    path = pathlib.Path(posixpath.normpath(path.as_posix()))
    options: dict[str, object] = {}
    for key, value in d.options.items():
        if key in ("dedent", "tab-width", "lineno-start"):
            options[key] = int(value) if value else None
        elif key in (
            "pyobject",
            "lines",
            "start-after",
            "end-before",
            "start-at",
            "end-at",
            "prepend",
            "append",
            "encoding",
        ):
            options[key] = value
    config = types.SimpleNamespace(source_encoding="utf-8-sig")
    try:
        text, _ = LiteralIncludeReader(str(path), options, config).read()
    except (OSError, ValueError) as error:
        raise LearnerError(f"literalinclude {d.arg}: {error}") from None
    return path, text


def heading_anchor(text: str) -> str:
    """The id JupyterLab and Notebook 7 give a rendered heading (spaces -> '-')."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links -> their text
    text = re.sub(r"(`+)(.*?)\1", r"\2", text)  # code spans -> their content
    text = re.sub(r"(\*\*|__|\*|_)(\S.*?)\1", r"\2", text)  # emphasis
    text = re.sub(r"<[^>]+>", "", text)
    return text.strip().replace(" ", "-")


def _fence(text: str, language: str = "") -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{text.rstrip()}\n{ticks}"


def _blockquote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.split("\n"))


def _details(summary: str, body: str, is_open: bool = False) -> str:
    tag = "<details open>" if is_open else "<details>"
    return f"{tag}\n<summary>{summary}</summary>\n\n{body}\n\n</details>"


# ------------------------------------------------------------------- chapter


@dataclass
class _Solution:
    label: str
    cells: list[nbformat.NotebookNode] = field(default_factory=list)


class Chapter:
    """Converts one document; with ``first_pass`` it only indexes it into the book."""

    def __init__(self, book: Book, doc: str, first_pass: bool = False) -> None:
        self.book = book
        self.doc = doc
        self.path = book.paths[doc]
        self.first_pass = first_pass
        self.level = 1  # level of the last heading: exercises sit one below
        self.pending_targets: list[str] = []
        self.cells: list[nbformat.NotebookNode] = []
        self.solutions: dict[str, _Solution] = {}
        self.solution: _Solution | None = None  # inside a gated solution
        self.deeper: list[str] = []  # titles of the open "Going deeper" detours
        self.cited: dict[str, None] = {}
        self.exercises: list[str] = []  # labels, in order
        self.exercise_titles: dict[str, str] = {}
        self.exercises_with_solution: set[str] = set()
        self.markdown: list[str] = []  # pieces of the markdown cell being built
        self.cell_meta: dict[str, object] = {}

    # ----------------------------------------------------------------- driver

    def _source_cells(self) -> list[nbformat.NotebookNode]:
        if self.path.suffix == ".ipynb":
            return nbformat.read(self.path, as_version=4).cells
        text = self.path.read_text(encoding="utf-8")
        if text.startswith("---\n"):  # front matter
            end = text.find("\n---", 4)
            text = text[end + 4 :] if end != -1 else text
        return [nbformat.v4.new_markdown_cell(text)]

    def convert(self) -> nbformat.NotebookNode:
        """Return the learner notebook (in the first pass: index labels only)."""
        source_cells = self._source_cells()
        all_markdown = "\n".join(
            c.source for c in source_cells if c.cell_type == "markdown"
        )
        self.exercises_with_solution = set(
            re.findall(r"^:{3,}\{solution(?:-start)?\}\s+(\S+)", all_markdown, re.M)
            + re.findall(r"^`{3,}\{solution\}\s+(\S+)", all_markdown, re.M)
        )
        for index, cell in enumerate(source_cells):
            where = f"{self.doc}, cell {index}"
            try:
                if cell.cell_type == "markdown":
                    self._markdown_cell(cell)
                elif cell.cell_type == "code":
                    self._code_cell(cell)
                else:  # raw cells are not for learners
                    continue
            except LearnerError as error:
                raise LearnerError(f"{where}: {error}") from None
        if self.solution is not None:
            raise LearnerError(
                f"{self.doc}: solution-start {self.solution.label} has no end"
            )
        if self.deeper:
            raise LearnerError(
                f"{self.doc}: deeper-start {self.deeper[-1]!r} has no end"
            )
        self.pending_targets.clear()
        if self.first_pass:
            return nbformat.v4.new_notebook()
        return self._assemble()

    # ----------------------------------------------------------- cells

    def _emit(self, cell: nbformat.NotebookNode) -> None:
        if self.solution is not None:
            self.solution.cells.append(cell)
        else:
            self.cells.append(cell)

    def _flush(self) -> None:
        text = "\n".join(self.markdown).strip("\n")
        self.markdown = []
        if text.strip():
            cell = nbformat.v4.new_markdown_cell(text)
            cell.update(copy.deepcopy(self.cell_meta))
            self._emit(cell)

    def _markdown_cell(self, cell: nbformat.NotebookNode) -> None:
        self.cell_meta = (
            {"attachments": cell["attachments"]} if cell.get("attachments") else {}
        )
        for block in _blocks(cell.source):
            self._block(block)
        self._flush()

    def _code_cell(self, cell: nbformat.NotebookNode) -> None:
        tags = list(cell.metadata.get("tags", []))
        stub = STUB_TAG in tags
        if "remove-cell" in tags and not stub:
            return
        new = nbformat.v4.new_code_cell(cell.source)
        hidden: dict[str, bool] = {}
        if not stub:
            for tag in tags:
                for key in _HIDDEN.get(tag, ()):
                    hidden[key] = True
        if hidden:
            new.metadata["jupyter"] = hidden
        kept = [t for t in tags if not _BOOK_TAGS.match(t)]
        if kept:
            new.metadata["tags"] = kept
        if stub:
            exercise = self.exercises[-1] if self.exercises else None
            number = self._exercise_heading(exercise) if exercise else "the exercise"
            self.markdown.append(
                f"**Your turn** ({number}): fill in the cell below, then run it. "
                "The checker at its end tells you what is still wrong."
            )
            self._flush()
            new.metadata["learner"] = {"stub": exercise or ""}
        self._emit(new)

    # ---------------------------------------------------------- blocks

    def _block(self, block: Block) -> None:
        if block.kind == "target":
            self.pending_targets.append(block.title)
            return
        if block.kind == "drop":
            return
        if block.kind == "heading":
            text = self._inline(block.text)
            title = self._inline(block.title)
            self.level = block.level
            self._index_targets(title, heading=True)
            if block.level == 1 and self.doc not in self.book.titles:
                self.book.titles[self.doc] = title
            self.markdown.append(text)
            return
        if block.kind == "fence":
            self._index_targets("")
            self.markdown.append(block.text)
            return
        if block.kind == "text":
            if block.text.strip():
                self._index_targets("")
            self.markdown.append(self._inline(block.text))
            return
        assert block.directive is not None
        self._directive(block.directive)

    def _index_targets(self, title: str, heading: bool = False) -> None:
        if not self.first_pass:
            self.pending_targets.clear()
            return
        for label in self.pending_targets:
            anchor = heading_anchor(title) if heading else None
            self.book.labels.setdefault(label, Target(self.doc, anchor, title or label))
        self.pending_targets.clear()

    # ------------------------------------------------------ directives

    def _directive(self, d: Directive) -> None:
        name = d.name
        if name in ("solution-start", "solution-end", "deeper-start", "deeper-end"):
            self._flush()
            getattr(self, "_" + name.replace("-", "_"))(d)
            return
        if name == "exercise":
            self._exercise(d)
            return
        if name == "solution":
            self._flush()
            label = d.arg.split()[0] if d.arg else ""
            solution = self.solutions.setdefault(label, _Solution(label))
            solution.cells.append(nbformat.v4.new_markdown_cell(self._convert(d.body)))
            return
        self._index_targets("")
        if "name" in d.options and self.first_pass:
            self.book.labels.setdefault(
                d.options["name"], Target(self.doc, None, d.arg or d.options["name"])
            )
        self.markdown.append(self._render(d))

    def _render(self, d: Directive) -> str:
        """Markdown for a directive that stays where it is."""
        name = d.name
        if name == "literalinclude":
            return self._literalinclude(d)
        if name in ("code-block", "code", "sourcecode", "code-cell"):
            return _fence(d.body, d.arg.split()[0] if d.arg else "")
        if name == "math":
            return f"$$\n{d.body}\n$$"
        if name in ("figure", "image"):
            alt = d.options.get("alt", "")
            caption = self._convert(d.body) if name == "figure" else ""
            image = self._image(d.arg, alt)
            return image + (f"\n\n*{caption.strip()}*" if caption.strip() else "")
        if name == "raw":
            return d.body if d.arg.strip() in ("html", "markdown") else ""
        if name in _SKIPPED_DIRECTIVES:
            return ""
        if name in (
            "eval-rst",
            "only",
            "ifconfig",
            "glue",
            "glue:any",
            "glue:text",
            "glue:figure",
            "glue:math",
            "tab-set",
            "grid",
            "card-carousel",
            "table",
            "list-table",
            "csv-table",
        ):
            if name in ("tab-set", "grid", "card-carousel", "table"):
                return self._convert(d.body)
            self._warn(f"directive {{{name}}} has no learner rendering; shown as text")
            return self._convert(d.body)
        if name not in _ADMONITIONS:
            self._warn(f"unknown directive {{{name}}}: rendered as a note")
        title = self._inline(d.arg) or _ADMONITIONS.get(name, "") or name.title()
        body = self._convert(d.body)
        classes = d.options.get("class", "").split()
        if name == "dropdown" or "dropdown" in classes:
            return _details(
                title, body, is_open=":open:" in d.options or "open" in d.options
            )
        if "$$" in body or "```" in body or "~~~" in body or "\\begin" in body:
            # Blockquoted display maths would carry the '>' into TeX.
            return _details(title, body, is_open=True)
        return _blockquote(f"**{title}**\n\n{body}")

    def _convert(self, text: str) -> str:
        """Convert nested MyST (a directive's body) to Markdown in place."""
        saved = self.markdown
        self.markdown = []
        for block in _blocks(text):
            if block.kind == "heading":
                self.markdown.append(self._inline(block.text))
            else:
                self._block(block)
        out = "\n".join(self.markdown).strip("\n")
        self.markdown = saved
        return out

    def _exercise_heading(self, label: str | None) -> str:
        number = self.book.exercise_numbers.get(label or "")
        title = self.exercise_titles.get(label or "", "")
        heading = f"Exercise {number}" if number else "Exercise"
        return f"{heading}: {title}" if title else heading

    def _exercise(self, d: Directive) -> None:
        label = d.options.get("label", "")
        self.exercise_titles[label] = self._inline(d.arg)
        if self.first_pass and "nonumber" not in d.options:
            self.book.exercise_numbers[label] = len(self.book.exercise_numbers) + 1
        self.exercises.append(label)
        heading = self._exercise_heading(label)
        if self.first_pass and label:
            self.book.labels.setdefault(
                label, Target(self.doc, heading_anchor(heading), heading)
            )
        self._index_targets("")
        hashes = "#" * min(self.level + 1, 6)
        text = f"{hashes} {heading}\n\n{self._convert(d.body)}"
        if label in self.exercises_with_solution:
            solution = f"Solution to {heading}"
            text += (
                "\n\n*The solution is at the end of the notebook: "
                f"[{solution}](#{heading_anchor(solution)}).*"
            )
        self.markdown.append(text)

    def _solution_start(self, d: Directive) -> None:
        if self.solution is not None:
            raise LearnerError(
                f"solution-start {d.arg} inside solution {self.solution.label}"
            )
        label = d.arg.split()[0] if d.arg else ""
        self.solution = self.solutions.setdefault(label, _Solution(label))

    def _solution_end(self, d: Directive) -> None:
        if self.solution is None:
            raise LearnerError("solution-end without solution-start")
        self.solution = None

    def _deeper_start(self, d: Directive) -> None:
        title = self._inline(d.arg)
        self.deeper.append(title)
        hashes = "#" * min(self.level + 1, 6)
        self.markdown.append(
            f"{hashes} Going deeper: {title}\n\n"
            "*A detour from the main line. Read it now, or skip to its end; the "
            "cells below run either way.*"
        )
        self._flush()

    def _deeper_end(self, d: Directive) -> None:
        if not self.deeper:
            raise LearnerError("deeper-end without deeper-start")
        title = self.deeper.pop()
        self.markdown.append(f"*End of the detour \u201c{title}\u201d.*\n\n---")
        self._flush()

    def _literalinclude(self, d: Directive) -> str:
        if self.first_pass:
            return ""
        path, text = literalinclude(self.book.root, self.path, d)
        language = d.options.get("language") or {".py": "python"}.get(path.suffix, "")
        try:
            shown = path.relative_to(self.book.root).as_posix()
        except ValueError:
            shown = path.name
        what = f" (`{d.options['pyobject']}`)" if "pyobject" in d.options else ""
        caption = d.options.get("caption") or f"From `{shown}`{what}:"
        return f"{caption}\n\n{_fence(text, language)}"

    def _image(self, target: str, alt: str) -> str:
        if re.match(r"^[a-z]+://", target):
            return f"![{alt}]({target})"
        path = (
            (self.path.parent / target)
            if not target.startswith("/")
            else (self.book.root / target.lstrip("/"))
        )
        if self.first_pass or not path.exists():
            return f"![{alt}]({target})"
        import base64
        import mimetypes

        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.cell_meta.setdefault("attachments", {})[path.name] = {
            mime: base64.b64encode(path.read_bytes()).decode("ascii")
        }
        return f"![{alt}](attachment:{path.name})"

    # ------------------------------------------------------------ roles

    def _inline(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if match["code"] is not None:
                return match["code"]
            return self._role(match["role"], match["content"])

        return _ROLE_OR_CODE.sub(replace, text)

    def _role(self, name: str, content: str) -> str:
        if name.startswith("cite") or name in ("footcite", "footcite:p", "footcite:t"):
            return self._cite(name, content)
        if name == "doc":
            return self._doc(content)
        if name in ("ref", "numref", "any", "std:ref"):
            return self._ref(content)
        if name == "eq":
            return f"({content})"
        if name == "math":
            return f"${content}$"
        if name in ("sub", "sup", "kbd"):
            return f"<{name}>{content}</{name}>"
        if name == "abbr":
            match = re.match(r"^(.*?)\s*\((.*)\)$", content)
            return match[1] if match else content
        if name == "download":
            match = _TEXT_TARGET.match(content)
            return match["text"] if match else content
        if name in _CODE_ROLES:
            match = _TEXT_TARGET.match(content)
            shown = match["text"] if match else content.lstrip("~!")
            return f"`{shown}`"
        if name not in _PLAIN_ROLES:
            self._warn(f"unknown role {{{name}}}: shown as text")
        match = _TEXT_TARGET.match(content)
        return match["text"] if match else content

    def _link(self, text: str, doc: str, anchor: str | None) -> str:
        if doc == self.doc:
            return f"[{text}](#{anchor})" if anchor else text
        if self.book.is_notebook(doc):
            href = learner_name(doc) + (f"#{anchor}" if anchor else "")
            return f"[{text}]({href})"
        return f"*{text}*"  # a page of the book without a learner notebook

    def _doc(self, content: str) -> str:
        match = _TEXT_TARGET.match(content)
        text, target = (match["text"], match["target"]) if match else ("", content)
        if target.startswith("/"):
            doc = target.lstrip("/")
        else:
            doc = posixpath.normpath(
                posixpath.join(posixpath.dirname(self.doc), target)
            )
        doc = _strip_suffix(doc)
        if self.first_pass:
            return text or target
        if doc not in self.book.paths:
            raise LearnerError(f"{{doc}}`{content}`: no document {doc} in _toc.yml")
        return self._link(text or self.book.titles.get(doc, doc), doc, None)

    def _ref(self, content: str) -> str:
        match = _TEXT_TARGET.match(content)
        text, label = (match["text"], match["target"]) if match else ("", content)
        if self.first_pass:
            return text or label
        target = self.book.labels.get(label)
        if target is None:
            raise LearnerError(f"{{ref}}`{content}`: no label {label!r} in the book")
        return self._link(text or target.title, target.doc, target.anchor)

    def _cite(self, name: str, content: str) -> str:
        keys = [k.strip() for k in content.split(",") if k.strip()]
        if self.first_pass:
            return content
        bib = self.book.bib or {}
        missing = [k for k in keys if k not in bib]
        if missing:
            raise LearnerError(
                f"{{{name}}}`{content}`: {missing} not in the bibliography"
            )
        for key in keys:
            self.cited[key] = None
        variant = name.split(":", 1)[1] if ":" in name else "p"
        pairs = [
            (_authors(bib[k]), str(bib[k].fields.get("year", "n.d."))) for k in keys
        ]
        if variant in ("t", "ts", "textual"):
            return "; ".join(f"{a} ({y})" for a, y in pairs)
        if variant in ("author", "authors", "authorpar"):
            return "; ".join(a for a, _ in pairs)
        if variant in ("year", "yearpar"):
            years = ", ".join(y for _, y in pairs)
            return f"({years})" if variant == "yearpar" else years
        inner = "; ".join(f"{a}, {y}" for a, y in pairs)
        return inner if variant in ("alp", "als") else f"({inner})"

    def _warn(self, message: str) -> None:
        if not self.first_pass:
            self.book.warnings.append(f"{self.doc}: {message}")

    # ---------------------------------------------------------- assemble

    def _assemble(self) -> nbformat.NotebookNode:
        nb = nbformat.v4.new_notebook()
        nb.metadata = {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        }
        cells = [install_cell(self.book.repository_url), *self.cells]
        ordered = [s for s in self.exercises if s in self.solutions]
        ordered += [s for s in self.solutions if s not in ordered]
        if ordered:
            cells.append(
                nbformat.v4.new_markdown_cell(
                    "## Solutions\n\nTry each exercise first. Running a solution's "
                    "cells replaces the functions you wrote with the same names."
                )
            )
        for label in ordered:
            heading = self._exercise_heading(label)
            back = f"[Back to the exercise](#{heading_anchor(heading)})"
            head = f"### Solution to {heading}\n\n{back}"
            body = self.solutions[label].cells
            if body and body[0].cell_type == "markdown":
                body[0].source = f"{head}\n\n{body[0].source}"
                cells.extend(body)
            else:
                cells.append(nbformat.v4.new_markdown_cell(head))
                cells.extend(body)
        if self.cited:
            cells.append(nbformat.v4.new_markdown_cell(self._references()))
        for index, cell in enumerate(cells):
            cell.id = self._cell_id(index, cell)
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        nb.cells = cells
        nbformat.validate(nb)
        return nb

    def _cell_id(self, index: int, cell: nbformat.NotebookNode) -> str:
        digest = hashlib.sha1(f"{self.doc}:{index}:{cell.source}".encode()).hexdigest()
        return digest[:8]

    def _references(self) -> str:
        from pybtex.plugin import find_plugin

        style = find_plugin("pybtex.style.formatting", "plain")()
        bib = self.book.bib or {}
        entries = sorted((bib[k] for k in self.cited), key=_authors)
        lines = ["## References", ""]
        for entry in style.format_entries(entries):
            text = " ".join(entry.text.render_as("markdown").split("\n"))
            lines.append(f"* {text}")
        return "\n".join(lines)


def _authors(entry: object) -> str:
    """ "Bishop", "Opper and Winther", "Gilks et al.": the author-year label."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [
        " ".join(p.prelast_names + p.last_names).replace("{", "").replace("}", "")
        for p in persons
    ]
    if not names:
        return (
            str(entry.fields.get("organization", entry.key))
            .replace("{", "")
            .replace("}", "")
        )
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


_INSTALL = """\
{marker}, the course's package, if this Python lacks it.
import importlib.util
import pathlib
import subprocess
import sys

if importlib.util.find_spec("lecture_utils") is None:
    wheels = sorted(pathlib.Path().glob("lecture_utils-*.whl"))
    # [notebooks]: what the chapters import besides the package (ipywidgets, ...)
    source = f"{{wheels[-1]}}[notebooks]" if wheels else {fallback}
    if source:
        print(f"Installing lecture_utils from {{source}} ...")
        pip = [sys.executable, "-m", "pip", "install", "--quiet", source]
        subprocess.run(pip, check=True)
        importlib.invalidate_caches()
"""
_NO_SOURCE = """\
    else:
        print("lecture_utils is missing: put the course's wheel lecture_utils-*.whl"
              " (from the course bundle, or `make wheel` in the repository) into"
              " this notebook's folder, then run this cell again.")
"""


def install_cell(repository_url: str = "") -> nbformat.NotebookNode:
    """The first cell: install ``lecture_utils`` if this Python cannot import it.

    From a wheel in the notebook's folder (the kernel's working directory), else
    from ``repository_url`` with pip's git support; without a URL it prints one
    sentence telling the learner what to do. It does nothing when the package
    is importable.
    """
    fallback = "None"
    if repository_url:
        fallback = f'"lecture_utils[notebooks] @ git+{repository_url}"'
    source = _INSTALL.format(marker=INSTALL_MARKER, fallback=fallback)
    if not repository_url:
        source += _NO_SOURCE
    return nbformat.v4.new_code_cell(source.rstrip("\n"))


# ---------------------------------------------------------------------- api


def learner_notebooks(
    root: pathlib.Path = ROOT,
    docs: Iterable[str] | None = None,
    repository_url: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> dict[str, nbformat.NotebookNode]:
    """Learner notebooks of the chapters ``docs`` (default: all), by docname."""
    book = load_book(root, repository_url)
    wanted = book.notebooks() if docs is None else [_strip_suffix(d) for d in docs]
    result = {}
    for doc in wanted:
        if not book.is_notebook(doc):
            raise LearnerError(f"{doc} is not a chapter notebook of _toc.yml")
        result[doc] = Chapter(book, doc).convert()
    for message in book.warnings:
        (warn or (lambda m: print(f"warning: {m}", file=sys.stderr)))(message)
    return result


def write_notebooks(
    out: pathlib.Path = OUT,
    root: pathlib.Path = ROOT,
    docs: Iterable[str] | None = None,
) -> list[pathlib.Path]:
    """Write the learner notebooks into ``out`` (flat); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    book_paths = []
    for doc, nb in learner_notebooks(root, docs).items():
        path = out / learner_name(doc)
        nbformat.write(nb, path)
        book_paths.append(path)
    return book_paths


def copy_new(
    notebooks: Iterable[pathlib.Path], lab: pathlib.Path
) -> list[pathlib.Path]:
    """Copy notebooks into the working folder ``lab`` unless a copy is already there."""
    lab.mkdir(parents=True, exist_ok=True)
    kept = []
    for path in notebooks:
        if (lab / path.name).exists():
            kept.append(lab / path.name)
        else:
            shutil.copy2(path, lab / path.name)
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="chapter notebooks (default: all)")
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    parser.add_argument(
        "--lab", type=pathlib.Path, help="working folder to copy new ones to"
    )
    args = parser.parse_args(argv)
    docs = None
    if args.notebooks:
        docs = [
            pathlib.Path(p).resolve().relative_to(ROOT).as_posix()
            for p in args.notebooks
        ]
    try:
        written = write_notebooks(args.out, ROOT, docs)
    except LearnerError as error:
        print(f"learner_notebooks: {error}", file=sys.stderr)
        return 1
    print(f"{len(written)} learner notebooks in {args.out}")
    if args.lab:
        kept = copy_new(written, args.lab)
        print(
            f"{len(written) - len(kept)} copied to {args.lab}; {len(kept)} kept as "
            "they are (your work; delete one to get the regenerated notebook)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
