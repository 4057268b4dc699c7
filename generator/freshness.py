"""Tell, from bytes alone, that the previous output is still exactly what a build would make.

The clock changes the output only at known moments: when a scheduled article comes due, an
article expires, or a digest period ends. A build records the span of time between such
moments around its own "now"; a later build with the same input bytes whose "now" falls in
that span would produce the same output, so it need not parse or render anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from generator import dates
from generator.editions import next_start, period_start
from generator.fingerprint import Digester, code_digest
from generator.model import Article, SiteConfig
from generator.scan import Found

Window = tuple[str | None, str | None]  # [from, until) as ISO 8601 instants; None: unbounded


def sources_digest(digester: Digester, config: SiteConfig, options: Iterable[Any],
                   found: Found, statics: list[tuple[str, str]], templates: str
                   ) -> tuple[dict[str, str], str, str]:
    """Digest every input a build reads besides the clock: code, templates, the theme's
    static files (as (path, digest) pairs), config, options, and the content files.

    Return (parts, frame, sources): each part's digest, the frame of all parts (all but the
    content files' bytes, which is all that edits to them change), and the digest of all.
    """
    parts = {
        "code": code_digest(),
        "templates": templates,
        "statics": digester.digest("statics", statics),
        "config": digester.digest("config", config),
        "options": digester.digest("options", list(options)),
        # The files as one string: as a list of 30,000 items they cost a digest call apiece.
        "layout": digester.digest("layout", "\0".join(f"{s.kind}:{s.path}"
                                                      for s, _ in found.files),
                                  [str(p) for p in found.problems]),
    }
    frame = digester.digest("frame", sorted(parts.items()))
    sources = digester.digest("sources", frame, " ".join(
        digest if isinstance(digest, str) else "unreadable" for _, digest in found.files))
    return parts, frame, sources


def window(articles: Iterable[Article], now: datetime, config: SiteConfig) -> Window:
    """Return the span around `now` in which no article's status and no edition changes."""
    tz = dates.zone(config.digests.timezone or config.timezone)
    start = period_start(now.astimezone(tz).date(), config.digests)
    moments = {_midnight(start, tz), _midnight(next_start(start, config.digests), tz)}
    for article in articles:
        moments.add(article.publish_date or article.date)
        if article.expires is not None:
            moments.add(article.expires)
    # Statuses and editions flip when now reaches a moment (>=), so spans are [from, until).
    before = [m for m in moments if m <= now]
    after = [m for m in moments if m > now]
    return (max(before).isoformat() if before else None,
            min(after).isoformat() if after else None)


def within(recorded: object, now: datetime) -> bool:
    """Tell whether `now` falls in a window recorded by an earlier build."""
    if not isinstance(recorded, list) or len(recorded) != 2:
        return False
    try:
        low, high = (datetime.fromisoformat(v) if isinstance(v, str) else None
                     for v in recorded)
    except ValueError:
        return False
    return (low is None or low <= now) and (high is None or now < high)


def _midnight(day: date, tz: Any) -> datetime:
    return datetime.combine(day, time(), tz)
