"""A sample database for the workspace tests: the Datasette sample plus items that only a
folded, stemmed, place-aware search finds (ё, Kazakh letters, inflections, Уральск/Орал)."""

from __future__ import annotations

from pathlib import Path

from store.db import connect
from store.items import save_item
from tests.support.datasette import _item, make_db

EXTRA = [
    _item(6, "В колонии Жанаозена избили заключённого",
          "Правозащитники сообщают, что в колонии под Жаңаөзен избили заключённого.",
          "ru", "azattyq-ru", "2024-05-23", {"torture": (0.9, "ru.torture.izbili", "избили")},
          places=["Zhanaozen"]),
    _item(7, "Оралда белсенділер ұсталды", "Орал қаласында полиция үш белсендіні ұстады.",
          "kk", "azattyq-kk", "2024-05-24",
          {"detention": (0.85, "kk.detention.ustady", "ұстады")}, places=["Oral"]),
    _item(8, "Пытка током: новые показания по делу в Актюбинской области",
          "Свидетель рассказал о пытке током в Ақтөбе.", "ru", "vlast-ru", "2024-05-25",
          {"torture": (0.8, "ru.torture.pytka", "пытке")},
          places=["Aktobe Region", "Aktobe"]),
]


def make_workspace_db(path: Path) -> dict[str, int]:
    """The Datasette sample (items 1-5) plus EXTRA (6-8); title -> id."""
    ids = make_db(path)
    db = connect(path)
    ids.update({row["title"]: save_item(db, row, cls)[0] for row, cls in EXTRA})
    db.close()
    return ids
