"""ASCII slugs write Korean in the Revised Romanization, sound changes included (issue 19)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from lxml import html

from generator.slugs import check, slugify
from tests.conftest import build, error_lines, write_files

# The expected spellings are the RR's own examples (신라, 종로, 백마, 왕십리, 별내, 해돋이, 같이,
# 좋고, 놓다, 묵호, 집현전, 압구정, 낙동강, 설악, 칠곡, 울릉, 대관령, 광희문, 월곶, 벚꽃, 한밭,
# 청와대) and the official names of places and bodies, plus the words of a news desk. Each row
# holds one rule: a wrong table entry here is a wrong address on every ascii site.
WORDS = [
    # letters with no sound change
    ("서울", "seoul"), ("부산", "busan"), ("대구", "daegu"), ("러시아", "reosia"),
    ("평양", "pyeongyang"), ("모스크바", "moseukeuba"), ("통일", "tongil"),
    ("관계", "gwangye"), ("청와대", "cheongwadae"), ("희망", "huimang"),
    ("광희문", "gwanghuimun"), ("외교부", "oegyobu"), ("정상회담", "jeongsanghoedam"),
    # ㄱ ㄷ ㅂ are k t p at the end of a syllable, g d b before a vowel
    ("한국", "hanguk"), ("설악", "seorak"), ("칠곡", "chilgok"), ("월곶", "wolgot"),
    ("벚꽃", "beotkkot"), ("한밭", "hanbat"), ("압구정", "apgujeong"),
    ("낙동강", "nakdonggang"),  # tensed sounds are not written
    # a final consonant moves to a following vowel (liaison), the second of a pair
    ("협의", "hyeobui"), ("한국어", "hangugeo"), ("닭이", "dalgi"), ("값이", "gapsi"),
    ("닭", "dak"), ("값", "gap"), ("없다", "eopda"), ("읽다", "ikda"),
    # nouns keep the h after ㄱ ㄷ ㅂ
    ("북핵", "bukhaek"), ("북한", "bukhan"), ("국회", "gukhoe"), ("묵호", "mukho"),
    ("집현전", "jiphyeonjeon"), ("비핵화", "bihaekhwa"),
    # ㅎ makes the next ㄱ ㄷ ㅈ aspirated, and is silent before a vowel
    ("좋고", "joko"), ("놓다", "nota"), ("좋아", "joa"), ("많이", "mani"),
    # nasal assimilation
    ("국민", "gungmin"), ("백마", "baengma"), ("북미", "bungmi"), ("핵무기", "haengmugi"),
    ("독립", "dongnip"), ("협력", "hyeomnyeok"), ("종로", "jongno"),
    ("대통령", "daetongnyeong"), ("왕십리", "wangsimni"),
    # ㄴ and ㄹ meeting are ll
    ("신라", "silla"), ("한러", "halleo"), ("대관령", "daegwallyeong"), ("별내", "byeollae"),
    ("울릉", "ulleung"),
    # palatalization
    ("같이", "gachi"), ("해돋이", "haedoji"),
]


@pytest.mark.parametrize(("korean", "latin"), WORDS, ids=[latin for _, latin in WORDS])
def test_korean_words_follow_the_revised_romanization(korean: str, latin: str) -> None:
    assert slugify(korean, "ascii") == latin


PHRASES = [
    # Sound changes stay inside a word: nothing crosses the space of 한러 관계.
    ("한러 관계", "halleo-gwangye"),
    ("한러-관계", "halleo-gwangye"),
    ("북핵 문제와 6자회담", "bukhaek-munjewa-6jahoedam"),
    ("G20정상회의", "g20jeongsanghoeui"),
    ("서울-회담", "seoul-hoedam"),
    # other scripts keep python-slugify's transliteration
    ("Москва", "moskva"),
    ("Москва와 서울", "moskvawa-seoul"),
    ("Café talks, 2026", "cafe-talks-2026"),
    ("ㅋㅋ", "kk"),  # bare jamo are no syllables: text-unidecode's letters
]


@pytest.mark.parametrize(("name", "slug"), PHRASES, ids=[slug for _, slug in PHRASES])
def test_phrases_and_other_scripts(name: str, slug: str) -> None:
    assert slugify(name, "ascii") == slug
    assert check(slug) is None


def test_decomposed_hangul_from_a_mac_file_name_reads_the_same() -> None:
    decomposed = unicodedata.normalize("NFD", "한러 관계")
    assert decomposed != "한러 관계"
    assert slugify(decomposed, "ascii") == "halleo-gwangye"


def test_unicode_slugs_keep_the_hangul() -> None:
    assert slugify("한러 관계") == "한러-관계"


BASE = "https://desk.example/"


def _site(root: Path, article: str) -> Path:
    """Write a site with `slugify: ascii`, a Korean-named briefing and one article."""
    write_files(root, {
        "site.yaml": f"""
            title: 서울데스크
            base_url: {BASE}
            language: ko
            slugify: ascii
            """,
        "content/briefings/한러-관계.md": """
            ---
            title: 한러 관계
            ---
            모스크바와 서울 사이의 대화를 따라갑니다.
            """,
        "content/briefings/북핵.md": """
            ---
            title: 북핵
            ---
            핵 협상의 흐름을 정리합니다.
            """,
        "content/articles/외교부-발표.md": article,
    })
    return root


def _article(briefings: str) -> str:
    return f"""
        ---
        title: 외교부 발표
        date: 2025-12-02
        briefings: {briefings}
        ---
        외교부가 차관급 협의 일정을 밝혔습니다.
        """


def _listed_briefings(out: Path, article: str = "oegyobu-balpyo") -> list[str]:
    """Return the slugs of the briefings an article's page says it belongs to."""
    page = html.parse(str(out / "articles" / article / "index.html"))
    # The search filter names exactly the article's briefings (the menu names them all).
    meta = page.xpath("string(//article//*[starts-with(@data-pagefind-meta, 'briefings:')]"
                      "/@data-pagefind-meta)")
    return sorted(s for s in meta.removeprefix("briefings:").split("|") if s)


@pytest.mark.parametrize("cited", [
    pytest.param("[한러-관계, 북핵]", id="file-names"),
    pytest.param("[halleo-gwangye, bukhaek]", id="ascii-slugs"),
    pytest.param(f"[{unicodedata.normalize('NFD', '한러 관계')}, 북핵]", id="titles-decomposed"),
])
def test_a_briefing_cited_by_its_korean_name_resolves_to_its_ascii_slug(
        tmp_path: Path, cited: str) -> None:
    site = _site(tmp_path, _article(cited))
    result = build(site)
    assert result.exit_code == 0, result.output
    out = site / "public"
    assert (out / "briefings/halleo-gwangye/index.html").is_file()
    assert (out / "briefings/bukhaek/index.html").is_file()
    assert (out / "articles/oegyobu-balpyo/index.html").is_file()
    assert not (out / "briefings/한러-관계").exists()
    assert _listed_briefings(out) == ["bukhaek", "halleo-gwangye"]
    kicker = html.parse(str(out / "articles/oegyobu-balpyo/index.html")).xpath(
        "//p[@class='kicker']/a/@href")
    assert sorted(kicker) == ["/briefings/bukhaek/", "/briefings/halleo-gwangye/"]
    # The briefing's page lists the article, so the link works both ways.
    page = (out / "briefings/halleo-gwangye/index.html").read_text(encoding="utf-8")
    assert "oegyobu-balpyo" in page


def test_switching_a_site_to_ascii_slugs_keeps_its_citations_working(tmp_path: Path) -> None:
    site = _site(tmp_path, _article("[한러-관계]"))
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("slugify: ascii", ""),
                      encoding="utf-8")
    result = build(site)
    assert result.exit_code == 0, result.output
    assert (site / "public/briefings/한러-관계/index.html").is_file()
    assert _listed_briefings(site / "public", "외교부-발표") == ["한러-관계"]

    config.write_text(config.read_text(encoding="utf-8") + "slugify: ascii\n", encoding="utf-8")
    result = build(site)
    assert result.exit_code == 0, result.output
    assert not (site / "public/briefings/한러-관계").exists()
    assert _listed_briefings(site / "public") == ["halleo-gwangye"]


def test_a_note_in_the_korean_named_folder_goes_to_the_ascii_briefing(tmp_path: Path) -> None:
    site = _site(tmp_path, _article("[한러-관계]"))
    write_files(site, {"content/briefings/한러-관계/digests/2025-W49.md": "차관급 협의 주간.\n"})
    result = build(site)
    assert result.exit_code == 0, result.output
    edition = site / "public/briefings/halleo-gwangye/digests/2025-W49/index.html"
    assert "차관급 협의 주간." in edition.read_text(encoding="utf-8")
    assert not (site / "public/briefings/한러-관계").exists()


def test_an_unknown_briefing_names_the_slugs_to_use(tmp_path: Path) -> None:
    site = _site(tmp_path, _article("[한러-관게]"))
    errors = error_lines(build(site))
    assert errors == [
        "error: content/articles/외교부-발표.md:4: unknown briefing '한러-관게'; did you mean "
        "'halleo-gwangye'? (or create content/briefings/한러-관게.md)"], errors
    assert not (site / "public").exists()
