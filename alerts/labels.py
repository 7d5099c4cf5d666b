"""The words of a digest in each label language (data, not code: add a language here)."""

from __future__ import annotations

from datetime import datetime

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "torture": "torture", "art405": "Art. 405", "detention": "detention",
        "count": "{n} {label}",
        "heading": "newsmon digest for {name}: {n} new flagged item(s)",
        "source": "Source", "date": "Date", "language": "Language", "topics": "Topics",
        "original": "Original", "in_newsmon": "In newsmon",
        "heading_notices": "newsmon digest for {name}: flagged items removed or edited",
        "notices": "Removed or edited since flagged", "removed": "removed", "edited": "edited",
        "rechecked": "Re-checked", "outcome": "Outcome",
        "footer_file": "You receive this digest because {email} is subscribed in {origin}. "
                       "To change topics, filters or frequency, edit that file (or ask the "
                       "newsmon administrator).",
        "footer_table": "You receive this digest because {email} is in the newsmon "
                        "subscriptions table. To change topics, filters or frequency, edit "
                        "that row in Datasette (or ask the newsmon administrator).",
        "footer_stop": "To stop these messages, write to {unsubscribe} with the subject "
                       "\"unsubscribe\".",
    },
    "ru": {
        "torture": "пытки", "art405": "ст. 405", "detention": "задержания",
        "count": "{label} {n}",
        "heading": "Сводка newsmon для {name}: новых отмеченных материалов — {n}",
        "source": "Источник", "date": "Дата", "language": "Язык", "topics": "Темы",
        "original": "Оригинал", "in_newsmon": "В newsmon",
        "heading_notices": "Сводка newsmon для {name}: отмеченные материалы удалены или изменены",
        "notices": "Удалено или изменено после отметки", "removed": "удалено",
        "edited": "изменено", "rechecked": "Повторная проверка", "outcome": "Итог",
        "footer_file": "Вы получаете эту сводку, потому что адрес {email} подписан в {origin}. "
                       "Чтобы изменить темы, фильтры или частоту, отредактируйте этот файл "
                       "(или обратитесь к администратору newsmon).",
        "footer_table": "Вы получаете эту сводку, потому что адрес {email} есть в таблице "
                        "subscriptions newsmon. Чтобы изменить темы, фильтры или частоту, "
                        "отредактируйте эту строку в Datasette (или обратитесь к "
                        "администратору newsmon).",
        "footer_stop": "Чтобы отписаться, напишите на {unsubscribe} с темой «unsubscribe».",
    },
}

MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ru": ("янв.", "февр.", "марта", "апр.", "мая", "июня", "июля", "авг.", "сент.", "окт.",
           "нояб.", "дек."),
}


def label(lang: str, key: str) -> str:
    """The word for `key` in `lang`; a topic without a label shows its id."""
    return LABELS[lang].get(key, key)


def short_date(lang: str, when: datetime) -> str:
    """"21 Nov" / "21 нояб.": the subject's date, without relying on the system locale."""
    return f"{when.day} {MONTHS[lang][when.month - 1]}"
