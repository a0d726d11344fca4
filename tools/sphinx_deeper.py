"""Sphinx extension: "Going deeper" detours that may span notebook cells.

A chapter's main line reads straight through; a detour (a numerical deep dive,
a proof, an extra test) goes into a dropdown that is closed by default. A
detour often needs code cells, and a directive cannot span notebook cells, so
the dropdown is *gated*: a markdown cell opens it and a later one closes it::

    :::{deeper-start} Why the explicit inverse loses digits
    :::

    (markdown and code cells of the detour)

    :::{deeper-end}
    :::

Everything between the two markers is moved into one ``<details>`` element
whose summary reads "Going deeper: <title>". The markers must be siblings:
no section heading may sit between them (use bold text inside a detour).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective


class deeper(nodes.General, nodes.Element):
    """A closed-by-default dropdown holding a detour."""


class deeper_start(nodes.General, nodes.Element):
    pass


class deeper_end(nodes.General, nodes.Element):
    pass


class DeeperStart(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        node = deeper_start(title=self.arguments[0])
        self.set_source_info(node)
        return [node]


class DeeperEnd(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        node = deeper_end()
        self.set_source_info(node)
        return [node]


class MergeDeeper(SphinxTransform):
    """Move the nodes between each start and end marker into a ``deeper`` node."""

    default_priority = 900

    def apply(self) -> None:
        for start in list(self.document.findall(deeper_start)):
            parent = start.parent
            index = parent.index(start)
            body = []
            for sibling in parent.children[index + 1 :]:
                if isinstance(sibling, deeper_end):
                    break
                if isinstance(sibling, deeper_start | nodes.section):
                    body = None
                    break
                body.append(sibling)
            else:
                body = None
            if body is None:
                raise ExtensionError(
                    f"{start.source}:{start.line}: deeper-start '{start['title']}' has "
                    "no matching deeper-end at its level (no heading may sit between)."
                )
            end = parent.children[index + 1 + len(body)]
            container = deeper(title=start["title"])
            container.source, container.line = start.source, start.line
            for node in body:
                parent.remove(node)
                container += node
            parent.replace(start, container)
            parent.remove(end)
        for end in list(self.document.findall(deeper_end)):
            raise ExtensionError(
                f"{end.source}:{end.line}: deeper-end without deeper-start"
            )


def visit_deeper_html(self: nodes.NodeVisitor, node: deeper) -> None:
    title = self.encode(node["title"])
    self.body.append(
        '<details class="deeper"><summary>'
        f'<span class="deeper-label">Going deeper:</span> {title}</summary>'
        '<div class="deeper-body">'
    )


def depart_deeper_html(self: nodes.NodeVisitor, node: deeper) -> None:
    self.body.append("</div></details>")


def visit_plain(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    pass


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(
        deeper,
        html=(visit_deeper_html, depart_deeper_html),
        latex=(visit_plain, visit_plain),
        text=(visit_plain, visit_plain),
    )
    app.add_node(deeper_start)
    app.add_node(deeper_end)
    app.add_directive("deeper-start", DeeperStart)
    app.add_directive("deeper-end", DeeperEnd)
    app.add_transform(MergeDeeper)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
