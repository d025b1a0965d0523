"""``quantize_weights`` on Apple's ``coreai.authoring.AIProgram`` (duck-typed,
converted through text): returns the same kind, honours ``in_place``, keeps
locations, and the result runs on Apple's CPU runtime."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

from interop_common import FIXTURES, import_interop, run_apple, sqnr_db


def _apple_program(text):
    from apple_runner import apple_parse

    return apple_parse(text)


def _asm(program, debug_info=False):
    return program._module._mlir_module.operation.get_asm(enable_debug_info=debug_info)


@pytest.fixture
def linear():
    return _apple_program((FIXTURES / "linear.mlir").read_text())


def test_returns_new_apple_program_and_leaves_input(linear):
    from coreai.authoring import AIProgram as ApplePrograms
    from coreai_opt.coreai_utils import CompressionGranularity, DType, quantize_weights

    before = str(linear)
    out = quantize_weights(linear, DType.INT4, granularity=CompressionGranularity.PER_BLOCK)
    assert isinstance(out, ApplePrograms)
    assert out is not linear
    assert str(linear) == before
    text = str(out)
    assert "coreai.blockwise_shift_scale" in text and "xsi4>" in text
    assert not re.search(r"coreai\.constant [^\n]*: tensor<32x2048xf32>", text)  # old weight gone
    out._module.verify()
    # The result lives in the caller's MLIR context.
    assert out._module._mlir_module.context is linear._module._mlir_module.context


def test_in_place_updates_the_callers_object(linear):
    from coreai_opt.coreai_utils import DType, quantize_weights

    wrapper = linear._module
    out = quantize_weights(linear, DType.INT8, in_place=True)
    assert out is linear
    assert linear._module is wrapper  # the caller's Module wrapper now holds the new IR
    assert "coreai.blockwise_shift_scale" in str(linear)
    linear._module.verify()


def test_invalid_options_leave_apple_program_untouched(linear):
    from coreai_opt.coreai_utils import DType, QScheme, quantize_weights

    before = str(linear)
    with pytest.raises(ValueError, match="Asymmetric quantization is not supported"):
        quantize_weights(linear, DType.FP8_E4M3FN, qscheme=QScheme.ASYMMETRIC, in_place=True)
    assert str(linear) == before


def test_rejects_other_objects():
    from coreai_opt.coreai_utils import DType, quantize_weights

    with pytest.raises(TypeError, match="coreai.authoring.AIProgram"):
        quantize_weights(object(), DType.INT8)


def test_coreai_torch_program_keeps_locations_and_runs(tmp_path):
    """A program straight from coreai-torch (with debuginfo locations):
    quantized through our API, its new ops keep the weight's location, and
    Apple's runtime runs it close to the float program."""
    torch = import_interop("torch")
    coreai_torch = import_interop("coreai_torch")
    from coreai_opt.coreai_utils import DType, quantize_weights

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(),
                                torch.nn.Linear(64, 32)).eval()
    ep = torch.export.export(model, (torch.randn(2, 64),), strict=False).run_decompositions()
    converter = coreai_torch.TorchConverter()
    converter.add_exported_program(ep)
    program = converter.to_coreai()

    float_asm = _asm(program, debug_info=True)
    q = quantize_weights(program, DType.INT8)
    q_asm = _asm(q, debug_info=True)
    assert _asm(program, debug_info=True) == float_asm
    # The weight constant's location (loc(#locN)) is carried by its replacement ops.
    weight_loc = next(line.rsplit("loc(", 1)[1] for line in float_asm.splitlines()
                      if "tensor<64x64xf32> loc(" in line and "coreai.constant" in line)
    bss = [line for line in q_asm.splitlines() if "coreai.blockwise_shift_scale" in line]
    assert len(bss) == 2
    assert any(line.endswith("loc(" + weight_loc) for line in bss), (weight_loc, bss)

    (tmp_path / "f.mlir").write_text(str(program))
    (tmp_path / "q.mlir").write_text(str(q))
    rf, ref = run_apple(tmp_path / "f.mlir", tmp_path / "f.npz", 512)
    rq, out = run_apple(tmp_path / "q.mlir", tmp_path / "q.npz", 512)
    assert rf["ok"] and rq["ok"], (rf, rq)
    assert sqnr_db(ref, out) > 35.0


def test_coreai_not_imported_for_our_programs():
    code = textwrap.dedent(f"""
        import sys
        from coreai_opt import AIProgram
        from coreai_opt.coreai_utils import quantize_weights
        q = quantize_weights(AIProgram.load({str(FIXTURES / 'linear.mlir')!r}), "int8")
        assert "blockwise_shift_scale" in str(q)
        assert not any(m == "coreai" or m.startswith("coreai.") for m in sys.modules), \\
            sorted(m for m in sys.modules if m.startswith("coreai"))
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
