"""Random edit sequences: a cached incremental build always equals a fresh build.

Each seed makes a small bilingual site (Korean and English titles, file names, slugs and
tags; a `base_url` with a path prefix; weekly digests; `paginate: 3`, so that pages shift),
then applies a sequence of random steps of one to three edits each:

- article bodies below the first paragraph, the first paragraph, every front-matter key
  (title, tags, briefings, summary, date, updated, source, draft, publish_date, expires,
  slug, extra, id, image, author), CRLF and BOM encodings, the same file name decomposed
  (NFD, as macOS writes it), new, renamed, moved and deleted articles;
- briefings: title, weight, summary, updated, body; new, renamed and deleted ones;
- template overrides in `templates/`, `theme_overrides/templates/` and a child theme
  (`themes/mine`, `extends: default`), as edited copies or as `{% extends "theme:…" %}`;
  static overrides (CSS and a plain file); i18n overrides;
- `site.yaml`: title, paginate, feeds.items and full_content, digests (period, week start,
  timezone, title, on/off), language, timezone, slugify, base_url, raw_html, author, theme;
- `--now` moves within and across digest periods, onto and past publish dates and expiry
  dates, and backwards; `--drafts`, `--future` and `--include-current` switched on and off;
- a file of the output deleted, appended to or truncated by hand, a content file saved
  again unchanged, a build into `public/` with `--no-cache`, and steps with no edit;
- breakage for one step (a bad date, an unknown key or briefing, a javascript: URL, no
  title, a slug collision, a duplicate key in `site.yaml`, `paginate: 0`, a template syntax
  error): both builds must then fail alike and leave the output as it was.

After every step the cached build runs into the site's own `public/` (keeping its cache),
then a `--no-cache` build runs into a fresh folder; both must give the same exit code (and
neither may crash), the same files (dotfiles included, every byte) and the same folders,
and no staging folder or journal may be left beside the output. The manifest
(`.briefings-manifest.json`) is bookkeeping: it is left out of the comparison, and whether
it differed is only reported in the failure message and the per-seed summary.

Modes (all steps are derived from the seed, so a failure replays exactly):

    # CI: seeds 1-3, 12 steps each, 10 articles, search off; plus the search seed and
    # a check of the harness (about 20 s on 2 cores)
    .venv/bin/python -m pytest tests/test_random_edits.py

    # bug hunt: more seeds and longer sequences (about 8 s per 25-step seed)
    BRIEFINGS_RANDOM_SEEDS=10 BRIEFINGS_RANDOM_STEPS=25 \\
        .venv/bin/python -m pytest tests/test_random_edits.py -s

    BRIEFINGS_RANDOM_SEEDS   N (seeds 1..N), A-B (seeds A..B; one seed: 7-7) or A,B,C
    BRIEFINGS_RANDOM_STEPS   steps per seed (default 12)
    BRIEFINGS_RANDOM_ARTICLES  articles in the initial site (default 10; from about 130
                             on, parsing and rendering use worker processes)
    BRIEFINGS_RANDOM_JOBS    -j of the incremental builds (default 1; fresh builds use 1)
    BRIEFINGS_RANDOM_KEEP_GOING=1  after a mismatch, record it, rebuild the output and
                             cache from scratch and go on; all mismatches are reported at
                             the end (finds more than one bug per seed)

`test_random_edits_with_search` is the one seed with `search: true` (8 articles, at most 10
steps): it runs the Pagefind binary (from the `pagefind` package) whenever an article page
changes, body-only edits included, so it is slower.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import random
import re
import shutil
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from generator.slugs import slugify
from tests.conftest import REPO, build

MANIFEST = ".briefings-manifest.json"
THEME = REPO / "themes" / "default"
BASE_URL = "https://example.org/news/"
START = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)  # the first build's --now

KO_WORDS = ["서울", "모스크바", "평양", "회담", "제재", "협력", "에너지", "무역", "외교부", "발표",
            "정상", "합의", "대표단", "가스관", "항로"]
EN_WORDS = ["Seoul", "Moscow", "summit", "sanctions", "talks", "energy", "trade", "ministry",
            "statement", "visit", "pipeline", "envoy", "shipping", "Arctic", "tariffs"]
STEMS = ["서울-회담", "moscow-visit", "평양-발표", "trade-talks", "제재-동향", "energy-deal",
         "외교부-브리핑", "summit-notes", "북극-항로", "pipeline"]
# Few tags, so that articles share them; spellings that share a page ("Economy", "economy",
# "ECONOMY"; "외교" and its decomposed form, as macOS writes it), and tags that slugify
# alike ("C++", "C#").
TAGS = ["외교", unicodedata.normalize("NFD", "외교"), "안보", "Economy", "economy", "ECONOMY",
        "Trade", "trade", "C++", "C#", "북한"]
SOURCES = ["연합뉴스", "Korea Herald", "TASS", "Reuters", "한겨레"]
AUTHORS = ["김민지", "Jane Roe", "이준호"]
BRIEFINGS = [("korea-russia", "한러 관계"), ("북한", "North Korea watch"),
             ("trade", "무역과 제재"), ("energy", "Energy security"), ("외교-일정", "외교 일정"),
             ("arctic", "북극 항로")]
TIMEZONES = ["Asia/Seoul", "Europe/Berlin", "UTC"]
DATE_KEYS = ("date", "updated", "publish_date", "expires")
# Where a marker goes in a copied template: the first anchor found, (text, insert before
# it?); with none found, the marker is appended (outside any block: it changes the
# template's bytes, not always its output).
MAIN = ("{% block main %}\n", False)
ANCHORS = {
    "base.html": [("</footer>", True), ("</body>", True)],
    "article.html": [MAIN], "index.html": [MAIN], "tag.html": [MAIN],
    "briefing.html": [MAIN], "digest.html": [MAIN],
    "macros.html": [('<article class="entry">\n', False), ("{% endmacro %}", True)],
    "entry.html": [('<article class="entry">\n', False)],
    "briefing_links.html": [("{% endfor %}", True)],
    "digest_body.html": [('<div class="edition">\n', False)],
    "email.html": [("</body>", True)],
    "email.txt": [],
}
EXTENDABLE = ["article.html", "index.html", "tag.html", "briefing.html", "digest.html"]
I18N_KEYS = ["built_with", "latest_developments", "home", "digests", "digest_title_weekly"]


class Raw(str):
    """A front-matter value written as is (dates, and the deliberately broken values)."""


# ----------------------------------------------------------------------------- the model


@dataclass
class State:
    """Everything the site's files are made from; `render` turns it into bytes."""

    config: dict[str, Any]
    briefings: dict[str, dict[str, Any]]  # slug -> {"fm": {...}, "body": [paragraphs]}
    articles: dict[str, dict[str, Any]]  # path under content/articles/ -> {"fm", "first", "rest"}
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)  # rel path -> style, marks
    statics: dict[str, str] = field(default_factory=dict)  # name under static/ -> appended text
    i18n: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> key -> text
    now: datetime = START
    broken: tuple[Any, ...] | None = None  # a break op, applied for one step only
    touched: list[str] = field(default_factory=list)  # files rewritten with the same bytes
    flags: list[str] = field(default_factory=list)  # --drafts, --future, --include-current
    tamper: list[tuple[str, str]] = field(default_factory=list)  # (how, output file), one step
    uncached: bool = False  # this step's build into public/ runs with --no-cache
    outputs: list[str] = field(default_factory=list)  # the output's files after the last build
    counter: int = 0

    def fresh_number(self) -> int:
        self.counter += 1
        return self.counter


def zone(state: State) -> ZoneInfo:
    return ZoneInfo(state.config["timezone"])


def iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_moment(text: str, tz: ZoneInfo) -> datetime | None:
    """Read a date as Briefings should: no offset means the site timezone."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), tz)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def write_date(rng: random.Random, moment: datetime, tz: ZoneInfo) -> Raw:
    """Write a moment in one of the accepted spellings."""
    local = moment.astimezone(tz)
    style = rng.choice(["date", "local", "seoul", "z"])
    if style == "date":
        return Raw(local.date().isoformat())
    if style == "local":
        return Raw(local.strftime("%Y-%m-%d %H:%M"))
    if style == "seoul":
        return Raw(moment.astimezone(ZoneInfo("Asia/Seoul")).isoformat())
    return Raw(iso_z(moment))


def random_moment(rng: random.Random, low: datetime, high: datetime) -> datetime:
    minutes = int((high - low).total_seconds() // 60)
    return low + timedelta(minutes=rng.randint(0, minutes))


def words(rng: random.Random, low: int = 3, high: int = 7) -> str:
    return " ".join(rng.choice(KO_WORDS + EN_WORDS) for _ in range(rng.randint(low, high)))


def title(rng: random.Random) -> str:
    text = words(rng, 2, 5)
    if rng.random() < 0.1:
        text += " & <quotas>"  # escaped alike everywhere
    return text[0].upper() + text[1:]


def paragraph(rng: random.Random, state: State) -> str:
    """A Markdown block for below the first paragraph."""
    number = state.fresh_number()
    kind = rng.choice(["plain", "plain", "link", "heading", "list", "footnote", "code",
                       "quote", "html"])
    sentence = words(rng, 4, 12) + "."
    if kind == "link" and state.articles:
        target = slug_of(state, rng.choice(sorted(state.articles)))
        return f"{sentence} [관련 기사 {number}](../{target}/) and [an anchor](#top)."
    if kind == "heading":
        return f"## {words(rng, 1, 3)} {number}\n\n{sentence}"
    if kind == "list":
        return "\n".join(f"- {words(rng, 1, 4)}" for _ in range(rng.randint(1, 3)))
    if kind == "footnote":
        return f"{sentence}[^n{number}]\n\n[^n{number}]: {words(rng, 2, 5)}."
    if kind == "code":
        return f"```python\nprint({number}, '{rng.choice(KO_WORDS)}')\n```"
    if kind == "quote":
        return f"> {sentence}"
    if kind == "html":
        return f"<aside>{sentence} <b>{number}</b><script>alert(1)</script></aside>"
    return f"{sentence} ({number})"


def first_paragraph(rng: random.Random, state: State) -> str:
    text = f"{words(rng, 5, 14)} ({state.fresh_number()})."
    if rng.random() < 0.2 and state.articles:
        text += f" See [this](../{slug_of(state, rng.choice(sorted(state.articles)))}/)."
    return text


def slug_of(state: State, path: str) -> str:
    article = state.articles[path]
    return str(article["fm"].get("slug") or path.rsplit("/", 1)[-1].removesuffix(".md"))


def new_article_path(rng: random.Random, state: State) -> str:
    folder = rng.choice(["", "", "2025/", "서울/"])
    return f"{folder}{rng.choice(STEMS)}-{state.fresh_number()}.md"


def new_article(rng: random.Random, state: State) -> dict[str, Any]:
    tz = zone(state)
    moment = random_moment(rng, datetime(2025, 11, 20, tzinfo=UTC),
                           datetime(2026, 1, 28, tzinfo=UTC))
    fm: dict[str, Any] = {"title": title(rng), "date": write_date(rng, moment, tz)}
    if state.briefings:
        fm["briefings"] = rng.sample(sorted(state.briefings),
                                     rng.randint(0, min(2, len(state.briefings))))
    fm["tags"] = rng.sample(TAGS, rng.randint(0, 3))
    if rng.random() < 0.6:
        fm["source"] = rng.choice(SOURCES)
        fm["source_url"] = f"https://news.example.com/{state.fresh_number()}"
    if rng.random() < 0.4:
        fm["author"] = rng.choice(AUTHORS)
    if rng.random() < 0.2:
        fm["publish_date"] = write_date(rng, state.now + timedelta(hours=rng.randint(2, 200)),
                                        tz)
    if rng.random() < 0.2:
        fm["expires"] = write_date(rng, state.now + timedelta(hours=rng.randint(2, 300)), tz)
    if rng.random() < 0.1:
        fm["draft"] = True
    article = {"fm": fm, "first": first_paragraph(rng, state), "rest": []}
    article["rest"] = [paragraph(rng, state) for _ in range(rng.randint(0, 3))]
    return article


def new_briefing(rng: random.Random, state: State, name: str) -> dict[str, Any]:
    fm: dict[str, Any] = {"title": name, "weight": rng.randint(-2, 5)}
    if rng.random() < 0.5:
        fm["summary"] = words(rng, 4, 9) + "."
    return {"fm": fm, "body": [f"{words(rng, 5, 10)} ({state.fresh_number()})."]}


def initial_state(seed: int, articles: int, search: bool) -> State:
    rng = random.Random(f"site-{seed}")
    config = {"title": "브리핑 Briefings", "language": rng.choice(["en", "ko"]),
              "timezone": rng.choice(TIMEZONES), "paginate": 3, "search": search,
              "slugify": "unicode", "feeds_items": rng.randint(3, 6), "full_content": True,
              "period": "weekly", "week_starts": "monday", "description": "",
              "base_url": BASE_URL, "child_theme": False, "raw_html": "sanitize", "author": "",
              "digests": True, "digest_title": "", "digest_timezone": ""}
    state = State(config, {}, {})
    for slug, name in BRIEFINGS[:3]:
        state.briefings[slug] = new_briefing(rng, state, name)
    for _ in range(articles):
        state.articles[new_article_path(rng, state)] = new_article(rng, state)
    return state


# ----------------------------------------------------------------------------- rendering


def front_matter(fm: dict[str, Any]) -> str:
    lines = ["---"]
    for key, value in fm.items():
        shown = value if isinstance(value, Raw) else json.dumps(value, ensure_ascii=False)
        lines.append(f"{key}: {shown}")
    return "\n".join(lines) + "\n---\n"


def theme_template(name: str) -> str:
    return (THEME / "templates" / name).read_text(encoding="utf-8")


def render_template(name: str, spec: dict[str, Any]) -> str:
    marks = "".join(spec["marks"])
    if spec["style"] == "extend":
        return (f'{{% extends "theme:{name}" %}}\n'
                f"{{% block main %}}{{{{ super() }}}}{marks}{{% endblock %}}\n")
    text = theme_template(name)
    for anchor, before in ANCHORS[name]:
        if anchor in text:
            return text.replace(anchor, marks + anchor if before else anchor + marks, 1)
    return text + marks


def render(state: State) -> dict[str, bytes]:
    """Return every file the state makes: path relative to the site -> bytes."""
    cfg = state.config
    broken = state.broken or ("",)
    articles = copy.deepcopy(state.articles)
    files: dict[str, str] = {}
    if broken[0] == "bad_date" and broken[1] in articles:
        articles[broken[1]]["fm"]["date"] = Raw("yesterday")
    elif broken[0] == "unknown_key" and broken[1] in articles:
        articles[broken[1]]["fm"]["tilte"] = "typo"
    elif broken[0] == "unknown_briefing" and broken[1] in articles:
        articles[broken[1]]["fm"]["briefings"] = ["alpah"]
    elif broken[0] == "bad_url" and broken[1] in articles:
        articles[broken[1]]["fm"]["source_url"] = "javascript:alert(1)"
    elif broken[0] == "no_title" and broken[1] in articles:
        articles[broken[1]]["fm"].pop("title", None)
    elif broken[0] == "slug" and broken[1] in articles:
        articles[broken[1]]["fm"]["slug"] = broken[2]
    if cfg["slugify"] == "ascii":  # a briefing's slug is then its file name transliterated
        for article in articles.values():
            if "briefings" in article["fm"]:
                article["fm"]["briefings"] = [slugify(ref, "ascii")
                                              for ref in article["fm"]["briefings"]]
    lines = [f"title: {json.dumps(cfg['title'], ensure_ascii=False)}",
             f"base_url: {cfg['base_url']}",
             f"language: {cfg['language']}",
             f"timezone: {cfg['timezone']}",
             f"paginate: {0 if broken[0] == 'paginate' else cfg['paginate']}",
             f"search: {str(cfg['search']).lower()}",
             f"slugify: {cfg['slugify']}",
             f"theme: {'mine' if cfg['child_theme'] else 'default'}",
             "markdown:", f"  raw_html: {cfg['raw_html']}"]
    if cfg["author"]:
        lines.append(f"author: {json.dumps(cfg['author'], ensure_ascii=False)}")
    if cfg["description"]:
        lines.append(f"description: {json.dumps(cfg['description'], ensure_ascii=False)}")
    lines += ["feeds:", f"  items: {cfg['feeds_items']}",
              f"  full_content: {str(cfg['full_content']).lower()}",
              "digests:", f"  enabled: {str(cfg['digests']).lower()}",
              f"  period: {cfg['period']}", f"  week_starts: {cfg['week_starts']}"]
    if cfg["digest_title"]:
        lines.append(f"  title: {json.dumps(cfg['digest_title'], ensure_ascii=False)}")
    if cfg["digest_timezone"]:
        lines.append(f"  timezone: {cfg['digest_timezone']}")
    if broken[0] == "site_yaml":
        lines.append("title: written twice")
    files["site.yaml"] = "\n".join(lines) + "\n"
    for slug, briefing in state.briefings.items():
        files[f"content/briefings/{slug}.md"] = (front_matter(briefing["fm"])
                                                 + "\n\n".join(briefing["body"]) + "\n")
    for path, article in articles.items():
        body = "\n\n".join([article["first"], *article["rest"]])
        text = front_matter(article["fm"]) + body + "\n"
        if article.get("crlf"):
            text = text.replace("\n", "\r\n")
        files[f"content/articles/{path}"] = ("\ufeff" if article.get("bom") else "") + text
    if cfg["child_theme"]:
        files["themes/mine/theme.yaml"] = "name: mine\nextends: default\n"
        files["themes/mine/templates/README.txt"] = "A child theme of the default one.\n"
    for path, spec in state.templates.items():
        if cfg["child_theme"] or not path.startswith("themes/"):
            files[path] = render_template(path.rsplit("/", 1)[-1], spec)
    if broken[0] == "template":
        files["templates/article.html"] = '{% extends "base.html" %}{% block main %}{% if %}'
    for name, added in state.statics.items():
        original = THEME / "static" / name
        text = original.read_text(encoding="utf-8") if original.is_file() else ""
        folder = "themes/mine" if cfg["child_theme"] and name == "style.css" else "theme_overrides"
        files[f"{folder}/static/{name}"] = text + added
    for language, strings in state.i18n.items():
        if strings:
            files[f"theme_overrides/i18n/{language}.yaml"] = "".join(
                f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
                for key, value in sorted(strings.items()))
    return {path: text.encode("utf-8") for path, text in files.items()}


MANAGED = ("content", "templates", "theme_overrides", "themes")


def sync(site: Path, state: State) -> None:
    """Make the site folder hold exactly the rendered files; rewrite only what differs."""
    wanted = render(state)
    for top in MANAGED:
        folder = site / top
        if not folder.exists():
            continue
        for path in sorted(folder.rglob("*"), reverse=True):
            rel = path.relative_to(site).as_posix()
            if path.is_file() and rel not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        if not any(folder.iterdir()):
            folder.rmdir()
    for rel, data in wanted.items():
        path = site / rel
        if rel in state.touched or not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                path.unlink()  # a new inode, as editors that save by rename make
            path.write_bytes(data)


# ----------------------------------------------------------------------------- the edits


def period_end(state: State) -> datetime:
    """Return the first instant of the digest period after the one `now` is in."""
    tz = ZoneInfo(state.config["digest_timezone"] or state.config["timezone"])
    today = state.now.astimezone(tz).date()
    period = state.config["period"]
    if period == "daily":
        start = today + timedelta(days=1)
    elif period == "monthly":
        start = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        first = 0 if state.config["week_starts"] == "monday" else 6
        start = today - timedelta(days=(today.weekday() - first) % 7) + timedelta(days=7)
    return datetime.combine(start, time(), tz)


def choose_clock(rng: random.Random, state: State) -> tuple[Any, ...]:
    tz = zone(state)
    how = rng.choice(["hours", "period", "period", "moment", "moment", "back"])
    if how == "period":
        boundary = period_end(state)
        moment = boundary + rng.choice([timedelta(0), timedelta(seconds=-1),
                                        timedelta(minutes=rng.randint(1, 600))])
    elif how == "moment":
        moments = [m for article in state.articles.values() for key in DATE_KEYS
                   if isinstance(article["fm"].get(key), str)
                   for m in [parse_moment(article["fm"][key], tz)] if m is not None]
        later = [m for m in moments if m > state.now] or moments or [state.now]
        moment = rng.choice(sorted(later)[:4]) + rng.choice(
            [timedelta(0), timedelta(seconds=-1), timedelta(minutes=1)])
    elif how == "back":
        moment = state.now - timedelta(days=rng.randint(1, 15), hours=rng.randint(0, 23))
    else:
        moment = state.now + timedelta(hours=rng.randint(1, 36))
    return ("clock", iso_z(moment))


def choose_fm(rng: random.Random, state: State, path: str) -> tuple[Any, ...]:
    tz = zone(state)
    article = state.articles[path]
    key = rng.choice(["title", "title", "tags", "tags", "briefings", "briefings", "summary",
                      "date", "date", "updated", "source", "draft", "publish_date",
                      "publish_date", "expires", "expires", "slug", "extra", "author", "id",
                      "image"])
    remove = key != "title" and key != "date" and key in article["fm"] and rng.random() < 0.3
    value: Any = None
    if remove:
        pass
    elif key == "title":
        value = title(rng)
    elif key == "tags":
        value = rng.sample(TAGS, rng.randint(0, 4))
    elif key == "briefings":
        value = rng.sample(sorted(state.briefings), rng.randint(0, min(3, len(state.briefings))))
    elif key == "summary":
        value = words(rng, 3, 9) + "."
    elif key == "date" and rng.random() < 0.25:
        other = state.articles[rng.choice(sorted(state.articles))]["fm"]
        value = other["date"]  # the same instant: the slug breaks the tie
    elif key == "date":
        value = write_date(rng, random_moment(rng, state.now - timedelta(days=50),
                                              state.now + timedelta(days=5)), tz)
    elif key == "updated":
        value = write_date(rng, random_moment(rng, state.now - timedelta(days=20),
                                              state.now + timedelta(days=2)), tz)
    elif key == "source":
        value = rng.choice(SOURCES)
    elif key == "draft":
        value = not article["fm"].get("draft", False)
    elif key in ("publish_date", "expires"):
        offset = timedelta(hours=rng.randint(-72, 240))
        value = write_date(rng, state.now + offset, tz)
    elif key == "slug":
        value = f"{rng.choice(STEMS)}-s{state.fresh_number()}"
    elif key == "extra":
        value = {"desk": rng.choice(KO_WORDS), "priority": rng.randint(1, 5)}
    elif key == "author":
        value = rng.choice(AUTHORS)
    elif key == "id":
        value = f"urn:briefings:{state.fresh_number()}"
    elif key == "image":
        value = rng.choice(["images/map.png", "https://cdn.example.org/photo.jpg"])
    return ("fm", path, key, value)


def choose_template(rng: random.Random, state: State) -> tuple[Any, ...]:
    existing = sorted(state.templates)
    if existing and rng.random() < 0.2:
        return ("template_remove", rng.choice(existing))
    if existing and rng.random() < 0.4:
        path = rng.choice(existing)
        name, style = path.rsplit("/", 1)[-1], state.templates[path]["style"]
    else:
        name = rng.choice([name for name in sorted(ANCHORS)
                           if (THEME / "templates" / name).is_file()])
        style = "extend" if name in EXTENDABLE and rng.random() < 0.4 else "copy"
        path = rng.choice(["templates/", "theme_overrides/templates/",
                           "themes/mine/templates/"]) + name
    number = state.fresh_number()
    if name.endswith(".txt"):
        mark = f"edit {number}\n"
    elif rng.random() < 0.3:
        mark = f"{{# only the template changes {number} #}}"
    else:
        mark = f"<!-- edit {number} -->"
    return ("template", path, style, mark)


def choose_config(rng: random.Random, state: State) -> tuple[Any, ...]:
    key = rng.choice(["title", "paginate", "paginate", "feeds_items", "period", "period",
                      "week_starts", "slugify", "language", "full_content", "description",
                      "timezone", "base_url", "child_theme", "raw_html", "author", "digests",
                      "digest_title", "digest_timezone"])
    options: dict[str, list[Any]] = {
        "title": [f"브리핑 {state.counter}", f"Briefings {state.counter}"],
        "paginate": [2, 3, 4, 5], "feeds_items": [2, 3, 5, 8],
        "period": ["daily", "weekly", "monthly"], "week_starts": ["monday", "sunday"],
        "slugify": ["unicode", "ascii"], "language": ["en", "ko"],
        "full_content": [True, False], "description": ["", "주간 외교 브리핑", "A test site"],
        "timezone": TIMEZONES,
        "base_url": [BASE_URL, BASE_URL, "https://example.org/", "https://example.org/a/b/"],
        "child_theme": [True, False], "raw_html": ["sanitize", "allow", "escape"],
        "author": ["", "편집국", "Desk"], "digests": [True, True, False],
        "digest_title": ["", "{key} 브리핑", "Week {week:02d} of {year}"],
        "digest_timezone": ["", "UTC", "America/New_York"]}
    return ("config", key, rng.choice(options[key]))


def choose_break(rng: random.Random, state: State) -> tuple[Any, ...]:
    path = rng.choice(sorted(state.articles))
    kind = rng.choice(["bad_date", "unknown_key", "unknown_briefing", "bad_url", "no_title",
                       "slug", "site_yaml", "template", "paginate"])
    if kind == "slug":
        return ("break", kind, path, slug_of(state, rng.choice(sorted(state.articles))))
    return ("break", kind, path)


def choose_op(rng: random.Random, state: State) -> tuple[Any, ...]:
    """Pick one edit with all its randomness decided, so that `apply` replays it exactly."""
    kinds = {"body": 20, "first": 6, "fm": 28, "add_article": 4, "rename_article": 3,
             "delete_article": 3, "briefing": 5, "add_briefing": 2, "delete_briefing": 1,
             "rename_briefing": 1, "template": 5, "static": 3, "i18n": 2, "config": 6,
             "clock": 12, "break": 3, "touch": 2, "nothing": 3, "options": 2, "tamper": 2,
             "encoding": 2, "uncached": 1}
    kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
    paths = sorted(state.articles)
    if kind in ("rename_article", "delete_article") and len(paths) <= 3:
        kind = "add_article"
    if kind in ("delete_briefing", "rename_briefing") and len(state.briefings) <= 1:
        kind = "add_briefing"
    if kind == "add_briefing" and len(state.briefings) >= len(BRIEFINGS):
        kind = "briefing"
    if kind == "break" and state.broken is not None:
        kind = "body"
    path = rng.choice(paths)
    if kind == "body":
        mode = rng.choice(["append", "append", "replace", "drop"])
        return ("body", path, mode, paragraph(rng, state))
    if kind == "first":
        return ("first", path, first_paragraph(rng, state))
    if kind == "fm":
        return choose_fm(rng, state, path)
    if kind == "add_article":
        return ("add_article", new_article_path(rng, state), new_article(rng, state))
    if kind == "rename_article":
        nfd = unicodedata.normalize("NFD", path)
        if nfd != path and nfd not in state.articles and rng.random() < 0.3:
            return ("rename_article", path, nfd)  # the same name, decomposed
        return ("rename_article", path, new_article_path(rng, state))
    if kind == "encoding":
        return ("encoding", path, rng.choice(["crlf", "bom"]))
    if kind == "delete_article":
        return ("delete_article", path)
    if kind == "briefing":
        slug = rng.choice(sorted(state.briefings))
        key = rng.choice(["title", "weight", "summary", "updated", "body", "body"])
        value: Any = {"title": title(rng), "weight": rng.randint(-2, 5),
                      "summary": rng.choice([None, words(rng, 3, 8) + "."]),
                      "updated": rng.choice([None, write_date(rng, state.now, zone(state))]),
                      "body": f"{words(rng, 4, 10)} ({state.fresh_number()})."}[key]
        return ("briefing", slug, key, value)
    if kind == "add_briefing":
        slug, name = rng.choice([b for b in BRIEFINGS if b[0] not in state.briefings])
        return ("add_briefing", slug, new_briefing(rng, state, name), rng.sample(
            paths, min(len(paths), rng.randint(0, 3))))
    if kind == "delete_briefing":
        return ("delete_briefing", rng.choice(sorted(state.briefings)))
    if kind == "rename_briefing":
        free = [slug for slug, _ in BRIEFINGS if slug not in state.briefings]
        new = rng.choice(free) if free else f"topic-{state.fresh_number()}"
        return ("rename_briefing", rng.choice(sorted(state.briefings)), new)
    if kind == "template":
        return choose_template(rng, state)
    if kind == "static":
        name = rng.choice(["style.css", "style.css", "highlight.css", "notes.txt"])
        if name in state.statics and rng.random() < 0.25:
            return ("static", name, None)
        return ("static", name, f"\n/* edit {state.fresh_number()} */\n.x{{color:red}}\n")
    if kind == "i18n":
        key = rng.choice(I18N_KEYS)
        value = ("Week {week} of {year}" if key == "digest_title_weekly"
                 else f"{words(rng, 1, 3)} {state.fresh_number()}")
        return ("i18n", rng.choice(["en", "ko"]), key, rng.choice([value, value, None]))
    if kind == "config":
        return choose_config(rng, state)
    if kind == "clock":
        return choose_clock(rng, state)
    if kind == "break":
        return choose_break(rng, state)
    if kind == "touch":
        return ("touch", "content/articles/" + path)
    if kind == "uncached":
        return ("uncached",)
    if kind == "options":
        return ("options", sorted(rng.sample(["--drafts", "--future", "--include-current"],
                                             rng.choice([0, 0, 1, 1, 2]))))
    if kind == "tamper" and state.outputs:
        return ("tamper", rng.choice(["delete", "append", "truncate"]),
                rng.choice(state.outputs))
    return ("nothing",)


def apply(state: State, op: tuple[Any, ...]) -> None:
    """Apply one edit to the model; an edit whose target is gone does nothing."""
    kind, args = op[0], op[1:]
    articles = state.articles
    if kind == "body" and args[0] in articles:
        rest = articles[args[0]]["rest"]
        if args[1] == "append" or not rest:
            rest.append(args[2])
        elif args[1] == "replace":
            rest[-1] = args[2]
        else:
            rest.pop()
    elif kind == "first" and args[0] in articles:
        articles[args[0]]["first"] = args[1]
    elif kind == "fm" and args[0] in articles:
        fm = articles[args[0]]["fm"]
        if args[2] is None:
            fm.pop(args[1], None)
        else:
            value = args[2]
            if args[1] == "briefings":
                value = [slug for slug in value if slug in state.briefings]
            fm[args[1]] = value
    elif kind == "add_article" and args[0] not in articles:
        article = copy.deepcopy(args[1])
        article["fm"]["briefings"] = [slug for slug in article["fm"].get("briefings", [])
                                      if slug in state.briefings]
        articles[args[0]] = article
    elif kind == "rename_article" and args[0] in articles and args[1] not in articles:
        articles[args[1]] = articles.pop(args[0])
    elif kind == "delete_article" and len(articles) > 1:
        articles.pop(args[0], None)
    elif kind == "briefing" and args[0] in state.briefings:
        briefing = state.briefings[args[0]]
        if args[1] == "body":
            briefing["body"] = [args[2]]
        elif args[2] is None:
            briefing["fm"].pop(args[1], None)
        else:
            briefing["fm"][args[1]] = args[2]
    elif kind == "add_briefing" and args[0] not in state.briefings:
        state.briefings[args[0]] = copy.deepcopy(args[1])
        for path in args[2]:
            if path in articles:
                articles[path]["fm"].setdefault("briefings", []).append(args[0])
    elif kind == "delete_briefing" and args[0] in state.briefings and len(state.briefings) > 1:
        del state.briefings[args[0]]
        for article in articles.values():
            if args[0] in article["fm"].get("briefings", []):
                article["fm"]["briefings"].remove(args[0])
    elif (kind == "rename_briefing" and args[0] in state.briefings
          and args[1] not in state.briefings):
        state.briefings[args[1]] = state.briefings.pop(args[0])
        for article in articles.values():
            refs = article["fm"].get("briefings", [])
            article["fm"]["briefings"] = [args[1] if ref == args[0] else ref for ref in refs]
    elif kind == "template":
        spec = state.templates.setdefault(args[0], {"style": args[1], "marks": []})
        spec["marks"].append(args[2])
    elif kind == "template_remove":
        state.templates.pop(args[0], None)
    elif kind == "static":
        if args[1] is None:
            state.statics.pop(args[0], None)
        else:
            state.statics[args[0]] = state.statics.get(args[0], "") + args[1]
    elif kind == "i18n":
        strings = state.i18n.setdefault(args[0], {})
        if args[2] is None:
            strings.pop(args[1], None)
        else:
            strings[args[1]] = args[2]
    elif kind == "config":
        state.config[args[0]] = args[1]
    elif kind == "clock":
        state.now = datetime.fromisoformat(args[0])
    elif kind == "break":
        state.broken = op[1:]
    elif kind == "touch":
        state.touched.append(args[0])
    elif kind == "encoding" and args[0] in articles:
        articles[args[0]][args[1]] = not articles[args[0]].get(args[1], False)
    elif kind == "uncached":
        state.uncached = True
    elif kind == "options":
        state.flags = list(args[0])
    elif kind == "tamper":
        state.tamper.append((args[0], args[1]))


def choose_step(rng: random.Random, state: State) -> list[tuple[Any, ...]]:
    ops = []
    for _ in range(rng.choices([1, 2, 3], weights=[6, 3, 2])[0]):
        op = choose_op(rng, state)
        apply(state, op)
        ops.append(op)
    return ops


# ----------------------------------------------------------------------------- checking


def snapshot(folder: Path) -> tuple[dict[str, bytes], set[str]]:
    """Every file (dotfiles too) with its bytes, and every folder, under `folder`."""
    files: dict[str, bytes] = {}
    folders: set[str] = set()
    if folder.is_dir():
        for path in folder.rglob("*"):
            rel = path.relative_to(folder).as_posix()
            if path.is_dir():
                folders.add(rel)
            else:
                files[rel] = path.read_bytes()
    return files, folders


def short_diff(name: str, left: bytes, right: bytes, lines: int = 24) -> str:
    try:
        a, b = left.decode("utf-8"), right.decode("utf-8")
    except UnicodeDecodeError:
        return f"    (binary: {len(left)} and {len(right)} bytes)"
    # Minified pages and JSON are one long line: split at tags so that the diff says where.
    a_lines = a.replace("><", ">\n<").splitlines()
    b_lines = b.replace("><", ">\n<").splitlines()
    diff = list(difflib.unified_diff(a_lines, b_lines, f"incremental/{name}", f"fresh/{name}",
                                     n=1, lineterm=""))
    # Decomposed Hangul looks like the composed form: say which one a line holds.
    shown = [line[:200] + ("  [not NFC: " + ascii(line)[:100] + "]"
                           if unicodedata.normalize("NFC", line) != line else "")
             for line in diff[:lines]]
    if len(diff) > lines:
        shown.append(f"... {len(diff) - lines} more diff lines")
    return "\n".join("    " + line for line in shown)


def compare(incremental: Path, fresh: Path) -> tuple[list[str], bool]:
    """Return the differences (manifest left out) and whether the manifests differ."""
    inc_files, inc_dirs = snapshot(incremental)
    new_files, new_dirs = snapshot(fresh)
    manifest_differs = inc_files.pop(MANIFEST, None) != new_files.pop(MANIFEST, None)
    problems = []
    for name in sorted(inc_files.keys() | new_files.keys()):
        if name not in new_files:
            problems.append(f"  only in the incremental output: {name}")
        elif name not in inc_files:
            problems.append(f"  only in the fresh output: {name}")
        elif inc_files[name] != new_files[name]:
            problems.append(f"  differs: {name}\n"
                            + short_diff(name, inc_files[name], new_files[name]))
    for name in sorted(inc_dirs ^ new_dirs):
        where = "incremental" if name in inc_dirs else "fresh"
        problems.append(f"  folder only in the {where} output: {name}/")
    return problems, manifest_differs


def path_taken(output: str) -> str:
    """Name the incremental build's path from its `Decision:` or `Phases:` line (-v)."""
    decision = next((x for x in output.splitlines() if x.startswith("Decision: ")), "")
    if decision:
        return re.sub(r"\d+", "N", decision.removeprefix("Decision: ").split(":")[0])
    line = next((x for x in output.splitlines() if x.startswith("Phases: ")), "")
    names = [part.split()[0] for part in line.removeprefix("Phases: ").split(", ") if part]
    if names == ["read", "unchanged"]:
        return "unchanged"
    if "recall" in names and "bodies" in names and "content" not in names:
        return "recalled model"
    if "unchanged" in names:
        return "clock only"
    if "bodies" in names:
        return "bodies only"
    return "full" if "plan" in names else "?" + ",".join(names)


def crashed(result: Any) -> str | None:
    if result.exception is None or isinstance(result.exception, SystemExit):
        return None
    import traceback

    return "".join(traceback.format_exception(result.exception))[-3000:]


@dataclass
class Run:
    """One seed's sequence: the site, its output, and the steps so far."""

    seed: int
    work: Path
    state: State
    steps: list[list[tuple[Any, ...]]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    paths: Counter[str] = field(default_factory=Counter)
    manifest_diffs: int = 0
    build_errors: int = 0
    test: str = "keep_incremental_equal_to_fresh"  # the test that replays this run (-k)
    articles: int = 10

    @property
    def site(self) -> Path:
        return self.work / "site"

    @property
    def out(self) -> Path:
        return self.site / "public"

    def describe(self) -> str:
        lines = [f"  0: initial site, now {iso_z(START)}"]
        lines += [f"  {number}: {ops!r}" for number, ops in enumerate(self.steps[1:], 1)]
        return "\n".join(lines)

    def check(self, number: int) -> None:
        """Build incrementally and fresh at the state's "now"; record any disagreement."""
        now = iso_z(self.state.now)
        for how, name in self.state.tamper:  # a user or a deploy tool touched the output
            target = self.out / name
            if target.is_file():
                if how == "delete":
                    target.unlink()
                elif how == "append":
                    target.write_bytes(target.read_bytes() + b"<!-- by hand -->")
                else:
                    target.write_bytes(target.read_bytes()[:10])
        before = snapshot(self.out)
        flags = self.state.flags
        uncached = ["--no-cache"] if self.state.uncached else []
        inc = build(self.site, "-j", str(JOBS), "--now", now, "-v", *flags, *uncached)
        fresh = self.work / "fresh"
        if fresh.exists():
            shutil.rmtree(fresh)
        new = build(self.site, "-j", "1", "--no-cache", "--now", now, "--output", str(fresh),
                    *flags)
        self.state.outputs = sorted(name for name in snapshot(self.out)[0] if name != MANIFEST)
        problems: list[str] = []
        for label, result in (("incremental", inc), ("fresh", new)):
            trace = crashed(result)
            if trace:
                problems.append(f"  the {label} build crashed:\n{trace}")
        manifest_differs = False
        if inc.exit_code != new.exit_code:
            problems.append(f"  exit codes differ: incremental {inc.exit_code}, "
                            f"fresh {new.exit_code}")
        elif inc.exit_code != 0:
            self.build_errors += 1
            if snapshot(self.out) != before:
                problems.append("  the failed incremental build changed the output")
            if snapshot(fresh)[0]:
                problems.append("  the failed fresh build wrote files")
        else:
            self.paths[path_taken(inc.output)] += 1
            found, manifest_differs = compare(self.out, fresh)
            problems += found
            self.manifest_diffs += manifest_differs
        for leftover in (".public.staging", ".public.journal.json"):
            if (self.site / leftover).exists():
                problems.append(f"  left behind beside the output: {leftover}")
        if not problems:
            return
        seeds = f"{self.seed}-{self.seed}"
        self.failures.append("\n".join([
            f"seed {self.seed}, step {number}: the incremental build differs from a fresh one",
            f"replay: BRIEFINGS_RANDOM_SEEDS={seeds} BRIEFINGS_RANDOM_STEPS={number} "
            f"BRIEFINGS_RANDOM_ARTICLES={self.articles} BRIEFINGS_RANDOM_JOBS={JOBS} "
            f".venv/bin/python -m pytest tests/test_random_edits.py -k {self.test}",
            "(or replay a shortened list of steps: run_sequence(seed, 0, articles, search, "
            "folder, script=[[op, ...], ...]))",
            "steps (op tuples; see `apply`):", self.describe(),
            f"now: {now}, options: {flags}",
            f"incremental build: exit {inc.exit_code}: {inc.output.strip()[-1500:]}",
            f"fresh build: exit {new.exit_code}: {new.output.strip()[-800:]}",
            f"manifest differs: {manifest_differs}",
            "differences:", *problems]))

    def resync(self) -> None:
        """Start the incremental output and cache over (keep-going mode)."""
        for folder in (self.out, self.site / ".briefings-cache"):
            if folder.exists():
                shutil.rmtree(folder)
        build(self.site, "-j", "1", "--now", iso_z(self.state.now), *self.state.flags)


def run_sequence(seed: int, steps: int, articles: int, search: bool, work: Path,
                 keep_going: bool = False,
                 script: list[list[tuple[Any, ...]]] | None = None,
                 test: str = "keep_incremental_equal_to_fresh") -> Run:
    """Build a seed's site and walk its steps (or replay `script`, a list of steps)."""
    run = Run(seed, work, initial_state(seed, articles, search), test=test, articles=articles)
    run.site.mkdir(parents=True)
    sync(run.site, run.state)
    run.steps.append([])
    run.check(0)
    rng = random.Random(f"steps-{seed}")
    total = len(script) if script is not None else steps
    for number in range(1, total + 1):
        if run.failures and not keep_going:
            break
        failed = len(run.failures)
        if script is not None:
            ops = script[number - 1]
            for op in ops:
                apply(run.state, op)
        else:
            ops = choose_step(rng, run.state)
        run.steps.append(ops)
        sync(run.site, run.state)
        run.check(number)
        run.state.broken = None
        run.state.touched = []
        run.state.tamper = []
        run.state.uncached = False
        if len(run.failures) > failed and keep_going:
            run.resync()
    return run


# ----------------------------------------------------------------------------- the tests


def _seeds() -> list[int]:
    spec = os.environ.get("BRIEFINGS_RANDOM_SEEDS", "3").strip()
    if "," in spec:
        return [int(part) for part in spec.split(",") if part.strip()]
    if "-" in spec:
        low, high = spec.split("-", 1)
        return list(range(int(low), int(high) + 1))
    return list(range(1, int(spec) + 1))


STEPS = int(os.environ.get("BRIEFINGS_RANDOM_STEPS", "12"))
ARTICLES = int(os.environ.get("BRIEFINGS_RANDOM_ARTICLES", "10"))
JOBS = int(os.environ.get("BRIEFINGS_RANDOM_JOBS", "1"))  # of the incremental builds
KEEP_GOING = os.environ.get("BRIEFINGS_RANDOM_KEEP_GOING", "") not in ("", "0")


SEARCH_SEED = 1001


def _report(run: Run) -> None:
    print(f"\nseed {run.seed}: {len(run.steps) - 1} steps, paths {dict(run.paths)}, "
          f"failed builds {run.build_errors}, manifest differed {run.manifest_diffs} times, "
          f"mismatches {len(run.failures)}")


@pytest.mark.parametrize("seed", _seeds())
def test_random_edits_keep_incremental_equal_to_fresh(tmp_path: Path, seed: int) -> None:
    run = run_sequence(seed, STEPS, ARTICLES, False, tmp_path, KEEP_GOING)
    _report(run)
    if run.failures:
        pytest.fail("\n\n".join(run.failures), pytrace=False)


def test_random_edits_with_search(tmp_path: Path) -> None:
    """THE SEARCH SEED: `search: true`, so every step also runs Pagefind (slower)."""
    run = run_sequence(SEARCH_SEED, min(STEPS, 10), 8, True, tmp_path, KEEP_GOING,
                       test="with_search")
    _report(run)
    if run.failures:
        pytest.fail("\n\n".join(run.failures), pytrace=False)


def test_the_model_makes_a_valid_site_and_replays(tmp_path: Path) -> None:
    """The harness's own check: the initial site builds, and a replayed script is exact."""
    first = run_sequence(5, 3, 6, False, tmp_path / "a")
    again = run_sequence(5, 0, 6, False, tmp_path / "b", script=first.steps[1:])
    assert render(first.state) == render(again.state)
    assert (first.out / "index.html").is_file() and first.paths
