"""``coreai_opt.aimodel``: quantizing ``.aimodel`` assets through Apple's
coreai.

An asset is made from the real fixture linear.mlir (Apple's parser +
save_asset, with metadata), quantized by the tool, and both assets are run by
Apple's CPU runtime in a subprocess on the same fixed input; the quantized
output must keep the SQNR floors of test_interop_runtime.py. The failure paths
must leave the destination as it was and never reach Apple's loader with a
damaged asset (it aborts the process).

Run as a script, this file is the subprocess:
    python test_aimodel.py run ASSET OUT.npz   -> one JSON line, OUT.npz (in:/out: arrays)
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from interop_common import FIXTURES, RUN_TIMEOUT, sqnr_db  # noqa: E402

LINEAR = FIXTURES / "linear.mlir"
# (quantize_asset kwargs, SQNR floor in dB: test_interop_runtime.CONFIGS's)
CONFIGS = {
    "int8_pc": (dict(dtype="int8"), 38.0),
    "int4_b32_sym": (dict(dtype="int4", granularity="per_block", block_size=32), 14.0),
    "fp4_b32": (dict(dtype="fp4_e2m1fn", granularity="per_block", block_size=32), 10.0),
}
METADATA = dict(author="Alice", license="MIT", model_description="a linear layer")
CUSTOM = {"k1": "v1", "origin": "linear.mlir"}


# -- the subprocess -------------------------------------------------------

def _run_asset_here(asset: str, out: str, seed: int = 0, int_high: int = 512) -> int:
    import coreai
    from coreai.authoring import AIModelAsset

    from apple_runner import _error, make_inputs

    async def run():
        handle = AIModelAsset.load(Path(asset))
        async with handle.executable() as model:
            function = model.load_function("main")
            inputs = make_inputs(function.desc, seed, int_high)
            result = await function(
                inputs={k: coreai.runtime.NDArray(v) for k, v in inputs.items()})
            return inputs, {k: np.array(v.numpy()) for k, v in result.items()}

    try:
        inputs, outputs = asyncio.run(run())
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"ok": False, "error": _error(e)}), flush=True)
        return 1
    np.savez(out, **{f"in:{k}": v for k, v in inputs.items()},
             **{f"out:{k}": v for k, v in outputs.items()})
    print(json.dumps({"ok": True}), flush=True)
    return 0


def run_asset(asset: Path, out: Path):
    """Apple's runtime on the asset, in a subprocess: {output name: array}."""
    proc = subprocess.run([sys.executable, __file__, "run", str(asset), str(out)],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, f"runner exited {proc.returncode}: {proc.stderr[-3000:]}"
    result = json.loads(lines[-1])
    assert result["ok"], result["error"]
    with np.load(out) as data:
        return {k[4:]: data[k] for k in data.files if k.startswith("out:")}


# -- helpers --------------------------------------------------------------

def make_float_asset(path: Path) -> Path:
    """linear.mlir -> an asset written by Apple's save_asset, with metadata."""
    import coreai.runtime

    from apple_runner import apple_parse

    metadata = coreai.runtime.AIModelAssetMetadata()
    for key, value in METADATA.items():
        setattr(metadata, key, value)
    for key, value in CUSTOM.items():
        metadata.set_custom(key, value)
    apple_parse(LINEAR.read_text()).save_asset(path, metadata=metadata)
    return path


def tree(path: Path) -> dict:
    """{relative name: bytes} of a file or directory (to see it untouched)."""
    if path.is_file():
        return {"": path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def leftovers(directory: Path) -> list:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def metadata_json(asset: Path) -> dict:
    return json.loads((asset / "metadata.json").read_text())


@pytest.fixture(scope="module")
def float_asset(tmp_path_factory):
    return make_float_asset(tmp_path_factory.mktemp("float") / "linear.aimodel")


@pytest.fixture(scope="module")
def float_outputs(float_asset, tmp_path_factory):
    return run_asset(float_asset, tmp_path_factory.mktemp("float_out") / "out.npz")


# -- the tool on a real asset ---------------------------------------------

@pytest.mark.parametrize("config", list(CONFIGS))
def test_quantized_asset_runs_on_apple_runtime(config, float_asset, float_outputs, tmp_path):
    from coreai_opt.aimodel import PROVENANCE_KEY, quantize_asset

    kwargs, floor = CONFIGS[config]
    dst = tmp_path / "q.aimodel"
    result = quantize_asset(float_asset, dst, **kwargs)

    assert len(result.report.rows) == 1 and result.report.unchanged == 2
    assert result.bytecode_bytes_after < result.bytecode_bytes_before / 3
    assert result.not_carried == []
    assert sorted(os.listdir(dst)) == ["main.hash", "main.mlirb", "metadata.json"]
    assert (dst / "main.hash").read_bytes() == hashlib.sha256((dst / "main.mlirb").read_bytes()).digest()
    assert leftovers(tmp_path) == []

    meta = metadata_json(dst)
    assert (meta["author"], meta["license"], meta["description"]) == tuple(METADATA.values())
    custom = dict(meta["creatorDefinedMetadata"])
    record = json.loads(custom.pop(PROVENANCE_KEY))
    assert custom == CUSTOM
    assert record["options"]["dtype"] == kwargs["dtype"]

    outputs = run_asset(dst, tmp_path / "out.npz")
    sqnr = sqnr_db(float_outputs, outputs)
    print(f"{config}: SQNR {sqnr:.1f} dB over the asset's output")
    assert sqnr >= floor, f"{config}: SQNR {sqnr:.1f} dB < floor {floor} dB"


@pytest.mark.parametrize("kwargs,floor", [
    (dict(n_bits=4, granularity="per_grouped_channel", group_size=8), 18.0),
    (dict(n_bits=3, lut_dtype="uint8", enable_per_channel_scale=True), 12.0),
])
def test_palettized_asset_runs_on_apple_runtime(kwargs, floor, float_asset, float_outputs,
                                                tmp_path):
    from coreai_opt.aimodel import PROVENANCE_KEY, palettize_asset

    dst = tmp_path / "p.aimodel"
    result = palettize_asset(float_asset, dst, **kwargs)
    assert len(result.report.rows) == 1 and result.report.rows[0].method == "palettize"
    assert result.bytecode_bytes_after < result.bytecode_bytes_before / 3
    record = json.loads(dict(metadata_json(dst)["creatorDefinedMetadata"])[PROVENANCE_KEY])
    assert record["transform"] == "palettize_weights"
    assert record["options"]["n_bits"] == kwargs["n_bits"]
    sqnr = sqnr_db(float_outputs, run_asset(dst, tmp_path / "out.npz"))
    assert sqnr >= floor, f"SQNR {sqnr:.1f} dB < floor {floor} dB"


def test_sparsified_asset_runs_on_apple_runtime(float_asset, float_outputs, tmp_path):
    from coreai_opt.aimodel import PROVENANCE_KEY, sparsify_asset

    dst = tmp_path / "s.aimodel"
    result = sparsify_asset(float_asset, dst, None, n_m_ratio=(2, 4), quantize_dtype="int8")
    assert len(result.report.rows) == 1 and result.report.rows[0].method == "sparsify"
    assert result.report.rows[0].zero_fraction == 0.5
    record = json.loads(dict(metadata_json(dst)["creatorDefinedMetadata"])[PROVENANCE_KEY])
    assert record["transform"] == "sparsify_weights" and record["options"]["n_m_ratio"] == [2, 4]
    sqnr = sqnr_db(float_outputs, run_asset(dst, tmp_path / "out.npz"))
    assert sqnr >= 4.0, f"SQNR {sqnr:.1f} dB"


def test_nothing_to_quantize_gives_the_same_bytecode(float_asset, tmp_path):
    """The route itself (load, print, our parse/print, Apple's parse, save)
    changes no byte of main.mlirb; only creationDate is new in metadata.json."""
    from coreai_opt.aimodel import quantize_asset

    dst = tmp_path / "same.aimodel"
    result = quantize_asset(float_asset, dst, "int8", weight_num_threshold=10 ** 12,
                            provenance=False)
    assert result.report.rows == []
    assert (dst / "main.mlirb").read_bytes() == (float_asset / "main.mlirb").read_bytes()
    assert (dst / "main.hash").read_bytes() == (float_asset / "main.hash").read_bytes()
    before, after = metadata_json(float_asset), metadata_json(dst)
    assert set(before) == set(after)
    assert {k for k in before if before[k] != after[k]} == {"creationDate"}


def test_load_and_save_asset(float_asset, tmp_path):
    from coreai_opt import AIProgram
    from coreai_opt.aimodel import load_asset, save_asset
    from coreai_opt.coreai_utils import quantize_weights

    program = load_asset(float_asset)
    assert isinstance(program, AIProgram)
    assert len(list(program.constants())) == 3
    dst = tmp_path / "copy.aimodel"
    save_asset(program, dst, metadata_from=float_asset)
    assert (dst / "main.mlirb").read_bytes() == (float_asset / "main.mlirb").read_bytes()
    assert metadata_json(dst)["creatorDefinedMetadata"] == CUSTOM

    quantized = quantize_weights(program, "int4", granularity="per_block")
    save_asset(quantized, dst)  # replaces the asset
    assert (dst / "main.mlirb").stat().st_size < (float_asset / "main.mlirb").stat().st_size / 3
    assert "author" not in metadata_json(dst)  # no metadata given: none copied
    assert leftovers(tmp_path) == []


def test_in_place(float_asset, float_outputs, tmp_path):
    from coreai_opt.aimodel import quantize_asset

    asset = tmp_path / "m.aimodel"
    shutil.copytree(float_asset, asset)
    quantize_asset(asset, tmp_path / "." / "m.aimodel", "int8")  # the same asset, spelt otherwise
    assert (asset / "main.mlirb").stat().st_size < (float_asset / "main.mlirb").stat().st_size / 3
    assert leftovers(tmp_path) == []
    assert sqnr_db(float_outputs, run_asset(asset, tmp_path / "out.npz")) >= CONFIGS["int8_pc"][1]


def test_apple_save_load_drops_pure_marker_and_dead_ops_only():
    """What Apple's save_asset + _load_bytecode keep, on the fixtures: the
    program text is the same but for the `__coreai_pure__` attribute of each
    graph, unused constants (dropped) and locations (wrapped in
    #debuginfo.location<... in unit>)."""
    import tempfile

    from coreai.authoring import AIProgram as ApplePrograms

    from apple_runner import apple_parse

    def text(program):
        return program._module._mlir_module.operation.get_asm(print_generic_op_form=True)

    with tempfile.TemporaryDirectory() as tmp:
        for name in ("linear.mlir", "linear.int4_block32.mlir"):
            program = apple_parse((FIXTURES / name).read_text())
            before = text(program)
            asset = program.save_asset(Path(tmp) / f"{name}.aimodel")
            loaded = ApplePrograms._load_bytecode(Path(asset.path) / "main.mlirb")
            after = text(loaded)
            assert before.count("__coreai_pure__") == 1 and "__coreai_pure__" not in after
            # Apple's parser keeps a dead constant; the serializer drops it.
            dead = 1 if "int4" in name else 0
            assert before.count('"coreai.constant"') - after.count('"coreai.constant"') == dead
            if not dead:
                assert before.replace(" {__coreai_pure__}", "") == after
            located = loaded._module._mlir_module.operation.get_asm(enable_debug_info=True)
            assert "#debuginfo.location<" in located


# -- failure paths --------------------------------------------------------

def test_missing_asset(tmp_path):
    from coreai_opt.aimodel import load_asset, quantize_asset

    dst = tmp_path / "out.aimodel"
    with pytest.raises(FileNotFoundError):
        quantize_asset(tmp_path / "nope.aimodel", dst, "int8")
    with pytest.raises(FileNotFoundError):
        load_asset(tmp_path / "nope.aimodel")
    assert not dst.exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize("kwargs,error", [
    (dict(dtype="int5"), ValueError),
    (dict(dtype="int4", granularity="per_row"), ValueError),
    (dict(dtype="int4", granularity="per_block", block_size=0), ValueError),
    (dict(dtype="fp8_e4m3fn", qscheme="asymmetric"), ValueError),
    (dict(dtype="int8", block_size="32"), TypeError),
])
def test_bad_option(kwargs, error, float_asset, tmp_path):
    from coreai_opt.aimodel import quantize_asset

    dst = tmp_path / "out.aimodel"
    with pytest.raises(error):
        quantize_asset(float_asset, dst, **kwargs)
    assert not dst.exists() and leftovers(tmp_path) == []
    existing = make_float_asset(tmp_path / "existing.aimodel")
    before = tree(existing)
    with pytest.raises(error):
        quantize_asset(float_asset, existing, **kwargs)
    assert tree(existing) == before and leftovers(tmp_path) == []


def test_bad_paths(float_asset, tmp_path):
    from coreai_opt.aimodel import quantize_asset

    with pytest.raises(ValueError, match=".aimodel"):
        quantize_asset(float_asset, tmp_path / "out.mlir", "int8")
    with pytest.raises(FileNotFoundError):
        quantize_asset(float_asset, tmp_path / "no" / "dir" / "out.aimodel", "int8")
    not_an_asset = tmp_path / "data.aimodel"
    not_an_asset.mkdir()
    (not_an_asset / "precious.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        quantize_asset(float_asset, not_an_asset, "int8")
    assert tree(not_an_asset) == {"precious.txt": b"keep me"}
    assert leftovers(tmp_path) == []


def _damage(asset: Path, how: str) -> None:
    bytecode = asset / "main.mlirb"
    if how == "truncated":
        bytecode.write_bytes(bytecode.read_bytes()[:1000])
    elif how == "garbage":
        bytecode.write_bytes(b"not bytecode at all\n")
    elif how == "no-bytecode":
        bytecode.unlink()
    elif how == "no-hash":
        (asset / "main.hash").unlink()
    elif how == "a-file":
        shutil.rmtree(asset)
        asset.write_text("a file")


@pytest.mark.parametrize("how", ["truncated", "garbage", "no-bytecode", "no-hash", "a-file"])
def test_damaged_source_leaves_dst_untouched(how, float_asset, tmp_path):
    """Through the command line in a subprocess: Apple's loader aborts the
    process on damaged bytecode, so the tool must refuse before reaching it."""
    src = tmp_path / "damaged.aimodel"
    shutil.copytree(float_asset, src)
    _damage(src, how)
    dst = make_float_asset(tmp_path / "existing.aimodel")
    before = tree(dst)
    proc = subprocess.run([sys.executable, "-m", "coreai_opt.aimodel", str(src), "-o", str(dst),
                           "--dtype", "int4", "--granularity", "per_block"],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert "coreai-quantize: error:" in proc.stderr
    assert tree(dst) == before and leftovers(tmp_path) == []


def test_cli(float_asset, tmp_path):
    dst = tmp_path / "cli.aimodel"
    proc = subprocess.run([sys.executable, "-m", "coreai_opt.aimodel", str(float_asset), "-o", str(dst),
                           "--dtype", "int4", "--granularity", "per_block", "--no-provenance"],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    assert "1 weights quantized" in proc.stdout
    assert metadata_json(dst)["creatorDefinedMetadata"] == CUSTOM
    proc = subprocess.run([sys.executable, "-m", "coreai_opt.aimodel", str(float_asset), "-o",
                           str(tmp_path / "bad.aimodel"), "--dtype", "int4", "--block-size", "0",
                           "--granularity", "per_block"],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert proc.returncode == 1 and "error" in proc.stderr
    assert not (tmp_path / "bad.aimodel").exists()


def test_without_coreai(float_asset, tmp_path):
    code = ("import sys; sys.modules['coreai'] = None\n"
            "from coreai_opt.aimodel import CoreAIUnavailableError, quantize_asset\n"
            "try:\n"
            f"    quantize_asset({str(float_asset)!r}, {str(tmp_path / 'o.aimodel')!r}, 'int8')\n"
            "except CoreAIUnavailableError as e:\n"
            "    print('unavailable:', e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    assert "unavailable:" in proc.stdout and "requirements-interop.txt" in proc.stdout
    assert not (tmp_path / "o.aimodel").exists()


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"] and len(sys.argv) == 4:
        sys.exit(_run_asset_here(sys.argv[2], sys.argv[3]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
