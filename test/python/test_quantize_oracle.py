"""quantize_weights against the independent numpy oracle (quant_reference.py).

Every valid dtype x qscheme x granularity (x scale_dtype for FP8) is run on the real programs
(linear, cnn, emb, batch_matmul) and on synthetic weights (f32, f16, bf16; odd shapes, ranks 1
to 5, rounding ties, all-zero blocks, tiny values).  Each result is printed (``str(program)``)
and decoded with mlir_blobs (text level, without the package under test), then:

* IR structure: per quantized weight a data / scale / offset1 / offset2 constant feeding a
  ``coreai.blockwise_shift_scale`` of the weight's type, element types and shapes (weight
  shape, grid shape), the old constant gone, blobs for >= 256 elements, packed sub-byte data;
* values: integer codes and zero points bit-exact, FP codes equal to the oracle's ml_dtypes
  casts, scales bit-exact (for f16/bf16 weights too: the spec says compute in f32 whatever the
  weight type), offset2 zero; the dequantized SQNR above a floor per configuration.
"""

from __future__ import annotations

import itertools

import ml_dtypes
import numpy as np
import pytest

from conftest import (ProgramBuilder, bits_of, gauss, make_program, mlir_float_type, quantized_weights,
                      read_fixture)
import mlir_blobs as mb
import quant_reference as qr

from coreai_opt import AIProgram
from coreai_opt.coreai_utils import quantize_weights

# --------------------------------------------------------------------------- configurations

GRANS = ("per_tensor", "per_channel", "per_block")


def _configs():
    out = []
    for dt in qr.INT_DTYPES:
        for qs, g in itertools.product(("symmetric", "asymmetric"), GRANS):
            out.append((dt, qs, g, None))
    for dt in ("fp8_e4m3fn", "fp8_e5m2"):
        for g, sd in itertools.product(GRANS, (None, "fp8_e8m0fnu")):
            out.append((dt, "symmetric", g, sd))
    out.append(("fp4_e2m1fn", "symmetric", "per_block", None))
    return out


CONFIGS = _configs()
CONFIG_IDS = ["-".join(x for x in c if x) for c in CONFIGS]
assert len(CONFIGS) == 49


def sqnr_floor(dtype, granularity, scale_dtype=None, gaussian=True):
    """Lower bound of the dequantized SQNR (dB) for a smooth weight (uniform / Gaussian)."""
    base = {"int8": 30.0, "uint8": 30.0, "int4": 8.0, "uint4": 8.0, "int2": -1e-9,
            "uint2": -1e-9, "fp8_e4m3fn": 25.0, "fp8_e5m2": 20.0, "fp4_e2m1fn": 15.0}[dtype]
    if dtype in ("int8", "uint8") and granularity == "per_tensor":
        base = 25.0
    if dtype in ("int4", "uint4") and granularity == "per_block":
        base = 12.0
    return base


# --------------------------------------------------------------------------- core check

def quantize_text(text, dtype, qscheme="symmetric", granularity="per_channel", block_size=32,
                  threshold=0, scale_dtype=None):
    program = AIProgram.parse(text)
    out = quantize_weights(program, dtype, qscheme=qscheme, granularity=granularity,
                           block_size=block_size, weight_num_threshold=threshold,
                           scale_dtype=scale_dtype)
    out.verify()
    return str(out), out


def _is_splat(const: mb.Constant) -> bool:
    p = const.payload
    return const.kind == "dense" and not p.startswith("[") and not p.startswith('"')


def check_quantized(w, qw, dtype, qscheme, granularity, scale_dtype, out_axis=0, in_axis=1,
                    block_size=32, floor=None, label=""):
    """Compares one decoded blockwise_shift_scale with the oracle.  Returns the SQNR."""
    w = np.asarray(w)
    wet = mlir_float_type(w.dtype)
    bs = qr.block_sizes(w.shape, granularity, block_size, out_axis, in_axis)
    ref = qr.quantize_reference(w, dtype, qscheme, bs, scale_dtype)
    grid = qr.grid_shape(w.shape, bs)
    e8m0 = dtype == "fp4_e2m1fn" or scale_dtype == "fp8_e8m0fnu"
    det = qr.MLIR_ELEMENT_TYPE[dtype]
    # ---- structure
    assert qw.out_type == wet and qw.out_shape == w.shape, label
    d, s, z, o = qw.consts
    assert (d.element_type, d.shape) == (det, w.shape), label
    assert (s.element_type, s.shape) == ("f8E8M0FNU" if e8m0 else wet, grid), label
    assert (z.element_type, z.shape) == (det, grid), label
    assert (o.element_type, o.shape) == (wet, grid), label
    n = int(np.prod(w.shape))
    assert d.kind == ("dense_resource" if n >= 256 else "dense"), f"{label}: data kind {d.kind}"
    if int(np.prod(grid)) >= 256:
        assert s.kind == "dense_resource", f"{label}: scale of {grid} not a blob"
    assert _is_splat(o), f"{label}: offset2 not a splat: {o.payload[:40]}"
    assert not np.any(qw.offset2.astype(np.float32)), label
    # ---- values
    if dtype in qr.FP_DTYPES:
        assert np.array_equal(bits_of(qw.data), bits_of(ref.codes)), \
            f"{label}: {np.sum(bits_of(qw.data) != bits_of(ref.codes))} FP codes differ"
        assert not np.any(qw.offset1.astype(np.float32)), label
        assert _is_splat(z), label
    else:
        diff = qw.data != ref.codes
        assert not diff.any(), (f"{label}: {diff.sum()} of {diff.size} codes differ, first at "
                                f"{np.argwhere(diff)[0].tolist()}: ours {qw.data[diff][:4]} "
                                f"oracle {ref.codes[diff][:4]}")
        assert np.array_equal(qw.offset1, ref.zero_point), f"{label}: zero points differ"
        if qscheme == "symmetric":
            assert _is_splat(z), f"{label}: symmetric zero point not a splat"
    sdiff = bits_of(qw.scale) != bits_of(ref.scale)
    assert not sdiff.any(), (f"{label}: {sdiff.sum()} of {sdiff.size} scales differ "
                             f"(weight {wet}): ours {qw.scale[sdiff][:4]} oracle "
                             f"{ref.scale[sdiff][:4]}")
    deq = qw.dequantize()
    db = qr.sqnr_db(w.astype(np.float32), deq)
    if floor is None:
        floor = sqnr_floor(dtype, granularity, scale_dtype)
    assert db >= floor, f"{label}: SQNR {db:.2f} dB < {floor}"
    return db


# --------------------------------------------------------------------------- real programs

# fixture -> (weight threshold, [(input SSA name, out axis, in axis)])
REAL = {
    "linear.mlir": (1024, [("%0", 0, 1)]),               # transpose [1,0] -> bbmm y
    "cnn.mlir": (0, [("%7", 0, 1), ("%8", 0, 1), ("%9", 0, 1)]),   # conv, conv, transpose
    "emb.mlir": (1024, [("%1", 0, 1), ("%2", 0, 1)]),     # gather_nd, transpose -> bbmm
    "batch_matmul.mlir": (1024, [("%0", 1, 0)]),          # batch_matmul y
}

_REAL_CACHE = {}


def _real(name):
    if name not in _REAL_CACHE:
        text = read_fixture(name)
        _REAL_CACHE[name] = (text, mb.load_constants(text))
    return _REAL_CACHE[name]


@pytest.mark.parametrize("cfg", CONFIGS, ids=CONFIG_IDS)
@pytest.mark.parametrize("fixture", list(REAL))
def test_real_fixture_matches_oracle(fixture, cfg):
    dtype, qscheme, gran, sd = cfg
    text, inputs = _real(fixture)
    threshold, expected = REAL[fixture]
    out, program = quantize_text(text, dtype, qscheme, gran, threshold=threshold,
                                 scale_dtype=sd)
    # which weights are expected to be quantized (a non-divisible block is skipped)
    todo = []
    for name, oa, ia in expected:
        w = inputs[name]
        bs = qr.block_sizes(w.shape, gran, 32, oa, ia)
        if any(b and d % b for d, b in zip(w.shape, bs)):
            continue
        todo.append((name, w, oa, ia))
    qws = quantized_weights(out)
    assert len(qws) == len(todo), f"{len(qws)} quantized, expected {[t[0] for t in todo]}"
    out_consts = mb.parse_constants(out)
    for (name, w, oa, ia), qw in zip(todo, qws):
        check_quantized(w, qw, dtype, qscheme, gran, sd, oa, ia,
                        label=f"{fixture}:{name}:{'-'.join(x for x in cfg if x)}")
        # the old float constant is gone
        assert not any(c.shape == w.shape and c.element_type == "f32" for c in out_consts), \
            f"{fixture}: the original {w.shape} f32 constant is still in the output"
    # constants not quantized are kept bit for bit
    in_res, out_res = mb.parse_resources(text), mb.parse_resources(out)
    done = {n for n, *_ in todo}
    for c in mb.parse_constants(text):
        if c.name in done or c.kind != "dense_resource":
            continue
        assert in_res[c.payload] in out_res.values(), f"{fixture}: {c.name} changed or lost"


def test_real_fixture_default_cnn_only_big_conv():
    """Default threshold 1024 on cnn.mlir: only the 64x32x3x3 conv weight (18432 elements)."""
    text, inputs = _real("cnn.mlir")
    out, _ = quantize_text(text, "int8", threshold=1024)
    qws = quantized_weights(out)
    assert [q.out_shape for q in qws] == [(64, 32, 3, 3)]
    check_quantized(inputs["%8"], qws[0], "int8", "symmetric", "per_channel", None)


def test_generic_form_quantizes_like_custom():
    a, _ = quantize_text(read_fixture("linear.mlir"), "int4", granularity="per_block",
                         threshold=1024)
    prog = AIProgram.parse(read_fixture("linear.generic.mlir"))
    q = quantize_weights(prog, "int4", granularity="per_block")
    assert prog.generic and q.generic
    generic = str(q)
    assert '"coreai.blockwise_shift_scale"' in generic
    # printing the generic result in custom form gives the same IR as quantizing the custom form
    assert q.to_text(generic=False) == a


# --------------------------------------------------------------------------- synthetic weights

WDTYPES = {"f32": np.float32, "f16": np.float16, "bf16": ml_dtypes.bfloat16}


@pytest.mark.parametrize("cfg", CONFIGS, ids=CONFIG_IDS)
@pytest.mark.parametrize("wname", list(WDTYPES))
def test_synthetic_bbmm_y_matches_oracle(wname, cfg):
    """A 128x96 weight as y of broadcasting_batch_matmul: output axis 1, input axis 0."""
    dtype, qscheme, gran, sd = cfg
    w = gauss((128, 96), WDTYPES[wname], seed=1)
    out, _ = quantize_text(make_program(w, "bbmm_y"), dtype, qscheme, gran, scale_dtype=sd)
    qws = quantized_weights(out)
    assert len(qws) == 1
    check_quantized(w, qws[0], dtype, qscheme, gran, sd, 1, 0, label=f"{wname}:{cfg}")
    assert "weight_blob_0" not in out


# (shape, consumer, perm, out axis, in axis)
SHAPES = [
    ((96, 33), "bmm_x", None, 0, 1),                   # odd per-channel shape
    ((96, 33), "bmm_y", None, 1, 0),
    ((2048,), "gather_nd", None, 0, 1),                # rank 1: per tensor always
    ((1000,), "bmm_y", None, 0, 1),
    ((4, 64, 32), "bmm_y", None, 2, 1),                # rank 3
    ((4, 32, 64), "bbmm_x", None, 1, 2),
    ((64, 32, 3, 3), "conv2d", None, 0, 1),            # rank 4
    ((8, 64, 2, 2, 2), "gather_nd", None, 0, 1),       # rank 5
    ((64, 96), "transpose_bbmm", (1, 0), 0, 1),
    ((2, 64, 96), "transpose_bbmm", (0, 2, 1), 1, 2),
    ((64, 2, 96), "transpose_bbmm", (1, 2, 0), 0, 2),  # not a swap of the last two axes
    ((96, 2, 64), "transpose_bbmm", (1, 0, 2), 2, 0),
]
SHAPE_IDS = [f"{'x'.join(map(str, s))}-{c}" + (f"-p{''.join(map(str, p))}" if p else "")
             for s, c, p, *_ in SHAPES]

SHAPE_CONFIGS = [("int8", "symmetric", g, None) for g in GRANS] + [
    ("uint4", "asymmetric", "per_block", None), ("int2", "asymmetric", "per_channel", None),
    ("uint8", "symmetric", "per_channel", None),
    ("fp8_e4m3fn", "symmetric", "per_block", "fp8_e8m0fnu"),
    ("fp8_e5m2", "symmetric", "per_channel", None),
    ("fp4_e2m1fn", "symmetric", "per_block", None)]


@pytest.mark.parametrize("cfg", SHAPE_CONFIGS, ids=["-".join(x for x in c if x)
                                                    for c in SHAPE_CONFIGS])
@pytest.mark.parametrize("shape,consumer,perm,oa,ia", SHAPES, ids=SHAPE_IDS)
def test_synthetic_shapes_and_axes(shape, consumer, perm, oa, ia, cfg):
    dtype, qscheme, gran, sd = cfg
    w = gauss(shape, np.float32, seed=len(shape))
    text = make_program(w, consumer, perm=perm)
    prog = AIProgram.parse(text)
    prog.verify()
    out = str(quantize_weights(prog, dtype, qscheme=qscheme, granularity=gran,
                               weight_num_threshold=0, scale_dtype=sd))
    bs = qr.block_sizes(shape, gran, 32, oa, ia)
    qws = quantized_weights(out)
    if any(b and d % b for d, b in zip(shape, bs)):
        assert qws == [], "a non-divisible block must be skipped"
        assert "weight_blob_0" in out
        return
    assert len(qws) == 1
    check_quantized(w, qws[0], dtype, qscheme, gran, sd, oa, ia, label=f"{shape}:{cfg}")
    if len(shape) == 1:
        assert qws[0].scale.shape == (1,)


def _tie_weight(dtype_q, shape=(64, 64), seed=3):
    """Rows whose max |w| is 1 and whose other values sit on rounding ties of the int grid."""
    rng = np.random.default_rng(seed)
    qmin, qmax = qr.int_range(dtype_q, "symmetric")
    s = (np.float32(2) * np.float32(1) + qr.EPS) / (np.float32(qmax) - np.float32(qmin))
    half = (qmax - qmin) // 2
    k = rng.integers(-half, half, size=shape).astype(np.float32)
    w = ((k + np.float32(0.5)) * s).astype(np.float32)
    w[:, 0] = 1.0
    w[:, 1] = -1.0
    return w


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int4", "int2"])
@pytest.mark.parametrize("gran", ["per_channel", "per_block"])
def test_int_rounding_ties(dtype, gran):
    w = _tie_weight(dtype)
    ref = qr.quantize_reference(w, dtype, "symmetric", qr.block_sizes(w.shape, gran, 32))
    x = w.reshape(64, 2, 32) / ref.scale.astype(np.float32).reshape(ref.scale.shape[0], -1, 1)
    assert np.mean(x == np.floor(x) + np.float32(0.5)) > 0.4   # exact ties in f32
    out, _ = quantize_text(make_program(w, "bmm_x"), dtype, granularity=gran)
    check_quantized(w, quantized_weights(out)[0], dtype, "symmetric", gran, None,
                    floor=-1e9, label="ties")


@pytest.mark.parametrize("dtype,sd", [("fp4_e2m1fn", None), ("fp8_e4m3fn", "fp8_e8m0fnu"),
                                      ("fp8_e5m2", "fp8_e8m0fnu")])
def test_fp_rounding_ties_with_power_of_two_scale(dtype, sd):
    """With an E8M0 scale of exactly 1 (block max = fmax), midpoints of the FP grid are exact
    ties: ml_dtypes rounds them to even."""
    ft, fmax = qr.FP_INFO[dtype]
    grid = np.unique(np.arange(256, dtype=np.uint8).view(ft).astype(np.float32))
    grid = grid[np.isfinite(grid) & (np.abs(grid) <= fmax)]
    mids = ((grid[1:] + grid[:-1]) / 2).astype(np.float32)
    rng = np.random.default_rng(0)
    w = rng.choice(mids, size=(64, 64)).astype(np.float32)
    w[:, ::32] = fmax
    out, _ = quantize_text(make_program(w, "bmm_x"), dtype, granularity="per_block",
                           scale_dtype=sd)
    qw = quantized_weights(out)[0]
    assert np.all(qw.scale.astype(np.float32) == 1.0)
    check_quantized(w, qw, dtype, "symmetric", "per_block", sd, floor=-1e9, label="fp ties")


@pytest.mark.parametrize("cfg", [c for c in CONFIGS if c[2] != "per_tensor"],
                         ids=[i for c, i in zip(CONFIGS, CONFIG_IDS) if c[2] != "per_tensor"])
@pytest.mark.parametrize("wname", list(WDTYPES))
def test_all_zero_blocks_and_tiny_values(wname, cfg):
    """Zero rows/blocks, tiny rows (f32 1e-30 or f16/bf16 subnormal) beside normal rows:
    scales that would be 0/subnormal in their stored type are raised to its smallest normal."""
    dtype, qscheme, gran, sd = cfg
    wdt = WDTYPES[wname]
    w = gauss((64, 64), np.float32, seed=5)
    w[0] = 0.0
    w[1, :32] = 0.0
    w[2] *= 1e-30 if wname == "f32" else 1e-7
    w[3, 32:] *= 1e-12
    w = w.astype(wdt)
    out, _ = quantize_text(make_program(w, "bmm_x"), dtype, qscheme, gran, scale_dtype=sd)
    qw = quantized_weights(out)[0]
    check_quantized(w, qw, dtype, qscheme, gran, sd, floor=-1e9, label=f"zeros:{wname}")
    sc = qw.scale.astype(np.float32)
    assert np.all(sc > 0) and np.all(np.isfinite(sc))
    if not (dtype == "fp4_e2m1fn" or sd):
        assert np.all(sc >= np.float32(ml_dtypes.finfo(wdt).smallest_normal))
    # zero rows dequantize to exactly zero
    assert not np.any(qw.dequantize()[0])


@pytest.mark.parametrize("cfg", [("int8", "symmetric", "per_tensor", None),
                                 ("uint2", "asymmetric", "per_channel", None),
                                 ("fp8_e5m2", "symmetric", "per_tensor", None)])
def test_all_zero_weight(cfg):
    dtype, qscheme, gran, sd = cfg
    w = np.zeros((64, 64), np.float16)
    out, _ = quantize_text(make_program(w, "bmm_x"), dtype, qscheme, gran, scale_dtype=sd)
    qw = quantized_weights(out)[0]
    check_quantized(w, qw, dtype, qscheme, gran, sd, floor=-1e9, label="all zero")
    assert not np.any(qw.dequantize())


# --------------------------------------------------------------------------- blob layout

@pytest.mark.parametrize("dtype,et,bits", [("int4", "si4", 4), ("uint4", "ui4", 4),
                                           ("fp4_e2m1fn", "f4E2M1FN", 4), ("int2", "si2", 2),
                                           ("uint2", "ui2", 2), ("int8", "si8", 8),
                                           ("fp8_e4m3fn", "f8E4M3FN", 8)])
def test_blob_layout(dtype, et, bits):
    """Sub-byte data packed (element 2k in the low nibble / lowest bits first); blob size
    exactly n*bits/8 after the 4-byte alignment header; data < 256 elements inline."""
    w = gauss((64, 64), np.float32, seed=9)
    gran = "per_block" if dtype == "fp4_e2m1fn" else "per_channel"
    out, _ = quantize_text(make_program(w, "bmm_x"), dtype, granularity=gran)
    qw = quantized_weights(out)[0]
    d = qw.consts[0]
    assert d.kind == "dense_resource" and d.element_type == et
    res = mb.parse_resources(out, with_alignment=True)
    align, blob = res[d.payload]
    assert len(blob) == 64 * 64 * bits // 8
    assert align >= 1 and align & (align - 1) == 0
    raw = np.frombuffer(blob, np.uint8)
    if bits < 8:
        per = 8 // bits
        field0 = raw[0] & ((1 << bits) - 1)
        ref = mb.pack(qw.data.reshape(-1)[:per], et)
        assert raw[0] == ref[0] and field0 == mb.pack(qw.data.reshape(-1)[:1], et)[0]
    # small weights: data inline
    w2 = gauss((4, 32), np.float32)
    out2, _ = quantize_text(make_program(w2, "bmm_x"), dtype, granularity=gran)
    q2 = quantized_weights(out2)[0]
    assert q2.consts[0].kind == "dense"
    check_quantized(w2, q2, dtype, "symmetric", gran, None, floor=-1e9, label="inline")


# --------------------------------------------------------------------------- locations

def test_new_ops_carry_the_old_location():
    b = ProgramBuilder()
    b.add_weight(gauss((64, 64), np.float32), "bmm_y", loc="weight.a")
    b.add_weight(gauss((64, 32, 3, 3), np.float16), "conv2d", loc="weight.b")
    b.add_weight(gauss((300, 64), ml_dtypes.bfloat16), ["gather_nd"], loc="weight.c")
    prog = AIProgram.parse(b.build())
    assert prog.debug_info
    q = quantize_weights(prog, "int4", granularity="per_block")
    text = str(q)
    assert text.count("coreai.blockwise_shift_scale") == 3
    assert "weight_blob_" not in text
    graph = q.module.body.operations[0]
    ops = list(graph.regions[0].blocks[0].operations)
    index = {op.results[0].get_name() if len(op.results) else None: op for op in ops}
    found = []
    for op in ops:
        if op.name != "coreai.blockwise_shift_scale":
            continue
        loc = str(op.location)
        found.append(loc)
        for operand in op.operands:
            owner = operand.owner
            assert owner.name == "coreai.constant"
            assert str(owner.location) == loc
    assert found == ['loc("weight.a")', 'loc("weight.b")', 'loc("weight.c")']
    # and the printed form keeps them when read back
    again = AIProgram.parse(text)
    assert str(again) == text
    assert str(q.copy()) == text
    del index


# --------------------------------------------------------------------------- reused memory

@pytest.mark.parametrize("wname", ["f32", "f16"])
def test_large_outputs_in_reused_memory(wname):
    """Data blobs of 8 MiB and more live in reused memory (pooled mappings): quantizing one
    after another in the same process, each result equals the oracle whatever the previous
    one left in that memory (every byte is written, 4-bit padding included)."""
    w = gauss((2048, 4097), WDTYPES[wname], seed=11)   # 8.4M elements, odd rows
    text = make_program(w, "bmm_x")
    for cfg in [("int8", "symmetric", "per_channel", None),
                ("fp8_e5m2", "symmetric", "per_channel", None),
                ("uint8", "asymmetric", "per_channel", None),
                ("int8", "symmetric", "per_channel", None)]:
        dtype, qscheme, gran, sd = cfg
        out, program = quantize_text(text, dtype, qscheme, gran, scale_dtype=sd)
        qws = quantized_weights(out)
        assert len(qws) == 1
        check_quantized(w, qws[0], dtype, qscheme, gran, sd, 0, 1, label=f"{wname}:{cfg}")
        del out, program, qws
