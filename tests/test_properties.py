"""Property tests: whatever an article holds, the build ends cleanly.

Strategy A throws arbitrary front matter (known and unknown keys, every YAML type, nested
values, date-like text) and an arbitrary Markdown body at the build; strategy B keeps the
front matter valid and only the body is arbitrary. Either way the build never crashes: it
exits 0 with feeds that parse, or 1 with an error line that names the article.

Strategy B generates only what the front-matter schema accepts (a title with visible text,
dates in years 2..9998), so any failure of B is a bug, not a rejected input.
"""

from __future__ import annotations

import tempfile
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import feedparser
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.parse import ARTICLE_FIELDS
from generator.xmlchars import strip_forbidden
from tests.conftest import build, feed_files, write_files

ARTICLE = "content/articles/a.md"
SITE_FILES: dict[str, str | bytes] = {
    "site.yaml": 'title: "Property site"\nbase_url: "https://example.org/"\nsearch: false\n'
                 "timezone: Asia/Seoul\nauthor: Desk\n",
    "content/briefings/alpha.md": "---\ntitle: Alpha\n---\nThe overview.\n",
}
KNOWN_KEYS = list(ARTICLE_FIELDS)  # the schema itself: a new key is thrown in the day it lands
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

MARKDOWN_PUNCTUATION = list("#*_[]()<>!|-`\\~:&;=\"' \t\n")
# Any character a UTF-8 file can hold (so no lone surrogates): controls, any script, emoji.
body_text = st.text(st.one_of(st.characters(exclude_categories=["Cs"]),
                              st.sampled_from(MARKDOWN_PUNCTUATION)), max_size=400)

date_like = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(sep=" ", timespec="minutes")),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?([+-]\d{2}:\d{2}|Z)?\Z"),
    st.sampled_from(["2025-02-29", "2025-13-01", "2025-12-22T25:00", "yesterday", "0000-01-01",
                     "2025-12-22T13:41:00+24:00", "20251222", "2025-W52-1", ""]),
)
scalars = st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.booleans(), st.none(),
                    date_like)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8)
any_keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=12))


def nonblank(text: str) -> bool:
    # The schema's rule for title and id: visible text once XML-forbidden characters and
    # surrounding whitespace are stripped ('\n' alone is rejected as empty).
    return strip_forbidden(text).strip() != ""


# Years 2..9998 in any fixed offset: a date whose site-timezone reading falls outside years
# 1..9999 is rejected (test_odd_inputs.py::test_extreme_dates_build_or_fail_cleanly).
moments = st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31),
                       timezones=st.one_of(st.none(), st.builds(timezone, st.timedeltas(
                           min_value=-timedelta(hours=23, minutes=59),
                           max_value=timedelta(hours=23, minutes=59)).map(
                           lambda d: timedelta(minutes=d // timedelta(minutes=1))))))
valid_dates = st.one_of(
    moments.map(lambda d: d.isoformat()),
    moments.map(lambda d: d.isoformat(sep=" ", timespec="minutes")),
    moments.map(lambda d: d.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")),
    moments.map(lambda d: d.date().isoformat()),
)
texts = st.text(max_size=60)
front_matter_b = st.fixed_dictionaries(
    {"title": texts.filter(nonblank), "date": valid_dates},
    optional={
        "updated": valid_dates, "author": texts, "source": texts,
        # Only http(s) URLs are valid; any text after the host is.
        "source_url": texts.map(lambda t: "https://news.example/" + quote(t)),
        "summary": texts, "draft": st.booleans(), "id": texts.filter(nonblank),
        "briefings": st.sampled_from([[], ["alpha"], ["alpha", "alpha"]]),
        "slug": st.sampled_from(["a", "서울-회담", "москва", "x.y_z-1", "Ünïcödé"]),
        "tags": st.lists(st.text(min_size=1, max_size=20), max_size=4),
        "extra": st.dictionaries(st.text(max_size=8), scalars, max_size=3),
    })


@st.composite
def front_matter_a(draw: st.DrawFn) -> dict[str, Any]:
    """Arbitrary keys and values, half the time laid over a valid front matter so that
    near-valid files (one wrong type, one unknown key) are common too."""
    front: dict[str, Any] = dict(draw(st.one_of(st.just({}), front_matter_b)))
    front.update(draw(st.dictionaries(any_keys, values, max_size=6)))
    return front


def dump(front: dict[str, Any], unicode: bool) -> str:
    return yaml.safe_dump(front, allow_unicode=unicode, sort_keys=False)


def build_article(front_yaml: str, body: str) -> tuple[int, str, BaseException | None, dict[
        str, feedparser.FeedParserDict]]:
    """Build a fresh site holding one article; return the exit code, output, exception and
    the parsed feeds (when the build succeeded)."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        write_files(site, SITE_FILES)
        write_files(site, {ARTICLE: ("---\n" + front_yaml + "---\n" + body).encode("utf-8")})
        result = build(site, "--future")  # any generated date counts as published
        feeds = {}
        if result.exit_code == 0:
            feeds = {p.relative_to(site / "public").as_posix(): feedparser.parse(p.read_bytes())
                     for p in feed_files(site / "public")}
        return result.exit_code, result.output, result.exception, feeds


def check_outcome(code: int, output: str, exc: BaseException | None,
                  feeds: dict[str, feedparser.FeedParserDict]) -> None:
    event(f"exit code {code}")
    assert exc is None or isinstance(exc, SystemExit), repr(exc)
    assert code in (0, 1), (code, output)
    assert "Traceback" not in output, output
    if code == 0:
        # Site and briefing feeds, plus the digest feeds once an edition exists.
        assert len([f for f in feeds if "digests/" not in f]) == 4, sorted(feeds)
        for name, parsed in feeds.items():
            assert not parsed.bozo, (name, parsed.get("bozo_exception"))
    else:
        lines = output.splitlines()
        assert any(line.startswith(f"error: {ARTICLE}") for line in lines), output


@SETTINGS
@given(front=front_matter_a(), body=body_text, unicode=st.booleans())
def test_arbitrary_front_matter_and_body_end_cleanly(front: dict[str, Any], body: str,
                                                     unicode: bool) -> None:
    check_outcome(*build_article(dump(front, unicode), body))


@SETTINGS
@given(front=front_matter_b, body=body_text, unicode=st.booleans())
def test_valid_front_matter_with_arbitrary_body_builds(front: dict[str, Any], body: str,
                                                       unicode: bool) -> None:
    code, output, exc, feeds = build_article(dump(front, unicode), body)
    check_outcome(code, output, exc, feeds)
    assert code == 0, output
    if not front.get("draft"):
        slug = unicodedata.normalize("NFC", front.get("slug", "a"))
        for name in ("feed.xml", "atom.xml"):
            entries = feeds[name].entries
            assert len(entries) == 1
            assert unquote(entries[0].link) == f"https://example.org/articles/{slug}/"
