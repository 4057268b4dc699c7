"""Parse dates from front matter in the site timezone; format them for readers."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time, get_datetime_format

from generator.schema import Invalid


def zone(name: str) -> ZoneInfo:
    """Return the IANA timezone of that name; raise Invalid when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"unknown timezone {name!r}; use an IANA name such as 'Europe/Paris'"
        ) from None


def locale(tag: str) -> Locale:
    """Return the Babel locale of a BCP 47 language tag; raise Invalid when unknown."""
    try:
        return _locale(tag)
    except (UnknownLocaleError, ValueError, TypeError):
        raise Invalid(f"unknown language {tag!r}; use a BCP 47 tag such as 'en' or 'ko'") from None


@lru_cache(maxsize=32)
def _locale(tag: str) -> Locale:
    return Locale.parse(tag, sep="-")


def parse(value: object, tz: tzinfo) -> datetime:
    """Read an ISO 8601 date or date-time; one without an offset is in `tz`."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid("expected an ISO 8601 date such as 2025-12-22 or 2025-12-22T13:41:00+09:00")
    raw = str(value).strip()
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid(
            f"{raw!r} is not an ISO 8601 date; write e.g. 2025-12-22 or 2025-12-22T13:41:00+09:00"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    try:  # readable in the site timezone, where pages show it
        parsed.astimezone(tz)
    except OverflowError:
        raise Invalid(f"{raw!r} is out of range; use a date between the years 1 and 9999"
                      ) from None
    return parsed


def long_date(moment: datetime | date, language: str, tz: tzinfo | None = None) -> str:
    """Format a date the way readers of `language` write it, e.g. "22 December 2025"."""
    if isinstance(moment, datetime) and tz is not None:
        moment = moment.astimezone(tz)
    day = moment.date() if isinstance(moment, datetime) else moment
    return _long_day(day, language)


@lru_cache(maxsize=8192)
def _long_day(day: date, language: str) -> str:
    # Babel takes about 30 µs a date, and list pages print the same days over and over.
    return str(format_date(day, "long", locale=_locale(language)))


def long_datetime(moment: datetime, language: str, tz: tzinfo) -> str:
    """Format a moment with its time of day in `tz`, e.g. "22 December 2025, 13:41 KST"."""
    local = moment.astimezone(tz)
    day = _long_day(local.date(), language)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        # Front matter without a time reads as midnight: no time was given, so none is shown.
        return day
    clock = str(format_time(local.time(), "short", locale=_locale(language)))
    # The locale's own way of joining a date and a time ("{1}, {0}", "{1} {0}"); quotes in
    # CLDR patterns mark literal text.
    joined = str(get_datetime_format("long", locale=_locale(language))).replace("'", "")
    # The zone's own abbreviation (KST, CET, CEST): CLDR names most zones only by offset.
    text = joined.replace("{1}", day).replace("{0}", clock)
    return f"{text} {local.tzname()}" if local.tzname() else text


def month_label(moment: datetime, language: str, tz: tzinfo) -> str:
    """Name a month for a timeline heading, e.g. "December 2025"."""
    local = moment.astimezone(tz)
    return _month_label(local.year, local.month, language)


def month_label_of(day: date, language: str) -> str:
    """Name the month of a calendar day, e.g. "December 2025"."""
    return _month_label(day.year, day.month, language)


@lru_cache(maxsize=1024)
def _month_label(year: int, month: int, language: str) -> str:
    # The locale's own order and words for "month and year" (CLDR's yMMMM): "December 2025",
    # "2025년 12월", "2025年12月"; a fixed "LLLL y" pattern gave Korean "12월 2025".
    return str(format_skeleton("yMMMM", date(year, month, 1), locale=_locale(language)))


def iso(moment: datetime) -> str:
    """Return the moment as an ISO 8601 string with its offset, for `datetime` attributes."""
    return moment.isoformat(timespec="seconds")
