"""Check YAML mappings against typed field lists and report every problem."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.errors import Problem, shorten
from generator.xmlchars import strip_forbidden
from generator.yamlload import Document

Check = Callable[[Any], Any]


class Invalid(ValueError):
    """A value does not fit its field; the message says what is expected."""


def text(value: Any) -> str:
    """Accept a string (numbers are taken as written, e.g. a title `1984`)."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise Invalid("expected text")
    return strip_forbidden(str(value))


def nonempty(value: Any) -> str:
    """Accept text that is not empty once invisible characters are stripped."""
    result = text(value).strip()
    if not result:
        raise Invalid("must not be empty")
    return result


def web_url(value: Any) -> str:
    """Accept an absolute http(s) URL (no javascript:, data: or other schemes)."""
    url = text(value).strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https") or "//" not in url:
        raise Invalid("expected an absolute http(s) URL such as https://example.org/story")
    return url


def whole(value: Any) -> int:
    """Accept an integer."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("expected a whole number")
    return value


def positive(value: Any) -> int:
    """Accept an integer of at least 1."""
    number = whole(value)
    if number < 1:
        raise Invalid("expected a whole number of at least 1")
    return number


def flag(value: Any) -> bool:
    """Accept true or false."""
    if not isinstance(value, bool):
        raise Invalid("expected true or false")
    return value


def text_list(value: Any) -> tuple[str, ...]:
    """Accept a list of strings, or one string without a comma as a list of one."""
    if isinstance(value, str):
        if "," in value:
            raise Invalid(_list_hint(value))
        return (value,)
    if not isinstance(value, list):
        raise Invalid("expected a list of text, e.g. [a, b]")
    items = []
    for item in value:
        if not isinstance(item, (str, int, float)) or isinstance(item, bool) or item == "":
            raise Invalid("expected a list of non-empty text items")
        items.append(str(item))
    return tuple(items)


_PLAIN_ITEM = re.compile(r"[^\W_][\w .+/()-]*", re.UNICODE)  # needs no quotes in [a, b]
_NOT_TEXT = re.compile(r"(?:true|false|null|~|[-+]?[\d.]+(?:e[-+]?\d+)?|\.inf|\.nan)",
                       re.IGNORECASE)  # would be read back as a boolean, null or number
MAX_HINT = 200  # longest text spelled back as a list in a message


def _list_hint(value: str) -> str:
    """Say how to write comma-separated text as the YAML list it was meant to be."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    if len(value) > MAX_HINT or not items:
        return "expected a list, not text with commas; write e.g. [a, b]"

    def quoted(item: str) -> str:
        if _PLAIN_ITEM.fullmatch(item) and not _NOT_TEXT.fullmatch(item):
            return item.rstrip()
        return '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'

    whole = '"' + value.strip().replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (f"expected a list; write [{', '.join(quoted(item) for item in items)}] "
            f"(or [{whole}] for one item with a comma)")


def one_of(*choices: str) -> Check:
    """Return a check that accepts one of these words."""

    def check(value: Any) -> str:
        word = text(value)
        if word not in choices:
            raise Invalid("expected one of " + ", ".join(choices))
        return word

    return check


def mapping(value: Any) -> dict[str, Any]:
    """Accept a mapping."""
    if not isinstance(value, dict):
        raise Invalid("expected a mapping of keys to values")
    return value


@dataclass(frozen=True)
class Field:
    """One allowed key: how to check it and whether it must be present."""

    check: Check
    required: bool = False


def suggest(key: str, known: list[str]) -> str:
    """Return a "did you mean" hint for a mistyped key, or a list of allowed keys."""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed keys: " + ", ".join(sorted(known))


def validate(
    data: Mapping[str, Any],
    fields: Mapping[str, Field],
    doc: Document,
    path: str,
    line_offset: int = 0,
    prefix: tuple[str, ...] = (),
) -> tuple[dict[str, Any], list[Problem]]:
    """Check every key of `data`; return the checked values and every problem found."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []

    def where(*keys: str) -> int | None:
        line = doc.line(*prefix, *keys)
        return line + line_offset if line is not None else (line_offset or None)

    dotted = ".".join(prefix) + "." if prefix else ""
    for key, value in data.items():
        key = str(key)
        spec = fields.get(key)
        if spec is None:
            hint = suggest(key, list(fields))
            problems.append(Problem(path, where(key), f"unknown key '{dotted}{key}'; {hint}"))
            continue
        if value is None and not spec.required:
            continue
        try:
            values[key] = spec.check(value)
        except Invalid as exc:
            # Bounded: the value may be a megabyte string or a list of a million items.
            shown = shorten(value)
            got = "" if shown in str(exc) else f", got {shown}"
            problems.append(Problem(path, where(key), f"'{dotted}{key}': {exc}{got}"))
    for key, spec in fields.items():
        if spec.required and data.get(key) is None:
            problems.append(Problem(path, where(), f"missing required key '{dotted}{key}'"))
    return values, problems
