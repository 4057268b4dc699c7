"""Decide what a build must do, from what it read and what the previous build recorded.

The whole decision is the one table in `decide`, read top to bottom:

| what differs from the previous build            | work      |
|-------------------------------------------------|-----------|
| no usable record (first build, --no-cache)      | pages     |
| published files missing or changed by hand      | pages     |
| generator code, templates, theme static files,  | pages     |
| site.yaml, options, or the list of content files|           |
| nothing, and the clock is in the recorded span  | none      |
| nothing but the clock: statuses/editions same   | record    |
| nothing but the clock: a status or edition flips| pages     |
| content bytes, not yet parsed                   | parse     |
| article bodies only (every card the same)       | bodies    |
| anything else                                   | pages     |

"pages" means every page is planned and digested, and only those whose digest changed are
rendered; "bodies" renders the edited articles' pages and the feeds that carry them;
"record" writes the new time span into the record and nothing else. Every digest is made
from the bytes that were read (the generator's code by its own files), never from a version
number kept by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from generator.freshness import within

# In the order they are reported: the first that differs names the reason.
PARTS = {"code": "the generator's code", "templates": "the templates or UI strings",
         "statics": "the theme's static files", "config": "site.yaml",
         "options": "the build options", "layout": "the list of content files"}


@dataclass(frozen=True)
class Facts:
    """What this build has read so far; parsed digests are None until content is parsed."""

    parts: Mapping[str, str]  # PARTS name → digest
    files: Mapping[str, str]  # content file → digest of its bytes
    now: datetime
    intact: bool  # every file the previous build published is there, at its size
    cache: bool  # False with --no-cache
    inputs: str | None = None  # digest of the sources, statuses and editions
    structure: str | None = None  # digest of everything but the article bodies


@dataclass(frozen=True)
class Plan:
    """The work a build must do, and why, in one line for `build -v`."""

    work: str  # none | record | parse | bodies | pages
    reason: str
    edited: frozenset[str] = field(default_factory=frozenset)  # content files whose bytes differ


def decide(previous: Mapping[str, object], facts: Facts) -> Plan:
    """Return the plan for a build, given the previous build's summary and this build's facts."""
    if not facts.cache:
        return Plan("pages", "--no-cache: render every page")
    old_files = previous.get("files")
    if not isinstance(old_files, dict) or not previous.get("parts"):
        return Plan("pages", "no previous build of this output is recorded: render every page")
    if not facts.intact:
        return Plan("pages", "published files are missing or were changed by hand: "
                             "render every page")
    old_parts = previous["parts"]
    assert isinstance(old_parts, dict)
    for name, label in PARTS.items():
        if old_parts.get(name) != facts.parts.get(name):
            return Plan("pages", f"{label} changed: render the pages whose digest changed")
    edited = frozenset(path for path, digest in facts.files.items()
                       if old_files.get(path) != digest)
    if not edited:
        if within(previous.get("window"), facts.now):
            return Plan("none", "nothing changed")
        if facts.inputs is None:
            return Plan("parse", "the clock moved past a recorded moment")
        if facts.inputs == previous.get("inputs"):
            return Plan("record", "the clock moved; no article's status and no edition changed")
        return Plan("pages", "the clock moved: an article came due or expired, or a digest "
                             "period ended")
    count = _count(edited)
    if facts.structure is None:
        return Plan("parse", f"{count} changed", edited)
    if facts.structure == previous.get("structure"):
        return Plan("bodies", f"{count} changed below the first paragraph: render their pages "
                              "and feeds", edited)
    return Plan("pages", f"{count} changed: render the pages whose digest changed", edited)


# What each kind of edited file is called, by where it lives.
KINDS = (("content/articles/", "article"), ("content/briefings/", "briefing"),
         ("content/pages/", "page"), ("content/digests/", "note"),
         ("content/entities/", "entity"), ("static/", "site file"))


PLURAL = {"entity": "entities"}


def _count(edited: frozenset[str]) -> str:
    counts: dict[str, int] = {}
    for path in edited:
        name = next((n for prefix, n in KINDS if path.startswith(prefix)), "file")
        if "/digests/" in path and path.startswith("content/briefings/"):
            name = "note"
        elif name in ("article", "page") and not path.endswith(".md"):
            name = "bundle file"
        counts[name] = counts.get(name, 0) + 1
    order = [n for _, n in KINDS] + ["bundle file", "file"]
    words = [f"{counts[n]} {PLURAL.get(n, n + 's') if counts[n] != 1 else n}" for n in order
             if n in counts]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
