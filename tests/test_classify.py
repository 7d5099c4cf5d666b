"""classify(): contract shape, inflection, negatives and entities."""

from __future__ import annotations

import pytest

from classifiers import TOPICS, classify, load_rules

KEYS = {"lang", "topics", "scores", "flagged", "evidence", "articles", "places", "persons"}


def test_contract_shape() -> None:
    out = classify(
        "Активиста пытали в полиции",
        "Полиция Актобе избила и пытала Романа Райхерта, возбуждено дело по статье 146 УК.",
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


@pytest.mark.parametrize(
    "text",
    [
        "Правозащитники заявили о пытках в колонии.",
        "Заключенных пытали сотрудники колонии, пытки продолжались неделю.",
        "Полицейские применяли к задержанному пытки.",
    ],
)
def test_russian_case_forms_torture(text: str) -> None:
    assert "torture" in classify("", text)["topics"]


@pytest.mark.parametrize(
    "text",
    [
        "Полиция қызметкерлері ұсталған белсендіні азаптады.",
        "Тергеу изоляторында азаптау фактісі анықталды, полиция қызметкерлері азаптаған.",
    ],
)
def test_kazakh_suffixes_torture(text: str) -> None:
    assert "torture" in classify("", text)["topics"]


def test_kazakh_detention_suffixes() -> None:
    out = classify("", "Митингке шыққан белсенділер полиция бөліміне апарылып, ұсталды.")
    assert "detention" in out["topics"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Судебные исполнители наложили арест на имущество и счета должника.", "detention"),
        ("Из-за тумана задерживаются рейсы в аэропорту Астаны.", "detention"),
        ("Torture test: this rugged laptop survived a two-metre drop test.", "torture"),
        ("Film review: the director stages torture scenes, and the actor is superb.", "torture"),
        ("Жара, духота в вагоне — настоящая пытка для пассажиров.", "torture"),
        ("Астанада көше атаулары өзгереді, жаңа көшелерге атау берілді.", "art405"),
    ],
)
def test_negative_contexts(text: str, topic: str) -> None:
    assert topic not in classify("", text)["topics"]


def test_ustaz_is_not_detention() -> None:
    text = "Мектеп ұстазы белсенді оқушыларды митингке емес, олимпиадаға дайындады."
    assert "detention" not in classify("", text)["topics"]


@pytest.mark.parametrize(
    ("text", "articles"),
    [
        ("Его судят по ст. 405 ч. 2 УК РК.", ["405"]),
        ("Дело возбуждено по статье 146 Уголовного кодекса.", ["146"]),
        ("Оған 405-бабы бойынша айып тағылды.", ["405"]),
        ("Белсенді 174-бап бойынша сотталды.", ["174"]),
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
        ("В Алма-Ате и Нур-Султане прошли акции.", ["Almaty", "Astana"]),
        ("Protests in Aqtobe and Nur-Sultan.", ["Aktobe", "Astana"]),
        ("В Актюбинской области задержали активиста.", ["Aktobe Region"]),
    ],
)
def test_places(text: str, places: list[str]) -> None:
    assert classify("", text)["places"] == places


@pytest.mark.parametrize(
    "text",
    [
        "Райхерт подал жалобу.",
        "Суд над Райхертом.",
        "Адвокат Райхерта.",
        "Райхерту отказали.",
        "Райхертке қатысты іс.",
        "Roman Reikhert appealed.",
    ],
)
def test_person_case_endings(text: str) -> None:
    assert classify("", text)["persons"] == ["Roman Reikhert"]


def test_person_variants_and_first_name_rule() -> None:
    assert classify("", "Askhat Zheksebayer stays in SIZO.")["persons"] == ["Askhat Zheksebayev"]
    assert classify("", "Barlyk Mendygazyev said.")["persons"] == ["Barlyk Mendygaziyev"]
    assert classify("", "Жанболат Мамайдың ісі.")["persons"] == ["Zhanbolat Mamay"]
    assert classify("", "Хан Мамай в истории Орды.")["persons"] == []


def test_foreign_torture_flagged_but_marked() -> None:
    out = classify("", "In a Saratov prison, guards tortured inmates; torture videos were leaked.")
    assert "torture" in out["topics"] and out["kz_relevant"] is False


SCAN_TEXTS = [
    "Полиция задержала активистов у акимата; «Көше партиясы» и ДВК упомянуты в суде.",
    "ПОЛИЦИЯ ЗАДЕРЖАЛА АКТИВИСТОВ: 15 суток ареста, статья 405 УК, ИВС Караганды.",
    "Белсенділер ұсталды, 10 тәулік әкімшілік қамау; Ақтөбеде İstanbul-style SIZO.",
    "Police detained 12 protesters in Almaty; torture test of a rugged laptop.",
    "Oralda belsendi ustaldy; ۇستالدى ميتينگ; ١٥ тәулік; Kazakistan condannato.",
]


@pytest.mark.parametrize("text", SCAN_TEXTS)
def test_scanner_finds_what_finditer_finds(text: str) -> None:
    rules = load_rules()
    found = rules.scanner.scan(text)
    for pattern in rules.scanner.patterns:
        assert found.spans(pattern) == [m.span() for m in pattern.finditer(text)], pattern


@pytest.mark.parametrize(
    "text",
    [
        "Суд приговорил участника ДВК к четырём годам лишения свободы.",
        "Политзаключённого журналиста освободили из колонии досрочно.",
        "Белсенді бес жылға бас еркіндігінен айырылып, колонияда жазасын өтеп жатыр.",
        "Правоохранители избивали задержанного, а затем пытали его в отделе.",
    ],
)
def test_new_general_positives(text: str) -> None:
    out = classify("", text)
    assert out["flagged"], out["scores"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Если вас задержали на пикете, что делать: памятка юриста для активистов.", "detention"),
        ("Задержаны подозреваемые в нападении на журналиста телеканала.", "detention"),
        ("Активиста приговорили к шести годам лишения свободы за сепаратизм.", "detention"),
        ("Белсендіге бес жылға бас бостандығынан айыру жазасы сұралды.", "detention"),
        ("Ablyazov was convicted in absentia; the DCK was declared extremist.", "art405"),
    ],
)
def test_new_general_negatives(text: str, topic: str) -> None:
    assert topic not in classify("", text)["topics"]


def test_watch_list_person_counts_as_political_context() -> None:
    out = classify("", "Суд приговорил Розу Тулетаеву к пяти годам лишения свободы.")
    assert out["topics"] == ["detention"] and out["persons"] == ["Roza Tuletayeva"]
    assert "detention" not in classify("", "Суд приговорил жителя к пяти годам лишения свободы.")[
        "topics"
    ]
