"""On every page, every chart draws (as Vega renders it) exactly the table shown right after
it: one bar, cell or point per row, nothing stacked; on the shipped data, on a loaded grid of
two sources and on a grid of several data sizes."""

from __future__ import annotations

import pandas as pd
import pytest
from dashboard_helpers import grid_frame, new_app, sized_grid, store_of
from rendered import check_page

PAGES = {
    "views/overview.py": {},
    "views/heatmap.py": {"model": "xlm-roberta-large", "split": "dev"},
    "views/per_language.py": {"model": "xlm-roberta-large", "split": "dev", "target": "xnli",
                              "inter": "mnli"},
    "views/returns.py": {"model": "xlm-roberta-large", "split": "dev"},
    "views/scaling.py": {"target": "xnli", "split": "test"},
}


def _two_sources() -> pd.DataFrame:
    one = grid_frame()
    two = one.assign(source="second-run", run_id=one["run_id"] + "@2")
    two.loc[two["intermediate"] != "none", "value"] += 0.7
    return pd.concat([one, two], ignore_index=True)


@pytest.mark.parametrize("data", ["published", "two sources", "sizes"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_chart_equals_the_table_beside_it(page, data, tmp_path, monkeypatch) -> None:
    if data == "published":
        monkeypatch.delenv("XFER_STORE", raising=False)
    else:
        frame = _two_sources() if data == "two sources" else sized_grid()
        monkeypatch.setenv("XFER_STORE", str(store_of(frame, tmp_path / "s.duckdb")))
    params = dict(PAGES[page])
    if data == "sizes" and "inter" in params:
        params["inter"] = "squad"  # the sized grid has squad and mnli+squad, at 7 budgets
    at = new_app(page, **params)
    assert not at.exception, at.exception
    charts = check_page(at.main)
    if data != "published" and page != "views/scaling.py":
        assert charts, f"{page} drew no chart of the loaded grid"
