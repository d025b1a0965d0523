"""The Python API contract of quantize_weights (argument checks, in_place, candidates,
warnings, determinism, E8M0 quality)."""

from __future__ import annotations

import logging
import os
import re
import time

import ml_dtypes
import numpy as np
import pytest

from conftest import (ProgramBuilder, gauss, make_program, quantized_weights, read_fixture)
import mlir_blobs as mb
import quant_reference as qr

from coreai_opt import AIProgram
from coreai_opt.program import make_context
from coreai_opt.coreai_utils import CompressionGranularity, DType, QScheme, quantize_weights

LOGGER = "coreai_opt.coreai_utils"
PB, PC, PT = (CompressionGranularity.PER_BLOCK, CompressionGranularity.PER_CHANNEL,
              CompressionGranularity.PER_TENSOR)


@pytest.fixture
def linear():
    return AIProgram.parse(read_fixture("linear.mlir"))


# --------------------------------------------------------------------------- argument errors

VALUE_ERRORS = [
    (dict(dtype=DType.FP8_E8M0FNU), r"^Unsupported weight dtype"),
    (dict(dtype="int3"), r"^Unsupported weight dtype"),
    (dict(dtype=DType.INT8, scale_dtype=DType.FP8_E8M0FNU),
     r"^scale_dtype must be None for integer dtype"),
    (dict(dtype=DType.UINT4, scale_dtype=DType.FP8_E4M3FN),
     r"^scale_dtype must be None for integer dtype"),
    (dict(dtype=DType.FP8_E4M3FN, qscheme=QScheme.ASYMMETRIC),
     r"^Asymmetric quantization is not supported for FP dtype"),
    (dict(dtype=DType.FP4_E2M1FN, qscheme=QScheme.ASYMMETRIC, granularity=PB),
     r"^Asymmetric quantization is not supported for FP dtype"),
    (dict(dtype=DType.FP4_E2M1FN, granularity=PB, scale_dtype=DType.FP8_E8M0FNU),
     r"^scale_dtype must be None for FP4 dtype"),
    (dict(dtype=DType.FP4_E2M1FN),   # default PER_CHANNEL
     r"^DType\.FP4_E2M1FN requires granularity=CompressionGranularity\.PER_BLOCK and "
     r"block_size=32"),
    (dict(dtype=DType.FP4_E2M1FN, granularity=PT),
     r"^DType\.FP4_E2M1FN requires granularity=CompressionGranularity\.PER_BLOCK"),
    (dict(dtype=DType.FP4_E2M1FN, granularity=PB, block_size=16),
     r"^DType\.FP4_E2M1FN requires granularity=CompressionGranularity\.PER_BLOCK and "
     r"block_size=32"),
    (dict(dtype=DType.FP8_E4M3FN, scale_dtype=DType.FP8_E4M3FN), r"^Invalid scale_dtype"),
    (dict(dtype=DType.FP8_E5M2, scale_dtype=DType.INT8), r"^Invalid scale_dtype"),
    (dict(dtype=DType.INT4, granularity=PB, block_size=0), r"block_size"),
    (dict(dtype=DType.INT4, granularity=PB, block_size=-32), r"block_size"),
    (dict(dtype=DType.INT8, weight_num_threshold=-1), r"weight_num_threshold|threshold"),
    (dict(dtype=DType.INT8, granularity=CompressionGranularity.PER_GROUPED_CHANNEL),
     r"(?i)grouped|granularity"),
]


@pytest.mark.parametrize("in_place", [False, True])
@pytest.mark.parametrize("kwargs,pattern", VALUE_ERRORS,
                         ids=[str(i) for i in range(len(VALUE_ERRORS))])
def test_value_errors_before_touching_the_program(linear, kwargs, pattern, in_place):
    before = str(linear)
    with pytest.raises(ValueError, match=pattern):
        quantize_weights(linear, in_place=in_place, **kwargs)
    assert str(linear) == before


def test_unsupported_dtype_message_lists_valid_dtypes(linear):
    with pytest.raises(ValueError) as e:
        quantize_weights(linear, DType.FP8_E8M0FNU)
    for d in ("int4", "fp8_e4m3fn", "fp4_e2m1fn"):
        assert d in str(e.value).lower()


TYPE_ERRORS = [
    dict(dtype=8),
    dict(dtype=DType.INT8, qscheme=1),
    dict(dtype=DType.INT8, granularity=None),
    dict(dtype=DType.INT8, granularity=PB, block_size="32"),
    dict(dtype=DType.INT8, granularity=PB, block_size=32.0),
    dict(dtype=DType.INT8, weight_num_threshold=1024.5),
    dict(dtype=DType.INT8, weight_num_threshold=None),
    dict(dtype=DType.FP8_E4M3FN, scale_dtype=8),
    dict(dtype=DType.INT8, in_place="yes"),
    dict(dtype=DType.INT8, in_place=1),
]


@pytest.mark.parametrize("kwargs", TYPE_ERRORS, ids=[str(i) for i in range(len(TYPE_ERRORS))])
def test_type_errors(linear, kwargs):
    before = str(linear)
    with pytest.raises(TypeError):
        quantize_weights(linear, **kwargs)
    assert str(linear) == before


@pytest.mark.parametrize("bad", ["module {}", None, 42])
def test_program_of_wrong_type(bad):
    with pytest.raises(TypeError):
        quantize_weights(bad, DType.INT8)


def test_string_enum_values_accepted(linear):
    a = str(quantize_weights(linear, "int4", "symmetric", "per_block", 32))
    b = str(quantize_weights(linear, DType.INT4, QScheme.SYMMETRIC, PB, 32))
    assert a == b


def test_dtype_is_int():
    """DType.is_int() is part of Apple's API: true for the six integer types only."""
    ints = {DType.INT2, DType.UINT2, DType.INT4, DType.UINT4, DType.INT8, DType.UINT8}
    assert {d for d in DType if d.is_int()} == ints


# --------------------------------------------------------------------------- in_place

def test_not_in_place_leaves_input_byte_for_byte(linear, tmp_path):
    before = str(linear)
    linear.save(tmp_path / "before.mlir")
    q = quantize_weights(linear, DType.INT4, granularity=PB)
    assert q is not linear
    assert str(linear) == before
    linear.save(tmp_path / "after.mlir")
    assert (tmp_path / "before.mlir").read_bytes() == (tmp_path / "after.mlir").read_bytes()
    assert (tmp_path / "before.mlir").read_bytes() == \
        open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "coreai-real",
                          "linear.mlir"), "rb").read()
    assert "blockwise_shift_scale" in str(q) and "blockwise_shift_scale" not in before
    # the input is still usable and gives the same result again
    assert str(quantize_weights(linear, DType.INT4, granularity=PB)) == str(q)
    q.verify()


def test_in_place_returns_same_object_modified(linear):
    before = str(linear)
    q = quantize_weights(linear, DType.INT8, in_place=True)
    assert q is linear
    assert str(linear) != before and "blockwise_shift_scale" in str(linear)
    fresh = quantize_weights(AIProgram.parse(before), DType.INT8)
    assert str(linear) == str(fresh)


def test_saved_result_reparses_identically(linear, tmp_path):
    q = quantize_weights(linear, DType.FP4_E2M1FN, granularity=PB)
    q.save(tmp_path / "q.mlir")
    again = AIProgram.load(tmp_path / "q.mlir")
    again.verify()
    assert str(again) == str(q)


# --------------------------------------------------------------------------- candidates

@pytest.mark.parametrize("threshold,quantized", [(4095, True), (4096, False), (0, True),
                                                 (10 ** 6, False)])
def test_weight_num_threshold(threshold, quantized, caplog):
    w = gauss((64, 64))
    text = make_program(w, "bmm_y")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = str(quantize_weights(AIProgram.parse(text), DType.INT8,
                                   weight_num_threshold=threshold))
    assert ("blockwise_shift_scale" in out) == quantized
    if not quantized:
        assert out == str(AIProgram.parse(text))
    assert not caplog.records


def test_default_threshold_1024():
    b = ProgramBuilder()
    b.add_weight(gauss((32, 32)), "bmm_y")      # 1024: not quantized
    b.add_weight(gauss((1025,)), "gather_nd")   # 1025: quantized
    out = str(quantize_weights(AIProgram.parse(b.build()), DType.INT8))
    qws = quantized_weights(out)
    assert [q.out_shape for q in qws] == [(1025,)]
    assert "weight_blob_0" in out and "weight_blob_1" not in out


def test_constant_without_users_not_quantized(caplog):
    b = ProgramBuilder()
    b.add_weight(gauss((64, 64)), [], loc="dead")
    b.add_weight(gauss((64, 64), seed=1), "bmm_y", loc="live")
    text = b.build()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = str(quantize_weights(AIProgram.parse(text), DType.INT4, granularity=PB))
    assert len(quantized_weights(out)) == 1
    assert "weight_blob_0" in out and "weight_blob_1" not in out
    assert not caplog.records


def test_non_candidates_untouched_silently(caplog):
    """Float constants with a non-consumer user, integer constants, small weights and
    dense splats used by relu pass silently and unchanged."""
    b = ProgramBuilder()
    b.add_weight(gauss((64, 64)), "relu", loc="relu_user")
    b.add_weight(gauss((64, 64), seed=2), ["bmm_y", "relu"], loc="mixed_users")
    b.add_weight(((4096,), "2.5", np.float16), "relu", kind="splat", loc="splat_relu")
    b.add_weight(gauss((8, 8)), "bmm_y", loc="small")
    text = b.build()
    prog = AIProgram.parse(text)
    before = str(prog)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        out = str(quantize_weights(prog, DType.INT8))
    assert out == before
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_real_cnn_non_candidates_untouched():
    text = read_fixture("cnn.mlir")
    out = str(quantize_weights(AIProgram.parse(text), DType.INT8))
    # biases (broadcasting_add users), ui32/si32 constants: unchanged, in the same order
    ins = [c for c in mb.parse_constants(text) if c.shape != (64, 32, 3, 3)]
    outs = [c for c in mb.parse_constants(out)]
    for c in ins:
        assert any((o.kind, o.payload[:200], o.shape, o.element_type) ==
                   (c.kind, c.payload[:200], c.shape, c.element_type) for o in outs), c.name


def test_1e8_elements_quantized_whatever_the_users(caplog):
    """A >= 1e8-element float constant is a candidate even with a relu user; the same user
    on a small constant is not.  (Splat dense<1.0> keeps the input text small.)"""
    b = ProgramBuilder()
    b.add_weight(((10000, 10000), "1.0", np.float32), "relu", kind="splat", loc="huge")
    b.add_weight(((9999, 10001), "1.0", np.float32), "relu", kind="splat", loc="almost")
    b.add_weight(((64, 64), "1.0", np.float32), "relu", kind="splat", loc="small")
    prog = AIProgram.parse(b.build())
    t0 = time.time()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        q = quantize_weights(prog, DType.INT4, granularity=PT, in_place=True)
    elapsed = time.time() - t0
    consts = list(q.constants())
    kinds = [(c.location, c.shape, c.element_type) for c in consts]
    assert ('loc("huge")', (10000, 10000), "si4") in kinds, kinds
    assert ('loc("huge")', (10000, 10000), "f32") not in kinds
    assert ('loc("almost")', (9999, 10001), "f32") in kinds
    assert ('loc("small")', (64, 64), "f32") in kinds
    assert not caplog.records
    big = [c for c in consts if c.element_type == "si4" and c.shape == (10000, 10000)][0]
    # 1.0 everywhere, symmetric per tensor: scale = (2 + eps) / 14, code round(1/scale) = 7
    scale = [c for c in consts if c.location == 'loc("huge")' and c.shape == (1, 1)
             and c.element_type == "f32"][0].numpy()
    ref = qr.quantize_reference(np.ones((4, 4), np.float32), "int4")
    assert scale.view(np.uint32)[0, 0] == ref.scale.view(np.uint32)[0, 0]
    codes = big.numpy()
    assert codes[0, 0] == 7 and codes[-1, -1] == 7
    assert elapsed < 60, f"quantizing 1e8 elements took {elapsed:.1f} s"


# --------------------------------------------------------------------------- warnings

def _warnings(caplog):
    return [r.getMessage() for r in caplog.records
            if r.name == LOGGER and r.levelno == logging.WARNING]


def test_skip_warnings_name_location_type_reason_in_ir_order(caplog):
    nan = gauss((64, 64), seed=1)
    nan[3, 5] = np.nan
    inf = gauss((64, 64), np.float16, seed=2)
    inf[7, 1] = np.inf
    ninf = gauss((64, 64), ml_dtypes.bfloat16, seed=3)
    ninf[0, 0] = -np.inf
    huge = gauss((64, 64), seed=4)
    huge[1, 1] = 3e38          # 2*amax overflows f32
    b = ProgramBuilder()
    b.add_weight(gauss((96, 33)), "bmm_x", loc="w.nondiv")
    b.add_weight(nan, "bmm_y", loc="w.nan")
    b.add_weight(gauss((64, 64), seed=9), "bmm_y", loc="w.ok")
    b.add_weight(inf, "bmm_x", loc="w.inf")
    b.add_weight(ninf, "gather_nd", loc="w.ninf")
    b.add_weight(huge, "bmm_x", loc="w.huge")
    text = b.build()
    prog = AIProgram.parse(text)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = str(quantize_weights(prog, DType.INT4, granularity=PB))
    msgs = _warnings(caplog)
    expect = [("w.nondiv", "tensor<96x33xf32>", r"divisible"),
              ("w.nan", "tensor<64x64xf32>", r"(?i)nan"),
              ("w.inf", "tensor<64x64xf16>", r"(?i)inf"),
              ("w.ninf", "tensor<64x64xbf16>", r"(?i)inf"),
              ("w.huge", "tensor<64x64xf32>", r"(?i)overflow|too large|large|finite")]
    assert len(msgs) == len(expect), msgs
    for m, (loc, ty, reason) in zip(msgs, expect):
        assert f'loc("{loc}")' in m, m
        assert ty in m, m
        assert re.search(reason, m), m
    # only w.ok is quantized; the skipped constants are unchanged
    qws = quantized_weights(out)
    assert len(qws) == 1
    for i in (0, 1, 3, 4, 5):
        assert f"weight_blob_{i}" in out
    assert mb.parse_resources(out)["weight_blob_1"] == mb.parse_resources(text)["weight_blob_1"]


def test_skip_warning_without_explicit_locations(caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = str(quantize_weights(AIProgram.parse(make_program(gauss((96, 33)), "bmm_x")),
                                   DType.INT8, granularity=PB))
    msgs = _warnings(caplog)
    assert len(msgs) == 1 and "tensor<96x33xf32>" in msgs[0] and "divisible" in msgs[0]
    assert "blockwise_shift_scale" not in out


def test_disagreeing_users_warn_and_fall_back_to_axes_0_1(caplog):
    """Spec: if the uses disagree, warn and fall back to output 0 / input 1 (and quantize)."""
    w = gauss((64, 128))
    text = make_program(w, ["gather_nd", "bmm_y"], loc="w.both")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = str(quantize_weights(AIProgram.parse(text), DType.INT8, granularity=PB))
    msgs = _warnings(caplog)
    assert len(msgs) == 1, msgs
    assert 'loc("w.both")' in msgs[0] and "tensor<64x128xf32>" in msgs[0]
    assert re.search(r"(?i)disagree", msgs[0])
    qws = quantized_weights(out)
    assert len(qws) == 1 and qws[0].scale.shape == (64, 4)   # out 0, in 1 (block 32)
    ref = qr.quantize_reference(w, "int8", "symmetric", (1, 32))
    assert np.array_equal(qws[0].data, ref.codes)


def test_agreeing_users_no_warning(caplog):
    """bmm_y + transpose[1,0]->bbmm... x, and two bmm_y uses agree: no warning."""
    w = gauss((64, 128))
    text = make_program(w, ["bmm_y", "bbmm_y"])
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        out = str(quantize_weights(AIProgram.parse(text), DType.INT8, granularity=PB))
    assert not _warnings(caplog)
    assert quantized_weights(out)[0].scale.shape == (2, 128)


# --------------------------------------------------------------------------- determinism

def _multi_weight_program():
    b = ProgramBuilder()
    for i in range(6):
        b.add_weight(gauss((256, 128), [np.float32, np.float16][i % 2], seed=i),
                     ["bmm_y", "bmm_x", "gather_nd"][i % 3],
                     loc=f"w{i}")
    # over 1M elements: quantized in parallel blocks, its digest from chunks
    # hashed by whichever thread finishes them
    b.add_weight(gauss((1024, 1152), seed=6), "bmm_x", loc="w.big")
    b.add_weight(gauss((96, 33), seed=7), "bmm_x", loc="w.bad1")
    b.add_weight(gauss((33, 96), seed=8), "bmm_x", loc="w.bad2")
    return b.build()


@pytest.mark.parametrize("cfg", [dict(dtype=DType.INT4, granularity=PB),
                                 dict(dtype=DType.FP4_E2M1FN, granularity=PB),
                                 dict(dtype=DType.UINT8, qscheme=QScheme.ASYMMETRIC)])
def test_output_independent_of_threads_and_history(cfg, caplog):
    text = _multi_weight_program()
    ctx1 = make_context()
    ctx2 = make_context()
    ctx2.enable_multithreading(False)
    p1 = AIProgram.parse(text, context=ctx1)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        a = str(quantize_weights(p1, **cfg))
        w1 = _warnings(caplog)
        caplog.clear()
        b = str(quantize_weights(AIProgram.parse(text, context=ctx2), **cfg))
        w2 = _warnings(caplog)
    assert a == b
    assert w1 == w2 and len(w1) == (1 if cfg.get("granularity") == PB else 0)
    # something ran before in the same context (another program quantized, the same one
    # quantized twice): same bytes.  (p1 is reused: parsing the same text twice in one
    # context makes MLIR rename the input's resources, e.g. weight_blob_6 -> weight_blob_6_1.)
    other = AIProgram.parse(read_fixture("emb.mlir"), context=ctx1)
    quantize_weights(other, DType.INT8, in_place=True)
    quantize_weights(p1, DType.INT2)
    assert str(quantize_weights(p1, **cfg)) == a


# --------------------------------------------------------------------------- E8M0 quality

@pytest.fixture(scope="module")
def big_gaussian():
    w = np.random.default_rng(0).standard_normal((4096, 4096)).astype(np.float32)
    return w, make_program(w, "bmm_x")


@pytest.mark.parametrize("dtype,scale_dtype,floor", [
    (DType.FP8_E4M3FN, DType.FP8_E8M0FNU, 30.5),
    (DType.FP4_E2M1FN, None, 18.5)])
def test_e8m0_sqnr_floor_4096(big_gaussian, dtype, scale_dtype, floor):
    w, text = big_gaussian
    q = quantize_weights(AIProgram.parse(text), dtype, granularity=PB, block_size=32,
                         scale_dtype=scale_dtype, in_place=True)
    qw = quantized_weights(str(q))[0]
    assert qw.scale_type == "f8E8M0FNU" and qw.scale.shape == (4096, 128)
    db = qr.sqnr_db(w, qw.dequantize())
    ref_db = qr.sqnr_db(w, qr.quantize_reference(w, dtype.value, "symmetric", (1, 32),
                                                 scale_dtype and scale_dtype.value).dequantize())
    assert db >= floor, f"{dtype.value}: {db:.2f} dB < {floor} (oracle {ref_db:.2f})"
    assert abs(db - ref_db) < 1e-6


@pytest.mark.parametrize("kwargs", [
    dict(dtype=DType.INT8),
    dict(dtype="int4", qscheme="asymmetric", granularity="per_block", block_size=16),
    dict(dtype=DType.FP8_E4M3FN, granularity=CompressionGranularity.PER_BLOCK,
         scale_dtype=DType.FP8_E8M0FNU),
])
def test_pipeline_is_what_quantize_weights_runs(linear, kwargs):
    from coreai_opt.coreai_utils import quantize_weights_pipeline

    expected = str(quantize_weights(linear, **kwargs))
    program = AIProgram.parse(str(linear))
    program.run_pipeline(quantize_weights_pipeline(**kwargs))
    assert str(program) == expected


def test_pipeline_checks_as_quantize_weights(linear):
    from coreai_opt.coreai_utils import quantize_weights_pipeline

    for kwargs in (dict(dtype="int5"), dict(dtype="int4", block_size=0, granularity="per_block")):
        with pytest.raises(ValueError) as ours:
            quantize_weights_pipeline(**kwargs)
        with pytest.raises(ValueError) as full:
            quantize_weights(linear, **kwargs)
        assert str(ours.value) == str(full.value)
