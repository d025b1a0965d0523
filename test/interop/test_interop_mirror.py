"""The transforms (``quantize_weights``, ``palettize_weights``, ``sparsify_weights``) on
Apple's ``coreai.authoring.AIProgram`` through the
mirror (coreai/Interop/ModuleMirror.h: no program text in either direction)
gives the program the text route gives: same ops, types, attributes,
locations and blobs, same warnings, on every shipped real program and every
configuration; ``in_place`` is honoured; unknown versions of Apple's package
take the text route and say so once."""

from __future__ import annotations

import io
import logging
import re

import pytest

from interop_common import FIXTURES, MODELS_DIR
from test_interop_runtime import CONFIGS as RUNTIME_CONFIGS

PROGRAMS = sorted(FIXTURES.glob("*.mlir")) + sorted(MODELS_DIR.glob("*.mlir"))
CONFIGS = {name: kwargs for name, (kwargs, _) in RUNTIME_CONFIGS.items()}
# Configurations that skip weights (with warnings) or take tiny ones too.
CONFIGS["int4_b7_skips"] = dict(dtype="int4", granularity="per_block", block_size=7)
CONFIGS["int8_all_sizes"] = dict(dtype="int8", weight_num_threshold=0)
CONFIGS["uint4_pt_asym"] = dict(dtype="uint4", qscheme="asymmetric", granularity="per_tensor")

# palettize_weights configurations (the same route; the same replacements of constants).
PALETTIZE_CONFIGS = {
    "pal_n4_tensor": dict(n_bits=4),
    "pal_n3_grouped_uint8": dict(n_bits=3, granularity="per_grouped_channel", group_size=16,
                                 lut_dtype="uint8"),
    "pal_cd2_all_sizes": dict(n_bits=2, cluster_dim=2, weight_num_threshold=0),
    "pal_pcs_int8_channel": dict(enable_per_channel_scale=True, lut_dtype="int8",
                                 granularity="per_channel"),
}

# sparsify_weights configurations.
SPARSIFY_CONFIGS = {
    "sp_50": dict(target_sparsity=0.5),
    "sp_nm24_int8": dict(target_sparsity=None, n_m_ratio=(2, 4), quantize_dtype="int8"),
    "sp_block4_lut4_all_sizes": dict(target_sparsity=0.5, block_size=4, palettize_nbits=4,
                                     weight_num_threshold=0),
}

LOGGER = "coreai_opt.coreai_utils"


def _apple_program(path):
    from apple_runner import apple_parse

    return apple_parse(path.read_text())


def _asm(program):
    return program._module._mlir_module.operation.get_asm(enable_debug_info=True)


def _same_resources(text):
    """The text route's Apple parser renames the blobs of constants it did not
    change when the caller's context holds them already (`resource_1_1`);
    the mirror leaves those constants as they are."""
    return re.sub(r"\b(resource_\d+)_\d+\b", r"\1", text)


@pytest.fixture
def mirror_only(monkeypatch):
    """Fails the test if the text route is taken."""
    from coreai_opt.coreai_utils import _interop

    def refuse(*args, **kwargs):
        raise AssertionError("the text route was taken")

    monkeypatch.setattr(_interop, "_transform_text", refuse)


def _text_route(monkeypatch):
    from coreai_opt.coreai_utils import _interop

    monkeypatch.setattr(_interop, "_apple", lambda: None)


def _quantize(program, kwargs, caplog, **extra):
    """quantize_weights, or palettize_weights / sparsify_weights for their configs."""
    from coreai_opt.coreai_utils import palettize_weights, quantize_weights, sparsify_weights

    transform = quantize_weights if "dtype" in kwargs else \
        sparsify_weights if "target_sparsity" in kwargs else palettize_weights
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        result = transform(program, **kwargs, **extra)
    warnings = [r.getMessage() for r in caplog.records
                if r.name == LOGGER and r.levelno == logging.WARNING]
    return result, warnings


@pytest.mark.parametrize("config", sorted(CONFIGS) + sorted(PALETTIZE_CONFIGS) +
                         sorted(SPARSIFY_CONFIGS))
@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.name)
def test_mirror_equals_text_route(path, config, caplog, monkeypatch, mirror_only):
    kwargs = CONFIGS.get(config) or PALETTIZE_CONFIGS.get(config) or SPARSIFY_CONFIGS[config]
    original = _apple_program(path)
    before = _asm(original)
    mirrored, mirror_warnings = _quantize(original, kwargs, caplog)
    assert _asm(original) == before, "in_place=False changed the caller's program"
    assert type(mirrored) is type(original) and mirrored is not original

    monkeypatch.undo()  # the text route, for the reference
    _text_route(monkeypatch)
    texted, text_warnings = _quantize(_apple_program(path), kwargs, caplog)

    assert _same_resources(_asm(mirrored)) == _same_resources(_asm(texted))
    assert mirror_warnings == text_warnings
    mirrored._module.verify()


@pytest.mark.parametrize("path", [FIXTURES / "linear.mlir", MODELS_DIR / "encoder.f16.mlir"],
                         ids=lambda p: p.name)
def test_in_place_changes_the_callers_module(path, caplog, monkeypatch, mirror_only):
    kwargs = dict(dtype="int4", granularity="per_block", block_size=32)
    program = _apple_program(path)
    wrapper, module = program._module, program._module._mlir_module
    result, _ = _quantize(program, kwargs, caplog, in_place=True)
    assert result is program
    assert program._module is wrapper and program._module._mlir_module is module
    assert "coreai.blockwise_shift_scale" in _asm(program)

    monkeypatch.undo()
    _text_route(monkeypatch)
    texted, _ = _quantize(_apple_program(path), kwargs, caplog)
    assert _same_resources(_asm(program)) == _same_resources(_asm(texted))


def test_result_outlives_the_mirror_and_runs(tmp_path, caplog, mirror_only):
    """The new blobs belong to Apple's program once the call returns: the
    program is saved and read back after everything else is gone."""
    import gc

    from coreai._compiler import ir as apple_ir
    from coreai.authoring import Context

    program = _apple_program(FIXTURES / "linear.mlir")
    result, _ = _quantize(program, dict(dtype="int8"), caplog)
    text = _asm(result)
    del program
    gc.collect()
    stream = io.BytesIO()
    result._module._mlir_module.operation.write_bytecode(stream)
    with Context()._mlir_context:  # noqa: SLF001
        again = apple_ir.Module.parse(stream.getvalue())
    assert again.operation.get_asm(enable_debug_info=True) == text


def test_unknown_coreai_version_takes_the_text_route_and_says_so_once(caplog, monkeypatch):
    import importlib.metadata

    from coreai_opt.coreai_utils import _interop

    monkeypatch.setattr(_interop, "_apple_checked", False)
    monkeypatch.setattr(_interop, "_apple_api", None)
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.9.9")
    path = FIXTURES / "linear.mlir"
    first, _ = _quantize(_apple_program(path), dict(dtype="int8"), caplog)
    said = [r.getMessage() for r in caplog.records if "converted through text" in r.getMessage()]
    second, _ = _quantize(_apple_program(path), dict(dtype="int8"), caplog)
    again = [r.getMessage() for r in caplog.records if "converted through text" in r.getMessage()]
    assert len(said) == 1 and "9.9.9" in said[0] and again == []
    assert _asm(first) == _asm(second)


def test_program_the_mirror_cannot_carry_takes_the_text_route(caplog, monkeypatch):
    """A weight whose blob is shorter than its type needs: the mirror notices
    (guarded buffers) and the text route reports it as before."""
    from coreai_opt.coreai_utils import _interop

    def short_copy(constant_op, destination):
        destination[:8] = 1  # writes less than the type needs

    real = _interop._apple()
    monkeypatch.setattr(_interop, "_apple", lambda: _interop._Apple(real.ir, short_copy))
    from coreai_opt.coreai_utils import quantize_weights

    monkeypatch.setattr(_interop, "_said", set())
    with caplog.at_level(logging.INFO, logger=LOGGER):
        result = quantize_weights(_apple_program(FIXTURES / "linear.mlir"), "int8")
    assert any("through text" in r.getMessage() and "fewer bytes" in r.getMessage()
               for r in caplog.records)
    assert "coreai.blockwise_shift_scale" in _asm(result)


@pytest.mark.parametrize("name", ["gelu_mlp.debuginfo.mlir", "transformer_block.mlir"])
def test_bytecode_written_by_apple_reads_as_its_text(name):
    """Apple's bytecode spells debuginfo attributes out in full (nested ones
    without their prefix, `loc(...)` inline); our reader gives the same
    attributes as from Apple's text."""
    from coreai_opt import AIProgram

    apple = _apple_program(MODELS_DIR / name)
    stream = io.BytesIO()
    apple._module._mlir_module.operation.write_bytecode(stream)
    from_bytecode = AIProgram.parse(stream.getvalue())
    from_text = AIProgram.parse(_asm(apple))

    def inline(program):
        return program.module.operation.get_asm(enable_debug_info=True, use_local_scope=True)

    assert inline(from_bytecode) == inline(from_text)


def test_nan_weight_skipped_with_the_same_warning(tmp_path, caplog, monkeypatch, mirror_only):
    """A weight holding NaN is left as it was, with the warning the text
    route gives (naming its location)."""
    text = (FIXTURES / "linear.mlir").read_text()
    blob = re.search(r'(resource_\d+: "0x10000000)([0-9A-F]{8})', text)
    path = tmp_path / "nan.mlir"
    path.write_text(text[:blob.end(1)] + "0000C07F" + text[blob.end():])
    mirrored, mirror_warnings = _quantize(_apple_program(path), dict(dtype="int8"), caplog)
    assert any("NaN" in w for w in mirror_warnings), mirror_warnings

    monkeypatch.undo()
    _text_route(monkeypatch)
    texted, text_warnings = _quantize(_apple_program(path), dict(dtype="int8"), caplog)
    assert mirror_warnings == text_warnings
    assert _same_resources(_asm(mirrored)) == _same_resources(_asm(texted))
