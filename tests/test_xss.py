"""Hostile content never becomes active markup in the built pages or feeds.

Every payload of the corpus below is put into an article's Markdown body, into a briefing's
body and title, and into the text fields of an article's front matter (title, summary,
author, source and a tag). The site is built with the default `markdown.raw_html: sanitize`
and every generated page is parsed with the standard library's HTMLParser; every feed is
parsed with feedparser (its own sanitizer turned off, so that the check sees what the feed
really carries) and with ElementTree for the text fields.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from generator.xmlchars import strip_forbidden
from tests.conftest import build, feed_files, write_files

# fmt: off
PAYLOADS: list[str] = [
    # <script> in its variants and casings
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=https://evil.example/x.js></script>",
    '<script type="text/javascript">alert(1)</script>',
    "<script\n>alert(1)</script\n>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<IMG SRC="x" ONERROR="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<img src=x onerror=alert(1)",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="1" y="1">x</text></a></svg>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<p onmouseover="alert(1)">hover</p>',
    # embedding elements
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    # javascript:, vbscript: and data: URLs in raw HTML
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="javascript:alert(1)">',
    # javascript: and data: URLs in Markdown
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[^1]\n\n[^1]: <script>alert(1)</script>",
    # <math>, <style>, forms, meta refresh, base
    '<math><a xlink:href="javascript:alert(1)">x</a></math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<style>@import 'https://evil.example/x.css';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<form action=javascript:alert(1)><input type=submit></form>",
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # comments, noscript and other parser confusion
    "<!--<script>alert(1)</script>-->",
    "<!--><script>alert(1)</script>-->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<textarea><script>alert(1)</script></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "```\n<script>alert(1)</script>\n```",
]
# fmt: on

FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet",
                  "base", "form", "input", "button", "textarea", "select", "style", "svg",
                  "math", "noscript"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "cite", "longdesc", "ping", "manifest", "codebase", "srcdoc"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
# The default theme's own <link> tags; anything else in a <link> came from content.
THEME_LINK_RELS = {"canonical", "alternate", "stylesheet", "prev", "next", "icon"}
CONFIG = 'title: "XSS test"\nbase_url: "https://example.org/"\ntimezone: UTC\nsearch: false\n'


class Recorder(HTMLParser):
    """Record every start tag with its attributes, every comment and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(html: str) -> Recorder:
    recorder = Recorder()
    recorder.feed(html)
    recorder.close()
    return recorder


def squash(url: str) -> str:
    """A URL as a browser reads its scheme: no whitespace or control characters, any case."""
    return "".join(ch for ch in url if ord(ch) > 0x20 and ord(ch) != 0x7F).lower()


def unsafe_markup(html: str) -> list[str]:
    """Return every active or dangerous construct in an HTML document or fragment."""
    found = []
    parsed = parse_html(html)
    for tag, attrs in parsed.tags:
        # JSON-LD metadata is data, never run; a payload breaking out of it would start
        # another <script> element, which is caught.
        json_ld = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if tag in FORBIDDEN_TAGS and not json_ld:
            found.append(f"<{tag}> element")
        names = {name for name, _ in attrs}
        if tag == "meta" and "http-equiv" in names:
            found.append("<meta http-equiv>")
        if tag == "link" and (dict(attrs).get("rel") or "") not in THEME_LINK_RELS:
            found.append(f"<link rel={dict(attrs).get('rel')!r}>")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...> event handler")
            if value is None:
                continue
            candidates = [value]
            if name == "srcset":
                candidates = [part.strip().split(" ")[0] for part in value.split(",")]
            if name in URL_ATTRIBUTES or name == "srcset":
                for candidate in candidates:
                    if squash(candidate).startswith(BAD_SCHEMES):
                        found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and any(bad in squash(value) for bad in (
                    "javascript:", "expression(", "url(", "behavior:", "-moz-binding")):
                found.append(f"<{tag} style={value!r}>")
    found.extend(f"comment {c!r}" for c in parsed.comments if "script" in c.lower())
    return found


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def quoted(value: str) -> str:
    """A YAML scalar holding `value` exactly: JSON strings are valid YAML."""
    return json.dumps(value)


def make_site(root: Path, payloads: dict[str, str], raw_html: str | None = None) -> Path:
    """A site with, for each named payload, an article carrying it in its body and another
    carrying it in every front matter text field, and a briefing carrying it in both.
    Without `raw_html` the site keeps the default mode, sanitize."""
    mode = f"markdown:\n  raw_html: {raw_html}\n" if raw_html else ""
    files: dict[str, str | bytes] = {"site.yaml": CONFIG + mode}
    for name, payload in payloads.items():
        files[f"content/briefings/topic-{name}.md"] = (
            f"---\ntitle: {quoted(payload)}\n---\n{payload}\n\nThe briefing overview.\n")
        files[f"content/articles/body-{name}.md"] = (
            f"---\ntitle: Body {name}\ndate: 2025-06-01T10:00:00\n"
            f"briefings: [topic-{name}]\ntags: [plain]\n---\n"
            f"{payload}\n\nA closing paragraph.\n")
        files[f"content/articles/fields-{name}.md"] = (
            f"---\ntitle: {quoted(payload)}\ndate: 2025-06-02T10:00:00\n"
            f"summary: {quoted(payload)}\nauthor: {quoted(payload)}\n"
            f"source: {quoted(payload)}\ntags: [{quoted(payload)}, plain]\n"
            f"briefings: [topic-{name}]\n---\nA plain body.\n")
    write_files(root, files)
    return root


def built(site: Path) -> Path:
    result = build(site)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return site / "public"


def check_pages(out: Path) -> None:
    pages = html_pages(out)
    assert len(pages) >= 6
    problems = {page.relative_to(out).as_posix(): unsafe_markup(page.read_text("utf-8"))
                for page in pages}
    assert {page: found for page, found in problems.items() if found} == {}


def parsed_feed(path: Path) -> feedparser.FeedParserDict:
    # feedparser cleans HTML by default; turned off here so the check sees the raw markup.
    parsed = feedparser.parse(path.read_bytes(), sanitize_html=False)
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


def check_feed_html(out: Path, rss_description: bool = True) -> None:
    """Check the HTML of every entry of every feed: its content and, where the feed format
    makes it HTML (RSS <description>), its summary; Atom summaries are plain text."""
    feeds = feed_files(out)
    assert len(feeds) >= 4
    for path in feeds:
        parsed = parsed_feed(path)
        assert parsed.entries, path
        for entry in parsed.entries:
            htmls = [c.value for c in entry.get("content", [])]
            assert htmls, (path, entry.get("link"))  # feeds.full_content is on by default
            detail = entry.get("summary_detail")
            if detail is not None and detail.type == "text/html":
                if rss_description or path.name != "feed.xml":
                    htmls.append(entry.summary)
            else:
                assert detail is not None and detail.type == "text/plain", (path, detail)
            for fragment in htmls:
                assert unsafe_markup(fragment) == [], (path, entry.get("link"), fragment)
        raw = path.read_text("utf-8").lower()
        for tag in FORBIDDEN_TAGS:
            assert f"<{tag}" not in raw, (path, tag)


RSS_FIELDS = {"title": "title", "description": "summary",
              "{http://purl.org/dc/elements/1.1/}creator": "author", "category": "tag"}
ATOM = "{http://www.w3.org/2005/Atom}"


def check_feed_fields(out: Path, payload: str) -> None:
    """The front matter payload comes back from the XML exactly: it was escaped, not parsed."""
    expected = strip_forbidden(payload)
    rss = ET.fromstring((out / "feed.xml").read_bytes())
    items = [i for i in rss.iter("item") if "/articles/fields-" in (i.findtext("link") or "")]
    assert len(items) == 1
    for tag in RSS_FIELDS:
        values = [e.text for e in items[0].findall(tag)]
        # RSS readers read <description> as HTML, so the plain-text summary is escaped once
        # more for it: a reader shows the text, never markup.
        wanted = html.escape(expected, quote=False) if tag == "description" else expected
        assert wanted in values, (tag, values)
    atom = ET.fromstring((out / "atom.xml").read_bytes())
    entries = [e for e in atom.iter(f"{ATOM}entry")
               if "/articles/fields-" in (e.find(f"{ATOM}link").get("href") or "")]  # type: ignore[union-attr]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == expected
    assert entry.findtext(f"{ATOM}summary") == html.escape(expected, quote=False)
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == expected
    assert expected in [c.get("term") for c in entry.findall(f"{ATOM}category")]


def test_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 25
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"p{i:02d}" for i in range(len(PAYLOADS))])
def test_sanitize_mode_neutralizes_payload(tmp_path: Path, payload: str) -> None:
    out = built(make_site(tmp_path / "site", {"x": payload}))
    check_pages(out)
    # RSS <description> is covered by test_rss_description_escapes_plain_text_summary.
    check_feed_html(out, rss_description=False)
    check_feed_fields(out, payload)
    # The front matter text is shown to readers as text, exactly as written.
    page = parse_html((out / "articles/fields-x/index.html").read_text("utf-8"))
    assert strip_forbidden(payload) in "".join(page.text)


def test_clean_site_passes_the_checker(tmp_path: Path) -> None:
    """The checker itself: the default theme alone has no script, handler or unsafe URL,
    and the checker does catch each kind of construct it looks for."""
    out = built(make_site(tmp_path / "site", {"x": "Just *text*."}))
    check_pages(out)
    check_feed_html(out)
    # The theme's only scripts are JSON-LD metadata (data, never run).
    assert all(p.read_text("utf-8").count("<script") ==
               p.read_text("utf-8").count('<script type="application/ld+json">')
               for p in html_pages(out))
    for bad in ("<script>x</script>", "<img src=x onerror=y>", '<a href=" JAVA\tscript:x">',
                '<a href="data:text/html,x">', "<iframe>", '<meta http-equiv="refresh">',
                "<form action=x>", '<base href="x">', '<p style="x:url(javascript:y)">',
                '<link rel="import" href="x">', '<button formaction="javascript:x">'):
        assert unsafe_markup(bad), bad


@pytest.fixture(scope="module")
def all_payloads() -> dict[str, str]:
    return {f"p{i:02d}": payload for i, payload in enumerate(PAYLOADS)}


# Payloads that are HTML only (no Markdown syntax or entity), shown verbatim in escape mode.
VISIBLE_IN_ESCAPE_MODE = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    "<details open ontoggle=alert(1)>x</details>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<form action=javascript:alert(1)><input type=submit></form>",
]


def test_escape_mode_shows_payloads_as_text(tmp_path: Path,
                                            all_payloads: dict[str, str]) -> None:
    out = built(make_site(tmp_path / "site", all_payloads, raw_html="escape"))
    check_pages(out)
    check_feed_html(out, rss_description=False)
    by_payload = {payload: name for name, payload in all_payloads.items()}
    for payload in VISIBLE_IN_ESCAPE_MODE:
        html = (out / f"articles/body-{by_payload[payload]}/index.html").read_text("utf-8")
        assert payload in "".join(parse_html(html).text), payload
        assert "&lt;" + payload[1:4] in html, payload  # written as escaped text


# Payloads made of Markdown only: links and images whose URL is javascript: or data:.
MARKDOWN_LINK_PAYLOADS = [p for p in PAYLOADS if p.startswith(("[", "!["))
                          and "<" not in p] + ["<javascript:alert(1)>"]


def test_allow_mode_keeps_raw_html_but_never_links_javascript(
        tmp_path: Path, all_payloads: dict[str, str]) -> None:
    """`raw_html: allow` is the documented trade-off for trusted editors: raw HTML is kept
    in pages as written. Markdown links still never get a javascript: or data: URL, the
    front matter is still escaped, and feed HTML is still sanitized (README)."""
    out = built(make_site(tmp_path / "site", all_payloads, raw_html="allow"))
    by_payload = {payload: name for name, payload in all_payloads.items()}
    script_page = (out / f"articles/body-{by_payload['<script>alert(1)</script>']}/index.html")
    assert "<script>alert(1)</script>" in script_page.read_text("utf-8")
    assert "script" in [tag for tag, _ in parse_html(script_page.read_text("utf-8")).tags]
    assert len(MARKDOWN_LINK_PAYLOADS) >= 6
    for payload in MARKDOWN_LINK_PAYLOADS:
        page = out / f"articles/body-{by_payload[payload]}/index.html"
        assert unsafe_markup(page.read_text("utf-8")) == [], payload
    for name in all_payloads:
        page = out / f"articles/fields-{name}/index.html"
        assert unsafe_markup(page.read_text("utf-8")) == [], all_payloads[name]
    check_feed_html(out, rss_description=False)


SOURCE_URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
]


@pytest.mark.parametrize("url", [
    pytest.param(url)
    for url in SOURCE_URLS])
def test_source_url_with_script_scheme_is_refused_or_not_linked(tmp_path: Path,
                                                                 url: str) -> None:
    """`source_url` is the one front matter field that becomes a URL in the page."""
    site = make_site(tmp_path / "site", {"x": "Text."})
    path = site / "content/articles/fields-x.md"
    path.write_text(path.read_text("utf-8").replace(
        "---\nA plain", f"source_url: {quoted(url)}\n---\nA plain"), encoding="utf-8")
    result = build(site)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert "content/articles/fields-x.md" in result.output
        return
    assert result.exit_code == 0, result.output
    check_pages(site / "public")


RSS_DESCRIPTION_BUG = (
    "BUG: generator/feeds.py _entry() passes the plain-text summary (front matter 'summary', "
    "or the first paragraph's text) to feedgen's entry.summary(), which writes it into RSS "
    "<description> escaped only once for XML; RSS readers (and feedparser, type text/html) "
    "read <description> as HTML, so 'summary: \"<img src=x onerror=alert(1)>\"' or a first "
    "paragraph with that text in a code span becomes a live <img onerror> in the RSS feed "
    "(feed.xml); atom.xml is correct (<summary> is type text)")


@pytest.mark.parametrize("where", ["summary-field", "first-paragraph"])
def test_rss_description_escapes_plain_text_summary(tmp_path: Path, where: str) -> None:
    text = "Use <img src=x onerror=alert(1)> when a < b"
    site = make_site(tmp_path / "site", {"x": "Body."})
    if where == "summary-field":
        body = f"---\ntitle: T\ndate: 2025-06-03\nsummary: {quoted(text)}\n---\nBody.\n"
    else:
        body = ("---\ntitle: T\ndate: 2025-06-03\n---\n"
                "Use `<img src=x onerror=alert(1)>` when a < b\n")
    write_files(site, {"content/articles/rss.md": body})
    out = built(site)
    entries = [e for e in parsed_feed(out / "feed.xml").entries if e.link.endswith("/rss/")]
    assert len(entries) == 1
    detail = entries[0].summary_detail
    assert detail.type == "text/html"
    # As HTML, the description must show the summary as text, with no element in it.
    shown = parse_html(entries[0].summary)
    assert unsafe_markup(entries[0].summary) == []
    assert shown.tags == []
    assert "".join(shown.text) == text


# --- Feed channels: plain text is escaped wherever a feed reads HTML --------------------

CHANNEL_TEXT = '"><img src=x onerror=alert(1)> & AT&T </description>'


def shown_text(value: str, kind: str) -> str:
    """What a reader shows for a feed field: HTML is parsed and may hold no element."""
    if kind == "text/html":
        shown = parse_html(value)
        assert shown.tags == [] and unsafe_markup(value) == [], value
        return "".join(shown.text)
    assert kind == "text/plain", kind
    return value


def test_feed_channel_title_and_description_are_plain_text(tmp_path: Path) -> None:
    # Threat: a briefing's title or summary (or the site description) put raw into a feed's
    # channel description is read as HTML by feed readers and runs <img onerror>.
    site = tmp_path / "site"
    write_files(site, {
        "site.yaml": CONFIG + f"description: {quoted(CHANNEL_TEXT)}\n",
        # A summary, and a briefing without one: its feeds are described by its title.
        "content/briefings/summed.md": (f"---\ntitle: {quoted(CHANNEL_TEXT)}\n"
                                        f"summary: {quoted(CHANNEL_TEXT)}\n---\nOverview.\n"),
        "content/briefings/bare.md": f"---\ntitle: {quoted(CHANNEL_TEXT)}\n---\n",
        "content/articles/a.md": ("---\ntitle: A\ndate: 2025-06-02T10:00:00\n"
                                  "briefings: [summed, bare]\n---\nBody.\n"),
    })
    out = built(site)
    expected = {  # folder: (title, description)
        "": ("XSS test", CHANNEL_TEXT),
        "briefings/summed/": (f"{CHANNEL_TEXT} · XSS test", CHANNEL_TEXT),
        "briefings/bare/": (f"{CHANNEL_TEXT} · XSS test", CHANNEL_TEXT),
        "digests/": ("XSS test · digest", "Digest editions of XSS test"),
        "briefings/summed/digests/": (f"{CHANNEL_TEXT} · digest",
                                      f"Digest editions of {CHANNEL_TEXT}"),
        "briefings/bare/digests/": (f"{CHANNEL_TEXT} · digest",
                                    f"Digest editions of {CHANNEL_TEXT}"),
    }
    checked = []
    for path in feed_files(out):
        folder = path.relative_to(out).as_posix().removesuffix(path.name)
        title, description = expected[folder]
        channel = parsed_feed(path).feed
        assert shown_text(channel.title, channel.title_detail.type) == title, path
        assert shown_text(channel.subtitle, channel.subtitle_detail.type) == description, path
        checked.append(path.relative_to(out).as_posix())
    assert len(checked) == 2 * len(expected), checked
    # The edition items' plain-text summaries are escaped the same way.
    for path in feed_files(out / "digests"):
        for entry in parsed_feed(path).entries:
            shown = shown_text(entry.summary, entry.summary_detail.type)
            assert shown in ("1 article", "1 article across 1 briefing"), (path, shown)


# --- JSON-LD: exact names, never a way out of the <script> element ----------------------

JSON_LD_TITLE = "AT&T </script><script>alert(1)</script> <!-- x"


class JsonLd(HTMLParser):
    """Collect the text of every JSON-LD <script> and count every <script> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self.scripts = 0
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
            self._inside = dict(attrs).get("type") == "application/ld+json"
            if self._inside:
                self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def names_in(value: object) -> list[str]:
    """Every "name" and "headline" string in a JSON-LD value."""
    if isinstance(value, dict):
        return [v for k, v in value.items() if k in ("name", "headline") and isinstance(v, str)]\
            + [n for v in value.values() for n in names_in(v)]
    if isinstance(value, list):
        return [n for v in value for n in names_in(v)]
    return []


def test_json_ld_names_are_exact_and_stay_inside_their_script(tmp_path: Path) -> None:
    # Threat: a title that closes the JSON-LD <script> element starts live markup; and a
    # name escaped twice shows "AT&amp;T" to search engines.
    site = tmp_path / "site"
    write_files(site, {
        "site.yaml": CONFIG,
        "content/briefings/b.md": f"---\ntitle: {quoted(JSON_LD_TITLE)}\n---\nOverview.\n",
        "content/articles/a.md": (f"---\ntitle: {quoted(JSON_LD_TITLE)}\n"
                                  "date: 2025-06-02T10:00:00\nbriefings: [b]\n"
                                  f"tags: [{quoted(JSON_LD_TITLE)}]\n---\nBody.\n"),
    })
    out = built(site)
    names: dict[str, list[str]] = {}
    for page in html_pages(out):
        parser = JsonLd()
        parser.feed(page.read_text("utf-8"))
        parser.close()
        rel = page.relative_to(out).as_posix()
        if rel.endswith("email.html"):
            continue
        assert len(parser.blocks) == 1 and parser.scripts == 1, rel
        names[rel] = names_in(json.loads(parser.blocks[0]))
    tag_page = next(rel for rel in names if rel.startswith("tags/") and rel != "tags/index.html")
    # A list page (the default JSON-LD of base.html), an article and a briefing.
    for rel in (tag_page, "articles/a/index.html", "briefings/b/index.html"):
        assert JSON_LD_TITLE in names[rel], (rel, names[rel])
    assert f"{JSON_LD_TITLE}: digests" in names["briefings/b/digests/index.html"]
    assert all("&amp;" not in name and "&lt;" not in name
               for found in names.values() for name in found), names
