"""coreai-sparsify: the command line of sparsify_weights, with the same report."""

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import sparse_reference as sr  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "coreai-real"
TOOL = shutil.which("coreai-sparsify", path=sysconfig.get_path("scripts"))


def run(*args):
    assert TOOL, "coreai-sparsify is not installed beside this Python: pip install ."
    return subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True)


def test_n_m_with_uint8_values_and_the_report(tmp_path):
    out = tmp_path / "cnn.24.mlir"
    proc = run(FIXTURES / "cnn.mlir", "-o", out, "--n-m-ratio", "2:4", "--quantize-dtype",
               "uint8", "--weight-num-threshold", "0")
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if "cnn.mlir" in line]
    assert len(rows) == 2 and all("50.0% zeros, quantized ui8" in r for r in rows)
    assert "2 weights sparsified" in proc.stdout
    # The first conv (3 input channels) is too narrow for 2:4: a warning names it.
    assert "m > channel / 2" in proc.stderr and "cnn.mlir\":10:10" in proc.stderr
    weights = sr.sparse_weights(out.read_text())
    assert [w.form for w in weights] == ["quantized-before"] * 2
    assert all(w.num_non_zero == w.mask.sum() == w.mask.size // 2 for w in weights)


def test_conflicting_options_exit_1_and_leave_output(tmp_path):
    out = tmp_path / "out.mlir"
    out.write_text("keep")
    proc = run(FIXTURES / "linear.mlir", "-o", out, "--n-m-ratio", "2:4", "--target-sparsity",
               "0.3")
    assert proc.returncode == 1
    assert "`target_sparsity` and `n_m_ratio` cannot both be set." in proc.stderr
    proc = run(FIXTURES / "linear.mlir", "-o", out, "--n-m-ratio", "2-4")
    assert proc.returncode == 1 and "--n-m-ratio must be N:M" in proc.stderr
    assert out.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mlir"]
