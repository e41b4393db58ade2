"""Languages of XTREME and XTREME-R: ISO 639-1 code, English name, family, script, resource level.

Families follow the XTREME README (google-research/xtreme, commit d224426), which lists
Afro-Asiatic, Austro-Asiatic, Austronesian, Dravidian, Indo-European, Japonic, Kartvelian,
Kra-Dai, Niger-Congo, Sino-Tibetan, Turkic and Uralic plus the isolates Basque and Korean;
XTREME-R additions use the same top-level families (Quechuan; Haitian is a French-based creole).

Resource level is NOT a corpus-size measure (no citable per-language size table was found).
It is a proxy computed from benchmark coverage in this registry (XTREME and XTREME-R test
language lists), so it is reproducible and changes only with those lists:

- ``high``: the language has XNLI test data;
- ``low``: its only test data in either benchmark is PAN-X (WikiANN), Tatoeba and/or Mewsli-X,
  the tasks built from Wikipedia or crowd-sourced sentence pairs that cover the long tail;
- ``mid``: everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from xfer_analysis.tasks._names import build_index, resolve


@dataclass(frozen=True)
class Language:
    """One language: ISO code, English name, family, script and coverage-based resource level."""

    code: str
    name: str
    family: str
    script: str
    resource_level: str


# code: (name, family, script)
_LANGUAGES: dict[str, tuple[str, str, str]] = {
    "af": ("Afrikaans", "Indo-European", "Latin"),
    "ar": ("Arabic", "Afro-Asiatic", "Arabic"),
    "az": ("Azerbaijani", "Turkic", "Latin"),
    "bg": ("Bulgarian", "Indo-European", "Cyrillic"),
    "bn": ("Bengali", "Indo-European", "Bengali"),
    "de": ("German", "Indo-European", "Latin"),
    "el": ("Greek", "Indo-European", "Greek"),
    "en": ("English", "Indo-European", "Latin"),
    "es": ("Spanish", "Indo-European", "Latin"),
    "et": ("Estonian", "Uralic", "Latin"),
    "eu": ("Basque", "isolate", "Latin"),
    "fa": ("Persian", "Indo-European", "Arabic"),
    "fi": ("Finnish", "Uralic", "Latin"),
    "fr": ("French", "Indo-European", "Latin"),
    "gu": ("Gujarati", "Indo-European", "Gujarati"),
    "he": ("Hebrew", "Afro-Asiatic", "Hebrew"),
    "hi": ("Hindi", "Indo-European", "Devanagari"),
    "ht": ("Haitian Creole", "Creole (French-based)", "Latin"),
    "hu": ("Hungarian", "Uralic", "Latin"),
    "id": ("Indonesian", "Austronesian", "Latin"),
    "it": ("Italian", "Indo-European", "Latin"),
    "ja": ("Japanese", "Japonic", "Japanese (Kanji, Kana)"),
    "jv": ("Javanese", "Austronesian", "Latin"),
    "ka": ("Georgian", "Kartvelian", "Georgian"),
    "kk": ("Kazakh", "Turkic", "Cyrillic"),
    "ko": ("Korean", "isolate", "Hangul"),
    "lt": ("Lithuanian", "Indo-European", "Latin"),
    "ml": ("Malayalam", "Dravidian", "Malayalam"),
    "mr": ("Marathi", "Indo-European", "Devanagari"),
    "ms": ("Malay", "Austronesian", "Latin"),
    "my": ("Burmese", "Sino-Tibetan", "Myanmar"),
    "nl": ("Dutch", "Indo-European", "Latin"),
    "pa": ("Punjabi", "Indo-European", "Gurmukhi"),
    "pl": ("Polish", "Indo-European", "Latin"),
    "pt": ("Portuguese", "Indo-European", "Latin"),
    "qu": ("Quechua", "Quechuan", "Latin"),
    "ro": ("Romanian", "Indo-European", "Latin"),
    "ru": ("Russian", "Indo-European", "Cyrillic"),
    "sw": ("Swahili", "Niger-Congo", "Latin"),
    "ta": ("Tamil", "Dravidian", "Tamil"),
    "te": ("Telugu", "Dravidian", "Telugu"),
    "th": ("Thai", "Kra-Dai", "Thai"),
    "tl": ("Tagalog", "Austronesian", "Latin"),
    "tr": ("Turkish", "Turkic", "Latin"),
    "uk": ("Ukrainian", "Indo-European", "Cyrillic"),
    "ur": ("Urdu", "Indo-European", "Arabic"),
    "vi": ("Vietnamese", "Austro-Asiatic", "Latin"),
    "yo": ("Yoruba", "Niger-Congo", "Latin"),
    "zh": ("Chinese", "Sino-Tibetan", "Han"),
}

#: Pseudo-language for a number averaged over a task's languages (only where no per-language
#: number is published).
AVG = "avg"

_LONG_TAIL_TASKS = frozenset({"panx", "tatoeba", "mewslix"})

_INDEX = build_index(
    "language", {code: (name,) for code, (name, _, _) in _LANGUAGES.items()} | {AVG: ("average",)}
)


@cache
def _coverage() -> dict[str, frozenset[str]]:
    """Language code -> names of the target tasks with test data in it (either benchmark)."""
    from xfer_analysis.tasks.targets import TARGETS

    cover: dict[str, set[str]] = {code: set() for code in _LANGUAGES}
    for task in TARGETS.values():
        for langs in task.languages.values():
            for code in langs or ():
                cover[code].add(task.name)
    return {code: frozenset(tasks) for code, tasks in cover.items()}


def _resource_level(code: str) -> str:
    tasks = _coverage()[code]
    if "xnli" in tasks:
        return "high"
    if tasks <= _LONG_TAIL_TASKS:
        return "low"
    return "mid"


def language_code(name: str) -> str:
    """Canonical ISO code for a code or English name (`German` -> `de`); `avg` passes through."""
    return resolve("language", name, _INDEX)


def language(code: str) -> Language:
    """The Language record for an ISO code or English name."""
    canonical = language_code(code)
    if canonical == AVG:
        return Language(AVG, "average over languages", "", "", "")
    name, family, script = _LANGUAGES[canonical]
    return Language(canonical, name, family, script, _resource_level(canonical))


def languages() -> list[Language]:
    """Every language known to the registry, sorted by code (without the `avg` pseudo-code)."""
    return [language(code) for code in sorted(_LANGUAGES)]
