"""Load YAML as the YAML 1.2 core schema reads it, keeping the line of every key."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

from generator.errors import LineProblem, shorten

# libyaml's C parser is several times faster; the pure-Python one gives the same results.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Real front matter and site.yaml are a few KB. Past this size the node graph alone
# (hundreds of bytes a node) would cost hundreds of MB, so the text is refused unread.
MAX_CHARS = 1 << 20
# Far below Python's recursion limit, which the constructor (and later the templates and
# pickling of `extra`) would hit; libyaml itself refuses more than 1,000 levels.
MAX_DEPTH = 100
ALIAS_MESSAGE = "YAML aliases are not allowed here; write the value out"


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


def _located(tag: str) -> None:
    """Make a scalar constructor's own errors (ValueError, KeyError…) located YAML errors."""
    construct = StrictLoader.yaml_constructors[tag]
    name = tag.rsplit(":", 1)[-1]

    def checked(loader: Any, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except yaml.YAMLError:
            raise
        except Exception:
            value = str(node.value)
            digits = sum(char.isdigit() for char in value)
            if name == "int" and digits > sys.get_int_max_str_digits():
                why = (f"a number of {digits:,} digits is too long; put it in quotes "
                       "if it is text")
            else:
                why = f"{shorten(value)} is not a valid !!{name} value"
            raise yaml.constructor.ConstructorError(None, None, why, node.start_mark) from None

    StrictLoader.add_constructor(tag, checked)


# Explicit tags (`!!int x`, `!!timestamp x`) reach constructors that raise plain Python
# errors, and Python refuses to read an int of over 4,300 digits (a CPU-time guard).
for _tag in ("bool", "int", "float", "binary", "timestamp"):
    _located(f"tag:yaml.org,2002:{_tag}")


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


class _Alias(Exception):
    """The node graph reaches one node twice: the text uses an alias."""


def _key_lines(root: yaml.Node) -> dict[tuple[str, ...], int]:
    """Map every key path to its line; refuse duplicate keys, aliases and deep nesting."""
    # Each node is visited once and a second visit stops the walk: an alias is the same
    # node reached again, and following aliases is what makes an alias bomb exponential.
    # A loop, not recursion, so that depth costs no stack.
    out: dict[tuple[str, ...], int] = {}
    seen: set[int] = set()
    # Node, its key path (None below a list or inside a complex key), depth.
    stack: list[tuple[yaml.Node, tuple[str, ...] | None, int]] = [(root, (), 1)]
    while stack:
        node, prefix, depth = stack.pop()
        if id(node) in seen:
            raise _Alias
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise YamlProblem(node.start_mark.line + 1,
                              f"nested more than {MAX_DEPTH} levels deep; flatten it")
        children: list[tuple[yaml.Node, tuple[str, ...] | None, int]] = []
        if isinstance(node, yaml.SequenceNode):
            children = [(item, None, depth + 1) for item in node.value]
        elif isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                path = None
                if isinstance(key_node, yaml.ScalarNode):
                    key = str(key_node.value)
                    line = key_node.start_mark.line + 1
                    if key in keys:
                        raise YamlProblem(line, f"duplicate key {shorten(key)}; keep only one")
                    keys.add(key)
                    if prefix is not None:
                        path = (*prefix, key)
                        out[path] = line
                children += [(key_node, None, depth + 1), (value_node, path, depth + 1)]
        # Reversed, so that nodes are visited (and problems found) in document order.
        stack.extend(reversed(children))
    return out


def _alias_line(text: str) -> int | None:
    """Return the 1-based line of the first alias in the text."""
    loader = StrictLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                return int(event.start_mark.line) + 1
        return None
    finally:
        loader.dispose()


# libyaml ends it "in this context", the pure-Python parser "here".
_COLON_PROBLEM = "mapping values are not allowed"
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML 1.1's line breaks
# A "key: value" line, the key plain or quoted (a list item's too).
_KEY_VALUE = re.compile(r"""\s*(?:-\s+)?("[^"]*"|'[^']*'|[^\s#'"][^:#]*?):[ \t]+(.*)""")
_COMMENT = re.compile(r"\s#")
MAX_HINT = 120  # longest value quoted back in a hint; a longer one is only named


def _colon_hint(text: str, mark: Any) -> str:
    """Suggest quoting a value that holds ": " (PyYAML reads it as a second key)."""
    if mark is None:
        return ""
    lines = _LINE_BREAK.split(text)
    if not 0 <= mark.line < len(lines):
        return ""
    match = _KEY_VALUE.fullmatch(lines[mark.line])
    # The problem colon must be inside the value, not the key's own colon.
    if match is None or mark.column <= match.end(1):
        return ""
    key, value = match.group(1), _COMMENT.split(match.group(2), 1)[0].rstrip()
    if ": " not in value:
        return ""
    if len(value) > MAX_HINT:
        return f'; a value containing ": " must be quoted: {key}: "…"'
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f'; a value containing ": " must be quoted: {key}: {quoted}'


def load(text: str) -> Document:
    """Parse one YAML document; raise YamlProblem with a line number when it is invalid."""
    if len(text) > MAX_CHARS:
        raise YamlProblem(None, f"holds {len(text) // 1024:,} KB of YAML, over the limit "
                          f"of {MAX_CHARS // 1024:,} KB; move long text out of it")
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None, {})
        try:
            lines = _key_lines(node)
        except _Alias:
            raise YamlProblem(_alias_line(text), ALIAS_MESSAGE) from None
        return Document(loader.construct_document(node), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        hint = _colon_hint(text, mark) if _COLON_PROBLEM in (exc.problem or "") else ""
        raise YamlProblem(line, f"invalid YAML: {reason}{hint}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"invalid YAML: {shorten(str(exc))}") from None
    except RecursionError:  # the pure-Python parser has no depth limit of its own
        raise YamlProblem(None, f"nested more than {MAX_DEPTH} levels deep; flatten it") from None
    finally:
        loader.dispose()
