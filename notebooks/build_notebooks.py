"""Write the thin notebooks (question, load, call, show, computed verdict); run with
`.venv/bin/python notebooks/build_notebooks.py`, then execute them with nbconvert."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
LOAD = ("from xfer_analysis import charts, questions, results\n\n"
        "df = results.load()  # shipped published data; pass paths=/store= to add your runs\n"
        "print(len(df), 'rows loaded')")
CHART_SYSTEM = ("gains = questions.system_gains(df)\n"
                "charts.heatmap(gains, x='target_task', y='source', "
                "title='Best-per-target minus XLM-R Large, test (task score)')")
TABLE_SYSTEM = "print(questions.system_gains(df).round(2).to_string(index=False))"
CHART_GAPS = ("gaps = questions.setting_gaps(df)\n"
              "charts.heatmap(gaps, x='base_model', y='target_task', "
              "title='mT5: translate-train minus zero-shot (published averages)')")
TABLE_GAPS = "print(questions.setting_gaps(df).round(2).to_string(index=False))"


def _chart(code: str) -> nbformat.NotebookNode:
    return new_code_cell(code, metadata={"tags": ["nbval-ignore-output"]})


def claim_notebook(title: str, question: str, groups: list[int]) -> nbformat.NotebookNode:
    """Question, published test gains (chart + table), then the computed verdicts."""
    return new_notebook(cells=[
        new_markdown_cell(f"# {title}\n\n**Question.** {question}\n\nVerdicts are computed by "
                          "`xfer_analysis.claims` from the loaded rows; none is typed here."),
        new_code_cell(LOAD),
        new_markdown_cell("The only published per-target gains of intermediate training are the "
                          "XTREME test submission (best intermediate model per target), one "
                          "row per source: the sources disagree and are never averaged."),
        _chart(CHART_SYSTEM),
        new_code_cell(TABLE_SYSTEM),
        new_markdown_cell("## Verdict\n\nClaims that need the dev grid say which rows are "
                          "missing and which runner config produces them."),
        new_code_cell(f"print(questions.verdict_text(questions.claim_verdicts(df, {groups})))"),
    ])


def question_notebook(qid: str, extra: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """Question, what the published data says (where it says anything), what runs complete it."""
    from xfer_analysis.questions import QUESTIONS

    q = QUESTIONS[qid]
    return new_notebook(cells=[
        new_markdown_cell(f"# Research question {qid}\n\n**Question.** {q.text}"),
        new_code_cell(LOAD),
        *extra,
        new_markdown_cell("## Answer so far\n\nWhat the loaded rows cover, and the runs that "
                          "would complete the answer."),
        new_code_cell(f"print(questions.coverage(df, {qid!r}))"),
    ])


GAPS = [
    new_markdown_cell("Published mT5 numbers by size (ByT5 Table 4, mT5 columns): "
                      "translate-train minus zero-shot, paired within one source."),
    _chart(CHART_GAPS),
    new_code_cell(TABLE_GAPS),
]

NOTEBOOKS = {
    "claims_1_2_7_per_task_gains.ipynb": claim_notebook(
        "Claims 1, 2, 7: average gains per intermediate task, multi-task, QA targets",
        "Do SQuAD, MNLI and HellaSwag give the largest average gains (+8.2/+7.5/+7.0 in the "
        "briefs, unverified), does multi-task on all nine help more (+8.7, unverified), and "
        "are QA gains moderate?", [1, 2, 7]),
    "claims_3_retrieval.ipynb": claim_notebook(
        "Claim 3: retrieval (BUCC, Tatoeba)",
        "Does intermediate training give large gains on BUCC and Tatoeba, which use the "
        "encoder directly without target training data?", [3]),
    "claims_4_xnli_tydiqa.ipynb": claim_notebook(
        "Claim 4: XNLI does not benefit, TyDiQA improves",
        "Does TyDiQA improve consistently with many intermediate tasks while XNLI does not "
        "benefit?", [4]),
    "claims_5_xtreme_score.ipynb": claim_notebook(
        "Claim 5: +5.4 on the XTREME benchmark (test)",
        "Does the best intermediate model per target improve on XLM-R Large by 5.4 points "
        "on the XTREME score (v2 abstract, verified)?", [5]),
    "claims_2_6_multitask_mlm_translated.ipynb": claim_notebook(
        "Claims 2 and 6: multi-task, continued MLM, translated intermediate data",
        "Does multi-task intermediate training add a small improvement, and do continued "
        "multilingual MLM or machine-translated intermediate data fail to consistently beat "
        "plain English intermediate training?", [2, 6]),
    "rq_a_tasks_vs_data.ipynb": question_notebook("a", []),
    "rq_b_diversity.ipynb": question_notebook("b", []),
    "rq_c_model_size_robustness.ipynb": question_notebook("c", GAPS),
    "rq_d_large_models.ipynb": question_notebook("d", [
        new_markdown_cell("Intermediate-training gains are published only for XLM-R Large "
                          "(test submission); mT5 sizes have no intermediate-training rows."),
        _chart(CHART_SYSTEM), new_code_cell(TABLE_SYSTEM), *GAPS[1:]]),
    "rq_e_translate_train.ipynb": question_notebook("e", GAPS),
}

if __name__ == "__main__":
    for name, nb in NOTEBOOKS.items():
        nbformat.write(nb, HERE / name)
