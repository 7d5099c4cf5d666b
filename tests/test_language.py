"""Language ID on sentences written for these tests (never dev-set text)."""

from __future__ import annotations

import pytest

from classifiers import detect_language
from classifiers.language import detect_language as direct


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Полиция задержала активистов у здания акимата в Уральске.", "ru"),
        ("Суд приговорил гражданского активиста к ограничению свободы на два года.", "ru"),
        ("Бүгін Алматыда полиция наразылық білдірген белсенділерді ұстады.", "kk"),
        ("Сот белсендіні бір жылға бас бостандығын шектеуге кесті, деп хабарлайды Азаттық.", "kk"),
        (
            "Búgin Almatyda polısıa narazylyq bildirgen belsendilerdi ustady jáne sotqa jiberdi.",
            "kk",
        ),
        ("Police in Almaty detained several activists ahead of the planned rally.", "en"),
        (
            "The court in Qazaqstan said that the activist, who was detained in Almaty, "
            "will be held for ten days; his lawyer said this was unfair and that he will appeal.",
            "en",
        ),
        ("Бишкекте жүздөгөн адамдар чогулуп, өкмөткө каршы нааразылык акциясын өткөрүштү.", "ky"),
        ("", "und"),
        ("12345 !!!", "und"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_kazakh_quoting_russian_stays_kazakh() -> None:
    text = (
        "Белсенді сотта сөз сөйлеп, өзінің кінәсін мойындамайтынын айтты. "
        "Ол «Я не признаю себя виновным» деп мәлімдеді. Сот үкімді келесі аптада шығарады. "
        "Адвокат бұл істің саяси екенін және белсендінің қамауда отырғанын атап өтті."
    )
    assert detect_language(text) == "kk"


def test_russian_with_kazakh_names_stays_russian() -> None:
    text = "Движение «Көше партиясы» и лозунг «Жаңа Қазақстан» обсуждали в суде Алматы весь день."
    assert detect_language(text) == "ru"


def test_deterministic_and_same_function() -> None:
    text = "Police detained the journalist for two hours."
    assert {direct(text) for _ in range(5)} == {"en"}


def test_bounded_prefix_decides() -> None:
    text = "Бүгін Алматыда полиция наразылық білдірген белсенділерді ұстады. " * 20
    assert detect_language(text + "Police detained the journalist. " * 200) == "kk"
