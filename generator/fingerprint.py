"""Digest what a page or feed reads, so that unchanged output is neither rendered nor written."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator import __version__
from generator.model import Article


def _short(material: str) -> str:
    # Shared parts stand in a page's digest by their own digest, so that long shared
    # values (the navigation, a briefing overview) are hashed once per build, not per page.
    return "#" + hashlib.blake2b(material.encode("utf-8", "surrogatepass"),
                                 digest_size=16).hexdigest()


_FIELDS: dict[type, tuple[str, ...]] = {}
_PLAIN = (type(None), bool, int, float, datetime, date)
# Leaves written in place by the loops below: a call per leaf was half of all calls.
_LEAF: dict[type, str] = {str: "s", **{kind: "" for kind in _PLAIN}}


def _material(obj: Any, out: list[str], memo: dict[int, tuple[Any, str]]) -> None:
    kind = type(obj)
    if kind is str:
        out.append("s" + repr(obj))
    elif kind is Article:
        # Every field derives from the card (front matter, first paragraph, path) and the
        # site config, which every page context holds. The body is not a field: pages that
        # show it carry its key, so a body edit re-renders only those pages.
        out.append("A" + obj.card)
    elif kind in _PLAIN:
        out.append(repr(obj))
    elif (kind is list or kind is tuple) and len(obj) <= 4:
        # Short sequences (crumbs, an article's tags) are mostly made for one page: hashing
        # and remembering them would cost more than writing them out.
        out.append("(")
        _items([("", item) for item in obj], out, memo)
        out.append(")")
    elif id(obj) in memo:  # a shared sequence or object, digested already
        out.append(memo[id(obj)][1])
    elif kind is list or kind is tuple:
        # Shared sequences (the navigation, a briefing's articles) are digested once.
        _remember(obj, "[", [("", item) for item in obj], out, memo)
    elif kind is dict:
        out.append("{")
        _items([(repr(key) + ":", obj[key]) for key in sorted(obj, key=str)], out, memo)
        out.append("}")
    else:
        names = _FIELDS.get(kind)
        if names is None:
            if not dataclasses.is_dataclass(obj):
                # A value whose repr may hold a memory address would make digests random.
                raise TypeError(f"cannot digest a {kind.__name__}")
            names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj))
        _remember(obj, kind.__name__ + "(", [(name + "=", getattr(obj, name)) for name in names],
                out, memo)


def _items(pairs: list[tuple[str, Any]], out: list[str],
           memo: dict[int, tuple[Any, str]]) -> None:
    for label, value in pairs:
        out.append(label)
        prefix = _LEAF.get(type(value))
        if prefix is None:
            _material(value, out, memo)
        else:
            out.append(prefix + repr(value))
        out.append(",")


def _remember(obj: Any, opening: str, pairs: list[tuple[str, Any]], out: list[str],
              memo: dict[int, tuple[Any, str]]) -> None:
    """Write a value that pages share by the digest of its parts, and remember it."""
    part = [opening]
    _items(pairs, part, memo)
    digest = _short("".join(part))
    memo[id(obj)] = (obj, digest)
    out.append(digest)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest the generator's own source, so that a changed generator never reuses output."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


class Digester:
    """Digest page contexts against one template set.

    Objects are remembered by identity; the memo holds a reference to each, so that an id
    can never be reused by another object while the Digester lives.
    """

    def __init__(self, templates_digest: str) -> None:
        self._salt = f"{code_digest()}\0{templates_digest}\0".encode()
        self._memo: dict[int, tuple[Any, str]] = {}

    def digest(self, *parts: Any) -> str:
        """Return a stable digest of the given values."""
        out: list[str] = []
        for part in parts:
            _material(part, out, self._memo)
            out.append("|")
        h = hashlib.blake2b(self._salt, digest_size=16)
        h.update("".join(out).encode("utf-8", "surrogatepass"))
        return h.hexdigest()


def of_bytes(data: bytes) -> str:
    """Digest a file's bytes (static files, theme templates)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
