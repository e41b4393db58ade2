"""Shareable state: a copied link of any page opens that page with its filters, and filters
chosen on one page follow the user to the other pages (the browser drops the query string on
a page switch)."""

from __future__ import annotations

import pytest
from dashboard_helpers import go_to, open_link, widget, widget_values

LINKS = {
    "views/overview.py": {"bench": "xtreme-r"},
    "views/heatmap.py": {"model": "xlm-roberta-large", "split": "test", "show": "absolute score",
                         "lang": "de", "corr": "bh", "source": "rembert-t16-stilts"},
    "views/per_language.py": {"model": "xlm-roberta-large", "target": "pawsx",
                              "group": "script"},
    "views/returns.py": {"model": "xlm-roberta-large", "source": "rembert-t16-stilts"},
    "views/scaling.py": {"target": "pawsx", "y": "worst-language score"},
    "views/claims.py": {"status": "sources disagree"},
    "views/data.py": {"f.source": "rembert-t16-stilts,rembert-t16-xlmr", "f.language": "de"},
}
"""Per page, URL params that differ from the page's defaults on the published data."""


def _expected(value: str, widget_value: object) -> object:
    """A URL value as the widget holds it (multiselects hold lists)."""
    return value.split(",") if isinstance(widget_value, list) else value


@pytest.mark.parametrize("page", list(LINKS))
def test_a_copied_link_restores_the_page_and_its_filters(published_only, page: str) -> None:
    params = LINKS[page]
    at = open_link(page, **params)
    assert not at.exception, at.exception
    values = widget_values(at)
    for key, value in params.items():
        assert values[key] == _expected(value, values[key]), key
        assert at.query_params[key] == value, key


def test_a_stale_link_value_falls_back_to_the_default(published_only) -> None:
    at = open_link("views/scaling.py", target="no-such-task", y="worst-language score")
    assert not at.exception
    assert widget_values(at)["target"] == "xnli"
    assert at.query_params["target"] == "xnli"


def test_filters_follow_the_user_across_pages(published_only) -> None:
    at = open_link("views/heatmap.py", model="xlm-roberta-large", split="test", lang="de")
    go_to(at, "views/per_language.py")
    assert not at.exception
    assert widget_values(at)["model"] == "xlm-roberta-large"
    assert at.query_params["model"] == "xlm-roberta-large"
    widget(at, "model").set_value("mt5-base").run()
    go_to(at, "views/heatmap.py")
    values = widget_values(at)
    assert (values["model"], values["lang"]) == ("mt5-base", "de")
    assert (at.query_params["model"], at.query_params["lang"]) == ("mt5-base", "de")
    assert "target" not in at.query_params, "another page's filter leaked into this link"
