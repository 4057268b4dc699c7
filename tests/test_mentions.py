"""Mentions: whole words in Latin and Cyrillic, Russian inflection, Korean particles, mixed
scripts, names inside longer names, shared aliases and ambiguity, pickling and the digest."""

# ruff: noqa: RUF001  (Cyrillic and typographic quotes in strings are the point here)

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest

from generator.mentions import PARTICLES, Matcher, _analyzer, particles_only
from tests.conftest import REPO

# (text, language of the alias, alias, whether the text mentions the alias's entity)
TABLE = [
    # Latin: case-insensitive, whole words only.
    ("Russia said on Monday", "en", "Russia", True),
    ("RUSSIA SAID", "en", "Russia", True),
    ("russia said", "en", "Russia", True),
    ("Russia's envoy", "en", "Russia", True),
    ("Russia’s envoy", "en", "Russia", True),
    ("a Russia-based group", "en", "Russia", True),
    ("(Russia)", "en", "Russia", True),
    ("Russia🇷🇺 and", "en", "Russia", True),
    ("russia_today", "en", "Russia", True),
    ("Prussia was a kingdom", "en", "Russia", False),
    ("a Russian envoy", "en", "Russia", False),
    ("Russias", "en", "Russia", False),
    ("Russia2024 summit", "en", "Russia", False),
    ("a tassel", "en", "TASS", False),
    ("TASS reported", "en", "TASS", True),
    ("Kim Jong Un spoke", "en", "Kim Jong-un", True),
    ("Kim Jong-un spoke", "en", "Kim Jong Un", True),
    ("Zacharova", "en", "Zakharova", False),
    # Multi-word aliases across any white space, never across punctuation.
    ("Maria\nZakharova said", "en", "Maria Zakharova", True),
    ("Maria \t\n  Zakharova", "en", "Maria Zakharova", True),
    ("Maria. Zakharova", "en", "Maria Zakharova", False),
    ("Maria, Zakharova", "en", "Maria Zakharova", False),
    ("(Maria) Zakharova", "en", "Maria Zakharova", False),
    ("“Maria Zakharova”", "en", "Maria Zakharova", True),
    ("U.S. officials", "en", "U.S.", True),
    ("the U.S.", "en", "U.S.", True),
    ("US officials", "en", "U.S.", False),
    ("Maria Zakharovaite", "en", "Maria Zakharova", False),
    ("Мария\nЗахарова", "ru", "Мария Захарова", True),
    ("마리야\n자하로바는", "ko", "마리야 자하로바", True),
    # Russian: every case of a surname, masculine and feminine, and the -ою instrumental.
    ("Захарова заявила", "ru", "Захарова", True),
    ("слова Захаровой", "ru", "Захарова", True),
    ("Захаровой позвонили", "ru", "Захарова", True),
    ("увидели Захарову", "ru", "Захарова", True),
    ("с Захаровой", "ru", "Захарова", True),
    ("с Захаровою", "ru", "Захарова", True),
    ("о Захаровой", "ru", "Захарова", True),
    ("ЗАХАРОВОЙ", "ru", "Захарова", True),
    ("Захаров заявил", "ru", "Захарова", False),  # another person: the man
    ("в Захарово", "ru", "Захарова", False),  # a village
    ("Бурмистров прибыл", "ru", "Бурмистров", True),
    ("встреча Бурмистрова", "ru", "Бурмистров", True),
    ("Бурмистрову передали", "ru", "Бурмистров", True),
    ("с Бурмистровым", "ru", "Бурмистров", True),
    ("о Бурмистрове", "ru", "Бурмистров", True),
    ("Бурмистровка", "ru", "Бурмистров", False),
    ("Олегом Бурмистровым", "ru", "Олег Бурмистров", True),
    ("Олега Бурмистрова", "ru", "Олег Бурмистров", True),
    ("Марией Захаровой", "ru", "Мария Захарова", True),
    ("Мариею Захаровою", "ru", "Мария Захарова", True),
    # Head and complement: only the head declines.
    ("МИД России заявил", "ru", "МИД России", True),
    ("заявление МИДа России", "ru", "МИД России", True),
    ("МИДу России", "ru", "МИД России", True),
    ("с МИДом России", "ru", "МИД России", True),
    ("в МИДе России", "ru", "МИД России", True),
    ("МИД Россией", "ru", "МИД России", False),
    ("в Министерстве иностранных дел России", "ru", "Министерство иностранных дел России",
     True),
    ("Республики Корея", "ru", "Республика Корея", True),
    ("Республики Кореи", "ru", "Республика Корея", False),
    # Adjective and noun decline together.
    ("в Северной Корее", "ru", "Северная Корея", True),
    ("Северную Корею", "ru", "Северная Корея", True),
    ("Северная Корее", "ru", "Северная Корея", False),
    ("в Российской Федерации", "ru", "Российская Федерация", True),
    ("Российской Федерацией", "ru", "Российская Федерация", True),
    ("Российской Федерация", "ru", "Российская Федерация", False),
    ("Владимира Путина", "ru", "Владимир Путин", True),
    ("с Владимиром Путиным", "ru", "Владимир Путин", True),
    ("России", "ru", "Россия", True),
    ("в Пруссии", "ru", "Россия", False),
    ("россиянин", "ru", "Россия", False),
    ("Ёлкина", "ru", "Елкин", True),
    ("Елкиным", "ru", "Ёлкин", True),
    # The dictionary has Песков, not Пескова in the nominative: the surname rule declines it.
    ("с Елизаветой Песковой", "ru", "Елизавета Пескова", True),
    ("Елизавету Пескову", "ru", "Елизавета Пескова", True),
    # An alias in a language other than Russian is matched as written.
    ("Захаровой", "uk", "Захарова", False),
    ("Захарова", "uk", "Захарова", True),
    ("Захаровой", "", "Захарова", True),  # Cyrillic of no stated language: Russian
    # Korean: particles, stacks of them, nothing longer, and words that start elsewhere.
    ("자하로바는 말했다", "ko", "자하로바", True),
    ("자하로바가", "ko", "자하로바", True),
    ("자하로바의 발언", "ko", "자하로바", True),
    ("자하로바에게", "ko", "자하로바", True),
    ("자하로바에게는", "ko", "자하로바", True),
    ("자하로바에서도", "ko", "자하로바", True),
    ("자하로바와의", "ko", "자하로바", True),
    ("자하로바, 대변인", "ko", "자하로바", True),
    ("자하로바스키", "ko", "자하로바", False),
    ("자하로바스키는", "ko", "자하로바", False),
    ("러시아인", "ko", "러시아", False),
    ("러시아측", "ko", "러시아", False),
    ("백러시아", "ko", "러시아", False),
    ("러시아 외무부는", "ko", "러시아 외무부", True),
    ("러시아외무부는", "ko", "러시아 외무부", True),
    ("러시아외무부", "ko", "러시아외무부", True),
    ("TASS는 보도했다", "en", "TASS", True),
    ("Russia가", "en", "Russia", True),
    ("TASS통신", "en", "TASS", False),
]


def single(language: str, alias: str) -> Matcher:
    return Matcher.build([("e", {language: [alias]})])


@pytest.mark.parametrize(("text", "language", "alias", "expected"), TABLE)
def test_table(text: str, language: str, alias: str, expected: bool) -> None:
    assert single(language, alias).find(text) == (("e",) if expected else ())


@pytest.mark.parametrize("particle", sorted(PARTICLES))
def test_each_particle_completes_a_korean_name(particle: str) -> None:
    matcher = single("ko", "자하로바")
    assert matcher.find(f"대변인 자하로바{particle} 말했다") == ("e",)
    assert matcher.find(f"대변인 자하로바{particle}스키") == ()


def test_particle_stacks_are_short() -> None:
    assert particles_only("에게서는")
    assert particles_only("")
    assert not particles_only("는는는는")
    assert not particles_only("스키")
    assert not particles_only("abc")


def test_the_dictionary_lacks_what_the_rules_add() -> None:
    # The two rules exist because pymorphy3's dictionary has no -ою instrumental for
    # surnames and no nominative for Пескова: if it gains them, the rules may go.
    parses = _analyzer().parse("пескова")
    assert not [p for p in parses if p.tag.case == "nomn"]
    femn = [p for p in _analyzer().parse("захарова") if "femn" in p.tag and "Surn" in p.tag]
    assert "захаровою" not in {form.word for form in femn[0].lexeme}


ENTITIES = [
    ("maria-zakharova", {"en": ["Maria Zakharova", "Zakharova"],
                         "ko": ["마리야 자하로바", "자하로바"],
                         "ru": ["Мария Захарова", "Захарова"]}),
    ("oleg-burmistrov", {"en": ["Oleg Burmistrov"], "ru": ["Бурмистров"],
                         "ko": ["부르미스트로프"]}),
    ("russia", {"en": ["Russia"], "ru": ["Россия"], "ko": ["러시아"]}),
    ("russia-mfa", {"en": ["Russia's Foreign Ministry", "Foreign Ministry"],
                    "ru": ["МИД России"], "ko": ["러시아 외무부"]}),
    ("korea-mfa", {"en": ["South Korea's Foreign Ministry", "Foreign Ministry"],
                   "ko": ["외교부"]}),
    ("south-korea", {"en": ["South Korea", "Korea"], "ko": ["한국"]}),
    ("north-korea", {"en": ["North Korea"], "ru": ["КНДР", "Северная Корея"],
                     "ko": ["북한"]}),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(ENTITIES)


def test_mixed_scripts_in_one_article(matcher: Matcher) -> None:
    text = ("Seoul's diplomatic sources said an official met Oleg Burmistrov.\n\n"
            "자하로바는 러시아가 어떤 협의도 하지 않는다고 말했다.\n\n"
            "Захаровой ответили в МИДе России.")
    assert matcher.find(text) == ("maria-zakharova", "oleg-burmistrov", "russia",
                                  "russia-mfa")


def test_a_name_inside_a_longer_name_does_not_count(matcher: Matcher) -> None:
    assert matcher.find("North Korea fired a missile") == ("north-korea",)
    assert matcher.find("Russia's Foreign Ministry denied it") == ("russia-mfa",)
    assert matcher.find("South Korea's Foreign Ministry") == ("korea-mfa",)
    # Each on its own, in the same text, still counts.
    assert matcher.find("North Korea and Korea") == ("north-korea", "south-korea")


def test_fields_are_scanned_apart(matcher: Matcher) -> None:
    assert matcher.scan("Maria", "Zakharova").ids == ("maria-zakharova",)  # by "Zakharova"
    assert matcher.scan("Oleg", "Burmistrov").ids == ()
    assert matcher.scan("Oleg Burmistrov", "").ids == ("oleg-burmistrov",)
    assert matcher.scan("", "Russia").ids == ("russia",)


def test_shared_aliases_are_listed(matcher: Matcher) -> None:
    assert matcher.shared_aliases() == [
        ("en", "Foreign Ministry", ("korea-mfa", "russia-mfa"))]


def test_an_ambiguous_mention_names_its_form_and_entities(matcher: Matcher) -> None:
    found = matcher.scan("The Foreign Ministry declined to comment.")
    assert found.ids == ("korea-mfa", "russia-mfa")
    assert found.ambiguous == (("foreign ministry", ("korea-mfa", "russia-mfa")),)
    # A more specific alias settles it.
    assert matcher.ambiguous("Russia's Foreign Ministry declined.") == ()


def test_inflected_forms_can_be_ambiguous() -> None:
    # Захарова is also the genitive of Захаров: with both people known, it is ambiguous;
    # Захаровой is only hers. The aliases differ, so nothing is "shared".
    matcher = Matcher.build([("him", {"ru": ["Захаров"]}), ("her", {"ru": ["Захарова"]})])
    assert matcher.shared_aliases() == []
    assert matcher.ambiguous("слова Захарова") == (("захарова", ("her", "him")),)
    assert matcher.find("слова Захаровой") == ("her",)
    assert matcher.find("с Захаровым") == ("him",)


def test_shared_alias_in_different_languages_is_not_listed() -> None:
    matcher = Matcher.build([("a", {"en": ["Mir"]}), ("b", {"de": ["Mir"]})])
    assert matcher.shared_aliases() == []
    assert matcher.ambiguous("Mir") == (("mir", ("a", "b")),)


def test_no_entities_match_nothing() -> None:
    matcher = Matcher.build([])
    assert matcher.find("Russia") == ()
    assert pickle.loads(pickle.dumps(matcher)).find("Russia") == ()


def test_pickled_matcher_matches_the_same(matcher: Matcher) -> None:
    copy = pickle.loads(pickle.dumps(matcher))
    text = "자하로바에게 Захаровою North Korea Foreign Ministry"
    assert copy.scan(text) == matcher.scan(text)
    assert copy.digest == matcher.digest


def test_digest_ignores_order_and_follows_aliases(matcher: Matcher) -> None:
    shuffled = [(entity, {lang: list(reversed(names)) for lang, names in
                          reversed(list(by_language.items()))})
                for entity, by_language in reversed(ENTITIES)]
    assert Matcher.build(shuffled).digest == matcher.digest
    changed = [*ENTITIES[:-1], ("north-korea", {"en": ["North Korea", "DPRK"]})]
    assert Matcher.build(changed).digest != matcher.digest


def test_digest_is_the_same_in_another_process(matcher: Matcher) -> None:
    code = ("import json, sys; from generator.mentions import Matcher; "
            "print(Matcher.build(json.loads(sys.argv[1])).digest)")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, json.dumps(ENTITIES)], cwd=REPO,
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == matcher.digest
