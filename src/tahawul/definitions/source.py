"""Reading definition YAML with the line of every value, so problems point into the file.

Two deliberate departures from PyYAML's defaults: a repeated key is an error (PyYAML keeps the
last one silently), and only ``true``/``false`` are booleans and dates stay text (YAML 1.1 would
turn a choice value ``no`` into ``False`` and ``2026-01-31`` into a date object).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from django.utils.translation import gettext_lazy as _

from tahawul.definitions.problems import Path, Problem

MAX_BYTES = 1_000_000


class DefinitionLoader(yaml.SafeLoader):
    pass


DefinitionLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
DefinitionLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class SourceDocument:
    """A parsed YAML document: its data, the line of each path, and problems found reading it."""

    data: object = None
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor present in the file."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


def read_yaml(text: str) -> SourceDocument:
    """Parse ``text``; never raises for bad input, reports it in ``problems`` instead."""
    source = SourceDocument()
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        source.problems.append(Problem((), _("the file is larger than %(limit)d bytes"), {"limit": MAX_BYTES}))
        return source
    try:
        root = yaml.compose(text, Loader=DefinitionLoader)
        if root is None:
            source.problems.append(Problem((), _("the file is empty")))
            return source
        _record(root, (), source)
        source.data = yaml.load(text, Loader=DefinitionLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        source.problems.append(
            Problem(
                (),
                _("not valid YAML: %(problem)s"),
                {"problem": error.problem or str(error)},
                line=mark.line + 1 if mark else None,
            )
        )
        source.data = None
    except yaml.YAMLError as error:
        source.problems.append(Problem((), _("not valid YAML: %(problem)s"), {"problem": str(error)}))
        source.data = None
    return source


def _record(node: yaml.Node, path: Path, source: SourceDocument) -> None:
    source.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first_line: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key in first_line:
                source.problems.append(
                    Problem(
                        (*path, str(key)),
                        _("the key '%(key)s' appears twice (first on line %(line)d)"),
                        {"key": key, "line": first_line[key]},
                        line=line,
                    )
                )
                continue
            first_line[key] = line
            source.lines[(*path, str(key))] = line
            _record(value_node, (*path, str(key)), source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*path, index), source)
