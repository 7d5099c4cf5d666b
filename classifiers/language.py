"""Language identification: langdetect plus explicit Kazakh detection.

langdetect has no Kazakh profile (it calls Kazakh "ru", "mk" or "bg"), so Kazakh is
recognised first from script evidence: Kazakh-only Cyrillic letters, Kazakh Latin
letters and function words, and Arabic-script Kazakh (tote). Kyrgyz Cyrillic, which
shares ң ө ү but lacks ә ғ қ ұ і, is reported as "ky" so it is never taken for Kazakh.
"""

from __future__ import annotations

import re

import langdetect
from langdetect.lang_detect_exception import LangDetectException

langdetect.DetectorFactory.seed = 0

PREFIX_CHARS = 1000  # plenty for a script/word-count decision, and bounds the cost
UNDETERMINED = "und"

def _letters(letters: str) -> re.Pattern[str]:
    """A regex matching each space-separated word that contains one of ``letters``."""
    chars = re.escape(letters.lower())
    return re.compile(rf"(?<!\S)[^\s{chars}]*[{chars}]\S*")


_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_LAT_RE = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_ARAB_RE = re.compile(r"[\u0600-\u06ff]")

# Cyrillic letters Kazakh uses and Russian does not; ә ғ қ ұ are the decisive ones.
_KK_CYR_STRONG = _letters("әғқұӘҒҚҰ")
_KK_CYR_WEAK = _letters("іңөүһІҢӨҮҺ")
_KY_CYR = _letters("ңөүҢӨҮ")
# Letters that point to Ukrainian, Belarusian, Uzbek or Tajik Cyrillic instead.
_NOT_KK_CYR = _letters("їєґўҳҷӯӣЇЄҐЎҲҶӮӢ")
_RU_ONLY_CYR = _letters("ыэё")
_KY_CYR_WORDS = frozenset(
    "жана менен үчүн боюнча тууралуу анын болуп кийин бирок дагы шаарынын".split()
)
_KK_CYR_WORDS = frozenset(
    "және мен бен пен деп деді бұл осы үшін бойынша туралы дейін кейін бірақ болып "
    "болды еді да де та те ол олар біз сіз қазақстан жылы жылғы тағы керек".split()
)
_RU_WORDS = frozenset(
    "и в на не что по с как это из за от для к о же но его ее при был была были "
    "который которые также уже только или год года".split()
)

# Kazakh Latin (2018 acute, 2021 and informal): letters other Latin scripts rarely mix.
_KK_LAT_STRONG = _letters("ǵńǧŋū")
_KK_LAT_WEAK = _letters("áóúýıişçäöüğñq")
_UZ_LAT_RE = re.compile(r"(?<!\S)\S*?[og][‘'ʻ]\S*")  # one match per Uzbek-looking word
_TK_LETTERS = _letters("ňž")
_KK_LAT_WORDS = frozenset(
    "jáne jane men ben pen dep degen bul osy úshin ushin boıynsha boyynsha týraly turaly "
    "bolyp boldy edi qazaqstan qazaqstanda qala jyly jylǵy degen retinde qatysty "
    "habarlaıdy habarlaydy habarlaidy habarlady sonymen qatar keıin kein olar búgin "
    "bugin osyndaı ol biz siz".split()
)
# Words frequent in English and rare in the other Latin-script languages seen here.
_EN_WORDS = frozenset(
    "the and of to is was were that with for from by has have had been said which this "
    "their they his her it its are be at on an who will would after".split()
)
_TK_LAT_WORDS = frozenset("we bilen üçin hem boýunça edildi bu şu onuň bolup".split())

# Arabic-script Kazakh (tote): ە ۇ ۋ ڭ ٴ are frequent; Uyghur adds ې ۆ ۈ ئ.
_TOTE_LETTERS = set("\u06d5\u06c7\u06cb\u06ad\u0674")
_UYGHUR_LETTERS = set("\u06d0\u06c6\u06c8\u0626")


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of ``text`` (``und`` when it cannot be told)."""
    sample = (text or "")[:PREFIX_CHARS]
    words = _WORD_RE.findall(sample)
    if not words:
        return UNDETERMINED
    initials = "".join(w[0] for w in words)  # the script of each word is that of its start
    cyr = len(_CYR_RE.findall(initials))
    lat = len(_LAT_RE.findall(initials))
    arab = len(_ARAB_RE.findall(initials))
    if arab > max(cyr, lat):
        return _arabic_script(sample)
    joined = " ".join(words).lower()
    guess = _cyrillic_script(joined) if cyr >= lat else _latin_script(joined)
    if guess:
        return guess
    code = _langdetect(sample)
    if code in ("bg", "mk") and _looks_russian(words):
        return "ru"
    return code


def _arabic_script(sample: str) -> str:
    """Tell tote Kazakh from Uyghur, Arabic and Persian."""
    tote = sum(ch in _TOTE_LETTERS for ch in sample)
    uyghur = sum(ch in _UYGHUR_LETTERS for ch in sample)
    if tote >= 5 and tote > 3 * uyghur:
        return "kk"
    if uyghur >= 5:
        return "ug"
    return _langdetect(sample)


def _cyrillic_script(joined: str) -> str | None:
    """Kazakh or Kyrgyz from letter and function-word evidence, else None."""
    lower = joined.split(" ")
    if _count_with(joined, _NOT_KK_CYR) > 0.02 * len(lower):
        return None
    strong = _count_with(joined, _KK_CYR_STRONG)
    weak = _count_with(joined, _KK_CYR_WEAK)
    kk_words = _count_in(lower, _KK_CYR_WORDS)
    ru_words = _count_in(lower, _RU_WORDS)
    kk_evidence = strong + 0.5 * weak + 2 * kk_words
    if strong and kk_evidence > 0.15 * len(lower) and kk_evidence > 2 * ru_words:
        return "kk"
    kyrgyz = _count_with(joined, _KY_CYR) + 2 * _count_in(lower, _KY_CYR_WORDS)
    if strong == 0 and kyrgyz > 0.08 * len(lower) and kyrgyz > ru_words:
        return "ky"
    if _count_with(joined, _RU_ONLY_CYR):
        return "ru"  # ы э ё: Russian, never Bulgarian or Macedonian as langdetect may guess
    return None


def _latin_script(joined: str) -> str | None:
    """Kazakh Latin, Turkmen (which langdetect lacks) or plain English, else None."""
    lower = joined.split(" ")
    strong = _count_with(joined, _KK_LAT_STRONG)
    weak = _count_with(joined, _KK_LAT_WEAK)
    kk_words = _count_in(lower, _KK_LAT_WORDS)
    tk_words = _count_in(lower, _TK_LAT_WORDS)
    en_words = _count_in(lower, _EN_WORDS)
    if en_words >= 5 and en_words > 0.1 * len(lower) and en_words > 5 * (strong + kk_words):
        return "en"  # plain English (its i, q and ü are no Kazakh evidence); no langdetect needed
    tk_letters = _count_with(joined, _TK_LETTERS)
    if tk_letters and tk_letters + tk_words > strong + kk_words:
        return "tk"
    if len(_UZ_LAT_RE.findall(joined)) > 0.03 * len(lower):
        return None
    evidence = strong + 0.5 * weak + 2 * kk_words
    if evidence > 0.2 * len(lower) and strong + kk_words >= 1:
        return "kk"
    return None


def _count_with(joined: str, letters: re.Pattern[str]) -> int:
    """How many words of the space-joined lower-case words contain one of ``letters``."""
    return len(letters.findall(joined))


def _count_in(words: list[str], vocabulary: frozenset[str]) -> int:
    """How many words are in ``vocabulary``."""
    return sum(w in vocabulary for w in words)


def _looks_russian(words: list[str]) -> bool:
    """Short Russian often comes back as bg/mk; without their letters it is Russian."""
    text = "".join(words).lower()
    if any(ch in "ѓќѕјљњџђћ" for ch in text):
        return False
    return text.count("ъ") < 0.005 * len(text)


def _langdetect(sample: str) -> str:
    """Plain langdetect, mapped to ISO 639-1, ``und`` on failure."""
    try:
        code = langdetect.detect(sample)
    except LangDetectException:
        return UNDETERMINED
    return code.split("-")[0]
