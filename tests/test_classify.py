"""classify(): contract, scores that mean something, local negatives, roles, long pages.

Sentences here are written for these tests; the rule files' own examples are run by
tests/test_rules_files.py and are not repeated.
"""

from __future__ import annotations

import pytest

from classifiers import TOPICS, classify, load_rules
from classifiers.segment import sentences

KEYS = {"lang", "topics", "scores", "flagged", "evidence", "articles", "places", "persons"}
FILLER = "Городской акимат сообщил о ремонте дорог и новых автобусных маршрутах. "


def test_contract_shape() -> None:
    out = classify(
        "Активиста пытали в полиции",
        "Полиция Актобе пытала Романа Райхерта, возбуждено дело по статье 146 УК.",
    )
    assert set(out) == KEYS | {"kz_relevant"}
    assert out["lang"] == "ru" and out["flagged"] is True
    assert list(out["scores"]) == list(TOPICS)
    assert all(isinstance(v, float) and 0 <= v <= 1 for v in out["scores"].values())
    assert out["topics"][0] == "torture"
    ev = out["evidence"][0]
    assert set(ev) == {"topic", "rule", "match", "snippet"} and ev["match"] in ev["snippet"]
    assert "  " not in ev["snippet"] and len(ev["snippet"]) <= len(ev["match"]) + 125
    assert out["articles"] == ["146"] and out["places"] == ["Aktobe"]
    assert out["persons"] == ["Roman Reikhert"] and out["kz_relevant"] is True


def test_lang_passed_through_and_pure() -> None:
    first = classify("t", "Police detained activists in Almaty.", "en")
    assert first == classify("t", "Police detained activists in Almaty.", "en")
    assert classify("", "text", "kk")["lang"] == "kk"


def test_empty_input() -> None:
    out = classify("", "")
    assert out["topics"] == [] and out["flagged"] is False and out["lang"] == "und"


# ---- calibration: one explicit sentence passes, one weak cue does not, weak cues add up
# only when they are near each other
def test_one_explicit_sentence_is_enough_and_scores_high() -> None:
    out = classify("", FILLER * 3 + "Конвоиры избили задержанного в ИВС. " + FILLER * 3)
    assert out["topics"] == ["torture"] and out["scores"]["torture"] >= 0.9


def test_single_weak_cue_stays_below_threshold() -> None:
    out = classify("", FILLER + "Об этом говорили как о пытке. " + FILLER)
    assert not out["flagged"] and 0 < out["scores"]["torture"] < 0.5


def test_weak_cues_add_up_only_when_near() -> None:
    weak = ("Об этом говорили как о пытке. ", "У задержанного синяки на лице. ")
    near = classify("", weak[0] + weak[1])
    far = classify("", weak[0] + FILLER * 6 + weak[1])
    assert near["flagged"] and 0.5 <= near["scores"]["torture"] < 0.9
    assert not far["flagged"]


# ---- negatives are local: they cancel evidence around them, not the whole page
def test_film_word_far_away_does_not_cancel_a_report() -> None:
    text = (
        "В кинотеатре показали новый фильм режиссёра. "
        + FILLER * 6
        + "Надзиратели колонии избивали осуждённых дубинками."
    )
    assert "torture" in classify("", text)["topics"]


def test_film_context_cancels_the_sentence_it_describes() -> None:
    text = "В новом фильме режиссёр показал, как надзиратели пытают заключённых."
    assert "torture" not in classify("", text)["topics"]


def test_routine_crime_elsewhere_does_not_cancel_a_detained_activist() -> None:
    text = "На прошлой неделе в городе задержали вора. " + FILLER * 4 + (
        "Сегодня полиция задержала активиста у здания акимата."
    )
    assert "detention" in classify("", text)["topics"]


# ---- roles: who did what to whom
@pytest.mark.parametrize(
    ("text", "topic", "expected"),
    [
        ("Полицейские избили задержанного в отделе полиции.", "torture", True),
        ("Задержанный избил полицейского в отделе полиции.", "torture", False),
        ("Мужчина напал на полицейского и избил его.", "torture", False),
        ("The guards beat the prisoners with batons.", "torture", True),
        ("Protesters attacked police officers with stones.", "torture", False),
        ("Полиция задержала журналиста на пикете.", "detention", True),
        ("Суд приговорил полицейских, пытавших активиста, к пяти годам.", "detention", False),
        ("Осуждённого за терроризм этапировали в колонию.", "detention", False),
        ("Бывшего акима задержали по подозрению во взятке.", "detention", False),
        ("Активиста обвиняют в участии в запрещённой организации ДВК.", "art405", True),
        ("Сторонники ДВК вышли на митинг, полиция их задержала.", "art405", False),
    ],
)
def test_roles(text: str, topic: str, expected: bool) -> None:
    assert (topic in classify("", text)["topics"]) is expected


# ---- each rule runs only in its language
def test_spanish_tortura_does_not_flag() -> None:
    text = "La policía fue acusada de tortura contra los detenidos en la comisaría."
    assert classify("", text)["topics"] == []


def test_rule_languages_are_enforced() -> None:
    rules = load_rules()
    english_only = [r for t in rules.topics for r in t.rules if r.langs == ("en",)]
    assert all(not r.applies_to("ru") for r in english_only)
    kazakh = next(r for r in rules.topics[0].rules if "kk" in r.langs)
    assert kazakh.applies_to("kk") and kazakh.applies_to("ky")  # short Kazakh taken for Kyrgyz


# ---- long pages: related-headline blocks are skipped, sentences judged on their own
def test_related_headlines_block_is_ignored() -> None:
    headlines = "\n".join(
        [
            "Полиция задержала активистов у здания акимата",
            "Суд приговорил журналиста к десяти суткам ареста",
            "Правозащитники сообщили о пытках в колонии",
            "В Астане прошёл фестиваль уличной еды и музыки",
        ]
    )
    page = "Футбол: «Кайрат» сыграл вничью с «Астаной».\n\n" + headlines
    assert classify("", page)["topics"] == []


def test_long_page_is_judged_on_its_sentences() -> None:
    noise = "Кража, мошенничество и фильм о тюрьме обсуждались в другом разделе. "
    page = noise * 40 + "Полиция задержала активистку на одиночном пикете. " + noise * 40
    assert len(page) > 5000
    assert "detention" in classify("", page)["topics"]


def test_sentence_split_keeps_abbreviations_and_cuts_run_ons() -> None:
    text = "Его судят по ст. 405 УК. Адвокат не согласен. " + "слово " * 200
    spans = sentences(text)
    assert text[spans[0].start : spans[0].end] == "Его судят по ст. 405 УК."
    assert all(s.end - s.start <= 400 for s in spans)


# ---- entities
@pytest.mark.parametrize(
    ("text", "articles"),
    [
        ("Его судят по ст. 405 ч. 2 УК РК.", ["405"]),
        ("Дело возбуждено по статье 146 Уголовного кодекса.", ["146"]),
        ("Оған 405-бабы бойынша айып тағылды.", ["405"]),
        ("He was charged under Article 405 Part 2 of the Criminal Code.", ["405"]),
        ("Штраф по статье 488 КоАП, а потом дело по статьи 174 УК.", ["174"]),
    ],
)
def test_articles(text: str, articles: list[str]) -> None:
    assert classify("", text)["articles"] == articles


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Суд в Уральске и полиция Шымкента.", ["Oral", "Shymkent"]),
        ("Ақтөбеде және Алматыда митинг өтті.", ["Aktobe", "Almaty"]),
        ("Protests in Aqtobe and Nur-Sultan.", ["Aktobe", "Astana"]),
    ],
)
def test_places(text: str, places: list[str]) -> None:
    assert classify("", text)["places"] == places


@pytest.mark.parametrize(
    "text", ["Суд над Райхертом.", "Райхертке қатысты іс.", "Roman Reikhert appealed."]
)
def test_person_case_endings(text: str) -> None:
    assert classify("", text)["persons"] == ["Roman Reikhert"]


SCAN_TEXTS = [
    "ПОЛИЦИЯ ЗАДЕРЖАЛА АКТИВИСТОВ: 15 суток ареста, статья 405 УК, ИВС Караганды.",
    "Белсенділер ұсталды, 10 тәулік әкімшілік қамау; Ақтөбеде İstanbul-style SIZO.",
    "Oralda belsendi ustaldy; ۇستالدى ميتينگ; ١٥ тәулік; 405-bap.",
]


@pytest.mark.parametrize("text", SCAN_TEXTS)
def test_scanner_finds_what_finditer_finds(text: str) -> None:
    rules = load_rules()
    found = rules.scanner.scan(text)
    for pattern in rules.scanner.patterns:
        assert found.spans(pattern) == [m.span() for m in pattern.finditer(text)], pattern


# ---- roles by case and word order; consistency across languages and scripts
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Его избили полицейские прямо в подъезде.", True),  # agent in the nominative
        ("Полицейского избили неизвестные в подъезде.", False),  # agent in the accusative
        ("Оны тергеушілер ұрып-соқты.", True),  # Kazakh agent without a case ending
        ("Бұзақылар учаскелікті ұрып-соқты.", False),  # Kazakh agent in the accusative
        ("Officers beat him with a baton.", True),  # English: agent before the verb
        ("He was beaten by the police.", True),  # ... or after "by"
        ("Rioters beat an officer with a baton.", False),  # agent after the verb
        ("Officers were kicked by the crowd.", False),  # passive: the agents are beaten
    ],
)
def test_who_beat_whom(text: str, expected: bool) -> None:
    assert ("torture" in classify("", text)["topics"]) is expected


@pytest.mark.parametrize(
    "text",
    [
        "Суд приговорил сторонника ДВК к трём годам ограничения свободы.",
        "Сот ҚДТ жақтаушысын үш жылға бас бостандығын шектеуге кесті.",
        "Sot QDT jaqtaýshysyn úsh jylǵa bas bostandyǵyn shekteýge kesti.",
        "Sot QDT jaqtauşysyn üş jylğa bas bostandyğyn şekteuge kestı.",
        "The court sentenced a DVK supporter to three years of restricted freedom.",
    ],
)
def test_art405_sentence_with_a_term_is_also_detention(text: str) -> None:
    assert classify("", text)["topics"] == ["art405", "detention"]


@pytest.mark.parametrize(
    "text",
    [
        "Жителя Караганды осудили по статье 405 УК.",
        "Қарағанды тұрғыны 405-бап бойынша сотталды.",
        "A Karaganda resident was convicted under Article 405.",
    ],
)
def test_art405_conviction_without_a_term_is_not_detention(text: str) -> None:
    result = classify("", text)
    assert result["topics"] == ["art405"] and result["scores"]["detention"] < 0.5


def test_detained_activist_in_a_torture_sentence_is_also_detention() -> None:
    # the labelled sets' convention: a detained activist or journalist ill-treated is both
    # topics; ordinary detainees tortured are torture only
    both = classify("", "Конвоиры избили задержанного блогера в автозаке.")
    assert both["topics"] == ["torture", "detention"]
    assert classify("", "Конвоиры избили задержанного в автозаке.")["topics"] == ["torture"]


def test_places_of_detention_are_no_custody() -> None:
    text = "Активисты рассказали об условиях в местах лишения свободы Павлодара."
    assert classify("", text)["topics"] == []
    assert classify("", "Activists spoke about conditions in detention centres.")["topics"] == []
