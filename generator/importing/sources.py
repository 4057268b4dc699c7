"""Find the files a SOURCE names, read them (or fetch a URL), and tell what kind each is."""

from __future__ import annotations

import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problem

SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text",
            ".text": "text", ".rss": "feed", ".atom": "feed", ".xml": "feed", ".json": "json"}
MAX_BYTES = 20_000_000  # larger than any article page; a bigger download is not one
FETCH_TIMEOUT = 30
_URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Raw:
    """One source's bytes, where they came from, and what kind of source it is."""

    origin: str
    data: bytes
    kind: str  # html, text, feed (RSS or Atom) or json (JSON Feed)
    url: str = ""  # the address it was fetched from, if it was


def sniff(data: bytes, suffix: str = "") -> str:
    """Tell html, feed, json or text from the bytes themselves (the suffix breaks ties)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "json"
    if re.match(rb"(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:rdf)\b", head, re.DOTALL):
        return "feed"
    if re.search(rb"<(!doctype html|html|head|body|article|p|div)\b", head):
        return "html"
    return SUFFIXES.get(suffix.lower(), "text")


def _read(path: Path, shown: str, problems: list[Problem]) -> Raw | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(shown, None, f"cannot be read: {exc.strerror}"))
        return None
    return Raw(shown, data, sniff(data, path.suffix))


def fetch(url: str, problems: list[Problem]) -> Raw | None:
    """Download a URL (only ever asked for with --fetch)."""
    request = urllib.request.Request(url, headers={"User-Agent": "briefings-import"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            data = response.read(MAX_BYTES + 1)
            final = response.geturl()
    except (OSError, ValueError) as exc:
        problems.append(Problem(url, None, f"cannot be fetched: {exc}; check the address, "
                                "or save the page and import the file"))
        return None
    if len(data) > MAX_BYTES:
        problems.append(Problem(url, None, f"is larger than {MAX_BYTES} bytes; not imported"))
        return None
    return Raw(url, data, sniff(data, Path(url.split("?")[0]).suffix), final)


def collect(sources: tuple[str, ...], allow_fetch: bool,
            problems: list[Problem]) -> list[Raw]:
    """Read every source (a folder gives its files of known kinds, sorted by path)."""
    found: list[Raw] = []
    for source in sources:
        if _URL.match(source):
            if not allow_fetch:
                problems.append(Problem(source, None, "is a URL; pass --fetch to download it, "
                                        "or save the page and import the file"))
            elif (raw := fetch(source, problems)) is not None:
                found.append(raw)
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not files:
                problems.append(Problem(source, None, "holds no file to import (.html, .txt, "
                                        ".rss, .atom, .xml or .json)"))
            found += [r for f in files if (r := _read(f, str(f), problems)) is not None]
        elif path.exists():
            if (raw := _read(path, source, problems)) is not None:
                found.append(raw)
        else:
            problems.append(Problem(source, None, "not found; give a saved page, a feed, a "
                                    "text file or a folder of them"))
    return found
