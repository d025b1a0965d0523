"""Shared helpers of the interop tests: models, configurations, the Apple
runner subprocess and SQNR."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RUNNER = HERE / "apple_runner.py"
FIXTURES = REPO / "test" / "fixtures" / "coreai-real"
MODELS_DIR = HERE / "models"
FULL = os.environ.get("COREAI_INTEROP_FULL", "") not in ("", "0")
# Set by `make test`, which installs requirements-interop.txt: a missing package of it is a
# failure, not a reason to skip.
REQUIRE = os.environ.get("COREAI_REQUIRE_INTEROP", "") not in ("", "0")
RUN_TIMEOUT = 300

# name -> (path, upper bound of integer inputs (token ids))
MODELS = {
    "real-linear": (FIXTURES / "linear.mlir", 512),
    "real-cnn": (FIXTURES / "cnn.mlir", 512),
    "real-emb": (FIXTURES / "emb.mlir", 1000),
    "real-batch_matmul": (FIXTURES / "batch_matmul.mlir", 512),
}
# The weight-carrying models of the runtime matrix (the other programs in
# models/ exercise syntax: they round-trip in test/Dialect/CoreAI/models).
for _p in sorted([*MODELS_DIR.glob("*.f32.mlir"), *MODELS_DIR.glob("*.f16.mlir")]):
    MODELS[_p.stem] = (_p, 512)  # mlp.f32, conv.f16, emb_linear.f32, encoder.f16, ...


def import_interop(name: str):
    """Imports a package of requirements-interop.txt (torch, coreai_torch, ...). Without it
    the calling test is skipped, with the reason, or fails if COREAI_REQUIRE_INTEROP is set."""
    if REQUIRE:
        return importlib.import_module(name)
    return pytest.importorskip(
        name, reason=f"{name} is not installed: pip install -r requirements-interop.txt")


def run_apple(path: Path, out: Path, int_high: int, seed: int = 0):
    """Apple's parse + verify + save_asset + CPU run of ``path`` in a
    subprocess. Returns (json result, {output name: array} or None)."""
    proc = subprocess.run(
        [sys.executable, str(RUNNER), "run", str(path), str(out), "--seed", str(seed),
         "--int-high", str(int_high)],
        capture_output=True, text=True, timeout=RUN_TIMEOUT)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return ({"ok": False, "stage": "crash",
                 "error": f"runner exited {proc.returncode}; stderr tail:\n{proc.stderr[-3000:]}"},
                None)
    result = json.loads(lines[-1])
    if not result["ok"]:
        return result, None
    with np.load(out) as data:
        outputs = {k[4:]: data[k] for k in data.files if k.startswith("out:")}
    return result, outputs


def run_apple_given(programs: dict, tmp: Path) -> dict:
    """Runs each program {key: (text, {input name: array})} in Apple's CPU runtime on the
    given inputs, all in one runner process. Returns {key: (json result, {output name:
    array} or None)}; bf16 outputs come back as ml_dtypes.bfloat16 arrays."""
    import ml_dtypes

    spec, files = [], {}
    for i, (key, (text, inputs)) in enumerate(programs.items()):
        stem = tmp / f"program{i}"
        stem.with_suffix(".mlir").write_text(text)
        np.savez(f"{stem}.in.npz", **inputs)
        spec.append({"file": f"{stem}.mlir", "inputs": f"{stem}.in.npz", "out": f"{stem}.out.npz"})
        files[key] = spec[-1]
    spec_path = tmp / "spec.json"
    spec_path.write_text(json.dumps(spec))
    proc = subprocess.run([sys.executable, str(RUNNER), "run-given", str(spec_path)],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT * 3)
    results = {r["file"]: r for r in (json.loads(line) for line in proc.stdout.splitlines()
                                      if line.startswith("{"))}
    out = {}
    for key, entry in files.items():
        result = results.get(entry["file"], {"ok": False, "stage": "crash",
                                             "error": proc.stderr[-2000:]})
        outputs = None
        if result["ok"]:
            with np.load(entry["out"]) as data:
                # npz keeps bf16 (ml_dtypes) arrays as 2-byte voids.
                outputs = {k[4:]: (data[k].view(ml_dtypes.bfloat16) if data[k].dtype.kind == "V"
                                   else data[k]) for k in data.files}
        out[key] = (result, outputs)
    return out


def apple_parse_files(paths):
    """Apple's parser on each file (one subprocess); {path: (ok, error)}."""
    proc = subprocess.run([sys.executable, str(RUNNER), "parse", *map(str, paths)],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT)
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            results[r["file"]] = (r["ok"], r["error"])
    for p in map(str, paths):
        results.setdefault(p, (False, f"runner died (exit {proc.returncode}): {proc.stderr[-1500:]}"))
    return results


def sqnr_db(reference: dict, test: dict) -> float:
    """10 log10(sum ref^2 / sum (ref - test)^2) over all outputs, in float64."""
    signal = noise = 0.0
    for name, ref in reference.items():
        r = np.asarray(ref, dtype=np.float64)
        t = np.asarray(test[name], dtype=np.float64)
        assert r.shape == t.shape, (name, r.shape, t.shape)
        signal += float(np.sum(r * r))
        noise += float(np.sum((r - t) ** 2))
    if noise == 0.0:
        return float("inf")
    return 10.0 * np.log10(signal / noise)
