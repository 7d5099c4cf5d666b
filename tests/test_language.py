"""Language ID on sentences written for these tests (never labelled-set text)."""

from __future__ import annotations

import pytest

from classifiers import detect_language
from classifiers.language import detect_language as direct
from classifiers.language import load_evidence

KAZAKH = [
    "Бүгін Алматыда полиция наразылық білдірген белсенділерді ұстады.",
    "Сот белсендіні бір жылға бас бостандығын шектеуге кесті, деп хабарлайды тілші.",
    "Саяси тұтқын түрмеден босатылды.",
    # the site dropped ә ғ қ ұ і: Kazakh function words still decide, never Kyrgyz
    "Алматыда полиция митингке шыккан белсенделерди устады жане оларды болимге алып кетти "
    "деп хабарлайды тилши. Бул туралы куни бойы айтылды.",
    # 2018 Latin (acute accents) and 2021 Latin
    "Búgin Almatyda polısıa narazylyq bildirgen belsendilerdi ustady jáne sotqa jiberdi.",
    "Belsendi polısıa qyzmetkerlerimen ustaldy.",
    "Bügın Almatyda polisia narazylyq bıldırgen belsendılerdı ūstady jäne sotqa jıberdı.",
    # Arabic script (tote)
    "بۇگىن الماتىدا پوليتسيا نارازىلىق بىلدىرگەن بەلسەندىلەردى ۇستادى.",
]
NEIGHBOURS = [
    ("Татарстан башкаласында узган җыелышта депутатлар яңа закон турында сөйләштеләр.", "tt"),
    ("Башҡортостанда үткән ултырышта депутаттар яңы закон тураһында һөйләштеләр.", "ba"),
    ("Бишкекте жүздөгөн адамдар чогулуп, өкмөткө каршы нааразылык акциясын өткөрүштү.", "ky"),
    ("Тошкентда ўтган йиғилишда депутатлар янги қонун ҳақида гаплашдилар ва қарор қилдилар.", "uz"),
    ("Toshkentda o‘tgan yig‘ilishda deputatlar yangi qonun haqida gaplashdilar va qaror.", "uz"),
    ("İstanbul'da düzenlenen toplantıda milletvekilleri yeni yasa hakkında konuştu.", "tr"),
    ("Bakıda keçirilən toplantıda deputatlar yeni qanun haqqında danışdılar və qərar.", "az"),
    ("W Warszawie posłowie rozmawiali o nowej ustawie i podjęli ważne decyzje dla ludzi.", "pl"),
    ("Die Abgeordneten haben gesprochen, aber es gab keine Einigung und kein Ergebnis.", "de"),
    ("En Madrid los diputados hablaron sobre la nueva ley y tomaron decisiones para el año.", "es"),
    ("У Києві депутати обговорили новий закон і ухвалили рішення щодо його підтримки.", "uk"),
]


@pytest.mark.parametrize("text", KAZAKH)
def test_kazakh_in_every_script(text: str) -> None:
    assert detect_language(text) == "kk"


@pytest.mark.parametrize(("text", "lang"), NEIGHBOURS)
def test_neighbours_are_not_kazakh(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Полиция задержала активистов у здания акимата в Уральске.", "ru"),
        ("Police in Almaty detained several activists ahead of the planned rally.", "en"),
        ("", "und"),
        ("12345 !!!", "und"),
    ],
)
def test_russian_english_and_empty(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_kazakh_quoting_russian_stays_kazakh() -> None:
    text = (
        "Белсенді сотта сөз сөйлеп, өзінің кінәсін мойындамайтынын айтты. "
        "Ол «Я не признаю себя виновным» деп мәлімдеді. Сот үкімді келесі аптада шығарады."
    )
    assert detect_language(text) == "kk"


def test_russian_with_kazakh_names_stays_russian() -> None:
    text = "Движение «Көше партиясы» и лозунг «Жаңа Қазақстан» обсуждали в суде Алматы весь день."
    assert detect_language(text) == "ru"


def test_plain_latin_letters_are_no_kazakh_evidence() -> None:
    evidence = load_evidence()["latin"]["kk"]
    assert "i" not in evidence.letters and "kein" not in evidence.words


def test_deterministic_and_bounded_prefix() -> None:
    text = "Бүгін Алматыда полиция наразылық білдірген белсенділерді ұстады. " * 20
    assert {direct(text + "Police detained the journalist. " * 200) for _ in range(3)} == {"kk"}
