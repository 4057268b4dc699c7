"""Random edit sequences: a cached incremental build always equals a fresh build.

Each seed makes a small bilingual site (Korean and English titles, file names, slugs and
tags; a `base_url` with a path prefix; weekly digests; `paginate: 3`, so that pages shift),
then applies a sequence of random steps of one to three edits each:

- article bodies below the first paragraph, the first paragraph, every front-matter key
  (title, tags, briefings, summary, date, updated, source, draft, publish_date, expires,
  slug, extra, id, image, image_alt, image_credit, author), CRLF and BOM encodings, the
  same file name decomposed (NFD, as macOS writes it), new, renamed, moved and deleted
  articles; bodies with raw HTML: an <iframe> from an allowed host or not, a <script>;
- page bundles: an article (or page) turned into `<name>/index.md` with files beside it and
  back (its files then stay in the folder, unused); PNG and JPEG images made with Pillow in
  sizes around `images.widths` (some get no resized copy, some one or two) added, redrawn,
  resized and removed, shown in the body (with a title: a figure) and as front matter
  `image` (a bundle file, a site file under static/images/ or a URL); text files linked;
- pages of their own (`content/pages/<name>.md`): title, menu (header, footer, none),
  weight, summary, slug, draft, body; new and deleted pages; pages as bundles;
- the site's `static/` folder: favicon.svg and favicon.png, robots.txt, CNAME, .nojekyll,
  .well-known/security.txt, ads.txt and images, added, rewritten and removed;
- editors' notes, site-wide and per briefing, for the edition of an article while that
  edition is published, else for the current edition (always allowed);
- briefings: title, weight, summary, updated, body; new, renamed and deleted ones;
- entities (`content/entities/<id>.md`, issue 15): new, edited and deleted ones; names as
  text or by language (en, ko, ru), aliases as a list or by language, type, Wikidata,
  description, member_of (never in a circle), profile; articles that name them in bodies
  (the body-only path), first paragraphs, titles and summaries, in English, in Korean with
  particles (자하로바는) and in declined Russian (Захаровой), and that set about, mentions
  and ignore_mentions; no two entities share a name, so a text is ambiguous only when a
  breakage step makes it so;
- claims: positions (entity, stance, quote, date) added to and removed from articles'
  `claims`, the first article by path holding a claim defining it (text, verdict);
- corrections and updates (issue 16): added to, edited in and removed from articles'
  `corrections` and `updates` (significant or not, or left to the default), dated before
  or after the article, drafts included;
- story timelines (issue 16): events (a year, a month or a day; a title ending in a unique
  " EN"; text; entities they are about; key or not) added to, edited in and removed from
  articles' and briefings' `events`, and articles marked `key: true` or not;
- languages (issue 19): `site.yaml` `languages:` switched on (en at the root and ko under
  ko/, ko at the root, `default_language: ko` with en under en/, or each language under
  its own prefix; ru joins when a text is in Russian), changed and switched off; seeds 4,
  8, 12, ... start in two languages. Articles translated (`x.ko.md` beside `x.md`, with the
  same date, briefings and translation_key), articles in one language only (`x.ko.md`, or
  `lang: ko`), translations deleted and renamed (alone, so losing their partners, or with
  them), `translation_key` set on a pair (one by name already, or two articles in two
  languages) and removed, `lang` set and removed; briefings and pages translated
  (`korea-russia.ko.md`, `about.ko.md`), their translations edited (a page's draft, title
  and menu) and deleted. While languages are off a suffix is part of the slug (`x.ko`) and
  `lang` may be any language (it marks the text). `apply` undoes an edit that would put
  two files at one address or in one translation within a language, or a file in no
  language of the site (see `language_problems`), so that only breakage steps fail;
- template overrides in `templates/`, `theme_overrides/templates/` and a child theme
  (`themes/mine`, `extends: default`), as edited copies or as `{% extends "theme:…" %}`;
  static overrides (CSS and a plain file); i18n overrides;
- `site.yaml`: title, paginate, feeds.items and full_content, digests (period, week start,
  timezone, title, on/off), language, timezone, slugify, base_url, raw_html, author, theme,
  images.widths, markdown.embeds, newsletter.subscribe_url, related, show_untranslated;
- `--now` moves within and across digest periods, onto and past publish dates and expiry
  dates, and backwards; `--drafts`, `--future` and `--include-current` switched on and off;
- a file of the output deleted, appended to or truncated by hand, a content file saved
  again unchanged, a build into `public/` with `--no-cache`, and steps with no edit;
- breakage for one step (a bad date, an unknown key or briefing, a javascript: URL, no
  title, a slug collision, a duplicate key in `site.yaml`, `paginate: 0`, a template syntax
  error, an image or a featured image that is not there, a bundle file named index.html, a
  menu that is neither header nor footer, a note for an edition that does not exist, an
  unused Markdown file, a site file where the build writes its own: a page, a feed, a
  bundle's image or its resized copy; an unknown entity in about, mentions, ignore_mentions
  or member_of, a member_of circle, an alias two entities share in a text that does not
  ignore one; a position by an unknown entity or with an unknown stance, a claim defined
  twice or nowhere; a correction or update with no date, an impossible date (2025-02-30)
  or an empty text, an update `significant: maybe`; a language suffix not in `languages:`
  (`x.fr.md`), a translation_key that translates nothing, a `lang` not in `languages:`, a
  second version of a translation in one language, a second article at another's address
  in its language): both builds must then fail alike and leave the output as it was, and
  the entity, claim, correction and update breakage must fail, as must the language
  breakage while languages are on (an address taken twice: while both are listed or
  expired). A shared alias that the article's ignore_mentions settles must build, and so
  must the language breakage while languages are off.

After every step the cached build runs into the site's own `public/` (keeping its cache),
then a `--no-cache` build runs into a fresh folder; both must give the same exit code (and
neither may crash), the same files (dotfiles included, every byte) and the same folders,
and no staging folder or journal may be left beside the output; a step that breaks
nothing must build. Both must print the same warnings, and under `raw_html: sanitize`
name every Markdown file that holds a <script>. Unless `--drafts` is on, neither output
may show a draft or scheduled article (its first paragraph's unique " (N).", its title's
" TN", a quote of its positions, " QN", a correction's or update's text, " CN" or " UN":
not on entity, claim or corrections pages, not in feeds) or a draft page or page
translation (its address, its first paragraph), nor link one from its translations
(hreflang alternates, the language switcher, the sitemap's xhtml:link), nor publish a
file of a page that is not a published bundle (a draft's photo, by name, resized or
not). Every listed article must link (hreflang) to its listed translations. A step whose
only edits are typo-fix updates (not significant before or after) must leave each such
article's JSON-LD dateModified and its Atom `updated` as they were. The manifest
(`.briefings-manifest.json`) is bookkeeping: it is left out of the comparison, and
whether it differed is only reported in the failure message and the per-seed summary.

Modes (all steps are derived from the seed, so a failure replays exactly):

    # CI: seeds 1-3, 12 steps each, 10 articles, search off; plus the search seed, a
    # check of the harness, a scripted body edit naming an entity, a scripted typo-fix
    # update and correction, and a scripted translation saved with a decomposed name on
    # a site in two languages (about 35 s on 2 cores)
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
    BRIEFINGS_RANDOM_FOCUS   kinds of edit (see `choose_op`) made five times as likely, e.g.
                             bundle,bundle_file,page,site_file,note,clock for the newsroom files,
                             entity,mention,entity_fm,entity_break,claim for entities and claims
                             notice,notice_break for corrections and updates
                             event,event_break for story timelines
                             language,language_break for sites in several languages

`test_random_edits_with_search` is the one seed with `search: true` (8 articles, at most 10
steps): it runs the Pagefind binary (from the `pagefind` package) whenever an article page
changes, body-only edits included, so it is slower.
"""

from __future__ import annotations

import copy
import difflib
import functools
import html
import io
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
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import pytest
from PIL import Image, ImageDraw

from generator.model import ENTITY_TYPES, STANCES
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
    "entry.html": [('<{{ heading }} class="entry-title">', True)],
    "briefing_links.html": [("{% endfor %}", True)],
    "digest_body.html": [('<div class="edition">\n', False)],
    "email.html": [("</body>", True)],
    "email.txt": [],
}
EXTENDABLE = ["article.html", "index.html", "tag.html", "briefing.html", "digest.html"]
I18N_KEYS = ["built_with", "latest_developments", "home", "digests", "digest_title_weekly"]
# Page bundles' files: name stems (a fresh number follows, so a name is never reused and a
# leak is found by name), image sizes around the widths in site.yaml (64 and 128 at first:
# some images get no resized copy, some one, some two; 64 pixels wide gets none).
FILE_STEMS = ["photo", "사진", "chart", "지도"]
IMAGE_SIZES = [(40, 30), (64, 40), (100, 70), (150, 100), (260, 180)]
IMAGE_WIDTHS = [[64, 128], [64, 128], [64], [48, 96, 200]]
# Pages of their own (content/pages/<name>.md); none is a reserved first segment.
PAGE_NAMES = ["about", "contact", "corrections-policy", "구독", "ethics", "광고-문의"]
# The site's own files (static/ → the output root); images/… ones are featured images.
SITE_FILES = ["favicon.svg", "favicon.png", "robots.txt", "CNAME", ".nojekyll",
              ".well-known/security.txt", "ads.txt"]
EMBEDS = [None, None, ["www.youtube-nocookie.com"], ["player.vimeo.com"]]  # None: default
# Entities (content/entities/<id>.md): each id's names by language, aliases by language,
# and forms a text may name it by (declined Russian, Korean with particles). No two share
# a folded form, so a text is ambiguous only where a breakage step makes it so; Moscow's
# names are among the random words, so ordinary text mentions it too.
ENTITY_POOL: dict[str, dict[str, Any]] = {
    "zakharova": {"type": "person", "wikidata": "Q4370914",
                  "names": {"en": "Maria Zakharova", "ko": "마리야 자하로바",
                            "ru": "Мария Захарова"},
                  "aliases": {"en": ["Zakharova"], "ko": ["자하로바"], "ru": ["Захарова"]},
                  "forms": ["Zakharova", "Maria Zakharova", "자하로바는", "자하로바의",
                            "마리야 자하로바가", "Захаровой", "Марии Захаровой", "Захаровою",
                            "Захарову"]},
    "lavrov": {"type": "person", "wikidata": "Q80137",
               "names": {"en": "Sergei Lavrov", "ko": "세르게이 라브로프", "ru": "Сергей Лавров"},
               "aliases": {"en": ["Lavrov"], "ko": ["라브로프"], "ru": ["Лавров"]},
               "forms": ["Lavrov", "라브로프는", "라브로프와의", "Лаврова", "Лавровым",
                         "Сергея Лаврова"]},
    "mid": {"type": "organization", "wikidata": "Q1477843",
            "names": {"en": "Russian Foreign Ministry", "ko": "러시아 외무부",
                      "ru": "МИД России"},
            "aliases": {"en": ["Russia's Foreign Ministry"],
                        "ru": ["Министерство иностранных дел России"]},
            "forms": ["Russian Foreign Ministry", "Russia's Foreign Ministry", "러시아 외무부는",
                      "러시아외무부의", "МИД России", "Министерства иностранных дел России"]},
    "russia": {"type": "country", "wikidata": "Q159",
               "names": {"en": "Russia", "ko": "러시아", "ru": "Россия"},
               "aliases": {"ru": ["Российская Федерация"]},
               "forms": ["Russia", "러시아의", "러시아와", "России", "Россией",
                         "Российской Федерации"]},
    "kcna": {"type": "organization", "wikidata": "Q493296",
             "names": {"en": "Korean Central News Agency", "ko": "조선중앙통신"},
             "aliases": ["KCNA"],
             "forms": ["KCNA", "조선중앙통신은", "조선중앙통신에 따르면",
                       "Korean Central News Agency"]},
    "북한": {"type": "country", "wikidata": "Q423",
           "names": {"en": "North Korea", "ko": "북한", "ru": "КНДР"},
           "aliases": {"en": ["DPRK"], "ko": ["조선민주주의인민공화국"]},
           "forms": ["North Korea", "DPRK", "북한은", "북한이", "КНДР"]},
    "moscow": {"type": "place", "wikidata": "Q649",
               "names": {"en": "Moscow", "ko": "모스크바", "ru": "Москва"},
               "aliases": [],
               "forms": ["Moscow", "모스크바에서", "Москве", "Москвой"]},
    "rosatom": {"type": "organization", "wikidata": "Q1056035",
                "names": {"en": "Rosatom", "ru": "Росатом"}, "aliases": {"ko": ["로사톰"]},
                "forms": ["Rosatom", "Росатома", "Росатомом", "로사톰은"]},
}
# The alias a breakage step gives two entities at once (in no pool, no random word).
SHARED_ALIASES = ["대변인", "Spokesperson", "Пресс-секретарь"]
# Claims that articles record positions on (front matter `claims`).
CLAIMS = ["seoul-moscow-talks", "reports-sow-distrust", "군사-협력", "sanctions-breach"]
# Kinds of edit made five times as likely (BRIEFINGS_RANDOM_FOCUS=bundle,bundle_file,…).
FOCUS = [kind for kind in os.environ.get("BRIEFINGS_RANDOM_FOCUS", "").split(",") if kind]
# Placeholders in the model's Markdown for a bundle's files: [[img:name|alt|title]] and
# [[file:name|text]]; they become references only while the page is a bundle holding the
# file (a plain Markdown file cannot have files), else their text.
TOKEN = re.compile(r"\[\[(img|file):([^|\]]+)\|([^|\]]*)(?:\|([^\]]*))?\]\]")
# Generated files that a site file must not replace (breakage), and binary outputs.
GENERATED = ["index.html", "feed.xml", "atom.xml", "feed.json", "sitemap.xml",
             "static/style.css", "digests/index.html"]
BINARY = (".png", ".jpg", ".gif", ".ico")
# "Breakage" steps that must build all the same (a shared alias that ignore_mentions settles).
HARMLESS = ("entity_shared_ignored",)
# `languages:` (issue 19) as site.yaml may set it: the languages as written, (code, path),
# and default_language; "prefixed" serves no language at the root. Russian joins as "ru".
LANGUAGE_SETS: dict[str, tuple[list[tuple[str, str]], str | None]] = {
    "en-root": ([("en", ""), ("ko", "ko")], None),
    "ko-root": ([("ko", ""), ("en", "en")], None),
    "ko-default": ([("en", "en"), ("ko", "")], "ko"),
    "prefixed": ([("en", "en"), ("ko", "ko")], None),
}
LANGUAGE_TITLES = {"en": "Desk", "ko": "데스크", "ru": "Деск"}
# What `lang` says while languages are off (it only marks the text then): ru among them, so
# that switching languages on must add it.
LANG_MARKS = ["ko", "en", "ru"]
FOREIGN = ["fr", "ja", "de"]  # in no languages: here (breakage)
LANG_SUFFIX = re.compile(r"\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$")  # as generator/languages.py


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
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> fm, body, files
    site_files: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # static/ -> spec
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> scope, anchor, text
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> fm, body
    claims: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> text, verdict
    quiet: list[str] = field(default_factory=list)  # articles given only a typo-fix update
    loud: bool = False  # this step also made another edit: `quiet` proves nothing then
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


def paragraph(rng: random.Random, state: State, files: dict[str, Any] | None = None) -> str:
    """A Markdown block for below the first paragraph (`files`: the page's bundle files)."""
    number = state.fresh_number()
    kinds = ["plain", "plain", "link", "heading", "list", "footnote", "code", "quote", "html",
             "embed"]
    if files:
        kinds += ["image", "image", "file"]
    kind = rng.choice(kinds)
    sentence = words(rng, 4, 12) + "."
    if kind in ("image", "file") and files:
        pictures = sorted(name for name in files if not name.endswith(".txt"))
        if kind == "image" and pictures:
            name = rng.choice(pictures)
            caption = f"|{words(rng, 2, 4)} {number}" if rng.random() < 0.4 else ""
            return f"{sentence}\n\n[[img:{name}|{rng.choice(KO_WORDS)} {number}{caption}]]"
        return f"{sentence} See [[file:{rng.choice(sorted(files))}|the data {number}]]."
    if kind == "embed":  # an allowed iframe kept, the script removed with a warning
        host = rng.choice(["www.youtube-nocookie.com", "www.youtube-nocookie.com",
                           "player.vimeo.com", "evil.example.com"])
        return (f'{sentence}\n\n<iframe src="https://{host}/embed/v{number}" '
                f'title="Video {number}"></iframe>\n\n<script>track({number})</script>')
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


def new_file(rng: random.Random, state: State) -> tuple[str, tuple[Any, ...]]:
    """A new bundle file: a name never used before and what it holds."""
    number = state.fresh_number()
    if rng.random() < 0.2:
        return f"data-{number}.txt", ("text", f"{words(rng)} {number}\n")
    kind = rng.choice(["png", "png", "jpg"])
    return f"{rng.choice(FILE_STEMS)}-{number}.{kind}", image_spec(rng, kind)


def image_spec(rng: random.Random, kind: str) -> tuple[Any, ...]:
    return (kind, *rng.choice(IMAGE_SIZES), rng.randint(0, 255))


@functools.lru_cache(maxsize=512)
def file_bytes(spec: tuple[Any, ...]) -> bytes:
    """Make a file's bytes from its spec: ("text", str), ("svg", n) or (png|jpg, w, h, shade)."""
    if spec[0] == "text":
        return str(spec[1]).encode("utf-8")
    if spec[0] == "svg":
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
                f'<text y="14">{spec[1]}</text></svg>\n').encode()
    kind, width, height, shade = spec
    picture = Image.new("RGB", (width, height), (shade, 255 - shade, (shade * 7) % 256))
    ImageDraw.Draw(picture).rectangle((width // 4, height // 4, width // 2, height // 2),
                                      fill=(255, 255, 255))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG" if kind == "png" else "JPEG", quality=80)
    return buffer.getvalue()


def resolve(text: str, item: dict[str, Any]) -> str:
    """Write a bundle file's placeholders as Markdown references while the file is there."""
    files = item.get("files", {}) if item.get("bundle") else {}

    def one(match: re.Match[str]) -> str:
        kind, name, label, caption = match.groups()
        if name not in files:
            return label
        if kind == "file":
            return f"[{label}]({name})"
        return f'![{label}]({name} "{caption}")' if caption else f"![{label}]({name})"

    return TOKEN.sub(one, text)


def featured(value: Any, item: dict[str, Any], state: State) -> Any:
    """Write front matter `image` as the file it names, or None while that file is not there."""
    if not isinstance(value, str) or ":" not in value or "://" in value:
        return value
    where, name = value.split(":", 1)
    if where == "bundle":
        return name if item.get("bundle") and name in item.get("files", {}) else None
    return "/" + name if name in state.site_files else None


def marker(text: str) -> str:
    """The " (N)." that makes a paragraph unique: found in the output, it was published."""
    found = re.search(r" \(\d+\)\.", text)
    assert found, text
    return found.group(0)


def article_status(state: State, article: dict[str, Any]) -> str:
    """Say what the build does with an article: listed, draft, scheduled or expired."""
    fm, tz = article["fm"], zone(state)

    def moment(key: str) -> datetime | None:
        value = fm.get(key)
        return parse_moment(value, tz) if isinstance(value, str) else None

    day = moment("date")
    if fm.get("draft") and "--drafts" not in state.flags:
        return "draft"
    if day is None:
        return "broken"
    if "--future" not in state.flags and (moment("publish_date") or day) > state.now:
        return "scheduled"
    expires = moment("expires")
    return "expired" if expires is not None and expires <= state.now else "listed"


def edition(state: State, moment: datetime) -> tuple[str, datetime]:
    """Return the key of the digest edition a moment falls in, and when that period ends."""
    cfg = state.config
    tz = ZoneInfo(cfg["digest_timezone"] or cfg["timezone"])
    day = moment.astimezone(tz).date()
    if cfg["period"] == "daily":
        return day.isoformat(), datetime.combine(day + timedelta(days=1), time(), tz)
    if cfg["period"] == "monthly":
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return f"{day.year:04d}-{day.month:02d}", datetime.combine(following, time(), tz)
    first = 0 if cfg["week_starts"] == "monday" else 6
    start = day - timedelta(days=(day.weekday() - first) % 7)
    until = datetime.combine(start + timedelta(days=7), time(), tz)
    if first == 0:
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}", until
    return f"week-{start.isoformat()}", until


def note_files(state: State) -> dict[str, str]:
    """Place each editor's note: the edition of its anchor article, while that edition is
    published (a complete period holding the listed article), else the current edition,
    which is always allowed."""
    if not state.config["digests"]:
        return {}
    current = edition(state, state.now)[0]
    files = {}
    default = (codes(state.config) or [""])[0]  # notes are the default language's
    for _, note in sorted(state.notes.items()):
        scope = note["scope"] if note["scope"] in state.briefings else ""
        key = current
        anchor = state.articles.get(note["anchor"] or "")
        if (anchor is not None and article_status(state, anchor) == "listed"
                and lang_of(state.config, note["anchor"][:-3], anchor["fm"]) == default
                and (not scope or scope in anchor["fm"].get("briefings", []))):
            moment = parse_moment(anchor["fm"]["date"], zone(state))
            found, until = edition(state, moment) if moment else (current, state.now)
            if until <= state.now or "--include-current" in state.flags:
                key = found
        if scope and state.config["slugify"] == "ascii":
            scope = slugify(scope, "ascii")
        folder = f"content/briefings/{scope}/digests/" if scope else "content/digests/"
        files[folder + key + ".md"] = note["text"]
    return files


def source_path(section: str, name: str, item: dict[str, Any]) -> str:
    """Return where a page's Markdown is written: name.md, or name/index.md as a bundle."""
    stem = name.removesuffix(".md")
    return f"content/{section}/{stem}/index.md" if item.get("bundle") else (
        f"content/{section}/{stem}.md")


def new_page(rng: random.Random, state: State, name: str) -> dict[str, Any]:
    fm: dict[str, Any] = {"title": title(rng)}
    if rng.random() < 0.7:
        fm["menu"] = rng.choice(["header", "footer"])
    if rng.random() < 0.5:
        fm["weight"] = rng.randint(-2, 5)
    if rng.random() < 0.3:
        fm["summary"] = words(rng, 3, 8) + "."
    if rng.random() < 0.15:
        fm["draft"] = True
    page: dict[str, Any] = {"fm": fm, "body": [first_paragraph(rng, state)], "files": {}}
    if rng.random() < 0.2:
        page["bundle"] = True
        file_name, spec = new_file(rng, state)
        page["files"][file_name] = spec
        page["body"].append(f"[[img:{file_name}|{words(rng, 1, 2)}]]")
    page["body"] += [paragraph(rng, state) for _ in range(rng.randint(0, 2))]
    return page


def new_article_path(rng: random.Random, state: State) -> str:
    folder = rng.choice(["", "", "2025/", "서울/"])
    return f"{folder}{rng.choice(STEMS)}-{state.fresh_number()}.md"


def new_article(rng: random.Random, state: State) -> dict[str, Any]:
    tz = zone(state)
    moment = random_moment(rng, datetime(2025, 11, 20, tzinfo=UTC),
                           datetime(2026, 1, 28, tzinfo=UTC))
    fm: dict[str, Any] = {"title": headline(rng, state), "date": write_date(rng, moment, tz)}
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
    article: dict[str, Any] = {"fm": fm, "first": first_paragraph(rng, state), "rest": [],
                               "files": {}}
    if rng.random() < 0.3:  # a page bundle with a picture or two
        article["bundle"] = True
        for _ in range(rng.randint(1, 2)):
            name, spec = new_file(rng, state)
            article["files"][name] = spec
        if rng.random() < 0.5:
            image = sorted(n for n in article["files"] if not n.endswith(".txt"))
            if image:
                fm["image"] = "bundle:" + image[0]
                fm["image_alt"] = words(rng, 2, 4)
    article["rest"] = [paragraph(rng, state, article["files"]) for _ in range(rng.randint(0, 3))]
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
              "digests": True, "digest_title": "", "digest_timezone": "",
              "image_widths": [64, 128], "embeds": None, "subscribe_url": "", "languages": None,
              "related": None, "show_untranslated": False}
    state = State(config, {}, {})
    for slug, name in BRIEFINGS[:3]:
        state.briefings[slug] = new_briefing(rng, state, name)
    for _ in range(articles):
        state.articles[new_article_path(rng, state)] = new_article(rng, state)
    # Each new kind of file from the start, so that short sequences edit them too: pages
    # (one maybe a draft), a draft bundle, site files, a featured site image, a note.
    state.pages["about"] = new_page(rng, state, "about")
    state.pages["about"]["fm"].pop("draft", None)
    other = rng.choice(PAGE_NAMES[1:])
    state.pages[other] = new_page(rng, state, other)
    state.pages[other]["fm"]["draft"] = rng.random() < 0.5
    paths = sorted(state.articles)
    if paths:
        draft = state.articles[rng.choice(paths)]
        name, spec = new_file(rng, state)
        draft.update(bundle=True, files={**draft["files"], name: spec})
        draft["fm"]["draft"] = True
        draft["rest"].append(f"[[img:{name}|{words(rng, 1, 2)}]]")
    logo = f"images/logo-{state.fresh_number()}.png"
    state.site_files[logo] = image_spec(rng, "png")
    for name in rng.sample(["favicon.svg", "robots.txt", "CNAME"], 2):
        state.site_files[name] = {"favicon.svg": ("svg", state.fresh_number()),
                                  "robots.txt": ("text", "User-agent: *\nDisallow:\n"),
                                  "CNAME": ("text", "news.example.org\n")}[name]
    if paths:
        state.articles[rng.choice(paths)]["fm"]["image"] = "static:" + logo
        state.notes["n0"] = {"scope": "", "anchor": rng.choice(paths),
                             "text": f"{words(rng)} ({state.fresh_number()}).\n"}
    # Entities, some members of others; a few articles name them, the draft one too, and
    # one is about one.
    for entity in rng.sample(sorted(ENTITY_POOL), 3):
        state.entities[entity] = new_entity(rng, state, entity)
    if paths:
        named = [draft, *(state.articles[p] for p in rng.sample(paths, min(3, len(paths))))]
        for article in named:
            article["rest"].append(mention_text(rng, rng.sample(sorted(state.entities), 2)) + ".")
        draft["fm"]["about"] = [rng.choice(sorted(state.entities))]
        state.articles[rng.choice(paths)]["fm"]["about"] = [rng.choice(sorted(state.entities))]
        # Positions on a claim: in the draft (which may define it) and in two others.
        for article in [draft, *(state.articles[p] for p in rng.sample(paths, min(2, len(paths))))]:
            article.setdefault("positions", []).append({
                "claim": CLAIMS[0], "by": rng.choice(sorted(state.entities)),
                "stance": rng.choice(STANCES)})
        state.claims[CLAIMS[0]] = {"text": f"{words(rng)}.", "verdict": ""}
    # A site in two languages from the start (its own randomness); not a CI seed, as a
    # build of two languages takes about twice as long.
    if seed % 4 == 0:
        bilingual(random.Random(f"languages-{seed}"), state)
    return state


def bilingual(rng: random.Random, state: State) -> None:
    """Switch languages on and translate some articles, a briefing and a page, and add an
    article in one language only."""
    apply(state, ("languages", language_spec(rng)))
    choices = ["translate", "translate", "only", "briefing", "page"]
    for what in choices:
        op = ("nothing",)
        while op[0] == "nothing":
            op = choose_language(rng, state, what)
        apply(state, op)


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
    pages = copy.deepcopy(state.pages)
    files: dict[str, str | bytes] = {}
    if broken[0] == "missing_image" and broken[1] in articles:
        articles[broken[1]]["rest"].append(f"![gone]({broken[2]})")
    elif broken[0] == "missing_featured" and broken[1] in articles:
        articles[broken[1]]["fm"]["image"] = broken[2]
    elif broken[0] == "bundle_index_html" and broken[1] in articles:
        articles[broken[1]]["bundle"] = True
        articles[broken[1]]["files"]["index.html"] = ("text", "<p>mine</p>\n")
    elif broken[0] == "bad_menu" and pages:
        pages[sorted(pages)[0]]["fm"]["menu"] = "sidebar"
    elif broken[0] == "note_no_edition":
        files["content/digests/1999-W01.md"] = "A note for an edition long gone.\n"
    elif broken[0] == "stray_markdown":
        files["content/notes/todo.md"] = "# Not a page\n"
    elif broken[0] == "static_collision":
        files[f"static/{broken[2]}"] = "a file where the site writes its own\n"
    elif broken[0] == "bad_date" and broken[1] in articles:
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
    files.update(entity_files(state, broken, articles))  # the breakage may edit articles
    claim_entries(state, articles)
    claim_breakage(broken, articles)
    notice_breakage(broken, articles)
    briefings = copy.deepcopy(state.briefings)
    event_entities(state, articles, briefings)
    event_breakage(broken, articles)
    language_breakage(state, broken, articles)
    if cfg["slugify"] == "ascii":  # a briefing's slug is then its file name transliterated
        for article in articles.values():
            if "briefings" in article["fm"]:
                article["fm"]["briefings"] = [slugify(ref, "ascii")
                                              for ref in article["fm"]["briefings"]]
    lines = [f"title: {json.dumps(cfg['title'], ensure_ascii=False)}",
             f"base_url: {cfg['base_url']}"]
    if cfg["languages"]:  # `language`, when written, must be the default language
        spec = cfg["languages"]
        lines.append("languages:")
        for code, folder in language_list(cfg):
            named = (f"title: {json.dumps(LANGUAGE_TITLES[code], ensure_ascii=False)}, "
                     if spec["titles"] else "")
            lines.append(f'  {code}: {{{named}path: "{folder}"}}')
        if LANGUAGE_SETS[spec["set"]][1]:
            lines.append(f"default_language: {LANGUAGE_SETS[spec['set']][1]}")
    if not cfg["languages"] or cfg["language"] == codes(cfg)[0]:
        lines.append(f"language: {cfg['language']}")
    lines += [f"timezone: {cfg['timezone']}",
              f"paginate: {0 if broken[0] == 'paginate' else cfg['paginate']}",
              f"search: {str(cfg['search']).lower()}",
              f"slugify: {cfg['slugify']}",
              f"theme: {'mine' if cfg['child_theme'] else 'default'}",
              "markdown:", f"  raw_html: {cfg['raw_html']}"]
    if cfg["embeds"] is not None:
        lines.append(f"  embeds: {json.dumps(cfg['embeds'])}")
    lines.append(f"images: {{widths: {json.dumps(cfg['image_widths'])}}}")
    if cfg["subscribe_url"]:
        lines.append(f"newsletter: {{subscribe_url: {json.dumps(cfg['subscribe_url'])}}}")
    if cfg.get("related") is not None:
        lines.append(f"related: {cfg['related']}")
    if cfg.get("show_untranslated"):
        lines.append("show_untranslated: true")
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
    for slug, briefing in briefings.items():
        files[f"content/briefings/{slug}.md"] = (front_matter(briefing["fm"])
                                                 + "\n\n".join(briefing["body"]) + "\n")
        for code, other in briefing.get("translations", {}).items():
            files[f"content/briefings/{slug}.{code}.md"] = (front_matter(other["fm"])
                                                           + "\n\n".join(other["body"]) + "\n")
    for path, article in articles.items():
        body = "\n\n".join(resolve(part, article) for part in [article["first"], *article["rest"]])
        fm = dict(article["fm"])
        if "image" in fm and featured(fm["image"], article, state) is None:
            del fm["image"]
        elif "image" in fm:
            fm["image"] = featured(fm["image"], article, state)
        text = front_matter(fm) + body + "\n"
        if article.get("crlf"):
            text = text.replace("\n", "\r\n")
        files[source_path("articles", path, article)] = (
            "\ufeff" if article.get("bom") else "") + text
        # Beside index.md while a bundle; left in the folder (unused) once it is not.
        for name, spec in article.get("files", {}).items():
            files[f"content/articles/{path.removesuffix('.md')}/{name}"] = file_bytes(spec)
    for name, page in pages.items():
        body = "\n\n".join(resolve(part, page) for part in page["body"])
        files[source_path("pages", name, page)] = front_matter(page["fm"]) + body + "\n"
        for file_name, spec in page.get("files", {}).items():
            files[f"content/pages/{name}/{file_name}"] = file_bytes(spec)
        for code, other in page.get("translations", {}).items():
            files[f"content/pages/{name}.{code}.md"] = (front_matter(other["fm"])
                                                       + "\n\n".join(other["body"]) + "\n")
    for name, spec in state.site_files.items():
        files[f"static/{name}"] = file_bytes(spec)
    files.update(note_files(state))
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
    return {path: text.encode("utf-8") if isinstance(text, str) else text
            for path, text in files.items()}


MANAGED = ("content", "templates", "theme_overrides", "themes", "static")


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
                      "image", "image", "image_alt", "image_credit"])
    remove = key != "title" and key != "date" and key in article["fm"] and rng.random() < 0.3
    value: Any = None
    if remove:
        pass
    elif key == "title":
        value = headline(rng, state)
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
    elif key == "image":  # a bundle file, a site file (static/images/) or a URL
        choices = ["https://cdn.example.org/photo.jpg"]
        choices += ["bundle:" + name for name in sorted(article["files"])
                    if not name.endswith(".txt")] * 2
        choices += ["static:" + name for name in sorted(state.site_files)
                    if name.startswith("images/")]
        value = rng.choice(choices)
    elif key == "image_alt":
        value = words(rng, 2, 5)
    elif key == "image_credit":
        value = f"{rng.choice(SOURCES)} / {rng.choice(AUTHORS)}"
    return ("fm", path, key, value)


def choose_bundle_file(rng: random.Random, state: State) -> tuple[Any, ...]:
    """Add, change or remove one of a page's files, making the page a bundle (or not)."""
    section = "page" if state.pages and rng.random() < 0.2 else "article"
    owners = state.pages if section == "page" else state.articles
    name = rng.choice(sorted(owners))
    files = owners[name]["files"]
    pictures = sorted(f for f in files if not f.endswith(".txt"))
    if files and rng.random() < 0.25:
        return ("bundle_file", section, name, rng.choice(sorted(files)), None, None, False)
    if pictures and rng.random() < 0.35:  # new pixels and often a new size, the same name
        picked = rng.choice(pictures)
        return ("bundle_file", section, name, picked, image_spec(rng, files[picked][0]),
                None, False)
    file_name, spec = new_file(rng, state)
    number = state.fresh_number()
    text = (f"See [[file:{file_name}|the file {number}]]." if spec[0] == "text" else
            f"[[img:{file_name}|{rng.choice(KO_WORDS)} {number}"
            + (f"|{words(rng, 2, 4)}]]" if rng.random() < 0.4 else "]]"))
    return ("bundle_file", section, name, file_name, spec,
            text if rng.random() < 0.7 else None, rng.random() < 0.8)


def choose_page(rng: random.Random, state: State) -> tuple[Any, ...]:
    free = [name for name in PAGE_NAMES if name not in state.pages]
    if free and (not state.pages or rng.random() < 0.15):
        name = rng.choice(free)
        return ("add_page", name, new_page(rng, state, name))
    name = rng.choice(sorted(state.pages))
    if rng.random() < 0.08:
        return ("delete_page", name)
    page = state.pages[name]
    key = rng.choice(["title", "menu", "menu", "weight", "weight", "summary", "slug", "draft",
                      "body", "body", "first", "bundle"])
    value: Any = {"title": title(rng), "menu": rng.choice(["header", "footer", None]),
                  "weight": rng.choice([None, rng.randint(-2, 5)]),
                  "summary": rng.choice([None, words(rng, 3, 8) + "."]),
                  "slug": rng.choice([None, f"{name}-s{state.fresh_number()}"]),
                  "draft": not page["fm"].get("draft", False),
                  "body": paragraph(rng, state, page["files"]),
                  "first": first_paragraph(rng, state),
                  "bundle": not page.get("bundle", False)}[key]
    return ("page", name, key, value)


def choose_site_file(rng: random.Random, state: State) -> tuple[Any, ...]:
    if state.site_files and rng.random() < 0.3:
        return ("site_file", rng.choice(sorted(state.site_files)), None)
    number = state.fresh_number()
    name = rng.choice(SITE_FILES + ["images/logo.png"] * 2)
    if name == "images/logo.png":
        return ("site_file", f"images/logo-{number}.png", image_spec(rng, "png"))
    spec: tuple[Any, ...] = {
        "favicon.svg": ("svg", number), "favicon.png": image_spec(rng, "png"),
        "robots.txt": ("text", f"User-agent: *\nDisallow: /private-{number}/\n"),
        "CNAME": ("text", f"news{number}.example.org\n"), ".nojekyll": ("text", ""),
        ".well-known/security.txt": ("text", f"Contact: mailto:desk{number}@example.org\n"),
        "ads.txt": ("text", f"example.com, pub-{number}, DIRECT\n")}[name]
    return ("site_file", name, spec)


def choose_note(rng: random.Random, state: State) -> tuple[Any, ...]:
    if state.notes and rng.random() < 0.25:
        return ("note_remove", rng.choice(sorted(state.notes)))
    number = state.fresh_number()
    text = f"{words(rng, 4, 10)} ({number}).\n"
    if rng.random() < 0.3:
        text += f"\n- [{words(rng, 1, 3)}](https://news.example.com/n{number})\n"
    if state.notes and rng.random() < 0.5:  # the same note rewritten
        key = rng.choice(sorted(state.notes))
        return ("note", key, state.notes[key]["scope"], state.notes[key]["anchor"], text)
    scope = rng.choice(sorted(state.briefings)) if rng.random() < 0.4 else ""
    candidates = [path for path, article in sorted(state.articles.items())
                  if not scope or scope in article["fm"].get("briefings", [])]
    anchor = rng.choice(candidates) if candidates and rng.random() < 0.85 else None
    return ("note", f"n{number}", scope, anchor, text)


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
                      "digest_title", "digest_timezone", "image_widths", "embeds",
                      "subscribe_url", "related", "show_untranslated"])
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
        "digest_timezone": ["", "UTC", "America/New_York"],
        "image_widths": IMAGE_WIDTHS, "embeds": EMBEDS,
        "subscribe_url": ["", "https://example.org/subscribe"],
        "related": [None, 0, 1, 3], "show_untranslated": [False, True]}
    return ("config", key, rng.choice(options[key]))


def choose_break(rng: random.Random, state: State) -> tuple[Any, ...]:
    path = rng.choice(sorted(state.articles))
    kind = rng.choice(["bad_date", "unknown_key", "unknown_briefing", "bad_url", "no_title",
                       "slug", "site_yaml", "template", "paginate", "missing_image",
                       "missing_featured", "bundle_index_html", "bad_menu", "note_no_edition",
                       "stray_markdown", "static_collision"])
    if kind == "slug":
        return ("break", kind, path, slug_of(state, rng.choice(sorted(state.articles))))
    if kind == "missing_image":
        return ("break", kind, path, f"missing-{state.fresh_number()}.png")
    if kind == "missing_featured":
        return ("break", kind, path, rng.choice(["nothing.png", "/images/nothing.png"]))
    if kind == "static_collision":  # a generated page or feed, a bundle's file or its copy
        targets = [*GENERATED, f"articles/{slug_of(state, path)}/index.html"]
        for owner, article in sorted(state.articles.items()):
            for name in sorted(article["files"]) if article.get("bundle") else ():
                stem, _, suffix = name.rpartition(".")
                width = rng.choice(state.config["image_widths"])
                targets += [f"articles/{slug_of(state, owner)}/{name}",
                            f"articles/{slug_of(state, owner)}/{stem}-{width}w.{suffix}"]
        return ("break", kind, path, rng.choice(targets))
    return ("break", kind, path)


# ----------------------------------------------------------------------------- entities


def headline(rng: random.Random, state: State, name: str = "") -> str:
    """An article's title, ending in a unique " TN": found in the output, it was published."""
    text = title(rng) + (f" {name}" if name else "")
    return f"{text} T{state.fresh_number()}"


def mention_text(rng: random.Random, ids: list[str]) -> str:
    """A sentence naming entities in one of the forms a text may use (declined, particles)."""
    parts = [words(rng, 1, 3)]
    for entity in ids:
        parts += [rng.choice(ENTITY_POOL[entity]["forms"]), words(rng, 1, 3)]
    return " ".join(parts)


def entity_names(rng: random.Random, entity: str) -> Any:
    """A name as text (in the site's language) or a mapping of some of its languages."""
    names = ENTITY_POOL[entity]["names"]
    if rng.random() < 0.25:
        return rng.choice(sorted(names.values()))
    return {lang: names[lang] for lang in rng.sample(sorted(names), rng.randint(1, len(names)))}


def entity_aliases(rng: random.Random, entity: str) -> Any:
    """Aliases as a list (no language), or a mapping of language to a list or one alias."""
    pool = ENTITY_POOL[entity]["aliases"]
    by_language = pool if isinstance(pool, dict) else {"en": pool}
    flat = [alias for lang in sorted(by_language) for alias in by_language[lang]]
    if isinstance(pool, list) or rng.random() < 0.4:
        return rng.sample(flat, rng.randint(0, len(flat)))
    chosen = rng.sample(sorted(by_language), rng.randint(1, len(by_language)))
    return {lang: (by_language[lang][0] if len(by_language[lang]) == 1 and rng.random() < 0.5
                   else list(by_language[lang])) for lang in chosen}


def member_choices(state: State, entity: str) -> list[str]:
    """The entities `entity` may be a member of without a member_of circle."""
    def reaches(start: str) -> bool:
        seen: set[str] = set()
        current: str | None = start
        while current is not None and current not in seen:
            if current == entity:
                return True
            seen.add(current)
            current = state.entities.get(current, {}).get("fm", {}).get("member_of")
        return False

    return [other for other in sorted(state.entities) if not reaches(other)]


def new_entity(rng: random.Random, state: State, entity: str) -> dict[str, Any]:
    spec = ENTITY_POOL[entity]
    fm: dict[str, Any] = {"name": entity_names(rng, entity)}
    if rng.random() < 0.85:
        fm["type"] = spec["type"]
    if rng.random() < 0.7 and spec["aliases"]:
        fm["aliases"] = entity_aliases(rng, entity)
    if rng.random() < 0.6:
        fm["wikidata"] = spec["wikidata"]
    if rng.random() < 0.4:
        fm["description"] = words(rng, 3, 8) + "."
    parents = member_choices(state, entity)
    if parents and rng.random() < 0.4:
        fm["member_of"] = rng.choice(parents)
    body = [f"{words(rng, 4, 9)} ({state.fresh_number()})."] if rng.random() < 0.7 else []
    return {"fm": fm, "body": body}


def choose_entity(rng: random.Random, state: State) -> tuple[Any, ...]:
    """Add, edit or delete an entity: names, aliases, type, Wikidata, member_of, profile."""
    free = [entity for entity in ENTITY_POOL if entity not in state.entities]
    if free and (len(state.entities) < 2 or rng.random() < 0.2):
        entity = rng.choice(free)
        return ("add_entity", entity, new_entity(rng, state, entity))
    entity = rng.choice(sorted(state.entities))
    if rng.random() < 0.1:
        return ("delete_entity", entity)
    key = rng.choice(["name", "name", "type", "aliases", "aliases", "wikidata", "description",
                      "member_of", "member_of", "body"])
    spec = ENTITY_POOL[entity]
    value: Any = None
    if key == "name":
        value = entity_names(rng, entity)
    elif key == "type":
        value = rng.choice([spec["type"], *ENTITY_TYPES])
    elif key == "aliases" and spec["aliases"] and rng.random() < 0.8:
        value = entity_aliases(rng, entity)
    elif key == "wikidata" and rng.random() < 0.8:
        value = rng.choice([spec["wikidata"], f"Q{rng.randint(1, 99999)}"])
    elif key == "description" and rng.random() < 0.8:
        value = words(rng, 3, 8) + "."
    elif key == "member_of":
        parents = member_choices(state, entity)
        value = rng.choice(parents) if parents and rng.random() < 0.8 else None
    elif key == "body":
        value = f"{words(rng, 4, 9)} ({state.fresh_number()})." if rng.random() < 0.8 else ""
    return ("entity", entity, key, value)


def choose_mention(rng: random.Random, state: State, path: str) -> tuple[Any, ...]:
    """Name entities in an article's body (the body-only path), first paragraph, title or
    summary, or drop a paragraph that may name some."""
    known = sorted(state.entities)
    pool = known if known and rng.random() < 0.85 else sorted(ENTITY_POOL)
    ids = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
    text = mention_text(rng, ids)
    where = rng.choice(["append", "append", "append", "replace", "replace", "drop", "first",
                        "title", "summary"])
    if where in ("append", "replace", "drop"):
        return ("body", path, where, f"{text}." if where != "drop" else "")
    if where == "first":
        return ("first", path, f"{text} ({state.fresh_number()}).")
    if where == "title":
        return ("fm", path, "title", headline(rng, state, rng.choice(
            ENTITY_POOL[ids[0]]["forms"])))
    return ("fm", path, "summary", f"{text}.")


def choose_entity_fm(rng: random.Random, state: State, path: str) -> tuple[Any, ...]:
    """Set an article's about, mentions or ignore_mentions to existing ids, or remove it."""
    key = rng.choice(["about", "about", "mentions", "ignore_mentions"])
    known = sorted(state.entities)
    if key in state.articles[path]["fm"] and rng.random() < 0.3:
        return ("fm", path, key, None)
    return ("fm", path, key, rng.sample(known, rng.randint(0, min(2, len(known)))))


def choose_entity_break(rng: random.Random, state: State, path: str) -> tuple[Any, ...]:
    """One step's entity breakage, or a shared alias that ignore_mentions settles (builds)."""
    known = sorted(state.entities)
    kind = rng.choice(["entity_unknown", "entity_unknown_member", "entity_cycle",
                       "entity_ambiguous", "entity_ambiguous", "entity_shared_ignored",
                       "claim_unknown_by", "claim_bad_stance", "claim_twice", "claim_undefined"])
    held = sorted({p["claim"] for a in state.articles.values() for p in a.get("positions", [])})
    if kind == "claim_twice" and not held:
        kind = "claim_undefined"
    if not known:
        kind = "entity_unknown"
    if kind.startswith("claim_"):
        by = rng.choice(known)
        if kind == "claim_unknown_by":
            return ("break", kind, path, rng.choice(CLAIMS), by + "x", "asserts")
        if kind == "claim_bad_stance":
            return ("break", kind, path, rng.choice(CLAIMS), by, rng.choice(["agrees", "Denies"]))
        if kind == "claim_twice":
            return ("break", kind, path, rng.choice(held), by, rng.choice(STANCES))
        return ("break", kind, path, "no-such-claim", by, "denies")
    if kind in ("entity_ambiguous", "entity_shared_ignored") and len(known) < 2:
        kind = "entity_cycle"
    typo = (rng.choice(known) + "x") if known else "zakharova"
    if kind == "entity_unknown":
        return ("break", kind, path, rng.choice(["about", "mentions", "ignore_mentions"]), typo)
    if kind == "entity_unknown_member":
        return ("break", kind, path, rng.choice(known), typo)
    if kind == "entity_cycle":
        return ("break", kind, path, rng.sample(known, rng.randint(1, min(3, len(known)))))
    pair = rng.sample(known, 2)
    particle = rng.choice(["", "는", "의"])
    return ("break", kind, path, *pair, rng.choice(SHARED_ALIASES), particle)


def must_fail(state: State) -> bool:
    """Tell whether this step's entity breakage still applies (a later edit of the step may
    have removed its article or entities), so that both builds must fail."""
    broken = state.broken or ("",)
    if language_must_fail(state) is not None:
        return bool(language_must_fail(state))
    if broken[0] == "entity_unknown":
        return broken[1] in state.articles
    if broken[0] == "entity_unknown_member":
        return broken[2] in state.entities
    if broken[0] == "entity_cycle":
        return any(entity in state.entities for entity in broken[2])
    if broken[0] == "claim_twice":  # still defined elsewhere, or here already
        return broken[1] in state.articles and any(
            p["claim"] == broken[2] for a in state.articles.values()
            for p in a.get("positions", []))
    if broken[0].startswith(("claim_", "notice_", "event_")):
        return broken[1] in state.articles
    if broken[0] == "entity_ambiguous" and broken[1] in state.articles:
        ignored = set(state.articles[broken[1]]["fm"].get("ignore_mentions", []))
        return all(entity in state.entities and entity not in ignored
                   for entity in broken[2:4])
    return False


def must_build(state: State) -> bool:
    """Tell whether this step must build: it breaks nothing, or its breakage is harmless
    (a shared alias that ignore_mentions settles; a language breakage while languages are
    off, where a suffix is part of a slug and `lang` only marks the text)."""
    broken = state.broken
    return (broken is None or broken[0] in HARMLESS
            or language_must_fail(state) is False)


def entity_files(state: State, broken: tuple[Any, ...],
                 articles: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Write content/entities/<id>.md, with this step's breakage (which may edit articles)."""
    entities = copy.deepcopy(state.entities)
    kind = broken[0]
    if kind == "entity_unknown" and broken[1] in articles:
        fm = articles[broken[1]]["fm"]
        fm[broken[2]] = [*fm.get(broken[2], []), broken[3]]
    elif kind == "entity_unknown_member" and broken[2] in entities:
        entities[broken[2]]["fm"]["member_of"] = broken[3]
    elif kind == "entity_cycle":
        ring = [entity for entity in broken[2] if entity in entities]
        for number, entity in enumerate(ring):
            entities[entity]["fm"]["member_of"] = ring[(number + 1) % len(ring)]
    elif (kind in ("entity_ambiguous", "entity_shared_ignored") and broken[1] in articles
          and broken[2] in entities and broken[3] in entities):
        for entity in broken[2:4]:  # as a list: an alias of no stated language
            fm = entities[entity]["fm"]
            aliases = fm.get("aliases", [])
            if isinstance(aliases, dict):
                aliases = [a for v in aliases.values() for a in ([v] if isinstance(v, str) else v)]
            fm["aliases"] = [*aliases, broken[4]]
        article = articles[broken[1]]
        article["rest"].append(f"{words(random.Random(kind), 2, 4)} {broken[4]}{broken[5]} "
                               "statement.")
        if kind == "entity_shared_ignored":
            fm = article["fm"]
            fm["ignore_mentions"] = [*fm.get("ignore_mentions", []), broken[3]]
    return {f"content/entities/{entity}.md": front_matter(item["fm"]) + "\n\n".join(item["body"])
            + "\n" for entity, item in entities.items()}


# ----------------------------------------------------------------------------- claims


def claim_entries(state: State, articles: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    """Write each article's positions as front matter `claims`: the first article (by path)
    holding a position on a claim defines it (its text and verdict), the others name it."""
    home: dict[str, str] = {}
    for path in sorted(articles):
        for position in articles[path].get("positions", []):
            home.setdefault(position["claim"], path)
    for path, article in articles.items():
        entries: list[Any] = []
        for position in article.get("positions", []):
            cid = position["claim"]
            entry: dict[str, Any] = {"claim": cid}
            if home.get(cid) == path:  # the claim's first position here defines it
                del home[cid]
                definition = state.claims.get(cid, {"text": f"The claim {cid}."})
                entry = {"id": cid, "text": definition["text"]}
                if definition.get("verdict"):
                    entry["verdict"] = definition["verdict"]
            entry.update({k: v for k, v in position.items() if k != "claim"})
            entries.append(entry)
        if entries:
            article["fm"]["claims"] = entries


def claim_breakage(broken: tuple[Any, ...], articles: dict[str, dict[str, Any]]) -> None:
    """Add this step's broken position to an article: an unknown entity or stance, a claim
    defined a second time, or a claim defined nowhere."""
    if not broken[0].startswith("claim_") or broken[1] not in articles:
        return
    entry = {"claim": broken[2], "by": broken[3], "stance": broken[4]}
    if broken[0] == "claim_twice":
        entry = {"id": broken[2], "text": "Told otherwise.", "by": broken[3],
                 "stance": broken[4]}
    fm = articles[broken[1]]["fm"]
    fm["claims"] = [*fm.get("claims", []), entry]


def choose_claim(rng: random.Random, state: State, path: str) -> tuple[Any, ...]:
    """Add or remove a position on a claim, or change a claim's text or verdict."""
    positions = state.articles[path].get("positions", [])
    if positions and rng.random() < 0.25:
        return ("claim_remove", path, rng.randrange(len(positions)))
    if state.claims and rng.random() < 0.2:
        cid = rng.choice(sorted(state.claims))
        return ("claim_text", cid, f"{words(rng, 4, 9)}.", rng.choice(
            ["", "", "false", "misleading", "true"]))
    if not state.entities:
        return ("nothing",)
    cid = rng.choice(CLAIMS)
    position: dict[str, Any] = {"claim": cid, "by": rng.choice(sorted(state.entities)),
                                "stance": rng.choice(STANCES)}
    if rng.random() < 0.4:  # it may name entities (front matter is not searched); its " QN"
        position["quote"] = (mention_text(rng, [rng.choice(sorted(ENTITY_POOL))])
                             + f" Q{state.fresh_number()}")
    if rng.random() < 0.3:
        position["date"] = random_moment(rng, state.now - timedelta(days=30),
                                         state.now).date().isoformat()
    return ("claim", path, position, f"{words(rng, 4, 9)}.")


def notice_item(rng: random.Random, state: State, path: str, key: str) -> dict[str, Any]:
    """Make a correction or an update dated before or after its article, its text ending in
    a unique " CN" (or " UN") that a hidden article's page must show nowhere."""
    tz = zone(state)
    day = parse_moment(str(state.articles[path]["fm"]["date"]), tz) or state.now
    moment = random_moment(rng, day - timedelta(days=10), day + timedelta(days=20))
    mark = "C" if key == "corrections" else "U"
    item: dict[str, Any] = {"date": str(write_date(rng, moment, tz)),
                            "text": f"{words(rng, 3, 8)} {mark}{state.fresh_number()}"}
    if key == "updates" and rng.random() < 0.8:  # else the default: not significant
        item["significant"] = rng.random() < 0.5
    return item


def choose_notice(rng: random.Random, state: State, path: str) -> tuple[Any, ...]:
    """Add, edit or remove a correction or an update (significant or not) of an article."""
    key = rng.choice(["corrections", "updates", "updates"])
    held = state.articles[path]["fm"].get(key, [])
    action = rng.choice(["add", "add", "edit", "remove"]) if held else "add"
    index = rng.randrange(len(held)) if held else 0
    item = notice_item(rng, state, path, key)
    if action == "edit" and rng.random() < 0.5:  # only its text, or only its weight
        item = {**held[index], "text": item["text"]}
        if key == "updates" and rng.random() < 0.5:
            item = {**held[index], "significant": not held[index].get("significant", False)}
    return ("notice", path, key, action, index, item)


def choose_notice_break(rng: random.Random, state: State, path: str) -> tuple[Any, ...]:
    """Break an article's corrections or updates for one step: no date, an impossible date,
    an empty text, or `significant` that is not a boolean."""
    kind = rng.choice(["notice_no_date", "notice_bad_date", "notice_empty_text",
                       "notice_significant"])
    key = "updates" if kind == "notice_significant" else rng.choice(["corrections", "updates"])
    return ("break", kind, path, key)


def notice_breakage(broken: tuple[Any, ...], articles: dict[str, dict[str, Any]]) -> None:
    """Write this step's broken correction or update after the article's others, in YAML."""
    if not broken[0].startswith("notice_") or broken[1] not in articles:
        return
    bad = {"notice_no_date": '{text: "Said otherwise."}',
           "notice_bad_date": '{date: 2025-02-30, text: "Said otherwise."}',
           "notice_empty_text": '{date: 2025-12-20, text: ""}',
           "notice_significant": '{date: 2025-12-20, text: "Added a quote.", '
                                 'significant: maybe}'}[broken[0]]
    fm = articles[broken[1]]["fm"]
    held = [json.dumps(item, ensure_ascii=False) for item in fm.get(broken[2], [])]
    fm[broken[2]] = Raw("[" + ", ".join([*held, bad]) + "]")


def event_item(rng: random.Random, state: State) -> dict[str, Any]:
    """Make an event dated by a year, a month or a day, its title ending in a unique " EN"
    that a hidden article's event must show nowhere."""
    moment = random_moment(rng, state.now - timedelta(days=400), state.now)
    item: dict[str, Any] = {"date": rng.choice([str(moment.year), moment.strftime("%Y-%m"),
                                                moment.date().isoformat()]),
                            "title": f"{words(rng, 2, 6)} E{state.fresh_number()}"}
    if rng.random() < 0.5:
        item["text"] = f"{words(rng, 4, 9)}."
    if state.entities and rng.random() < 0.6:
        item["about"] = rng.sample(sorted(state.entities), min(2, rng.randint(1, 2)))
    if rng.random() < 0.3:
        item["key"] = rng.random() < 0.5
    return item


def choose_event(rng: random.Random, state: State, path: str) -> tuple[Any, ...]:
    """Add, edit or remove an event of an article or a briefing, or mark an article key."""
    if rng.random() < 0.25:
        return ("key", path, rng.choice([True, False, None]))
    section, name = (("briefings", rng.choice(sorted(state.briefings)))
                     if rng.random() < 0.35 else ("articles", path))
    held = getattr(state, section)[name]["fm"].get("events", [])
    action = rng.choice(["add", "add", "edit", "remove"]) if held else "add"
    return ("event", section, name, action, rng.randrange(len(held)) if held else 0,
            event_item(rng, state))


def choose_event_break(rng: random.Random, state: State, path: str) -> tuple[Any, ...]:
    """Break an article's events for one step: an impossible day or month, an empty title,
    an entity that does not exist, or `key` that is not a boolean."""
    return ("break", rng.choice(["event_bad_day", "event_bad_month", "event_no_title",
                                 "event_unknown_about", "event_key"]), path)


def event_breakage(broken: tuple[Any, ...], articles: dict[str, dict[str, Any]]) -> None:
    """Write this step's broken event (or key) into the article's front matter."""
    if not broken[0].startswith("event_") or broken[1] not in articles:
        return
    fm = articles[broken[1]]["fm"]
    if broken[0] == "event_key":
        fm["key"] = "yes"
        return
    bad = {"event_bad_day": '{date: 2025-02-30, title: "No such day"}',
           "event_bad_month": '{date: 2025-13, title: "No such month"}',
           "event_no_title": '{date: 2025-01, title: ""}',
           "event_unknown_about": '{date: 2025, title: "Unknown", about: [nobody-at-all]}',
           }[broken[0]]
    held = [json.dumps(item, ensure_ascii=False) for item in fm.get("events", [])]
    fm["events"] = Raw("[" + ", ".join([*held, bad]) + "]")


def event_entities(state: State, *sections: dict[str, dict[str, Any]]) -> None:
    """Keep only existing entities in events' `about` (an entity may have been deleted)."""
    for section in sections:
        for item in section.values():
            events = item["fm"].get("events")
            if not isinstance(events, list):
                continue
            for event in events:
                if "about" in event:
                    event["about"] = [e for e in event["about"] if e in state.entities]
                    if not event["about"]:
                        del event["about"]


# ----------------------------------------------------------------------------- languages


def language_list(cfg: dict[str, Any]) -> list[tuple[str, str]]:
    """The languages as site.yaml lists them, (code, path); empty while they are off."""
    spec = cfg.get("languages")
    if not spec:
        return []
    return LANGUAGE_SETS[spec["set"]][0] + ([("ru", "ru")] if spec["ru"] else [])


def codes(cfg: dict[str, Any]) -> list[str]:
    """The site's languages, the default first (none while `languages:` is off)."""
    listed = [code for code, _ in language_list(cfg)]
    if not listed:
        return []
    default = LANGUAGE_SETS[cfg["languages"]["set"]][1] or listed[0]
    return sorted(listed, key=lambda code: code != default)  # stable: the rest as written


def prefix(cfg: dict[str, Any], lang: str) -> str:
    """The output folder of a language's pages: "" (the root, or no languages) or "ko/"."""
    return next((path + "/" for code, path in language_list(cfg) if code == lang and path), "")


def split_name(cfg: dict[str, Any], name: str) -> tuple[str, str | None]:
    """Split a file's name (no .md) into the name without its language suffix and the
    suffix; while languages are off no suffix is read (talks.ko is a slug then)."""
    found = LANG_SUFFIX.search(name) if cfg.get("languages") else None
    return (name, None) if found is None else (name[: found.start()], found.group(1))


def lang_of(cfg: dict[str, Any], name: str, fm: dict[str, Any]) -> str:
    """The language a file is in: its suffix, its `lang` or the default ("" while off)."""
    if not cfg.get("languages"):
        return ""
    return split_name(cfg, name)[1] or fm.get("lang") or codes(cfg)[0]


def slug_in(cfg: dict[str, Any], name: str, fm: dict[str, Any]) -> str:
    """The last segment of a file's address: its `slug`, else its name without the language
    suffix (transliterated under ascii slugs)."""
    if fm.get("slug"):
        return unicodedata.normalize("NFC", str(fm["slug"]))
    stem = split_name(cfg, name)[0].rsplit("/", 1)[-1]
    return unicodedata.normalize("NFC", slugify(stem, "ascii") if cfg["slugify"] == "ascii"
                                 else stem)


def address(cfg: dict[str, Any], section: str, name: str, fm: dict[str, Any]) -> str:
    """The output folder of an article's, a briefing's or a page's page: "ko/articles/x-3/"."""
    where = {"article": "articles/", "briefing": "briefings/"}.get(section, "")
    return f"{prefix(cfg, lang_of(cfg, name, fm))}{where}{slug_in(cfg, name, fm)}/"


def language_items(state: State) -> list[tuple[str, str, dict[str, Any]]]:
    """Every file that has a language: (section, name without .md, front matter)."""
    items = [("article", path.removesuffix(".md"), article["fm"])
             for path, article in sorted(state.articles.items())]
    for section, owners in (("briefing", state.briefings), ("page", state.pages)):
        for name, item in sorted(owners.items()):
            items.append((section, name, item["fm"]))
            items += [(section, f"{name}.{code}", other["fm"])
                      for code, other in sorted(item.get("translations", {}).items())]
    return items


def language_problems(state: State, cfg: dict[str, Any] | None = None) -> list[str]:
    """Say what the build would reject in the files' languages (under `cfg`, by default
    the site's): a suffix or `lang` not in languages:, two versions of one translation in
    one language, a translation_key that translates nothing, two files at one address in
    one language. Stricter than the build where that is simpler (drafts, NFD names)."""
    cfg = cfg or state.config
    known = codes(cfg)
    problems: list[str] = []
    groups: dict[str, dict[str, str]] = {}
    keyed: set[str] = set()
    seen: dict[tuple[str, str, str], str] = {}
    for section, name, fm in language_items(state):
        lang = lang_of(cfg, name, fm)
        if known:
            base, suffix = split_name(cfg, name)
            given = fm.get("lang")
            if (suffix and suffix not in known) or (given and given not in known) or (
                    suffix and given and suffix != given):
                problems.append(f"{name}: in no language of the site ({suffix}, {given})")
                continue
            key = (f"{section}:{fm['translation_key']}" if fm.get("translation_key")
                   else f"{section}:/{unicodedata.normalize('NFC', base)}")
            if fm.get("translation_key"):
                keyed.add(key)
            group = groups.setdefault(key, {})
            if lang in group:
                problems.append(f"{name} and {group[lang]}: two {lang} versions of {key}")
            group[lang] = name
        where = (lang, section, slug_in(cfg, name, fm))
        if where in seen:
            problems.append(f"{name} and {seen[where]}: one address, {where}")
        seen[where] = name
    return problems + [f"{key} translates nothing" for key in sorted(keyed)
                       if len(groups[key]) < 2]


def language_spec(rng: random.Random) -> dict[str, Any]:
    """A `languages:` setting: which set, Russian too or not, titles per language or not."""
    return {"set": rng.choice(sorted(LANGUAGE_SETS)), "ru": rng.random() < 0.2,
            "titles": rng.random() < 0.7}


def assumed(state: State) -> dict[str, Any]:
    """The config a translation is made for: the site's, or English first while off."""
    if state.config.get("languages"):
        return state.config
    return {**state.config, "languages": {"set": "en-root", "ru": True, "titles": True}}


def versions(state: State, cfg: dict[str, Any], path: str) -> dict[str, str]:
    """An article's translations under `cfg` (itself included): language -> path."""
    fm = state.articles[path]["fm"]
    name = path.removesuffix(".md")

    def key(other: str) -> str:
        ofm = state.articles[other]["fm"]
        if ofm.get("translation_key"):
            return "=" + str(ofm["translation_key"])
        return unicodedata.normalize("NFC", split_name(cfg, other.removesuffix(".md"))[0])

    mine = key(path)
    found = {lang_of(cfg, name, fm): path}
    for other in sorted(state.articles):
        if other != path and key(other) == mine:
            found.setdefault(lang_of(cfg, other.removesuffix(".md"), state.articles[other]["fm"]),
                             other)
    return found


def translation_article(rng: random.Random, state: State, path: str) -> dict[str, Any]:
    """A new article in another language for `path`: its own words, the same date and
    briefings (and translation_key, so that it joins the same translation)."""
    article = new_article(rng, state)
    source = state.articles[path]["fm"]
    for key in ("date", "briefings", "translation_key"):
        if key in source:
            article["fm"][key] = copy.deepcopy(source[key])
    return article


def choose_language(rng: random.Random, state: State, what: str = "") -> tuple[Any, ...]:
    """A multilingual edit: languages: on, changed or off; a translation of an article, a
    briefing or a page added, edited or deleted; an article in one language only; a
    translation renamed (alone or with its partners); translation_key set on a pair or
    removed; `lang` set or removed."""
    cfg = assumed(state)
    on = bool(state.config.get("languages"))
    what = what or rng.choices(["languages", "translate", "only", "delete", "rename", "key",
                                "lang", "briefing", "page", "page_fm"],
                               weights=[3 if on else 10, 5, 3, 2, 2, 4, 2, 2, 2, 2])[0]
    paths = sorted(state.articles)
    suffixed = [p for p in paths if split_name(cfg, p.removesuffix(".md"))[1]]
    number = state.fresh_number()
    if what == "languages":
        options: list[dict[str, Any] | None] = [None] if on else []
        options += [language_spec(rng) for _ in range(3)]
        valid = [spec for spec in options if spec != state.config.get("languages")
                 and not language_problems(state, {**state.config, "languages": spec})]
        return ("languages", rng.choice(valid)) if valid else ("nothing",)
    if what == "translate" or (what in ("delete", "rename") and not suffixed):
        path = rng.choice(paths)
        have = versions(state, cfg, path)
        free = [code for code in codes(cfg) if code not in have]
        if free:
            code = rng.choice(free)
            base = split_name(cfg, path.removesuffix(".md"))[0]
            return ("add_article", f"{base}.{code}.md", translation_article(rng, state, path))
        what = "only"
    if what == "only":  # an article in one language only: by its name or by `lang`
        article = new_article(rng, state)
        stem = new_article_path(rng, state).removesuffix(".md")
        if rng.random() < 0.5:
            return ("add_article", f"{stem}.{rng.choice(codes(cfg)[1:])}.md", article)
        article["fm"]["lang"] = rng.choice(codes(state.config) or LANG_MARKS)
        return ("add_article", f"{stem}.md", article)
    if what == "delete":
        return ("delete_article", rng.choice(suffixed))
    if what == "rename":
        path = rng.choice(suffixed)
        nfd = unicodedata.normalize("NFD", path)
        if nfd != path and nfd not in state.articles and rng.random() < 0.3:
            return ("rename_article", path, nfd)  # saved again by macOS: still its partner's
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        stem = f"{folder}{rng.choice(STEMS)}-{number}"
        if rng.random() < 0.5:  # it alone: it loses its partners
            return ("rename_article", path, f"{stem}.{split_name(cfg, path[:-3])[1]}.md")
        base = split_name(cfg, path.removesuffix(".md"))[0]
        group = [p for p in paths if split_name(cfg, p.removesuffix(".md"))[0] == base]
        return ("rename_group", group, stem)
    if what == "key":
        holders = sorted({str(a["fm"]["translation_key"]) for a in state.articles.values()
                          if a["fm"].get("translation_key")})
        if holders and rng.random() < 0.4:
            key = rng.choice(holders)
            return ("translation_key", [p for p in paths if str(
                state.articles[p]["fm"].get("translation_key")) == key], None)
        free = [p for p in paths if not state.articles[p]["fm"].get("translation_key")]
        first = rng.choice(free or paths)
        have = versions(state, cfg, first)
        if len(have) > 1 and rng.random() < 0.5:  # a pair by name, now by key too
            return ("translation_key", sorted(have.values()), f"story-{number}")
        mine = lang_of(cfg, first[:-3], state.articles[first]["fm"])
        others = [p for p in free if lang_of(cfg, p[:-3], state.articles[p]["fm"]) != mine]
        if not others:
            return ("nothing",)
        return ("translation_key", [first, rng.choice(others)], f"story-{number}")
    if what == "lang":
        path = rng.choice(paths)
        value = rng.choice(codes(state.config) or LANG_MARKS) if rng.random() < 0.8 else None
        return ("fm", path, "lang", value)
    if what == "briefing":
        slug = rng.choice(sorted(state.briefings))
        code = rng.choice(codes(cfg)[1:])
        held = state.briefings[slug].get("translations", {})
        if code in held and rng.random() < 0.3:
            return ("translation", "briefing", slug, code, None)
        other = new_briefing(rng, state, f"{rng.choice(KO_WORDS)} {number}")
        return ("translation", "briefing", slug, code, other)
    name = rng.choice(sorted(state.pages))
    held = state.pages[name].get("translations", {})
    if what == "page_fm" and held:
        code = rng.choice(sorted(held))
        key = rng.choice(["draft", "draft", "title", "menu"])
        new: Any = {"draft": not held[code]["fm"].get("draft", False), "title": title(rng),
                    "menu": rng.choice(["header", "footer", None])}[key]
        return ("translation_fm", name, code, key, new)
    code = rng.choice(codes(cfg)[1:])
    if code in held and rng.random() < 0.3:
        return ("translation", "page", name, code, None)
    page = new_page(rng, state, name)
    page.update(bundle=False, files={})  # a translation is a plain file here
    return ("translation", "page", name, code, page)


def choose_language_break(rng: random.Random, state: State, path: str) -> tuple[Any, ...]:
    """Break the languages for one step: a suffix not in languages:, a translation_key
    with no partner, `lang` not in languages:, a second version of a translation in one
    language, or a file whose address is another's in the same language."""
    kind = rng.choice(["lang_suffix", "lang_orphan_key", "lang_unknown", "lang_twice",
                       "lang_slug"])
    number = state.fresh_number()
    if kind == "lang_suffix":
        stem = new_article_path(rng, state).removesuffix(".md")
        return ("break", kind, f"{stem}.{rng.choice(FOREIGN)}.md", new_article(rng, state))
    if kind in ("lang_twice", "lang_slug"):
        return ("break", kind, path, f"{rng.choice(STEMS)}-{number}.md", headline(rng, state),
                first_paragraph(rng, state))
    if kind == "lang_orphan_key":
        return ("break", kind, path, f"lonely-{number}")
    return ("break", kind, path, rng.choice(FOREIGN))


def language_breakage(state: State, broken: tuple[Any, ...],
                      articles: dict[str, dict[str, Any]]) -> None:
    """Write this step's language breakage into the articles."""
    kind = broken[0]
    cfg = state.config
    if kind == "lang_suffix":
        article = copy.deepcopy(broken[2])
        article["fm"]["briefings"] = [b for b in article["fm"].get("briefings", [])
                                      if b in state.briefings]
        articles[broken[1]] = article
    if not kind.startswith("lang_") or broken[1] not in articles:
        return
    fm = articles[broken[1]]["fm"]
    if kind == "lang_orphan_key":
        fm["translation_key"] = broken[2]
    elif kind == "lang_unknown":
        fm["lang"] = broken[2]
    elif kind in ("lang_twice", "lang_slug"):
        # A second file in the same language: of the same translation (by key), or at
        # the same address (by slug, seen only while both are listed or expired).
        twin: dict[str, Any] = {"title": broken[3]}
        twin.update({k: fm[k] for k in ("date", "publish_date", "expires", "draft") if k in fm})
        lang = lang_of(cfg, broken[1][:-3], fm)
        if lang:
            twin["lang"] = lang
        if kind == "lang_twice":
            fm["translation_key"] = twin["translation_key"] = f"twin-{broken[2][:-3]}"
        else:
            twin["slug"] = slug_in(cfg, broken[1][:-3], fm)
        articles[broken[2]] = {"fm": twin, "first": broken[4], "rest": [], "files": {}}


def language_must_fail(state: State) -> bool | None:
    """Tell whether this step's language breakage must fail (None: not one)."""
    broken = state.broken or ("",)
    on = bool(state.config.get("languages"))
    if broken[0] == "lang_suffix":
        return on
    if broken[0] in ("lang_orphan_key", "lang_unknown", "lang_twice"):
        return on and broken[1] in state.articles
    if broken[0] == "lang_slug":
        return broken[1] in state.articles and article_status(
            state, state.articles[broken[1]]) in ("listed", "expired")
    return None


def ru_needed(state: State) -> bool:
    """Tell whether some file is in Russian (by `lang` or name): languages: must list it."""
    return any(fm.get("lang") == "ru" or name.endswith(".ru")
               for _, name, fm in language_items(state))


def choose_op(rng: random.Random, state: State) -> tuple[Any, ...]:
    """Pick one edit with all its randomness decided, so that `apply` replays it exactly."""
    kinds = {"body": 20, "first": 6, "fm": 28, "add_article": 4, "rename_article": 3,
             "delete_article": 3, "briefing": 5, "add_briefing": 2, "delete_briefing": 1,
             "rename_briefing": 1, "template": 5, "static": 3, "i18n": 2, "config": 6,
             "clock": 12, "break": 3, "touch": 2, "nothing": 3, "options": 2, "tamper": 2,
             "encoding": 2, "uncached": 1, "bundle": 3, "bundle_file": 6, "page": 5,
             "site_file": 3, "note": 3, "entity": 4, "mention": 6, "entity_fm": 3,
             "entity_break": 1, "claim": 4, "notice": 4, "notice_break": 1, "event": 4,
             "event_break": 1, "language": 4, "language_break": 1}
    for kind in FOCUS:
        kinds[kind] = kinds.get(kind, 0) * 5
    kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
    paths = sorted(state.articles)
    if kind in ("rename_article", "delete_article") and len(paths) <= 3:
        kind = "add_article"
    if kind in ("delete_briefing", "rename_briefing") and len(state.briefings) <= 1:
        kind = "add_briefing"
    if kind == "add_briefing" and len(state.briefings) >= len(BRIEFINGS):
        kind = "briefing"
    if (kind in ("break", "entity_break", "notice_break", "event_break", "language_break")
            and state.broken is not None):
        kind = "body"
    if kind == "entity_fm" and not state.entities:
        kind = "entity"
    path = rng.choice(paths)
    if kind == "body":
        mode = rng.choice(["append", "append", "replace", "drop"])
        return ("body", path, mode, paragraph(rng, state, state.articles[path]["files"]))
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
        return ("touch", path)
    if kind == "bundle":
        return ("bundle", "article", path, not state.articles[path].get("bundle", False))
    if kind == "bundle_file":
        return choose_bundle_file(rng, state)
    if kind == "page":
        return choose_page(rng, state)
    if kind == "site_file":
        return choose_site_file(rng, state)
    if kind == "note":
        return choose_note(rng, state)
    if kind == "entity":
        return choose_entity(rng, state)
    if kind == "mention":
        return choose_mention(rng, state, path)
    if kind == "entity_fm":
        return choose_entity_fm(rng, state, path)
    if kind == "entity_break":
        return choose_entity_break(rng, state, path)
    if kind == "claim":
        return choose_claim(rng, state, path)
    if kind == "notice":
        return choose_notice(rng, state, path)
    if kind == "notice_break":
        return choose_notice_break(rng, state, path)
    if kind == "event":
        return choose_event(rng, state, path)
    if kind == "event_break":
        return choose_event_break(rng, state, path)
    if kind == "language":
        return choose_language(rng, state)
    if kind == "language_break":
        return choose_language_break(rng, state, path)
    if kind == "uncached":
        return ("uncached",)
    if kind == "options":
        return ("options", sorted(rng.sample(["--drafts", "--future", "--include-current"],
                                             rng.choice([0, 0, 1, 1, 2]))))
    if kind == "tamper" and state.outputs:
        return ("tamper", rng.choice(["delete", "append", "truncate"]),
                rng.choice(state.outputs))
    return ("nothing",)


# Edits that may leave two files in one language at one address or translation, or a file
# in no language of the site: `apply` undoes them then.
LANGUAGE_SENSITIVE = ("add_article", "rename_article", "rename_group", "delete_article", "fm",
                      "translation_key", "translation", "translation_fm", "languages",
                      "config", "add_page", "rename_briefing", "add_briefing")


def apply(state: State, op: tuple[Any, ...]) -> None:
    """Apply one edit to the model; an edit whose target is gone, or that would leave the
    files' languages broken (see `language_problems`), does nothing."""
    if op[0] not in LANGUAGE_SENSITIVE:
        apply_edit(state, op)
        return
    saved = copy.deepcopy((state.articles, state.briefings, state.pages, state.config))
    apply_edit(state, op)
    if language_problems(state):
        state.articles, state.briefings, state.pages, state.config = saved


def apply_edit(state: State, op: tuple[Any, ...]) -> None:
    """Apply one edit to the model; an edit whose target is gone does nothing."""
    kind, args = op[0], op[1:]
    articles = state.articles
    if kind == "notice" and args[0] in articles:
        held = articles[args[0]]["fm"].get(args[1], [])
        action = args[2] if held else "add"
        before = held[min(args[3], len(held) - 1)] if action != "add" else {}
        if args[1] == "updates" and not before.get("significant") and (
                action == "remove" or not args[4].get("significant")):
            state.quiet.append(args[0])
        else:
            state.loud = True
    elif kind != "nothing":
        state.loud = True
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
            if args[1] in ("about", "mentions", "ignore_mentions"):
                value = [entity for entity in value if entity in state.entities]
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
        drop_lonely_keys(state)
    elif kind == "rename_group":
        for path in args[0]:
            suffix = LANG_SUFFIX.search(path.removesuffix(".md"))
            new = args[1] + (f".{suffix.group(1)}" if suffix else "") + ".md"
            if path in articles and new not in articles:
                articles[new] = articles.pop(path)
    elif kind == "translation_key":
        for path in args[0]:
            if path in articles and args[1] is None:
                articles[path]["fm"].pop("translation_key", None)
            elif path in articles:
                articles[path]["fm"]["translation_key"] = args[1]
    elif kind == "languages":
        spec = copy.deepcopy(args[0])
        if spec is not None and ru_needed(state):
            spec["ru"] = True
        state.config["languages"] = spec
    elif kind == "translation":
        owner = (state.briefings if args[0] == "briefing" else state.pages).get(args[1])
        if owner is not None and args[3] is None:
            owner.get("translations", {}).pop(args[2], None)
        elif owner is not None:
            owner.setdefault("translations", {})[args[2]] = copy.deepcopy(args[3])
    elif kind == "translation_fm":
        page = state.pages.get(args[0], {}).get("translations", {}).get(args[1])
        if page is not None and args[3] is None:
            page["fm"].pop(args[2], None)
        elif page is not None:
            page["fm"][args[2]] = args[3]
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
    elif kind == "touch" and args[0] in articles:
        state.touched.append(source_path("articles", args[0], articles[args[0]]))
    elif kind == "bundle":
        owner = (articles if args[0] == "article" else state.pages).get(args[1])
        if owner is not None:
            owner["bundle"] = args[2]
    elif kind == "bundle_file":
        owner = (articles if args[0] == "article" else state.pages).get(args[1])
        if owner is not None:
            if args[3] is None:
                owner["files"].pop(args[2], None)
            else:
                owner["files"][args[2]] = args[3]
            if args[4]:
                owner["rest" if args[0] == "article" else "body"].append(args[4])
            if args[5]:
                owner["bundle"] = True
    elif kind == "add_page" and args[0] not in state.pages:
        state.pages[args[0]] = copy.deepcopy(args[1])
    elif kind == "delete_page":
        state.pages.pop(args[0], None)
    elif kind == "page" and args[0] in state.pages:
        page = state.pages[args[0]]
        if args[1] == "body":
            page["body"].append(args[2])
        elif args[1] == "first":
            page["body"][0] = args[2]
        elif args[1] == "bundle":
            page["bundle"] = args[2]
        elif args[2] is None:
            page["fm"].pop(args[1], None)
        else:
            page["fm"][args[1]] = args[2]
    elif kind == "site_file":
        if args[1] is None:
            state.site_files.pop(args[0], None)
        else:
            state.site_files[args[0]] = args[1]
    elif kind == "note":
        state.notes[args[0]] = {"scope": args[1], "anchor": args[2], "text": args[3]}
    elif kind == "note_remove":
        state.notes.pop(args[0], None)
    elif kind == "encoding" and args[0] in articles:
        articles[args[0]][args[1]] = not articles[args[0]].get(args[1], False)
    elif kind == "add_entity" and args[0] not in state.entities:
        entity = copy.deepcopy(args[1])
        if entity["fm"].get("member_of") not in member_choices(state, args[0]):
            entity["fm"].pop("member_of", None)
        state.entities[args[0]] = entity
    elif kind == "delete_entity" and args[0] in state.entities:
        del state.entities[args[0]]
        for other in state.entities.values():
            if other["fm"].get("member_of") == args[0]:
                del other["fm"]["member_of"]
        for article in articles.values():
            for key in ("about", "mentions", "ignore_mentions"):
                if args[0] in article["fm"].get(key, []):
                    article["fm"][key].remove(args[0])
            article["positions"] = [position for position in article.get("positions", [])
                                    if position["by"] != args[0]]
    elif kind == "entity" and args[0] in state.entities:
        entity = state.entities[args[0]]
        if args[1] == "body":
            entity["body"] = [args[2]] if args[2] else []
        elif args[2] is None:
            entity["fm"].pop(args[1], None)
        elif args[1] != "member_of" or args[2] in member_choices(state, args[0]):
            entity["fm"][args[1]] = args[2]
    elif kind == "claim" and args[0] in articles and args[1]["by"] in state.entities:
        articles[args[0]].setdefault("positions", []).append(dict(args[1]))
        state.claims.setdefault(args[1]["claim"], {"text": args[2], "verdict": ""})
    elif kind == "claim_remove" and args[0] in articles:
        positions = articles[args[0]].get("positions", [])
        if args[1] < len(positions):
            positions.pop(args[1])
    elif kind == "notice" and args[0] in articles:
        held = articles[args[0]]["fm"].setdefault(args[1], [])
        if args[2] == "add" or not held:
            held.append(dict(args[4]))
        elif args[2] == "edit":
            held[min(args[3], len(held) - 1)] = dict(args[4])
        else:
            held.pop(min(args[3], len(held) - 1))
        if not held:
            del articles[args[0]]["fm"][args[1]]
    elif kind == "event" and args[1] in getattr(state, args[0]):
        fm = getattr(state, args[0])[args[1]]["fm"]
        held = fm.setdefault("events", [])
        if args[2] == "add" or not held:
            held.append(copy.deepcopy(args[4]))
        elif args[2] == "edit":
            held[min(args[3], len(held) - 1)] = copy.deepcopy(args[4])
        else:
            held.pop(min(args[3], len(held) - 1))
        if not held:
            del fm["events"]
    elif kind == "key" and args[0] in articles:
        if args[1] is None:
            articles[args[0]]["fm"].pop("key", None)
        else:
            articles[args[0]]["fm"]["key"] = args[1]
    elif kind == "claim_text" and args[0] in state.claims:
        state.claims[args[0]] = {"text": args[1], "verdict": args[2]}
    elif kind == "uncached":
        state.uncached = True
    elif kind == "options":
        state.flags = list(args[0])
    elif kind == "tamper":
        state.tamper.append((args[0], args[1]))


def drop_lonely_keys(state: State) -> None:
    """Remove a translation_key that no other article holds (its partner was deleted)."""
    held = Counter(str(a["fm"]["translation_key"]) for a in state.articles.values()
                   if a["fm"].get("translation_key"))
    for article in state.articles.values():
        if held.get(str(article["fm"].get("translation_key")), 2) < 2:
            del article["fm"]["translation_key"]


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


def warnings_of(result: Any) -> list[str]:
    return sorted(line for line in result.output.splitlines() if line.startswith("warning: "))


def unwarned(state: State, result: Any) -> list[str]:
    """Return the Markdown files holding a <script> that a sanitizing build did not name."""
    if state.config["raw_html"] != "sanitize":
        return []
    said = unicodedata.normalize("NFC", "\n".join(warnings_of(result)))
    return [path for path, data in sorted(render(state).items())
            if path.endswith(".md") and b"<script>" in data
            and f"{unicodedata.normalize('NFC', path)}:" not in said]


def leaks(state: State, out: Path) -> list[str]:
    """Name what the output shows of drafts and scheduled articles, draft pages, and the
    files of pages that are not bundles (or not published)."""
    if "--drafts" in state.flags:
        return []
    texts: list[tuple[bytes, str]] = []  # (bytes that must not appear, what they are)
    names: list[tuple[str, str]] = []  # (file name that must not be published, whose)
    absent: list[str] = []  # output paths that must not exist
    tokens: list[tuple[str, str]] = []  # (" TN" of a hidden title, " QN" of a quote; whose)
    linked: dict[str, str] = {}  # output folder of a hidden page -> whose
    cfg = state.config
    for path, article in sorted(state.articles.items()):
        status = article_status(state, article)
        hidden = status in ("draft", "scheduled")
        if hidden:
            texts.append((marker(article["first"]).encode(), f"{status} article {path}"))
            token = re.search(r" T\d+$", str(article["fm"].get("title", "")))
            if token:  # its title, in lists, on entity pages, in feeds
                tokens.append((token.group(0), f"{status} article {path}"))
            tokens += [(found.group(0), f"a position in the {status} article {path}")
                       for position in article.get("positions", [])
                       for found in [re.search(r" Q\d+$", position.get("quote", ""))] if found]
            tokens += [(found.group(0), f"a {key[:-1]} of the {status} article {path}")
                       for key in ("corrections", "updates")
                       for item in article["fm"].get(key, [])
                       for found in [re.search(r" [CU]\d+$", item["text"])] if found]
            tokens += [(found.group(0), f"an event of the {status} article {path}")
                       for item in article["fm"].get("events", [])
                       if isinstance(item, dict)
                       for found in [re.search(r" E\d+$", str(item.get("title", "")))]
                       if found]
        if hidden or not article.get("bundle"):
            names += [(name, f"{status} article {path}") for name in article["files"]]
        if hidden:  # no translation links to it (hreflang, the switcher, the sitemap)
            linked[address(cfg, "article", path[:-3], article["fm"])] = f"{status} article {path}"
    for name, page in sorted(state.pages.items()):
        for code, item in [("", page), *sorted(page.get("translations", {}).items())]:
            own = f"{name}.{code}" if code else name
            if item["fm"].get("draft"):
                texts.append((marker(item["body"][0]).encode(), f"draft page {own}"))
                absent.append(address(cfg, "page", own, item["fm"]) + "index.html")
                linked[address(cfg, "page", own, item["fm"])] = f"draft page {own}"
        draft = bool(page["fm"].get("draft"))
        if draft or not page.get("bundle"):
            names += [(file_name, f"page {name}") for file_name in page["files"]]
    for file_name, whose in names:
        texts += [(spelling.encode(), f"the file {file_name} of {whose}")
                  for spelling in dict.fromkeys([file_name, quote(file_name)])]
    found = []
    files = snapshot(out)[0]
    files.pop(MANIFEST, None)  # bookkeeping, not published
    for rel in render(state):  # the site's own files, published under any name they have
        if rel.startswith("static/"):
            files.pop(rel.removeprefix("static/"), None)
    for rel, data in sorted(files.items()):
        base = rel.rsplit("/", 1)[-1]
        for file_name, whose in names:
            stem, _, suffix = file_name.rpartition(".")
            if re.fullmatch(re.escape(stem) + r"(-\d+w)?\." + re.escape(suffix), base):
                found.append(f"  published: {rel}, a copy of {file_name} of {whose}")
        if rel.endswith(BINARY) or "pagefind/" in rel:
            continue
        found += [f"  {rel} shows {text.decode()!r} of {whose}" for text, whose in texts
                  if text in data]
        found += [f"  {rel} shows {token!r} of {whose}" for token, whose in tokens
                  if re.search(re.escape(token.encode()) + rb"(?!\d)", data)]
    found += [f"  published: {rel}, a draft page" for rel in absent
              if unicodedata.normalize("NFC", rel) in
              {unicodedata.normalize("NFC", name) for name in files}]
    if cfg["languages"]:
        found += translation_links(cfg, files, linked)
    return found


def translation_links(cfg: dict[str, Any], files: dict[str, bytes],
                      hidden: dict[str, str]) -> list[str]:
    """Name the links to hidden pages among translations: hreflang alternates, the language
    switcher and the sitemap's xhtml:link (the model's own body links may name any page)."""
    base = urlsplit(cfg["base_url"]).path
    found = []
    for rel, data in sorted(files.items()):
        if not rel.endswith((".html", ".xml")):
            continue
        text = data.decode("utf-8", "replace")
        urls = [m.group(1) for tag in re.findall(r"<[^>]*\bhreflang=[^>]*>", text)
                for m in [re.search(r'\bhref="([^"]*)"', tag)] if m]
        for url in urls:
            path = unicodedata.normalize("NFC", unquote(urlsplit(html.unescape(url)).path))
            if path.startswith(base) and path[len(base):] in hidden:
                found.append(f"  {rel} links to {path}, the {hidden[path[len(base):]]}")
    return found


def unlinked(state: State, out: Path) -> list[str]:
    """Name the listed articles, briefings and pages whose page does not link (hreflang)
    to a listed translation (by name, NFC or not, or by translation_key)."""
    cfg = state.config
    if not cfg["languages"]:
        return []
    base = urlsplit(cfg["base_url"]).path
    groups: dict[str, dict[str, str]] = {}  # translation -> language -> its address
    for section, name, fm in language_items(state):
        if section == "article":
            shown = article_status(state, state.articles[name + ".md"]) == "listed"
        else:
            shown = section == "briefing" or not fm.get("draft") or "--drafts" in state.flags
        if shown:
            key = (f"{section}={fm['translation_key']}" if fm.get("translation_key") else
                   f"{section}:{unicodedata.normalize('NFC', split_name(cfg, name)[0])}")
            groups.setdefault(key, {})[lang_of(cfg, name, fm)] = address(cfg, section, name, fm)
    found = []
    for group in groups.values():
        for where in sorted(group.values()) if len(group) > 1 else ():
            page = out / where / "index.html"
            links = {code: unicodedata.normalize("NFC", unquote(urlsplit(html.unescape(url)).path))
                     for code, url in re.findall(r'<link rel="alternate" hreflang="([^"]+)" '
                                                 r'href="([^"]+)">', page.read_text("utf-8"))
                     } if page.is_file() else {}
            found += [f"  {where} does not link to its {code} translation {other}: hreflang "
                      f"{links}" for code, other in sorted(group.items())
                      if links.get(code) != base + other]
    return found


def stamps(state: State, out: Path, path: str) -> tuple[str | None, str | None]:
    """Return an article's JSON-LD dateModified on its page and its `updated` in the Atom
    feed (None where the page or the entry is not in the output)."""
    fm = state.articles[path]["fm"]
    folder = address(state.config, "article", path[:-3], fm)  # e.g. ko/articles/x-3/
    home = out / prefix(state.config, lang_of(state.config, path[:-3], fm))
    page = out / folder / "index.html"
    modified = None
    if page.is_file():
        found = re.search(r'<script type="application/ld\+json">(.*?)</script>',
                          page.read_text(encoding="utf-8"), re.S)
        modified = json.loads(found.group(1)).get("dateModified") if found else None
    updated = None
    if (home / "atom.xml").is_file():
        feed = feedparser.parse((home / "atom.xml").read_bytes())
        updated = next((entry.get("updated") for entry in feed.entries
                        if unicodedata.normalize("NFC", unquote(entry.get("link", "")))
                        .endswith("/" + folder)), None)
    return modified, updated


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
    settled: bool = True  # the output is the last step's (its build succeeded)
    quiet_checks: int = 0  # articles whose dates a typo-fix update was shown not to move

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
        quiet = {}  # article -> its modified dates before a typo-fix update alone
        if self.settled and not self.state.loud:
            quiet = {path: stamps(self.state, self.out, path) for path in self.state.quiet}
        flags = self.state.flags
        uncached = ["--no-cache"] if self.state.uncached else []
        inc = build(self.site, "-j", str(JOBS), "--now", now, "-v", *flags, *uncached)
        fresh = self.work / "fresh"
        if fresh.exists():
            shutil.rmtree(fresh)
        new = build(self.site, "-j", "1", "--no-cache", "--now", now, "--output", str(fresh),
                    *flags)
        self.state.outputs = sorted(name for name in snapshot(self.out)[0] if name != MANIFEST)
        problems = [f"  the model is no valid site (a bug of the test): {problem}"
                    for problem in language_problems(self.state)]
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
            if must_build(self.state):
                # valid input: the model or the build is wrong
                errors = [x for x in new.output.splitlines() if x.startswith("error")]
                problems.append("  the step breaks nothing, yet both builds failed:\n"
                                + "\n".join("    " + x for x in errors[:5]))
            if snapshot(self.out) != before:
                problems.append("  the failed incremental build changed the output")
            if snapshot(fresh)[0]:
                problems.append("  the failed fresh build wrote files")
        else:
            self.paths[path_taken(inc.output)] += 1
            if must_fail(self.state):
                problems.append(f"  the breakage {self.state.broken!r} built")
            found, manifest_differs = compare(self.out, fresh)
            problems += found
            self.manifest_diffs += manifest_differs
            if warnings_of(inc) != warnings_of(new):
                problems.append("  the warnings differ:\n" + "\n".join(difflib.unified_diff(
                    warnings_of(inc), warnings_of(new), "incremental", "fresh", lineterm="")))
            for label, result in (("incremental", inc), ("fresh", new)):
                problems += [f"  the {label} build did not warn of the <script> in {path}"
                             for path in unwarned(self.state, result)]
            problems += leaks(self.state, fresh)
            problems += unlinked(self.state, fresh)
            self.quiet_checks += sum(path in self.state.articles for path in quiet)
            problems += [f"  a typo-fix update alone moved the modified date of {path}: "
                         f"{was} -> {now}" for path, was in sorted(quiet.items())
                         if path in self.state.articles
                         for now in [stamps(self.state, self.out, path)]
                         if any(None not in pair and pair[0] != pair[1]
                                for pair in zip(was, now, strict=True))]
            problems += [x.replace("  ", "  incremental: ", 1) for x in leaks(self.state, self.out)]
        self.settled = inc.exit_code == 0
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
            + (f"BRIEFINGS_RANDOM_FOCUS={','.join(FOCUS)} " if FOCUS else "")
            + f".venv/bin/python -m pytest tests/test_random_edits.py -k {self.test}",
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
        run.state.quiet, run.state.loud = [], False
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
          f"typo-fix checks {run.quiet_checks}, mismatches {len(run.failures)}")



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


def _step(run: Run, *ops: tuple[Any, ...]) -> str:
    """Apply one step by hand, build it both ways, and return the entity pages of Zakharova
    (run.paths then holds the incremental build's path of this step alone)."""
    run.paths.clear()
    for op in ops:
        apply(run.state, op)
    run.steps.append(list(ops))
    sync(run.site, run.state)
    run.check(len(run.steps) - 1)
    run.state.broken = None
    run.state.quiet, run.state.loud = [], False
    assert not run.failures, "\n\n".join(run.failures)
    pages = sorted((run.out / "entities" / "zakharova").rglob("index.html"))  # all of them
    return "".join(page.read_text(encoding="utf-8") for page in pages)


def test_a_body_edit_naming_an_entity_changes_its_page(tmp_path: Path) -> None:
    """Mentions come from bodies: a body-only edit that adds or drops a name (declined in
    Russian, with a Korean particle) lists the article on the entity's page or not."""
    run = run_sequence(5, 0, 4, False, tmp_path)
    spec = ENTITY_POOL["zakharova"]
    page = _step(run, ("delete_entity", "zakharova"), ("add_entity", "zakharova", {
        "fm": {"name": spec["names"], "aliases": spec["aliases"]}, "body": []}))
    path, link = next((p, f'href="/news/articles/{slug_of(run.state, p)}/"')
                      for p, a in sorted(run.state.articles.items())
                      if article_status(run.state, a) == "listed" and a["rest"]
                      and f'href="/news/articles/{slug_of(run.state, p)}/"' not in page)
    page = _step(run, ("body", path, "append", "Брифинг Захаровой прошёл вчера."))
    assert link in page
    # The same entities named otherwise: the article's card is as it was, its body is not.
    page = _step(run, ("body", path, "replace", "외무부 대변인 자하로바는 밝혔다."))
    assert link in page
    assert list(run.paths) == ["N article changed below the first paragraph"]
    page = _step(run, ("body", path, "replace", "No names here."))
    assert link not in page
    page = _step(run, ("fm", path, "mentions", ["zakharova"]))
    assert link in page
    page = _step(run, ("fm", path, "draft", True))  # a draft is on no entity page
    assert link not in page


def test_a_typo_fix_update_leaves_the_modified_date(tmp_path: Path) -> None:
    """A non-significant update moves neither dateModified nor the feed's `updated`; a
    correction dated after the article moves both (and the harness's check sees it)."""
    run = run_sequence(5, 0, 4, False, tmp_path)
    path = next(p for p, a in sorted(run.state.articles.items())
                if article_status(run.state, a) == "listed" and "updated" not in a["fm"])
    day = parse_moment(str(run.state.articles[path]["fm"]["date"]), zone(run.state))
    assert day is not None
    later = iso_z(day + timedelta(days=3))
    was = stamps(run.state, run.out, path)
    assert was[0] is not None
    _step(run, ("notice", path, "updates", "add", 0,
                {"date": later, "text": "Fixed a typo U1", "significant": False}))
    assert stamps(run.state, run.out, path) == was
    assert run.quiet_checks == 1
    _step(run, ("notice", path, "corrections", "add", 0,
                {"date": later, "text": "The talks were on Tuesday, not Monday C2"}))
    now = stamps(run.state, run.out, path)
    assert now[0] is not None and datetime.fromisoformat(now[0]) == day + timedelta(days=3)
    assert was[1] is None or now[1] != was[1]


def test_a_translation_saved_with_a_decomposed_name_stays_linked(tmp_path: Path) -> None:
    """A translation whose file name macOS saved decomposed (NFD) is still its partner's:
    both pages link to each other (hreflang), as while the name was composed."""
    run = run_sequence(4, 0, 10, False, tmp_path)  # seed 4 starts in two languages
    cfg = run.state.config
    path = next(p for p, a in sorted(run.state.articles.items())
                if article_status(run.state, a) == "listed" and unicodedata.normalize("NFD", p) != p
                and len(versions(run.state, cfg, p)) == 1)
    other = next(code for code in codes(cfg)
                 if code != lang_of(cfg, path[:-3], run.state.articles[path]["fm"]))
    article = translation_article(random.Random(1), run.state, path)
    for key in ("draft", "publish_date", "expires"):
        article["fm"].pop(key, None)
    new = f"{path[:-3]}.{other}.md"
    _step(run, ("add_article", new, article))
    assert unlinked(run.state, run.out) == [] and len(versions(run.state, cfg, path)) == 2
    _step(run, ("rename_article", new, unicodedata.normalize("NFD", new)))
