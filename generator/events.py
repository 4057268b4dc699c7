"""Read the events an editor adds to a timeline: dated happenings that no article covers."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from generator.schema import Invalid, nonempty, suggest, text, text_list

# How exactly an event is dated, from its `date`: 2024, 2024-10 or 2024-10-03.
PRECISIONS = ("year", "month", "day")
KEYS = ("date", "title", "text", "about", "key")
EXAMPLE = "[{date: 2024-10, title: North Korea sends troops to Russia}]"
_DAY = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def day_of(value: Any) -> tuple[date, str]:
    """Return the first day an event's date names and its precision; raise Invalid if none."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Invalid("expected a date: a day 2024-10-03, a month 2024-10 or a year 2024")
    raw = str(value).strip()
    match = _DAY.fullmatch(raw)
    if match is None:
        raise Invalid(f"'{raw}' is not a day (2024-10-03), a month (2024-10) or a year (2024)")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if year < 1:
        raise Invalid(f"'{raw}': the year must be 1 or later")
    if month is not None and not 1 <= month <= 12:
        raise Invalid(f"'{raw}' has no month {month}; months run from 01 to 12")
    try:
        first = date(year, month or 1, day or 1)
    except ValueError:
        raise Invalid(f"'{raw}' is not a day of the calendar; check the day of the month"
                      ) from None
    return first, PRECISIONS[(month is not None) + (day is not None)]


def entries(value: Any) -> list[dict[str, Any]]:
    """Accept a list of events: {date, title, text?, about?, key?}, their dates read."""
    if not isinstance(value, list):
        raise Invalid(f"expected a list such as {EXAMPLE}")
    found = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise Invalid(f"item {number} is not a mapping; write {EXAMPLE}")
        unknown = sorted(str(k) for k in item if str(k) not in KEYS)
        if unknown:
            raise Invalid(f"item {number}: unknown key '{unknown[0]}'; "
                          + suggest(unknown[0], list(KEYS)))
        if item.get("date") is None:
            raise Invalid(f"item {number} has no date; write {EXAMPLE}")
        try:
            day, precision = day_of(item["date"])
        except Invalid as exc:
            raise Invalid(f"item {number}: 'date' {exc}") from None
        try:
            title = nonempty(item.get("title", ""))
        except Invalid:
            raise Invalid(f"item {number} has no title; say what happened, "
                          "e.g. title: North Korea sends troops to Russia") from None
        key = item.get("key", True)
        if not isinstance(key, bool):
            raise Invalid(f"item {number}: 'key' must be true or false")
        try:
            about = text_list(item.get("about") or [])
            words = text(item.get("text") or "")
        except Invalid as exc:
            raise Invalid(f"item {number}: {exc}") from None
        found.append({"day": day, "precision": precision, "title": title, "text": words.strip(),
                      "about": tuple(dict.fromkeys(about)), "key": key})
    return found

