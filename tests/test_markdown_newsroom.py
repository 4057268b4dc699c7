"""Newsroom Markdown: embeds, reported removals, figures, image hooks, URLs, YAML hints.

Rendered HTML is checked by parsing it (html.parser) and, for a page made of the new
elements, by the Nu HTML checker; YAML fixes suggested in messages are loaded back.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator import model
from generator.bodyurls import absolutize, rebase, to_uri
from generator.markdown import Rendered, render_body
from generator.sanitize import EMBED_ATTRIBUTES
from generator.schema import Invalid, text_list
from generator.yamlload import YamlProblem, load
from tests.conftest import validate_html

Node = dict[str, Any]  # {"tag", "attrs", "children", "text"}


class Tree(HTMLParser):
    """Build a small element tree, to check structure rather than strings."""

    VOID = frozenset({"img", "br", "hr", "wbr", "source", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: Node = {"tag": "", "attrs": {}, "children": [], "text": ""}
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node: Node = {"tag": tag, "attrs": dict(attrs), "children": [], "text": ""}
        self.stack[-1]["children"].append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1]["tag"] == tag, f"</{tag}> closes <{self.stack[-1]['tag']}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1]["text"] += data


def tree(html: str) -> Node:
    parser = Tree()
    parser.feed(html)
    parser.close()
    assert len(parser.stack) == 1, "unclosed elements"
    return parser.root


def find(node: Node, tag: str) -> list[Node]:
    found = [node] if node["tag"] == tag else []
    for child in node["children"]:
        found += find(child, tag)
    return found


def elements(node: Node) -> list[str]:
    return [child["tag"] for child in node["children"]]


YOUTUBE = "https://www.youtube.com/embed/dQw4w9WgXcQ"
EMBEDS = model.DEFAULT_EMBEDS


# --- removals are reported with their line ---------------------------------------------------

BODY = """\
First paragraph with <b onclick="steal()">bold</b> text
that runs on, <span onmouseover=x>and</span> then
<script>alert(1)</script> ends here.

| a | b |
|---|---|
| <a href="javascript:alert(1)">x</a> | y |

- item
- <u data-x="1">under</u>

<div>
<p>fine</p>

<iframe src="https://evil.example/x"></iframe>

Footnote[^1].

[^1]: see <img src="data:image/png;base64,AAAA" alt="x">
"""


def test_each_removal_is_a_warning_at_its_line() -> None:
    rendered = render_body(BODY, "sanitize", EMBEDS)
    assert rendered.warnings == (
        (1, "removed the onclick attribute of <b> (raw_html: sanitize)"),
        (2, "removed the onmouseover attribute of <span> (raw_html: sanitize)"),
        (3, "removed <script> (raw_html: sanitize)"),
        (7, "removed a javascript: link (raw_html: sanitize)"),
        (10, "removed the data-x attribute of <u> (raw_html: sanitize)"),
        (15, "removed <iframe> from evil.example: its host is not in markdown.embeds "
             "(raw_html: sanitize)"),
        (19, "removed the data: source of <img> (raw_html: sanitize)"),
    )
    html = rendered.html
    for gone in ("onclick", "onmouseover", "<script", "javascript:", "data-x", "evil.example",
                 "data:image"):
        assert gone not in html
    assert "<b>bold</b>" in html and "<u>under</u>" in html


def test_a_markdown_data_image_is_reported_too() -> None:
    rendered = render_body("Text.\n\n![pixel](data:image/png;base64,AAAA)\n", "sanitize")
    assert rendered.warnings == (
        (3, "removed the data: source of an image (raw_html: sanitize)"),)
    assert "data:" not in rendered.html


def test_a_removal_inside_a_multi_line_tag_is_at_the_tag() -> None:
    body = "Intro.\n\n<div>\nline\n<p\n  onclick=x>t</p>\n</div>\n"
    assert render_body(body, "sanitize").warnings == (
        (5, "removed the onclick attribute of <p> (raw_html: sanitize)"),)


@pytest.mark.parametrize("raw_html", ["allow", "escape"])
def test_only_sanitize_mode_warns(raw_html: str) -> None:
    rendered = render_body(BODY, raw_html, EMBEDS)
    assert rendered.warnings == ()


def test_clean_body_has_no_warnings_and_kept_attributes_are_silent() -> None:
    body = ('<p class="note" id="a" lang="ko" title="t">x</p>\n\n'
            '<table><tr><td colspan="2" style="text-align: right">1</td></tr></table>\n')
    rendered = render_body(body, "sanitize")
    assert rendered.warnings == ()
    assert 'class="note"' in rendered.html and 'colspan="2"' in rendered.html


# --- embeds --------------------------------------------------------------------------------

PASTED = (f'<iframe width="560" height="315" src="{YOUTUBE}" title="YouTube video player" '
          'frameborder="0" allow="accelerometer; autoplay; camera; clipboard-write; '
          'encrypted-media; gyroscope; picture-in-picture; web-share" '
          'referrerpolicy="unsafe-url" sandbox="allow-top-navigation allow-scripts" '
          'loading="eager" onload="x()" allowfullscreen>fallback <b>text</b></iframe>')


def test_an_allowed_embed_keeps_its_size_and_gets_the_forced_attributes() -> None:
    rendered = render_body(f"Video:\n\n{PASTED}\n", "sanitize", EMBEDS)
    (frame,) = find(tree(rendered.html), "iframe")
    attrs = frame["attrs"]
    assert attrs["src"] == YOUTUBE
    assert (attrs["width"], attrs["height"], attrs["title"]) == ("560", "315",
                                                                  "YouTube video player")
    assert "allowfullscreen" in attrs
    for name, value in EMBED_ATTRIBUTES.items():
        assert attrs[name] == value
    assert attrs["sandbox"].split() == ["allow-scripts", "allow-same-origin", "allow-popups",
                                        "allow-popups-to-escape-sandbox", "allow-presentation"]
    assert attrs["allow"] == ("accelerometer; autoplay; clipboard-write; encrypted-media; "
                              "gyroscope; picture-in-picture; web-share")
    assert set(attrs) == {"src", "width", "height", "title", "allow", "allowfullscreen",
                          "sandbox", "loading", "referrerpolicy"}
    assert frame["children"] == [] and frame["text"] == ""
    assert rendered.warnings == (
        (3, "removed the frameborder attribute of <iframe> (raw_html: sanitize)"),
        (3, "removed camera from the allow attribute of <iframe> (raw_html: sanitize)"),
        (3, "removed the onload attribute of <iframe> (raw_html: sanitize)"),
    )


@pytest.mark.parametrize(("src", "host"), [
    ("https://evil.example/embed", "from evil.example: its host is not in markdown.embeds"),
    ("https://youtube.com.evil.example/embed", "from youtube.com.evil.example: its host"),
    ("https://m.youtube.com/embed/x", "from m.youtube.com: its host is not"),
    ("http://www.youtube.com/embed/x", "only https://host/… embeds are allowed"),
    ("//www.youtube.com/embed/x", "only https://host/… embeds are allowed"),
    ("https://www.youtube.com@evil.example/", "only https://host/… embeds are allowed"),
    ("https://evil.example\\@www.youtube.com/", "only https://host/… embeds are allowed"),
    ("https://www.youtube.com:8443/embed/x", "only https://host/… embeds are allowed"),
    ("https://www%2eyoutube.com/embed/x", "only https://host/… embeds are allowed"),
    ("javascript:alert(1)", "only https://host/… embeds are allowed"),
])
def test_an_embed_from_elsewhere_is_removed_whole(src: str, host: str) -> None:
    body = f'Text.\n\n<iframe src="{src}" width="10">inside</iframe>\n'
    rendered = render_body(body, "sanitize", EMBEDS)
    assert "<iframe" not in rendered.html and "inside" not in rendered.html
    assert len(rendered.warnings) == 1
    line, message = rendered.warnings[0]
    assert line == 3 and message.startswith("removed <iframe> ") and host in message


def test_no_embed_survives_an_empty_allowlist_or_a_missing_src() -> None:
    for body, embeds in ((f'<iframe src="{YOUTUBE}"></iframe>\n', ()),
                         ('<iframe srcdoc="<script>alert(1)</script>"></iframe>\n', EMBEDS)):
        rendered = render_body(body, "sanitize", embeds)
        assert "<iframe" not in rendered.html and "script" not in rendered.html
        assert [m for _, m in rendered.warnings if m.startswith("removed <iframe>")]


def test_every_default_embed_host_is_allowed() -> None:
    for host in ("www.youtube.com", "www.youtube-nocookie.com", "player.vimeo.com",
                 "datawrapper.dwcdn.net", "flo.uri.sh"):
        html = render_body(f'<iframe src="https://{host}/x/1/"></iframe>\n', "sanitize",
                           EMBEDS).html
        assert find(tree(html), "iframe")[0]["attrs"]["src"] == f"https://{host}/x/1/"


# --- figures -------------------------------------------------------------------------------


def test_a_titled_image_alone_in_its_paragraph_is_a_figure_with_a_caption() -> None:
    body = ('Lede.\n\n![Seoul at dusk](photo.jpg "Seoul at dusk, <b>1</b> & more. '
            'Photo: Agency")\n\nAfter.\n')
    rendered = render_body(body, "sanitize")
    root = tree(rendered.html)
    assert elements(root) == ["p", "figure", "p"]
    figure = root["children"][1]
    assert elements(figure) == ["img", "figcaption"]
    img, caption = figure["children"]
    assert img["attrs"]["alt"] == "Seoul at dusk" and "title" not in img["attrs"]
    assert caption["text"] == "Seoul at dusk, <b>1</b> & more. Photo: Agency"  # text, escaped
    assert "&lt;b&gt;1&lt;/b&gt; &amp; more" in rendered.html
    assert rendered.first == "Lede."


@pytest.mark.parametrize("raw_html", ["sanitize", "allow", "escape"])
def test_an_inline_titled_image_stays_an_image_with_a_title(raw_html: str) -> None:
    root = tree(render_body('See ![map](map.png "The map") here.\n', raw_html).html)
    assert elements(root) == ["p"]
    (img,) = find(root, "img")
    assert img["attrs"]["title"] == "The map" and not find(root, "figure")


def test_an_untitled_image_is_no_figure_and_a_photo_is_no_summary() -> None:
    rendered = render_body("![Only a photo](a.jpg)\n\nThe story starts here.\n", "sanitize")
    assert elements(tree(rendered.html)) == ["p", "p"]
    assert rendered.first == "The story starts here."


def test_a_figure_in_a_tight_list_is_still_written() -> None:
    root = tree(render_body('- ![A](a.png "Caption A")\n- text\n', "sanitize").html)
    (item, _) = find(root, "li")
    assert elements(item) == ["figure"]


# --- image attributes and references ------------------------------------------------------


def test_resolve_adds_attributes_to_local_images_only() -> None:
    asked: list[str] = []

    def resolve(src: str) -> dict[str, str] | None:
        asked.append(src)
        if src == "사진.jpg":
            return {"width": "1600", "height": "900", "srcset": "사진-480.jpg 480w",
                    "sizes": "100vw"}
        return None

    body = ("![a](사진.jpg)\n\n![b](/static/x.png) ![c](https://e.org/c.png) "
            "![d](//cdn.example/d.png) ![e](sub/missing.png)\n")
    rendered = render_body(body, "sanitize", resolve=resolve)
    assert asked == ["사진.jpg", "sub/missing.png"]
    imgs = find(tree(rendered.html), "img")
    assert imgs[0]["attrs"] == {"src": "%EC%82%AC%EC%A7%84.jpg", "alt": "a", "width": "1600",
                                "height": "900", "srcset": "사진-480.jpg 480w",
                                "sizes": "100vw", "loading": "lazy", "decoding": "async"}
    for img in imgs:
        assert (img["attrs"]["loading"], img["attrs"]["decoding"]) == ("lazy", "async")


def test_resolved_attributes_survive_the_sanitizer() -> None:
    rendered = render_body("<b>raw</b>\n\n![a](a.jpg)\n", "sanitize",
                           resolve=lambda _: {"width": "10", "height": "5",
                                              "srcset": "a-480.jpg 480w", "sizes": "50vw"})
    img = find(tree(rendered.html), "img")[0]["attrs"]
    assert (img["width"], img["srcset"], img["sizes"], img["decoding"]) == (
        "10", "a-480.jpg 480w", "50vw", "async")


def test_local_references_of_markdown_are_reported_with_their_lines() -> None:
    # Raw HTML's URLs are its author's own, as in any hand-written HTML: not listed.
    body = ("Intro [page](../other/) and\n![photo](photo.jpg) with [pdf](files/report%20"
            "2025.pdf).\n\n[top](#top) [mail](mailto:a@b.org) [tel](tel:+82) "
            "[web](https://e.org/) [cdn](//cdn.example/x)\n\n[site](/static/x.png)\n\n"
            '<p>\n<a href="raw.html">r</a> <img src="raw.png" alt="">\n</p>\n')
    assert render_body(body, "sanitize").references == (
        (1, "link", "../other/"),
        (2, "image", "photo.jpg"),
        (2, "link", "files/report 2025.pdf"),
        (6, "link", "/static/x.png"),
    )


def test_render_body_returns_html_and_the_first_paragraph() -> None:
    rendered = render_body("Para *one*.\n", "sanitize")
    assert isinstance(rendered, Rendered)
    assert (rendered.html, rendered.first) == ("<p>Para <em>one</em>.</p>\n", "Para one.")


SAME_ORIGIN = ("“allow-scripts” and “allow-same-origin” is not recommended, because it "
               "effectively enables an embedded page to break out of all sandboxing.")


def test_the_new_elements_are_valid_html(tmp_path: Path) -> None:
    body = (f'![Seoul](photo.jpg "Seoul, Photo: Agency")\n\n{PASTED}\n\n'
            'Text ![map](map.png "Map").\n')
    rendered = render_body(body, "sanitize", EMBEDS,
                           resolve=lambda _: {"width": "1600", "height": "900",
                                              "srcset": "photo-480.jpg 480w, photo.jpg 1600w",
                                              "sizes": "(max-width: 40rem) 100vw, 40rem"})
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                    f"<title>t</title></head><body>{rendered.html}</body></html>\n",
                    encoding="utf-8")
    # The one message kept out: the checker warns against allow-scripts with
    # allow-same-origin in any sandbox, because a page of the same origin as the site could
    # then lift its own sandbox. An embed's host is another site's (markdown.embeds), and
    # the players need their own origin (YouTube, Vimeo; Flourish's embed code asks for it).
    errors = validate_html(page)
    assert [e for e in errors if SAME_ORIGIN not in e] == []
    assert len(errors) == 1


# --- root-relative and absolute URLs ----------------------------------------------------


def test_rebase_prefixes_root_relative_urls_only() -> None:
    html = ('<p><a href="/articles/y/">y</a> <a href="/">home</a> <a href="//cdn/x">c</a> '
            '<a href="https://e.org/a">e</a> <a href="rel/">r</a> <a href="#f">f</a> '
            '<a href="/\\evil">b</a> text href="/not-a-tag" '
            '<img src="/static/x.png" srcset="/static/x-480.png 480w, x.png 960w, '
            '//cdn/y.png 2x" alt=""></p>')
    assert rebase(html, "/news/") == (
        '<p><a href="/news/articles/y/">y</a> <a href="/news/">home</a> '
        '<a href="//cdn/x">c</a> <a href="https://e.org/a">e</a> <a href="rel/">r</a> '
        '<a href="#f">f</a> <a href="/\\evil">b</a> text href="/not-a-tag" '
        '<img src="/news/static/x.png" srcset="/news/static/x-480.png 480w, x.png 960w, '
        '//cdn/y.png 2x" alt=""></p>')
    assert rebase(html, "/") is html


def test_rebase_leaves_text_that_looks_like_an_attribute() -> None:
    # nh3 writes a '"' of text raw: text may read href="/x" between two tags.
    rendered = render_body('<b>x</b> write href="/x" here\n', "sanitize").html
    assert 'href="/x"' in rendered
    assert rebase(rendered, "/news/") == rendered


@pytest.mark.parametrize(("url", "uri"), [
    ("https://e.org/articles/북핵/", "https://e.org/articles/%EB%B6%81%ED%95%B5/"),
    ("https://e.org/a/?q=북 핵&x=1#절", "https://e.org/a/?q=%EB%B6%81%20%ED%95%B5&x=1#%EC%A0%88"),
    ("https://e.org/a%20b/?q=%ED%95%B5", "https://e.org/a%20b/?q=%ED%95%B5"),
    ("https://북핵.kr:8080/x", "https://xn--pr3b215b.kr:8080/x"),
    ("mailto:a@e.org", "mailto:a@e.org"),
])
def test_to_uri_encodes_what_an_iri_allows(url: str, uri: str) -> None:
    assert to_uri(url) == uri


def test_absolutize_makes_every_url_absolute_prefixed_and_encoded() -> None:
    rendered = render_body(
        "[a](../북핵/?q=1#s) [b](/static/x.png) [c](#fn) [d](https://other.org/x)\n\n"
        "![p](photo.jpg)\n", "sanitize",
        resolve=lambda _: {"srcset": "photo-480.jpg 480w, /static/big.jpg 1600w"}).html
    page = "https://e.org/news/articles/북핵/"
    out = absolutize(rebase(rendered, "/news/"), page)
    assert out == absolutize(rendered, page, "/news/")
    root = tree(out)
    hrefs = [a["attrs"]["href"] for a in find(root, "a")]
    assert hrefs == ["https://e.org/news/articles/%EB%B6%81%ED%95%B5/?q=1#s",
                     "https://e.org/news/static/x.png",
                     "https://e.org/news/articles/%EB%B6%81%ED%95%B5/#fn",
                     "https://other.org/x"]
    img = find(root, "img")[0]["attrs"]
    assert img["src"] == "https://e.org/news/articles/%EB%B6%81%ED%95%B5/photo.jpg"
    assert img["srcset"] == ("https://e.org/news/articles/%EB%B6%81%ED%95%B5/photo-480.jpg "
                             "480w, https://e.org/news/static/big.jpg 1600w")
    assert out.isascii()


def test_absolutize_keeps_allowed_embeds_only_when_asked() -> None:
    html = render_body(f'<iframe src="{YOUTUBE}"></iframe>\n', "sanitize", EMBEDS).html
    assert find(tree(absolutize(html, "https://e.org/a/", embeds=EMBEDS)), "iframe")
    assert "<iframe" not in absolutize(html, "https://e.org/a/")


# --- YAML: lists written as text, unquoted colons -----------------------------------------


@pytest.mark.parametrize(("value", "items"), [
    ("russia, diplomacy", ["russia", "diplomacy"]),
    ("북핵, 외교", ["북핵", "외교"]),
    ("2024, true, 1.50, C++", ["2024", "true", "1.50", "C++"]),
    ('Seoul: talks, "quoted", a#b', ["Seoul: talks", '"quoted"', "a#b"]),
])
def test_text_with_commas_is_refused_with_a_fix_that_loads(value: str,
                                                            items: list[str]) -> None:
    with pytest.raises(Invalid) as caught:
        text_list(value)
    message = str(caught.value)
    assert message.startswith("expected a list; write [")
    fix = message.removeprefix("expected a list; write ").split(" (or ", 1)[0]
    assert [str(item) for item in load(f"tags: {fix}\n").data["tags"]] == items
    whole = message.split(" (or ", 1)[1].removesuffix(" for one item with a comma)")
    assert load(f"tags: {whole}\n").data["tags"] == [value]


def test_one_text_without_a_comma_is_still_a_list_of_one() -> None:
    assert text_list("russia") == ("russia",)
    assert text_list(["a, b", "c"]) == ("a, b", "c")


def test_long_text_with_commas_gets_a_short_message() -> None:
    with pytest.raises(Invalid, match=r"^expected a list, not text with commas"):
        text_list("x, " * 1000)


@pytest.mark.parametrize(("text", "line", "fix", "meant"), [
    ("title: Moscow: no talks\n", 1, 'title: "Moscow: no talks"', "Moscow: no talks"),
    ('date: 2025-01-01\ntitle: Moscow: "no" talks # a: comment\n', 2,
     'title: "Moscow: \\"no\\" talks"', 'Moscow: "no" talks'),
    ("extra:\n  note: 북핵: 대화 재개\n", 2, 'note: "북핵: 대화 재개"', "북핵: 대화 재개"),
])
def test_an_unquoted_colon_gets_a_hint_to_quote_the_value(text: str, line: int, fix: str,
                                                         meant: str) -> None:
    with pytest.raises(YamlProblem) as caught:
        load(text)
    assert caught.value.line == line
    message = caught.value.message
    assert message.startswith("invalid YAML: mapping values are not allowed")
    assert message.endswith(f'; a value containing ": " must be quoted: {fix}')
    assert list(load(fix + "\n").data.values()) == [meant]


def test_other_yaml_errors_get_no_colon_hint() -> None:
    with pytest.raises(YamlProblem) as caught:
        load("title: Foo\n  bar: baz\n")
    assert "must be quoted" not in caught.value.message
