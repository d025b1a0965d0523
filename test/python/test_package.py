"""The installed package: import name shared with Apple's coreai-opt, stubs."""

import os
import subprocess
import sys
from pathlib import Path

import coreai_opt


def _import_with(extra_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(extra_path))
    return subprocess.run([sys.executable, "-c", "import coreai_opt"], env=env,
                          capture_output=True, text=True)


def test_import_refuses_to_mix_with_apples_coreai_opt(tmp_path):
    # A distribution named "coreai-opt" (Apple's package) in the environment.
    dist = tmp_path / "coreai_opt-0.4.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: coreai-opt\nVersion: 0.4.0\n")
    proc = _import_with(tmp_path)
    assert proc.returncode != 0
    assert "ImportError" in proc.stderr
    assert "coreai-opt" in proc.stderr and "coreai-opt-native" in proc.stderr


def test_import_without_apples_package(tmp_path):
    assert _import_with(tmp_path).returncode == 0


def test_type_information_is_installed():
    package = Path(coreai_opt.__file__).parent
    assert (package / "py.typed").exists()
    stub = (package / "_coreai.pyi").read_text()
    from coreai_opt import _coreai
    for name in dir(_coreai):
        if not name.startswith("_"):
            assert f"def {name}(" in stub or f"class {name}:" in stub, \
                f"{name} missing from _coreai.pyi"
