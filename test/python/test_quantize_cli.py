"""coreai-quantize: the friendly command line."""

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import mlir_blobs  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "coreai-real"
TOOL = shutil.which("coreai-quantize", path=sysconfig.get_path("scripts"))


def run(*args):
    assert TOOL, "coreai-quantize is not installed beside this Python: pip install ."
    return subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True)


def test_quantizes_and_prints_a_row_per_weight(tmp_path):
    out = tmp_path / "emb.int4.mlir"
    proc = run(FIXTURES / "emb.mlir", "-o", out, "--dtype", "int4", "--granularity", "per_block")
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout.splitlines()
    assert table[0].split()[:3] == ["location", "shape", "dtype"]
    rows = [line for line in table if "emb.mlir" in line]
    assert len(rows) == 2 and all("f32->si4" in r and "per_block" in r for r in rows)
    assert "2 weights quantized" in proc.stdout
    consts = mlir_blobs.parse_constants(out.read_text())
    assert sorted(c.element_type for c in consts if c.element_type == "si4") == ["si4"] * 4
    assert "reading" in proc.stderr and "writing" in proc.stderr  # progress


def test_bad_option_exits_1_and_leaves_output(tmp_path):
    out = tmp_path / "out.mlir"
    out.write_text("keep")
    proc = run(FIXTURES / "linear.mlir", "-o", out, "--dtype", "fp4_e2m1fn")
    assert proc.returncode == 1
    assert "DType.FP4_E2M1FN requires" in proc.stderr
    assert out.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mlir"]


def test_bad_input_exits_1(tmp_path):
    bad = tmp_path / "bad.mlir"
    bad.write_text("module {\n  coreai.frobnicate\n}\n")
    proc = run(bad, "-o", tmp_path / "out.mlir", "--dtype", "int8")
    assert proc.returncode == 1 and "frobnicate" in proc.stderr
    assert not (tmp_path / "out.mlir").exists()
