"""Deterministic benchmark corpus: the same articles as Briefings, Hugo and Pelican sites.

    python -m bench.corpus --articles 1000 --seed 1 --out /tmp/corpus

writes DIR/briefings/ (configured like the peers), DIR/briefings-defaults/ (the same site
with the site.yaml a user would write, so the shipped defaults apply), DIR/hugo/ and
DIR/pelican/. The same seed gives a byte-identical corpus (given the same Briefings and
Pelican default themes, which are copied in). Articles are generated and written one at a
time, so memory stays flat however many there are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BRIEFINGS_THEME = REPO / "themes" / "default"
HUGO_LAYOUTS = BENCH / "hugo_layouts"
PEERS_PYTHON = BENCH / ".work" / "peers-venv" / "bin" / "python"
BASE_URL = "https://bench.example/"
SITE_TITLE = "Bench Briefings"
SITE_DESCRIPTION = "Generated articles for the build benchmark."
TOPICS = 40
TAGS = 200
TAGS_PER_ARTICLE = 3
WORDS_PER_ARTICLE = 600
START = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
SPAN_SECONDS = 5 * 365 * 24 * 3600
EDIT_MARK = "Bench edit"
TOOLS = ("briefings", "hugo", "pelican")
# Site folders of a corpus: (tool, configuration). Hugo and Pelican exist in one
# configuration only, the one comparable with Briefings' "peer" configuration.
SITES = {"briefings": ("briefings", "peer"), "briefings-defaults": ("briefings", "defaults"),
         "hugo": ("hugo", "peer"), "pelican": ("pelican", "peer")}

_VOCABULARY = """
the a an of to in on for with by from at as and or but not than that this these those it its
council minister ministry government parliament committee mayor city region province state
harbour river reservoir water drought rain flood bridge tram bus rail station depot line route
budget plan vote report review audit inquiry hearing ruling court judge appeal law bill rule
talks meeting summit envoy delegation treaty border trade tariff export import market price
energy power grid solar wind coal gas pipeline storage battery demand supply capacity outage
housing rent tenants landlords homes planning permit zoning density district neighbourhood
school teachers pupils exam hospital doctors nurses clinic waiting list health care patients
police crime court prison sentence charge trial evidence witness lawyer defence prosecution
election campaign candidate party coalition poll turnout ballot seat majority opposition
company shares profit loss revenue investors merger bank loan rate inflation wages jobs strike
union workers factory port shipping cargo freight airline airport flights passengers fares
climate emissions target carbon forest wildlife species coast erosion heat storm season
officials residents members experts analysts spokesperson sources critics supporters groups
said says announced confirmed denied warned expected agreed rejected approved delayed proposed
will would could may might must should has have had was were is are be been being
new old first last next early late major minor local national regional public private
higher lower rising falling record steady sharp modest long short full partial final draft
week month year day morning evening quarter decade period phase stage round deadline
figures data survey study estimate forecast cost costs funding grant spending cuts increase
after before during since until while when where because although despite within across
over under between among against toward about around into through without beyond
"""
WORDS = _VOCABULARY.split()
_NAMES = """Alex Morgan,Priya Shah,Tomasz Nowak,Mei Lin,Samuel Okafor,Hannah Berg,Diego Alvarez,
Aisha Karim,Jonas Weber,Lucia Rossi,Kenji Sato,Fatima Haddad,Oliver Grant,Ingrid Larsen,
Rafael Costa,Nadia Petrova,Ethan Clarke,Yuna Park,Omar Farouk,Clara Dubois"""
AUTHORS = [name.strip() for name in _NAMES.split(",")]
SOURCES = ["Harbour Herald", "Northbridge Times", "Regional Wire", "Civic Ledger",
           "Morning Dispatch", "Coastal Courier", "Metro Bulletin", "Evening Post",
           "Valley Observer", "Capital Review", "Market Journal", "Press Agency",
           "City Chronicle", "Weekly Standard", "Public Radio"]


@dataclass(frozen=True)
class Topic:
    """One briefing topic (a Hugo `topics` term, a Pelican category)."""

    slug: str
    title: str
    summary: str
    overview: str
    weight: int


@dataclass(frozen=True)
class Article:
    """One article, rendered identically (Markdown body) for every tool."""

    slug: str
    title: str
    date: dt.datetime
    author: str
    source: str
    topic: Topic
    tags: tuple[str, ...]
    summary: str
    body: str


def _sentence(rng: random.Random, low: int = 9, high: int = 18, emphasis: bool = True) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    if emphasis and rng.random() < 0.25:
        at = rng.randrange(1, len(words))
        words[at] = f"*{words[at]}*"
    if len(words) > 10 and rng.random() < 0.4:
        words[rng.randrange(3, len(words) - 3)] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _title(rng: random.Random, low: int = 5, high: int = 9) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:]


def _plain_sentence(rng: random.Random, low: int, high: int) -> str:
    return _sentence(rng, low, high, emphasis=False).replace(",", "")


def _body(rng: random.Random) -> str:
    """About 600 words: paragraphs, a `##` subheading, a bullet list, a link, emphasis."""
    target = rng.randint(WORDS_PER_ARTICLE - 60, WORDS_PER_ARTICLE + 20)
    blocks = [_paragraph(rng, rng.randint(4, 6)), _paragraph(rng, rng.randint(4, 6))]
    blocks.append("## " + _title(rng, 3, 6))
    blocks.append(_paragraph(rng, rng.randint(3, 5)))
    blocks.append("\n".join("- " + _sentence(rng, 5, 10) for _ in range(rng.randint(3, 5))))
    link = "-".join(rng.choice(WORDS) for _ in range(3))
    blocks.append(_sentence(rng) + f" See [the {rng.choice(SOURCES)} report]"
                  f"(https://news.example/{link}) for *details*. " + _paragraph(rng, 3))
    count = sum(len(block.split()) for block in blocks)
    while count < target:
        block = _paragraph(rng, rng.randint(3, 6))
        blocks.append(block)
        count += len(block.split())
    return "\n\n".join(blocks) + "\n"


def _unique(count: int, make: Callable[[], str]) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen.setdefault(make(), None)
    return list(seen)


def site_folder(tool: str, config: str) -> str:
    """The corpus folder of TOOL's site in CONFIG (peer or defaults)."""
    return next(name for name, site in SITES.items() if site == (tool, config))


def make_corpus(articles: int, seed: int) -> tuple[list[Topic], Iterator[Article]]:
    """Generate the topics, and lazily the articles, for N articles from one seed.

    Consume the articles before drawing anything else from the seed's sequence: they come
    from the same random generator, after the topics and tags.
    """
    rng = random.Random(seed)
    titles = _unique(TOPICS, lambda: " ".join(
        rng.choice(WORDS).capitalize() for _ in range(rng.randint(2, 3))) + " Briefing")
    topics = [Topic(slug=title.lower().replace(" ", "-"), title=title,
                    summary=_plain_sentence(rng, 18, 30),
                    overview="\n\n".join(_paragraph(rng, rng.randint(4, 6)) for _ in range(3)),
                    weight=n + 1)
              for n, title in enumerate(titles)]
    tags = _unique(TAGS, lambda: f"{rng.choice(WORDS)}-{rng.choice(WORDS)}")
    return topics, _articles(rng, articles, topics, tags)


def _articles(rng: random.Random, count: int, topics: list[Topic],
              tags: list[str]) -> Iterator[Article]:
    width = len(str(count))
    for n in range(count):
        title = _title(rng)
        slug = f"{n:0{width}d}-" + "-".join(title.lower().split()[:4])
        yield Article(
            slug=slug, title=title,
            date=START + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS)),
            author=rng.choice(AUTHORS), source=rng.choice(SOURCES),
            topic=rng.choice(topics), tags=tuple(rng.sample(tags, TAGS_PER_ARTICLE)),
            summary=_plain_sentence(rng, 16, 28), body=_body(rng))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


class _Files:
    """Write many files, creating each folder only once."""

    def __init__(self) -> None:
        self.folders: set[Path] = set()

    def write(self, path: Path, text: str) -> None:
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        path.write_text(text, encoding="utf-8", newline="\n")


def _yaml_list(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def briefings_config(config: str) -> str:
    """The Briefings site.yaml for CONFIG: "peer" (like Hugo and Pelican) or "defaults"."""
    user = (f'title: "{SITE_TITLE}"\ndescription: "{SITE_DESCRIPTION}"\n'
            f'base_url: "{BASE_URL}"\nlanguage: en\ntimezone: UTC\nauthor: "Bench desk"\n')
    if config == "defaults":
        # What a user writes: no theme, output, feed, pagination, search or digest keys, so
        # the shipped defaults apply (Pagefind search, weekly digests, 20 items a page).
        return user
    return user + (
        "theme: default\noutput_dir: public\nfeeds:\n  items: 50\n  full_content: true\n"
        # Like the peers: full lists (no pagination), no search index, no digest editions.
        "paginate: 1000000\nsearch: false\ndigests:\n  enabled: false\n")


def setup_briefings(root: Path, topics: list[Topic], config: str) -> None:
    """The Briefings site, with a copy of the default theme so a template can be edited."""
    _write(root / "site.yaml", briefings_config(config))
    for t in topics:
        _write(root / "content" / "briefings" / f"{t.slug}.md",
               f'---\ntitle: "{t.title}"\nsummary: "{t.summary}"\nweight: {t.weight}\n---\n'
               f"{t.overview}\n")
    shutil.copytree(BRIEFINGS_THEME, root / "themes" / "default")


def briefings_article(a: Article) -> tuple[str, str]:
    """The article's source file for Briefings: path under the site, text."""
    return (f"content/articles/{a.topic.slug}/{a.slug}.md",
            f'---\ntitle: "{a.title}"\ndate: {_iso(a.date)}\nauthor: "{a.author}"\n'
            f'source: "{a.source}"\nbriefings: [{a.topic.slug}]\ntags: {_yaml_list(a.tags)}\n'
            f'summary: "{a.summary}"\n---\n{a.body}')


HUGO_CONFIG = f"""baseURL = "{BASE_URL}"
locale = "en"
title = "{SITE_TITLE}"
timeZone = "UTC"
titleCaseStyle = "none"
enableRobotsTXT = true

[params]
  description = "{SITE_DESCRIPTION}"

[taxonomies]
  topic = "topics"
  tag = "tags"

[permalinks]
  [permalinks.page]
    articles = "/articles/:slug/"
  [permalinks.term]
    topics = "/briefings/:slug/"
  [permalinks.taxonomy]
    topics = "/briefings/"

[services.rss]
  limit = 50

[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]

[outputFormats.rss]
  baseName = "feed"

[outputFormats.atom]
  mediaType = "application/atom+xml"
  baseName = "atom"
  rel = "alternate"

[outputs]
  home = ["html", "rss", "atom"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html", "rss", "atom"]

# Briefings writes feeds per topic, not per tag.
[[cascade]]
  outputs = ["html"]
  [cascade.target]
    kind = "term"
    path = "{{/tags/**}}"
"""


def setup_hugo(root: Path, topics: list[Topic], config: str) -> None:
    """The Hugo site: hugo.toml, our own layouts, topics as terms with the overview text."""
    _write(root / "hugo.toml", HUGO_CONFIG)
    for t in topics:
        _write(root / "content" / "topics" / t.slug / "_index.md",
               f'---\ntitle: "{t.title}"\nsummary: "{t.summary}"\nweight: {t.weight}\n---\n'
               f"{t.overview}\n")
    shutil.copytree(HUGO_LAYOUTS, root / "layouts")
    (root / "static").mkdir()
    shutil.copy2(BRIEFINGS_THEME / "static" / "style.css", root / "static" / "style.css")


def hugo_article(a: Article) -> tuple[str, str]:
    """The article's source file for Hugo: path under the site, text."""
    return (f"content/articles/{a.slug}.md",
            f'---\ntitle: "{a.title}"\nslug: "{a.slug}"\ndate: {_iso(a.date)}\n'
            f'author: "{a.author}"\nsource: "{a.source}"\ntopics: [{a.topic.slug}]\n'
            f'tags: {_yaml_list(a.tags)}\n'
            f'summary: "{a.summary}"\n---\n{a.body}')


PELICAN_CONFIG = f"""# Generated by bench/corpus.py: URLs laid out like Briefings' output.
AUTHOR = "Bench desk"
SITENAME = "{SITE_TITLE}"
SITEURL = "{BASE_URL.rstrip('/')}"
RELATIVE_URLS = False
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "theme"
DEFAULT_PAGINATION = False

ARTICLE_URL = "articles/{{slug}}/"
ARTICLE_SAVE_AS = "articles/{{slug}}/index.html"
CATEGORY_URL = "briefings/{{slug}}/"
CATEGORY_SAVE_AS = "briefings/{{slug}}/index.html"
TAG_URL = "tags/{{slug}}/"
TAG_SAVE_AS = "tags/{{slug}}/index.html"
TAGS_SAVE_AS = "tags/index.html"
ARCHIVES_SAVE_AS = "articles/index.html"
CATEGORIES_SAVE_AS = "briefings/index.html"
# Briefings always writes year and month archives.
YEAR_ARCHIVE_SAVE_AS = "archive/{{date:%Y}}/index.html"
MONTH_ARCHIVE_SAVE_AS = "archive/{{date:%Y}}/{{date:%m}}/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""

FEED_MAX_ITEMS = 50
RSS_FEED_SUMMARY_ONLY = False
FEED_ALL_RSS = "feed.xml"
FEED_ALL_ATOM = "atom.xml"
CATEGORY_FEED_RSS = "briefings/{{slug}}/feed.xml"
CATEGORY_FEED_ATOM = "briefings/{{slug}}/atom.xml"
TAG_FEED_RSS = None
TAG_FEED_ATOM = None
AUTHOR_FEED_RSS = None
AUTHOR_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None

# Pelican's own content cache (re-parses only changed sources); the benchmark deletes
# cache/ before each full build.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""


def pelican_theme() -> Path:
    """Find Pelican's default theme (notmyidea): here, or in the bench's peers venv."""
    spec = importlib.util.find_spec("pelican")
    if spec is not None and spec.origin:
        return Path(spec.origin).parent / "themes" / "notmyidea"
    if PEERS_PYTHON.exists():
        code = "import pelican, pathlib; print(pathlib.Path(pelican.__file__).parent)"
        out = subprocess.run([str(PEERS_PYTHON), "-c", code], check=True, text=True,
                             capture_output=True).stdout.strip()
        return Path(out) / "themes" / "notmyidea"
    raise SystemExit("Pelican is not installed here nor in bench/.work/peers-venv; "
                     "run `python -m bench` once (it creates the venv) or pip install pelican")


def setup_pelican(root: Path, topics: list[Topic], config: str) -> None:
    """The Pelican site: pelicanconf.py and a copy of the default theme (topics are
    categories, which have no page of their own)."""
    _write(root / "pelicanconf.py", PELICAN_CONFIG)
    shutil.copytree(pelican_theme(), root / "theme")


def pelican_article(a: Article) -> tuple[str, str]:
    """The article's source file for Pelican: path under the site, text."""
    stamp = a.date.strftime("%Y-%m-%d %H:%M")
    return (f"content/{a.topic.slug}/{a.slug}.md",
            f"Title: {a.title}\nDate: {stamp}\nCategory: {a.topic.title}\n"
            f"Tags: {', '.join(a.tags)}\nSummary: {a.summary}\nSlug: {a.slug}\n"
            f"Author: {a.author}\n\n{a.body}")


SETUP: dict[str, Callable[[Path, list[Topic], str], None]] = {
    "briefings": setup_briefings, "hugo": setup_hugo, "pelican": setup_pelican}
ARTICLE_FILE: dict[str, Callable[[Article], tuple[str, str]]] = {
    "briefings": briefings_article, "hugo": hugo_article, "pelican": pelican_article}


def generate(out: Path, articles: int, seed: int,
             sites: tuple[str, ...] = tuple(SITES)) -> str:
    """Write the corpus's SITES (folder names, see SITES) under OUT, replacing what is
    there; return the slug of the article the edit cases change (the middle one)."""
    topics, items = make_corpus(articles, seed)
    roots = {out / site: SITES[site] for site in sites}
    for root, (tool, config) in roots.items():
        if root.exists():
            shutil.rmtree(root)
        SETUP[tool](root, topics, config)
    files, target = _Files(), ""
    for n, article in enumerate(items):
        if n == articles // 2:
            target = article.slug
        for root, (tool, _) in roots.items():
            path, text = ARTICLE_FILE[tool](article)
            files.write(root / path, text)
    for root in roots:
        _write(root / ".bench-edit-target", target + "\n")
    return target


# --- Editing helpers used by the runner -------------------------------------------------

def edited_slug(site_dir: Path) -> str:
    """The slug of the one fixed article that edit_one_article changes."""
    return (site_dir / ".bench-edit-target").read_text(encoding="utf-8").strip()


def article_source(site_dir: Path, tool: str) -> Path:
    """The source file of the fixed article for TOOL's site."""
    slug = edited_slug(site_dir)
    if tool == "hugo":
        return site_dir / "content" / "articles" / f"{slug}.md"
    pattern = f"articles/*/{slug}.md" if tool == "briefings" else f"*/{slug}.md"
    return next((site_dir / "content").glob(pattern))


def edit_one_article(site_dir: Path, tool: str) -> str:
    """Append a sentence to the fixed article's body; return the sentence."""
    path = article_source(site_dir, tool)
    text = path.read_text(encoding="utf-8")
    sentence = f"{EDIT_MARK} {text.count(EDIT_MARK) + 1}: the council confirmed the figures."
    path.write_text(text.rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8", newline="\n")
    return sentence


def template_path(site_dir: Path, tool: str) -> Path:
    """The article (single page) template of TOOL's site."""
    return {"briefings": site_dir / "themes" / "default" / "templates" / "article.html",
            "hugo": site_dir / "layouts" / "_default" / "single.html",
            "pelican": site_dir / "theme" / "templates" / "article.html"}[tool]


def edit_one_template(site_dir: Path, tool: str) -> str:
    """Add an HTML comment at the end of the article template's main block; return it."""
    path = template_path(site_dir, tool)
    text = path.read_text(encoding="utf-8")
    comment = f"<!-- bench template edit {text.count('bench template edit') + 1} -->"
    # Text after the closing block would not be rendered (Jinja), and Go templates drop
    # HTML comments, so the comment goes inside the block (as a string for Hugo).
    end = "{{ end }}" if tool == "hugo" else "{% endblock %}"
    line = f'{{{{ "{comment}" | safeHTML }}}}\n' if tool == "hugo" else comment + "\n"
    at = text.rindex(end)
    path.write_text(text[:at] + line + text[at:], encoding="utf-8", newline="\n")
    return comment


def main(argv: list[str] | None = None) -> int:
    """Command line: write the corpus."""
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sites", "--tools", default=",".join(SITES),
                        help=f"comma-separated subset of {','.join(SITES)} (default: all)")
    args = parser.parse_args(argv)
    sites = tuple(t for t in args.sites.split(",") if t)
    unknown = set(sites) - set(SITES)
    if unknown:
        parser.error(f"unknown sites: {', '.join(sorted(unknown))}")
    generate(args.out, args.articles, args.seed, sites)
    print(f"Wrote {args.articles} articles for {', '.join(sites)} into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
