"""Read the dates that bylines write out ("December 22, 2025, 13:41", "2025.12.22 13:41")."""
# ruff: noqa: RUF001  (bylines separate dates with en and em dashes)

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from functools import cache

from babel.dates import get_month_names

_YMD = re.compile(r"(\d{4})\s*[.\-/년]\s*(\d{1,2})\s*[.\-/월]\s*(\d{1,2})\s*일?\.?")
_DMY = re.compile(r"(\d{1,2})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{4})")
_D_MONTH_Y = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})")
_MONTH_D_Y = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_TIME = re.compile(r"(오전|오후)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?\s*[Mm]\.?)?")


@cache
def _months() -> dict[str, int]:
    """Month names and abbreviations in English and Russian (all grammatical forms)."""
    names: dict[str, int] = {}
    for language in ("en", "ru"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    names[name.casefold().rstrip(".")] = number
    names["sept"] = 9
    return names


def _day(text: str) -> tuple[int, int, int, int] | None:
    """Find a calendar day: (year, month, day, end of the match) or None."""
    found: list[tuple[int, tuple[int, int, int, int]]] = []
    if match := _YMD.search(text):
        y, m, d = (int(g) for g in match.groups())
        found.append((match.start(), (y, m, d, match.end())))
    if match := _DMY.search(text):
        d, m, y = (int(g) for g in match.groups())
        found.append((match.start(), (y, m, d, match.end())))
    for pattern, order in ((_D_MONTH_Y, "dmy"), (_MONTH_D_Y, "mdy")):
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = _months().get(parts["m"].casefold().rstrip("."))
            if month:
                found.append((match.start(), (int(parts["y"]), month, int(parts["d"]),
                                              match.end())))
                break
    return min(found)[1] if found else None


def written_date(text: str, tz: tzinfo) -> str:
    """Return the first date (and time) written in a text as ISO 8601, or "" if none.

    A time is read in `tz`; a day without a time stays a day (no time is invented).
    """
    day = _day(text)
    if day is None:
        return ""
    year, month, number, end = day
    clock = _TIME.match(text[end:].lstrip(" ,.-–—"))
    try:
        if clock is None:
            return datetime(year, month, number).date().isoformat()
        half, hour, minute, second, ampm = clock.groups()
        hour_ = int(hour)
        if (half == "오후" or (ampm or "").lower() == "p") and hour_ < 12:
            hour_ += 12
        elif (half == "오전" or (ampm or "").lower() == "a") and hour_ == 12:
            hour_ = 0
        moment = datetime(year, month, number, hour_, int(minute), int(second or 0),
                          tzinfo=tz)
    except ValueError:  # 31 February, 25 o'clock: not a date
        return ""
    return moment.isoformat()
