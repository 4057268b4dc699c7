"""Load YAML as the YAML 1.2 core schema reads it, keeping the line of every key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

from generator.errors import LineProblem

# libyaml's C parser is several times faster; the pure-Python one gives the same results.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_Base):  # type: ignore[misc]
    """Safe loader without YAML 1.1's surprises (`No` → False, `12:30` → 750, dates)."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


def _resolver(tag: str, pattern: str, first: str) -> None:
    StrictLoader.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))


# The YAML 1.2 core schema: only true/false are booleans, no sexagesimal numbers,
# no leading-zero octals and no implicit timestamps (the generator parses dates itself,
# in the site's timezone).
_resolver("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_resolver("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789")
_resolver(
    "tag:yaml.org,2002:float",
    r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    "-+0123456789.",
)
_resolver("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])  # type: ignore[arg-type]
_resolver("tag:yaml.org,2002:merge", r"^(?:<<)$", "<")


class YamlProblem(LineProblem):
    """YAML that cannot be read; `line` is 1-based within the text given."""


@dataclass(frozen=True)
class Document:
    """A loaded YAML document and the 1-based line of each key path."""

    data: Any
    lines: dict[tuple[str, ...], int]

    def line(self, *keys: str) -> int | None:
        """Return the line of a key path, or of its nearest known parent."""
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return None


def _key_lines(
    node: yaml.Node, prefix: tuple[str, ...], out: dict[tuple[str, ...], int]
) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise YamlProblem(line, f"duplicate key '{key}'; keep only one")
        seen.add(key)
        out[(*prefix, key)] = line
        _key_lines(value_node, (*prefix, key), out)


def load(text: str) -> Document:
    """Parse one YAML document; raise YamlProblem with a line number when it is invalid."""
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None, {})
        lines: dict[tuple[str, ...], int] = {}
        _key_lines(node, (), lines)
        return Document(loader.construct_document(node), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(line, f"invalid YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
