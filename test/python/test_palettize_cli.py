"""coreai-palettize: the command line of palettize_weights, with the same report."""

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import mlir_blobs  # noqa: E402
import palette_reference as pr  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "coreai-real"
TOOL = shutil.which("coreai-palettize", path=sysconfig.get_path("scripts"))


def run(*args):
    assert TOOL, "coreai-palettize is not installed beside this Python: pip install ."
    return subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True)


def test_palettizes_and_reports_each_weight(tmp_path):
    out = tmp_path / "emb.lut.mlir"
    proc = run(FIXTURES / "emb.mlir", "-o", out, "--n-bits", "3", "--granularity",
               "per_grouped_channel", "--group-size", "8", "--lut-dtype", "int8")
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if "emb.mlir" in line]
    assert len(rows) == 2 and all("ui3 idx, LUT 8xsi8" in r and "per_grouped_channel" in r
                                  for r in rows)
    assert "2 weights palettized" in proc.stdout
    text = out.read_text()
    weights = pr.palettized_weights(text)
    assert len(weights) == 2 and all(w.index_type == "ui3" for w in weights)
    # The reported SQNR is the decoded weight's.
    originals = [c for c in mlir_blobs.parse_constants((FIXTURES / "emb.mlir").read_text())
                 if c.shape in {w.shape for w in weights}]
    resources = mlir_blobs.parse_resources((FIXTURES / "emb.mlir").read_text())
    reported = sorted(float(r.split()[-3]) for r in rows)
    measured = sorted(pr.sqnr_db(mlir_blobs.constant_value(c, resources), w.decode())
                      for c, w in zip(originals, weights))
    np.testing.assert_allclose(reported, measured, atol=0.01)


def test_bad_option_exits_1_and_leaves_output(tmp_path):
    out = tmp_path / "out.mlir"
    out.write_text("keep")
    proc = run(FIXTURES / "linear.mlir", "-o", out, "--cluster-dim", "2", "--per-channel-scale")
    assert proc.returncode == 1
    assert "`enable_per_channel_scale=True` is not supported with `cluster_dim > 1`" in proc.stderr
    assert out.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mlir"]
