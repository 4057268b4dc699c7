"""Digest editions: periods and keys, timezones and DST, each article in exactly one edition,
editions in progress, stability of published editions, feeds, email copies, links between
pages, configuration errors and HTML validity."""

from __future__ import annotations

import calendar
import re
import shutil
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import lxml.html
import pytest
import yaml

from tests.conftest import SITES, build, validate_html, write_files

BASE = "https://example.org/"
AFTER_ALL = "2026-03-01T00:00:00+00:00"  # a "now" after the last period of every fixture
INSIDE_W52 = "2025-12-24T12:00:00+00:00"  # a "now" inside the last week of digests-many
SCOPES = ("", "alpha", "beta", "gamma")  # digests-many: site-wide, then each briefing
ARTICLE_HREF = re.compile(r"/articles/([^/]+)/$")


# --- helpers -----------------------------------------------------------------------------


def copy(name: str, where: Path) -> Path:
    target = where / name
    shutil.copytree(SITES / name, target)
    return target


def built(site: Path, *args: str, out: Path | None = None) -> Path:
    """Build the site (into `out` when given); return the output folder."""
    # --future: articles dated after --now still exist here (scheduling is tested elsewhere).
    extra = ("--output", str(out)) if out else ()
    result = build(site, "--future", *args, *extra)
    assert result.exit_code == 0, result.output
    return out or site / "public"


def set_config(site: Path, top: str = "", digests: str = "") -> None:
    """Rewrite site.yaml: the fixture's base keys, more top-level lines, a digests block."""
    text = (f'title: "Fixture"\nbase_url: "{BASE}"\n{top}'
            + (f"digests:\n{digests}" if digests else ""))
    (site / "site.yaml").write_text(text, encoding="utf-8")


def parse(path: Path) -> Any:
    return lxml.html.fromstring(path.read_bytes())


def digests_folder(out: Path, scope: str = "") -> Path:
    return out / "briefings" / scope / "digests" if scope else out / "digests"


def listed(page: Path) -> list[str]:
    """Return the slug of every article linked inside the page's one `.edition` block."""
    blocks = parse(page).xpath('//div[@class="edition"]')
    assert len(blocks) == 1, page
    return [m.group(1) for href in blocks[0].xpath(".//a/@href")
            if (m := ARTICLE_HREF.search(href))]


def editions(out: Path, scope: str = "") -> dict[str, list[str]]:
    """Map each edition key of a scope ('' is site-wide, else a briefing) to its articles."""
    folder = digests_folder(out, scope)
    if not folder.is_dir():
        return {}
    return {p.name: listed(p / "index.html") for p in sorted(folder.iterdir())
            if (p / "index.html").is_file()}


def homes(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """Invert `editions`: each article to the keys of every edition that lists it."""
    where: dict[str, list[str]] = {}
    for key, slugs in found.items():
        for slug in slugs:
            where.setdefault(slug, []).append(key)
    return where


def period_end(key: str, tz: tzinfo) -> datetime:
    """Return the last second of the period a key names, in the digest timezone."""
    if m := re.fullmatch(r"(\d{4})-W(\d\d)", key):
        last = date.fromisocalendar(int(m[1]), int(m[2]), 7)
    elif m := re.fullmatch(r"week-(\d{4}-\d\d-\d\d)", key):
        last = date.fromisoformat(m[1]) + timedelta(days=6)
    elif re.fullmatch(r"\d{4}-\d\d-\d\d", key):
        last = date.fromisoformat(key)
    else:
        year, month = map(int, key.split("-"))
        last = date(year, month, calendar.monthrange(year, month)[1])
    return datetime.combine(last, time(23, 59, 59), tz)


def read_feed(path: Path) -> Any:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


def instant(struct: Any) -> datetime:
    """Turn a feedparser date (a UTC struct_time) into an aware datetime."""
    return datetime.fromtimestamp(calendar.timegm(struct), UTC)


def period_times(page: Path) -> tuple[datetime, datetime]:
    """Return the start and end an edition page gives in its header's <time> elements."""
    start, end = parse(page).xpath('//article[@class="digest"]/header//time/@datetime')
    return datetime.fromisoformat(start), datetime.fromisoformat(end)


def edition_link(article_page: Path) -> list[str]:
    """Return the edition links in an article page's meta line."""
    return parse(article_page).xpath('//p[@class="meta"]/a[contains(@href, "/digests/")]/@href')


def front_matter(site: Path) -> dict[str, dict[str, Any]]:
    """Read every article's front matter (digests-many dates carry no offset: UTC)."""
    found = {}
    for path in sorted((site / "content" / "articles").glob("*.md")):
        data = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        data["date"] = data["date"].replace(tzinfo=UTC)
        data.setdefault("briefings", [])
        found[path.stem] = data
    return found


def alternates(page: Path) -> set[str]:
    return set(parse(page).xpath('//head/link[@rel="alternate"]/@href'))


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def many_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy("digests-many", tmp_path_factory.mktemp("many"))


@pytest.fixture(scope="module")
def many(many_site: Path) -> Path:
    """digests-many built with the fixed SOURCE_DATE_EPOCH (2026-01-01): every week done."""
    return built(many_site)


@pytest.fixture(scope="module")
def many_midweek(many_site: Path) -> Path:
    """digests-many built with "now" inside its last week (2025-W52)."""
    return built(many_site, "--now", INSIDE_W52, out=many_site / "public-midweek")


# --- 1. periods and keys -----------------------------------------------------------------

CALENDAR = [
    pytest.param("  period: weekly\n", {
        "sat-late": "2025-W52", "sun-late": "2025-W52", "mon-early": "2026-W01",
        "nye": "2026-W01", "new-year": "2026-W01", "iso-year": "2025-W01"}, 0, id="weekly"),
    pytest.param("  period: weekly\n  week_starts: sunday\n", {
        "sat-late": "week-2025-12-21", "sun-late": "week-2025-12-28",
        "mon-early": "week-2025-12-28", "nye": "week-2025-12-28",
        "new-year": "week-2025-12-28", "iso-year": "week-2024-12-29"}, 6, id="weekly-sunday"),
    pytest.param("  week_starts: Saturday\n", {
        "sat-late": "week-2025-12-27", "sun-late": "week-2025-12-27",
        "mon-early": "week-2025-12-27", "nye": "week-2025-12-27",
        "new-year": "week-2025-12-27", "iso-year": "week-2024-12-28"}, 5, id="weekly-saturday"),
    pytest.param("  period: monthly\n", {
        "sat-late": "2025-12", "sun-late": "2025-12", "mon-early": "2025-12",
        "nye": "2025-12", "new-year": "2026-01", "iso-year": "2024-12"}, None, id="monthly"),
    pytest.param("  period: daily\n", {
        "sat-late": "2025-12-27", "sun-late": "2025-12-28", "mon-early": "2025-12-29",
        "nye": "2025-12-31", "new-year": "2026-01-01", "iso-year": "2024-12-30"}, None,
        id="daily"),
]


@pytest.mark.parametrize(("digests", "expected", "first_weekday"), CALENDAR)
def test_period_boundaries_and_keys(tmp_path: Path, digests: str, expected: dict[str, str],
                                    first_weekday: int | None) -> None:
    site = copy("digests-calendar", tmp_path)
    set_config(site, "timezone: Europe/Berlin\n", digests)
    out = built(site, "--now", AFTER_ALL)
    berlin = ZoneInfo("Europe/Berlin")
    assert homes(editions(out)) == {slug: [key] for slug, key in expected.items()}
    assert homes(editions(out, "cal")) == {slug: [key] for slug, key in expected.items()}
    for slug, key in expected.items():
        assert edition_link(out / "articles" / slug / "index.html") == [f"/digests/{key}/"]
    for key in set(expected.values()):
        start, end = period_times(out / "digests" / key / "index.html")
        local = start.astimezone(berlin)
        assert local.time() == time(0, 0), (key, start)
        assert end == period_end(key, berlin), key
        if first_weekday is not None:
            assert local.weekday() == first_weekday, key
            if key.startswith("week-"):
                assert local.date() == date.fromisoformat(key.removeprefix("week-"))
        if first_weekday is None and len(key) == 7:  # monthly
            assert local.day == 1


# --- 2. timezones ------------------------------------------------------------------------

ZONES = [
    # site timezone, digests.timezone, edition of 2025-12-28T23:30Z, of 2025-12-29T05:00Z
    pytest.param("UTC", "", "2025-W52", "2026-W01", id="utc"),
    pytest.param("UTC", "Asia/Seoul", "2026-W01", "2026-W01", id="digests-seoul"),
    pytest.param("UTC", "America/Los_Angeles", "2025-W52", "2025-W52", id="digests-la"),
    pytest.param("Asia/Seoul", "", "2026-W01", "2026-W01", id="site-seoul"),
    pytest.param("America/Los_Angeles", "", "2025-W52", "2025-W52", id="site-la"),
    pytest.param("Asia/Seoul", "UTC", "2025-W52", "2026-W01", id="site-seoul-digests-utc"),
]


@pytest.mark.parametrize(("site_tz", "digest_tz", "instant_key", "dawn_key"), ZONES)
def test_timezone_decides_the_edition(tmp_path: Path, site_tz: str, digest_tz: str,
                                      instant_key: str, dawn_key: str) -> None:
    site = copy("digests-zones", tmp_path)
    set_config(site, f"timezone: {site_tz}\n",
               f"  timezone: {digest_tz}\n" if digest_tz else "")
    out = built(site, "--now", AFTER_ALL)
    tz = ZoneInfo(digest_tz or site_tz)
    expected = {"instant": [instant_key], "dawn": [dawn_key]}
    assert homes(editions(out)) == expected
    assert homes(editions(out, "zones")) == expected
    atom = {e.id: e for e in read_feed(out / "digests" / "atom.xml").entries}
    assert set(atom) == {f"{BASE}digests/{key}/" for key in (instant_key, dawn_key)}
    for key in {instant_key, dawn_key}:
        start, end = period_times(out / "digests" / key / "index.html")
        assert start.astimezone(tz).time() == time(0, 0) and start.astimezone(tz).weekday() == 0
        assert end == period_end(key, tz)
        # The feed gives the end of the period with the digest timezone's own offset.
        assert atom[f"{BASE}digests/{key}/"].updated == period_end(key, tz).isoformat()


def test_period_dates_shown_in_the_digest_timezone(tmp_path: Path) -> None:
    site = copy("digests-zones", tmp_path)
    set_config(site, "timezone: UTC\n", "  timezone: Asia/Seoul\n")
    out = built(site, "--now", AFTER_ALL)
    # 2026-W01 in Seoul runs from Monday 29 December 2025 to Sunday 4 January 2026.
    folder = out / "digests" / "2026-W01"
    shown = "December 29, 2025 to January 4, 2026"
    assert shown in " ".join("".join(parse(folder / "index.html").itertext()).split())
    assert shown in (folder / "email.txt").read_text(encoding="utf-8")


# --- 3. daylight saving time -------------------------------------------------------------

DST_KEYS = {
    "spring-before": "2025-03-29", "spring-gap": "2025-03-30", "spring-after": "2025-03-31",
    "fall-before": "2025-10-25", "fall-first": "2025-10-26", "fall-second": "2025-10-26",
    "fall-local": "2025-10-26", "fall-after": "2025-10-27",
}
DST_ENDS = {  # Atom <updated> of each daily edition: the last second of the local day
    "2025-03-29": "2025-03-29T23:59:59+01:00", "2025-03-30": "2025-03-30T23:59:59+02:00",
    "2025-03-31": "2025-03-31T23:59:59+02:00", "2025-10-25": "2025-10-25T23:59:59+02:00",
    "2025-10-26": "2025-10-26T23:59:59+01:00", "2025-10-27": "2025-10-27T23:59:59+01:00",
}
DST_HOURS = {"2025-03-30": 23, "2025-10-26": 25}  # the short and the long day


def test_daily_editions_across_daylight_saving_changes(tmp_path: Path) -> None:
    out = built(copy("digests-dst", tmp_path), "--now", AFTER_ALL)
    expected = {slug: [key] for slug, key in DST_KEYS.items()}
    assert homes(editions(out)) == expected
    assert homes(editions(out, "clock")) == expected
    for name in ("digests", "briefings/clock/digests"):
        atom = read_feed(out / name / "atom.xml")
        rss = read_feed(out / name / "feed.xml")
        keys = [e.id.rstrip("/").rsplit("/", 1)[1] for e in atom.entries]
        assert keys == sorted(DST_ENDS, reverse=True)
        for entry, rss_entry, key in zip(atom.entries, rss.entries, keys, strict=True):
            assert entry.updated == DST_ENDS[key]
            assert entry.published == DST_ENDS[key]
            assert instant(rss_entry.published_parsed) == datetime.fromisoformat(DST_ENDS[key])
    berlin = ZoneInfo("Europe/Berlin")
    for key in DST_ENDS:
        start, end = period_times(out / "digests" / key / "index.html")
        assert start.astimezone(berlin).replace(tzinfo=None) == datetime.fromisoformat(key)
        assert end == datetime.fromisoformat(DST_ENDS[key])
        # 23 hours on the day the clocks go forward, 25 on the day they go back
        assert end - start == timedelta(hours=DST_HOURS.get(key, 24), seconds=-1), key


# --- 4. every article in exactly one edition ---------------------------------------------


def test_every_article_in_exactly_one_edition_per_scope(many_site: Path, many: Path) -> None:
    articles = front_matter(many_site)
    assert len(articles) == 30
    site_homes = homes(editions(many))
    assert sorted(site_homes) == sorted(articles)
    assert all(len(keys) == 1 for keys in site_homes.values()), site_homes
    for briefing in SCOPES[1:]:
        members = {s for s, a in articles.items() if briefing in a["briefings"]}
        assert homes(editions(many, briefing)) == {s: site_homes[s] for s in members}, briefing
    # Articles in no briefing are in the site-wide editions only.
    assert {s for s, a in articles.items() if not a["briefings"]} == {"n03", "n09", "n18", "n24"}


def groups_of(page: Path) -> list[tuple[str, int, list[str]]]:
    """Return (heading, count, article slugs) of each article group of an edition."""
    found = []
    for section in parse(page).xpath('//div[@class="edition"]/section'):
        count = section.xpath('./h2/span[@class="count"]/text()')
        if not count:
            continue  # "Briefing overviews revised"
        heading = (section.xpath("./h2/a/text()") or section.xpath("./h2/text()"))[0].strip()
        slugs = [m.group(1) for h in section.xpath(".//h3/a/@href")
                 if (m := ARTICLE_HREF.search(h))]
        found.append((heading, int(count[0]), slugs))
    return found


GROUP_ORDER = [
    # week, groups in order: gamma has most articles in W45 although it weighs most
    pytest.param("2025-W45", ["Gamma topic", "Beta topic", "Alpha topic"], id="W45"),
    pytest.param("2025-W41", ["Alpha topic", "Other articles"], id="W41"),
    pytest.param("2025-W48", ["Alpha topic", "Beta topic"], id="W48"),
    # one article each (n29 is listed under alpha, its first briefing): ties go by weight
    pytest.param("2025-W52", ["Alpha topic", "Beta topic", "Gamma topic"], id="W52-tie"),
]


@pytest.mark.parametrize(("key", "order"), GROUP_ORDER)
def test_most_active_briefing_first(many_site: Path, many: Path, key: str,
                                    order: list[str]) -> None:
    articles = front_matter(many_site)
    titles = {"alpha": "Alpha topic", "beta": "Beta topic", "gamma": "Gamma topic"}
    groups = groups_of(many / "digests" / key / "index.html")
    assert [heading for heading, _, _ in groups] == order
    for heading, count, slugs in groups:
        assert count == len(slugs)
        for slug in slugs:  # each article under its first briefing
            first = articles[slug]["briefings"][:1]
            assert (titles[first[0]] if first else "Other articles") == heading


def test_group_counts_never_increase(many: Path) -> None:
    for key in editions(many):
        counts = [count for _, count, _ in groups_of(many / "digests" / key / "index.html")]
        assert counts == sorted(counts, reverse=True), key


def test_overview_revision_listed_in_its_week(many: Path) -> None:
    revised = {key for key in editions(many)
               if "Briefing overviews revised" in
               (many / "digests" / key / "index.html").read_text(encoding="utf-8")}
    assert revised == {"2025-W45"}  # alpha's overview was updated on 2025-11-05


# --- 5. editions in progress -------------------------------------------------------------

PROGRESS_STEPS = [
    # now, --include-current, state of 2025-W52 (None: not published)
    (INSIDE_W52, False, None),
    (INSIDE_W52, True, "in progress"),
    ("2025-12-28T23:59:59+00:00", False, None),  # withdrawn again; still the last second
    ("2025-12-29T00:00:00+00:00", False, "complete"),
    ("2026-01-01T00:00:00+00:00", True, "complete"),
]


def test_editions_in_progress(tmp_path: Path) -> None:
    site = copy("digests-many", tmp_path)
    for now, include, state in PROGRESS_STEPS:
        out = built(site, "--now", now, *(["--include-current"] if include else []))
        step = (now, include)
        for scope in ("", "gamma"):
            found = editions(out, scope)
            assert "2025-W51" in found, step
            assert ("2025-W52" in found) == (state is not None), (step, scope)
            assert not any("2026" in key for key in found), step
            for key in found:
                page = (digests_folder(out, scope) / key / "index.html").read_text("utf-8")
                marked = '<strong class="draft">In progress</strong>' in page
                assert marked == (key == "2025-W52" and state == "in progress"), (step, key)
            index = (digests_folder(out, scope) / "index.html").read_text(encoding="utf-8")
            assert ("· in progress" in index.lower()) == (state == "in progress"), step
            atom = read_feed(digests_folder(out, scope) / "atom.xml")
            ids = [e.id for e in atom.entries]
            assert (ids[0].endswith("/2025-W52/")) == (state is not None), step
        assert (out / "digests" / "2025-W52" / "email.html").is_file() == (state is not None)
        linked = edition_link(out / "articles" / "n30" / "index.html")
        assert linked == (["/digests/2025-W52/"] if state else []), step


# --- 6. published editions do not change ------------------------------------------------


def snapshot(out: Path) -> dict[str, Any]:
    """Record what must stay: feed items, email copies, edition pages without neighbours."""
    record: dict[str, Any] = {"items": {}, "emails": {}, "pages": {}, "raw": {}}
    for scope in SCOPES:
        folder = digests_folder(out, scope)
        for name in ("atom.xml", "feed.xml"):
            for entry in read_feed(folder / name).entries:
                record["items"][(scope, name, entry.id)] = (
                    entry.id, entry.title, entry.get("published"),
                    entry.content[0].value if "content" in entry else entry.description)
        for key in editions(out, scope):
            page = (folder / key / "index.html").read_text(encoding="utf-8")
            record["raw"][(scope, key)] = page
            record["pages"][(scope, key)] = re.sub(
                r'<nav class="neighbours".*?</nav>', "", page, flags=re.S)
            if not scope:
                for name in ("email.html", "email.txt"):
                    record["emails"][(key, name)] = (folder / key / name).read_bytes()
    return record


def test_published_editions_stay_the_same(tmp_path: Path) -> None:
    site = copy("digests-many", tmp_path)
    before = snapshot(built(site))
    write_files(site, {"content/articles/n31.md": """
        ---
        title: A later development
        date: 2026-01-02T09:00:00
        briefings: [alpha, beta]
        ---
        Something new, in the first week of 2026.
        """})
    after = snapshot(built(site, "--now", "2026-01-10T00:00:00+00:00"))
    for scope in SCOPES:  # the new edition is the newest item of the feeds it joins
        ids = [e.id for e in read_feed(digests_folder(site / "public", scope) / "atom.xml")
               .entries]
        assert ids[0].endswith("/2026-W01/") == (scope != "gamma"), scope
    assert len(after["items"]) == len(before["items"]) + 3 * 2  # site, alpha, beta; 2 feeds
    for item, seen in before["items"].items():
        assert after["items"].get(item) == seen, item  # same GUID, title, date and content
    for email, data in before["emails"].items():
        assert after["emails"][email] == data, email
    assert ("2026-W01", "email.html") in after["emails"]
    for page, text in before["pages"].items():
        assert after["pages"][page] == text, page
    for scope in SCOPES:  # the last edition before now links on to the new one
        key = max(k for s, k in before["raw"] if s == scope)
        newer = 'rel="next"' in after["raw"][(scope, key)]
        assert newer == (scope != "gamma"), scope
        assert ('rel="next"' in before["raw"][(scope, key)]) is False
    gamma = {k: v for k, v in before["raw"].items() if k[0] == "gamma"}
    assert gamma == {k: v for k, v in after["raw"].items() if k[0] == "gamma"}


# --- 7. feeds ----------------------------------------------------------------------------


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_digest_feeds(many: Path, scope: str, name: str) -> None:
    folder = digests_folder(many, scope)
    parsed = read_feed(folder / name)
    raw = (folder / name).read_text(encoding="utf-8")
    keys = sorted(editions(many, scope), reverse=True)  # ISO week keys sort by time
    assert keys
    prefix = BASE + folder.relative_to(many).as_posix() + "/"
    assert [e.id for e in parsed.entries] == [prefix + key + "/" for key in keys]
    for entry, key in zip(parsed.entries, keys, strict=True):
        year, week = key.split("-W")
        assert entry.title == f"Week {int(week)}, {year}"
        assert entry.link == prefix + key + "/"
        end = period_end(key, UTC)
        assert instant(entry.published_parsed) == end
        if name == "atom.xml":
            assert instant(entry.updated_parsed) == end
        else:  # the permalink is the GUID
            assert f'<guid isPermaLink="true">{prefix}{key}/</guid>' in raw
        assert listed_in_content(entry) == listed(folder / key / "index.html")
    if name == "atom.xml":  # the feed is as new as its newest edition, never the clock
        assert instant(parsed.feed.updated_parsed) == period_end(keys[0], UTC)


def listed_in_content(entry: Any) -> list[str]:
    html = entry.content[0].value if "content" in entry else entry.description
    return [m.group(1) for href in re.findall(r'href="([^"]+)"', html)
            if (m := ARTICLE_HREF.search(href))]


TITLES = [
    pytest.param("  title: \"{key}: {start} to {end} (week {week} of {year})\"\n", {
        "2025-W01": "2025-W01: December 30, 2024 to January 5, 2025 (week 1 of 2025)",
        "2026-W01": "2026-W01: December 29, 2025 to January 4, 2026 (week 1 of 2026)"},
        id="weekly"),
    pytest.param("  week_starts: sunday\n  title: \"Week of {start} ({key})\"\n", {
        "week-2025-12-28": "Week of December 28, 2025 (week-2025-12-28)"}, id="weekly-sunday"),
    pytest.param("  period: monthly\n  title: \"Digest {month} ({key}, {year})\"\n", {
        "2024-12": "Digest December 2024 (2024-12, 2024)",
        "2026-01": "Digest January 2026 (2026-01, 2026)"}, id="monthly"),
    pytest.param("  period: daily\n  title: \"{date} | {key}\"\n", {
        "2025-12-31": "December 31, 2025 | 2025-12-31"}, id="daily"),
    pytest.param("  period: monthly\n", {"2025-12": "December 2025"}, id="monthly-default"),
    pytest.param("  period: daily\n", {"2026-01-01": "Digest of January 1, 2026"},
                 id="daily-default"),
]


@pytest.mark.parametrize(("digests", "expected"), TITLES)
def test_edition_titles_follow_the_pattern(tmp_path: Path, digests: str,
                                           expected: dict[str, str]) -> None:
    site = copy("digests-calendar", tmp_path)
    set_config(site, "timezone: Europe/Berlin\n", digests)
    out = built(site, "--now", AFTER_ALL)
    for name in ("atom.xml", "feed.xml"):
        entries = read_feed(out / "digests" / name).entries
        titles = {e.id.rstrip("/").rsplit("/", 1)[1]: e.title for e in entries}
        assert len(titles) == len(editions(out))
        assert {k: titles[k] for k in expected} == expected
    index = parse(out / "digests" / "index.html")
    for key, title in expected.items():
        page = parse(out / "digests" / key / "index.html")
        assert page.xpath("//h1/text()") == [title]
        assert index.xpath(f'//ol[@class="editions"]//a[@href="/digests/{key}/"]/text()') == [
            title]


KOREAN_TITLES = [
    pytest.param("", "2025-W52", "2025년 52주차", id="weekly"),
    pytest.param("  period: monthly\n", "2025-12", "2025년 12월", id="monthly"),
    pytest.param("  period: daily\n", "2025-12-31", "2025년 12월 31일 다이제스트", id="daily"),
]


@pytest.mark.parametrize(("digests", "key", "title"), KOREAN_TITLES)
def test_a_korean_site_gets_korean_digest_words(tmp_path: Path, digests: str, key: str,
                                                title: str) -> None:
    site = copy("digests-calendar", tmp_path)
    set_config(site, "language: ko\ntimezone: Europe/Berlin\n", digests)
    out = built(site, "--now", AFTER_ALL)
    page = parse(out / "digests" / key / "index.html")
    assert page.xpath("//h1/text()") == [title]
    index = parse(out / "digests" / "index.html")
    assert index.xpath("//h1/text()") == ["다이제스트"]
    assert index.xpath(f'//a[@href="/digests/{key}/"]/text()') == [title]
    # The feeds: their items, their own titles, and the links that announce them.
    rss = read_feed(out / "digests" / "feed.xml")
    assert (rss.feed.title, rss.feed.description) == ("Fixture · 다이제스트",
                                                      "Fixture 다이제스트 호 모음")
    assert title in [e.title for e in rss.entries]
    announced = parse(out / "index.html").xpath(
        f'//head/link[@href="{BASE}digests/atom.xml"]/@title')
    assert announced == ["Fixture 다이제스트 (Atom)"]
    texts = " ".join(parse(out / "digests" / k / "index.html").text_content()
                     for k in editions(out))
    assert "Week" not in texts and "Digest" not in texts


def test_a_theme_layer_words_the_digests_and_its_broken_pattern_is_named(
        tmp_path: Path) -> None:
    site = copy("digests-calendar", tmp_path)
    set_config(site, "timezone: Europe/Berlin\n")
    words = site / "theme_overrides" / "i18n" / "en.yaml"
    words.parent.mkdir(parents=True)
    words.write_text('digest_title_weekly: "Briefing week {week} ({key})"\n', encoding="utf-8")
    out = built(site, "--now", AFTER_ALL)
    page = parse(out / "digests" / "2025-W52" / "index.html")
    assert page.xpath("//h1/text()") == ["Briefing week 52 (2025-W52)"]
    assert parse(out / "digests" / "index.html").xpath("//h1/text()") == ["Digests"]

    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    words.write_text('digest_title_weekly: "Week {weak}"\ndigest_feed_link: "{name[0}"\n',
                     encoding="utf-8")
    result = build(site, "--future", "--now", AFTER_ALL)
    assert result.exit_code == 1, result.output
    errors = [x for x in result.output.splitlines() if x.startswith("error: ")]
    assert len(errors) == 2, result.output
    assert all(e.startswith("error: theme_overrides/i18n/en.yaml: ") for e in errors), errors
    assert any("'digest_title_weekly' has an unknown or broken placeholder ('weak')" in e
               for e in errors), errors
    assert any("'digest_feed_link' has an unknown or broken placeholder" in e
               for e in errors), errors
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


# --- 8. email copies ---------------------------------------------------------------------


def test_email_copies(many_site: Path, many: Path) -> None:
    articles = front_matter(many_site)
    found = editions(many)
    for key, slugs in found.items():
        folder = many / "digests" / key
        html = (folder / "email.html").read_text(encoding="utf-8")
        assert "<style" not in html and "<script" not in html, key
        assert not re.search(r"<link[^>]*stylesheet", html), key
        tree = parse(folder / "email.html")
        links = tree.xpath("//@href | //@src")
        assert links and all(link.startswith(("http://", "https://")) for link in links), key
        assert len(tree.xpath("//*[@style]")) >= 5, key
        assert listed(folder / "email.html") == slugs
        text = (folder / "email.txt").read_text(encoding="utf-8")
        assert not re.search(r"<[A-Za-z/!][^>]*>", text), key
        assert "&amp;" not in text and "&#" not in text, key
        for slug in slugs:
            assert f"* {articles[slug]['title']}\n" in text, (key, slug)
            assert f"{BASE}articles/{slug}/\n" in text, (key, slug)
        assert f"Read online: {BASE}digests/{key}/" in text
    assert "* R&D budget for n07\n" in (many / "digests" / "2025-W43" / "email.txt").read_text(
        encoding="utf-8")
    for scope in SCOPES[1:]:  # briefings have edition pages, the site-wide edition is mailed
        assert not list(digests_folder(many, scope).glob("*/email.*"))


# --- 9. pages link up --------------------------------------------------------------------


@pytest.mark.parametrize("scope", SCOPES)
def test_editions_link_to_their_neighbours(many: Path, scope: str) -> None:
    folder = digests_folder(many, scope)
    base = "/" + folder.relative_to(many).as_posix() + "/"
    keys = sorted(editions(many, scope))
    assert len(keys) > 2
    for i, key in enumerate(keys):
        page = parse(folder / key / "index.html")
        previous = [base + keys[i - 1] + "/"] if i > 0 else []
        following = [base + keys[i + 1] + "/"] if i + 1 < len(keys) else []
        assert page.xpath('//a[@rel="prev"]/@href') == previous, key
        assert page.xpath('//a[@rel="next"]/@href') == following, key
    index = parse(folder / "index.html")
    assert index.xpath('//ol[@class="editions"]/li/a/@href') == [
        base + key + "/" for key in reversed(keys)]
    assert index.xpath('//a[@rel="prev" or @rel="next"]') == []


@pytest.mark.parametrize("briefing", SCOPES[1:])
def test_briefing_page_shows_news_since_its_last_edition(many_site: Path, many: Path,
                                                         many_midweek: Path,
                                                         briefing: str) -> None:
    articles = front_matter(many_site)
    members = [s for s, a in sorted(articles.items(), key=lambda i: i[1]["date"], reverse=True)
               if briefing in a["briefings"]]
    keys = sorted(editions(many_midweek, briefing))
    assert "2025-W52" not in keys
    since = period_end(keys[-1], UTC)
    new = [s for s in members if articles[s]["date"] > since]
    assert new  # every briefing has articles in 2025-W52
    page = parse(many_midweek / "briefings" / briefing / "index.html")
    section = page.xpath('//section[@class="new-since"]')
    assert len(section) == 1
    assert section[0].xpath("./h2/text()") == ["New since the last edition"]
    assert section[0].xpath('./p[@class="meta"]/a/@href') == [
        f"/briefings/{briefing}/digests/{keys[-1]}/"]
    assert section[0].xpath("./ul/li/a/@href") == [f"/articles/{s}/" for s in new]
    assert page.xpath('//section[@aria-labelledby="editions-heading"]/ul/li/a/@href') == [
        f"/briefings/{briefing}/digests/{k}/" for k in reversed(keys)][:8]
    assert f"/briefings/{briefing}/digests/" in page.xpath("//a/@href")
    # Once the week is over it is in an edition, and nothing is new.
    done = parse(many / "briefings" / briefing / "index.html")
    assert done.xpath('//section[@class="new-since"]') == []
    assert done.xpath('//section[@aria-labelledby="editions-heading"]/ul/li/a/@href')[0] == (
        f"/briefings/{briefing}/digests/2025-W52/")


def test_article_pages_link_to_their_edition(many: Path, many_midweek: Path) -> None:
    for out, last in ((many, "2025-W52"), (many_midweek, "2025-W51")):
        for slug, keys in homes(editions(out)).items():
            assert edition_link(out / "articles" / slug / "index.html") == [
                f"/digests/{keys[0]}/"], slug
        assert max(key for keys in homes(editions(out)).values() for key in keys) == last
    for slug in ("n28", "n29", "n30"):  # in the week still running
        assert edition_link(many_midweek / "articles" / slug / "index.html") == []


def test_pages_announce_the_digest_feeds(many: Path) -> None:
    site_feeds = {f"{BASE}digests/feed.xml", f"{BASE}digests/atom.xml"}
    for rel in ("index.html", "articles/index.html", "articles/n01/index.html",
                "briefings/alpha/index.html", "tags/index.html", "digests/index.html",
                "digests/2025-W45/index.html", "briefings/beta/digests/index.html"):
        assert site_feeds <= alternates(many / rel), rel
    for scope in SCOPES[1:]:
        own = {f"{BASE}briefings/{scope}/digests/feed.xml",
               f"{BASE}briefings/{scope}/digests/atom.xml"}
        for key in editions(many, scope):
            assert own | site_feeds <= alternates(
                digests_folder(many, scope) / key / "index.html"), (scope, key)
        assert own <= alternates(digests_folder(many, scope) / "index.html")
    head = parse(many / "index.html").xpath(
        f'//head/link[@href="{BASE}digests/feed.xml"]/@type')
    assert head == ["application/rss+xml"]


# --- 10. disabled digests, configuration errors ------------------------------------------


def test_disabled_digests_leave_no_trace(tmp_path: Path) -> None:
    site = copy("digests-many", tmp_path)
    set_config(site, "timezone: UTC\n", "  enabled: false\n  period: daily\n")
    out = built(site, "--now", AFTER_ALL)
    assert not (out / "digests").exists()
    assert not list(out.glob("briefings/*/digests"))
    for page in out.rglob("*.html"):
        assert "digests/" not in page.read_text(encoding="utf-8"), page
    assert not [p for p in out.rglob("*") if "digest" in p.name]


CONFIG_ERRORS = [
    pytest.param("digests: {period: fortnightly}\n", 4,
                 "'digests.period': expected one of daily, weekly, monthly", id="flow-period"),
    pytest.param("digests:\n  enabled: true\n  period: fortnightly\n", 6,
                 "'digests.period': expected one of daily, weekly, monthly", id="period"),
    pytest.param("digests:\n  enabled: true\n  week_starts: someday\n", 6,
                 "'digests.week_starts': expected a day name such as monday or sunday",
                 id="week-starts"),
    pytest.param("digests:\n  enabled: true\n  title: \"{nope}\"\n", 6,
                 "'digests.title': the title pattern has an unknown or broken placeholder",
                 id="title"),
    pytest.param("digests:\n  timezone: Mars/Olympus\n", 5,
                 "'digests.timezone': unknown timezone 'Mars/Olympus'", id="timezone"),
    pytest.param("digests:\n  title: \"Week {week\"\n", 5,
                 "'digests.title': the title pattern has an unknown or broken placeholder",
                 id="title-unclosed"),
    pytest.param("digests:\n  title: \"{year.nope}\"\n", 5,
                 "'digests.title': the title pattern has an unknown or broken placeholder",
                 id="title-attribute"),
]


@pytest.mark.parametrize(("digests", "line", "message"), CONFIG_ERRORS)
def test_digest_config_errors(tmp_path: Path, digests: str, line: int, message: str) -> None:
    site = copy("digests-zones", tmp_path)
    (site / "site.yaml").write_text(
        f'title: "Zones Desk"\nbase_url: "{BASE}"\ntimezone: UTC\n{digests}', encoding="utf-8")
    result = build(site)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    errors = [x for x in result.output.splitlines() if x.startswith("error: ")]
    assert len(errors) == 1, result.output
    assert errors[0].startswith(f"error: site.yaml:{line}: {message}"), result.output
    assert "nothing was written" in result.output
    assert not (site / "public").exists()


# --- 11. the digest pages are valid HTML -------------------------------------------------


def test_digest_pages_are_valid_html(many: Path, tmp_path: Path) -> None:
    pages = tmp_path / "digest-pages"
    for scope in SCOPES:
        source = digests_folder(many, scope)
        shutil.copytree(source, pages / source.relative_to(many))
    checked = list(pages.rglob("*.html"))
    assert len([p for p in checked if p.name == "email.html"]) == len(editions(many))
    assert len(checked) > 40
    assert validate_html(pages) == []


# --- edges of a period -------------------------------------------------------------------

SUBSECOND = [
    pytest.param("content/articles/late.md", """
        ---
        title: Late by half a second
        date: 2025-12-28T23:59:59.500Z
        briefings: [zones]
        ---
        Published in the very last second of 2025-W52.
        """, id="article"),
    pytest.param("content/briefings/zones.md", """
        ---
        title: Zones topic
        updated: 2025-12-28T23:59:59.500Z
        ---
        The overview, revised in the very last second of 2025-W52.
        """, id="overview"),
]


@pytest.mark.parametrize(("path", "text"), SUBSECOND)
def test_a_fraction_of_the_last_second_belongs_to_the_period(tmp_path: Path, path: str,
                                                             text: str) -> None:
    site = copy("digests-zones", tmp_path)
    write_files(site, {path: text})
    out = built(site, "--now", "2025-12-31T00:00:00+00:00")
    assert list(editions(out)) == ["2025-W52"]
    page = parse(out / "briefings" / "zones" / "index.html")
    new = page.xpath('//section[@class="new-since"]/ul/li/a/@href')
    assert new == ["/articles/dawn/"]  # the only article after 2025-W52
    w52 = (out / "digests" / "2025-W52" / "index.html").read_text(encoding="utf-8")
    if "briefings" in path:
        assert "Briefing overviews revised" in w52
