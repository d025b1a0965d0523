"""sparsify_weights (docs/spec/SPARSIFY_WEIGHTS.md): the argument checks; exactly the
elements, blocks and n:m groups of §3 pruned (against a stable-sort transcription in
sparse_reference.py), ties, zeros and tails included; the IR of §5 for each joint mode,
decoded in numpy with numNonZero = values = mask popcount; warnings, in_place and
determinism."""

from __future__ import annotations

import math
import re

import ml_dtypes
import numpy as np
import pytest

from conftest import ProgramBuilder, gauss, make_program, read_fixture, transformed_text
import palette_reference as pr
import sparse_reference as sr

from coreai_opt import AIProgram
from coreai_opt.coreai_utils import DType, sparsify_weights, sparsify_weights_pipeline

BF16 = ml_dtypes.bfloat16


def _gauss(shape, dt=np.float32, seed=0, std=0.05):
    return gauss(shape, dt, seed, std)


def _sparsify(text, caplog=None, **kwargs):
    return transformed_text(sparsify_weights, text, caplog, **kwargs)


# --------------------------------------------------------------------------- arguments

VALUE_ERRORS = [  # spec §1, in the reference's order
    (dict(target_sparsity=0.5, n_m_ratio=(2, 4), quantize_dtype=DType.INT4),
     r"^`target_sparsity` and `n_m_ratio` cannot both be set\.$"),
    (dict(target_sparsity=None, quantize_dtype=DType.INT4),
     r"^One of `target_sparsity` or `n_m_ratio` must be set\.$"),
    (dict(quantize_dtype=DType.INT4, palettize_nbits=5),
     r"^`quantize_dtype` and `palettize_nbits` cannot both be set\.$"),
    (dict(quantize_dtype=DType.INT4, palettize_nbits=None, block_size=1),
     r"^Invalid quantize_dtype <DType\.INT4: 'int4'>\. Valid quantize dtypes: "
     r"\['fp8_e4m3fn', 'fp8_e5m2', 'int8', 'uint8'\]\.$"),
    (dict(palettize_nbits=5, block_size=1),
     r"^Invalid palettize_nbits 5\. Must be one of \[1, 2, 3, 4, 6, 8\]\.$"),
    (dict(block_size=1), r"^`block_size` must be greater than 1\.$"),
    (dict(target_sparsity=None, n_m_ratio=(1, 2, 3)),
     r"^`n_m_ratio` must be a tuple of length 2, got length 3\.$"),
    (dict(target_sparsity=None, n_m_ratio=(1.0, 2)),
     r"^`n_m_ratio` must contain integers, got \(float, int\)\.$"),
    (dict(target_sparsity=None, n_m_ratio=(0, 0)), r"^`n_m_ratio` requires m > 0, got m=0\.$"),
    (dict(target_sparsity=None, n_m_ratio=[3, 2]),
     r"^`n_m_ratio` requires 0 <= n <= m, got n=3, m=2\.$"),
    (dict(target_sparsity=1.5), r"^`target_sparsity` must be in \[0, 1\], got 1\.5"),
    (dict(target_sparsity=-0.1), r"^`target_sparsity` must be in \[0, 1\], got -0\.1"),
    (dict(weight_num_threshold=-1), r"^`weight_num_threshold` must be non-negative"),
]


@pytest.mark.parametrize("kwargs,pattern", VALUE_ERRORS)
def test_value_errors_in_the_reference_order(kwargs, pattern):
    program = AIProgram.parse(read_fixture("linear.mlir"))
    before = str(program)
    with pytest.raises(ValueError, match=pattern):
        sparsify_weights(program, **kwargs)
    with pytest.raises(ValueError, match=pattern):
        sparsify_weights_pipeline(**kwargs)
    assert str(program) == before


@pytest.mark.parametrize("kwargs", [dict(target_sparsity=True), dict(target_sparsity="0.5"),
                                    dict(block_size=2.0), dict(n_m_ratio="2:4"),
                                    dict(quantize_dtype=8), dict(palettize_nbits=True),
                                    dict(weight_num_threshold=None), dict(in_place=1)],
                         ids=lambda k: ",".join(k))
def test_type_errors(kwargs):
    with pytest.raises(TypeError):
        sparsify_weights(AIProgram.parse(read_fixture("linear.mlir")), **kwargs)


def test_accepted_spellings():
    assert "quantize-dtype=uint8" in sparsify_weights_pipeline(quantize_dtype="UINT8")
    assert "n-m-ratio=2,4" in sparsify_weights_pipeline(None, n_m_ratio=[np.int64(2), 4])
    assert "target-sparsity=0.3" in sparsify_weights_pipeline(np.float32(0.3).item())


# --------------------------------------------------------------------------- exact selection (§3)

def _patterns(shape, dt, seed):
    rng = np.random.default_rng(seed)
    gauss = _gauss(shape, dt, seed)
    ties = (np.where(rng.random(shape) < 0.5, -0.05, 0.05)).astype(np.float32).astype(dt)
    rounded = np.round(rng.standard_normal(shape), 1).astype(np.float32).astype(dt)
    zeros = gauss.copy()
    zeros[rng.random(shape) < 0.3] = 0
    zeros.reshape(-1)[::7] = -0.0
    return {"gauss": gauss, "ties": ties, "rounded": rounded, "zeros": zeros}


def _check_against_reference(w, out, pruned):
    (sw,) = sr.sparse_weights(out)
    assert sw.form == "plain"
    np.testing.assert_array_equal(sw.mask, pruned != 0)
    np.testing.assert_array_equal(sw.values.astype(np.float64),
                                  pruned[pruned != 0].astype(np.float64))
    assert sw.num_non_zero == sw.values.size == int(sw.mask.sum())
    np.testing.assert_array_equal(sw.decoded, pruned.astype(np.float64))
    return sw


@pytest.mark.parametrize("s", [0.0, 0.3, 0.5, 0.75, 1.0])
@pytest.mark.parametrize("dt", [np.float32, np.float16, BF16], ids=["f32", "f16", "bf16"])
@pytest.mark.parametrize("pattern", ["gauss", "ties", "rounded", "zeros"])
def test_unstructured_prunes_exactly_floor_n_s(s, dt, pattern):
    w = _patterns((48, 40), dt, seed=int(s * 100))[pattern]
    out = _sparsify(make_program(w, "bmm_x"), target_sparsity=s, weight_num_threshold=0)
    pruned = sr.prune(w, target_sparsity=s)
    sw = _check_against_reference(w, out, pruned)
    zeros_before = int(np.count_nonzero(w == 0))
    assert w.size - sw.num_non_zero >= math.floor(w.size * s)
    assert w.size - sw.num_non_zero == max(math.floor(w.size * s),
                                           zeros_before if s == 0 else
                                           w.size - sw.num_non_zero)


def test_all_equal_weight_at_half_prunes_half():
    """The reference prunes 100% of an all-±0.05 weight at s = 0.5."""
    w = np.where(np.arange(4096) % 3 == 0, -0.05, 0.05).astype(np.float32).reshape(64, 64)
    (sw,) = sr.sparse_weights(_sparsify(make_program(w, "bmm_x"), target_sparsity=0.5))
    assert sw.num_non_zero == 2048
    assert not sw.mask.reshape(-1)[:2048].any() and sw.mask.reshape(-1)[2048:].all()


@pytest.mark.parametrize("bs", [2, 3, 4, 7])
@pytest.mark.parametrize("consumer,shape", [("bmm_x", (30, 16)), ("bmm_y", (16, 30)),
                                            ("conv2d", (12, 4, 3, 3))])
@pytest.mark.parametrize("s", [0.3, 0.5, 1.0])
def test_block_sparsity_prunes_whole_blocks(bs, consumer, shape, s):
    w = _patterns(shape, np.float32, seed=bs)["rounded"]
    out = _sparsify(make_program(w, consumer), target_sparsity=s, block_size=bs,
                    weight_num_threshold=0)
    axis = {"bmm_x": 0, "bmm_y": 1, "conv2d": 0}[consumer]
    if bs > shape[axis] / 2:
        assert "build_sparse_with_bitmask" not in out
        return
    _check_against_reference(w, out, sr.prune(w, s, block_size=bs, output_axis=axis))


@pytest.mark.parametrize("n,m", [(2, 4), (1, 3), (3, 4), (0, 4), (4, 4), (1, 2)])
@pytest.mark.parametrize("consumer,shape", [("bmm_x", (8, 50)), ("bmm_y", (50, 8)),
                                            ("conv2d", (6, 10, 3, 3))])
@pytest.mark.parametrize("dt", [np.float32, np.float16])
def test_n_m_with_the_tail_rule(n, m, consumer, shape, dt):
    w = _patterns(shape, dt, seed=n * 10 + m)["rounded"]
    out = _sparsify(make_program(w, consumer), target_sparsity=None, n_m_ratio=(n, m),
                    weight_num_threshold=0)
    axis = {"bmm_x": 1, "bmm_y": 0, "conv2d": 1}[consumer]
    _check_against_reference(w, out, sr.prune(w, n_m=(n, m), input_axis=axis))


def test_one_in_three_on_250_channels_prunes_83_per_row():
    w = _gauss((4, 250), seed=3)
    out = _sparsify(make_program(w, "bmm_x"), target_sparsity=None, n_m_ratio=(1, 3),
                    weight_num_threshold=0)
    (sw,) = sr.sparse_weights(out)
    assert all(int((~row).sum()) == 83 for row in sw.mask)


# --------------------------------------------------------------------------- joint modes (§5)

@pytest.mark.parametrize("dt", [np.float32, np.float16, BF16], ids=["f32", "f16", "bf16"])
@pytest.mark.parametrize("joint,form", [
    (dict(), "plain"),
    (dict(quantize_dtype=DType.INT8), "quantized-after"),
    (dict(quantize_dtype=DType.FP8_E4M3FN), "quantized-after"),
    (dict(quantize_dtype=DType.FP8_E5M2), "quantized-after"),
    (dict(quantize_dtype=DType.UINT8), "quantized-before"),
    (dict(palettize_nbits=3), "palettized"),
    (dict(palettize_nbits=8), "palettized"),
])
def test_joint_modes_decode_with_pruned_zeros(dt, joint, form):
    w = _gauss((64, 96), dt, seed=21)
    out = _sparsify(make_program(w, "bmm_y", loc="w"), target_sparsity=0.5, **joint)
    (sw,) = sr.sparse_weights(out)
    assert sw.form == form
    pruned = sr.prune(w, 0.5)
    np.testing.assert_array_equal(sw.mask, pruned != 0)
    assert sw.num_non_zero == sw.values.size == int(sw.mask.sum()) == w.size // 2
    # Pruned positions decode to exactly 0 (the reference's UINT8 gives -max|w|).
    assert np.all(sw.decoded[~sw.mask] == 0)
    sqnr = pr.sqnr_db(w, sw.decoded)
    plain = pr.sqnr_db(w, pruned)
    floor = {"plain": plain, "palettized": plain - (1.5 if joint.get("palettize_nbits") == 3
                                                    else 0.05)}.get(form, plain - 0.2)
    assert sqnr >= floor, (sqnr, plain)
    if form.startswith("quantized"):
        assert sw.value_type == {DType.INT8: "si8", DType.UINT8: "ui8",
                                 DType.FP8_E4M3FN: "f8E4M3FN",
                                 DType.FP8_E5M2: "f8E5M2"}[joint["quantize_dtype"]]


def test_palettized_values_are_clustered_optimally():
    w = np.round(_gauss((32, 48), seed=5) * 40, 0).astype(np.float32) / 40
    (sw,) = sr.sparse_weights(_sparsify(make_program(w, "bmm_x"), target_sparsity=0.5,
                                        palettize_nbits=2, weight_num_threshold=0))
    kept = w[sw.mask].astype(np.float64)
    ours = float(((sw.decoded[sw.mask] - kept) ** 2).sum())
    assert ours <= pr.oracle_palettize_sse(kept, 2, np.float32) * (1 + 1e-9)


# --------------------------------------------------------------------------- warnings, program

def test_skips_and_fallbacks_warn_with_the_location(caplog):
    nan = _gauss((64, 64), seed=1)
    nan[3, 5] = np.nan
    b = ProgramBuilder()
    b.add_weight(_gauss((64, 3)), "bmm_x", loc="w.narrow")      # input axis 3 < 2 * 4
    b.add_weight(nan, "bmm_y", loc="w.nan")
    b.add_weight(_gauss((64, 64), seed=2), "bmm_y", loc="w.ok")
    b.add_weight(_gauss((300,), seed=3), "gather_nd", loc="w.rank1")
    out, warnings = _sparsify(b.build(), caplog, target_sparsity=None, n_m_ratio=(2, 4),
                              block_size=4, weight_num_threshold=0)
    located = [re.search(r'loc\("([^"]+)"\)', m) for m in warnings]
    assert [m.group(1) for m in located if m] == ["w.narrow", "w.nan", "w.rank1"]
    assert any("block_size is ignored" in m for m in warnings)
    assert "m > channel / 2" in warnings[[m.group(1) if m else "" for m in located]
                                         .index("w.narrow")]
    assert out.count("build_sparse_with_bitmask") == 1


def test_no_non_zero_values_fall_back_to_plain_sparsity(caplog):
    out, warnings = _sparsify(make_program(_gauss((64, 64)), "bmm_x", loc="w.all"), caplog,
                              target_sparsity=1.0, quantize_dtype=DType.INT8)
    (sw,) = sr.sparse_weights(out)
    assert sw.form == "plain" and sw.num_non_zero == 0 and sw.values.size == 0
    assert "dense<false>" in out and "tensor<0xf32>" in out
    assert len(warnings) == 1 and "quantize_dtype ignored" in warnings[0]


def _has_location(text: str, line: str, name: str) -> bool:
    """The op on ``line`` has location ``loc("name")``, spelt out or through an alias."""
    aliases = re.findall(r'^(#loc\d*) = loc\("' + re.escape(name) + r'"\)$', text, re.M)
    return line.endswith(f'loc("{name}")') or any(line.endswith(f"loc({a})") for a in aliases)


def test_old_constant_erased_locations_kept_and_in_place():
    program = AIProgram.parse(make_program(_gauss((64, 96)), "bmm_y", loc="w.loc"))
    before = str(program)
    result = sparsify_weights(program, quantize_dtype=DType.INT8)
    assert str(program) == before and result is not program
    generic = result.to_text(debug_info=True)
    new_ops = [line for line in generic.splitlines()
               if re.search(r"coreai\.(constant|build_sparse|sparse_with|blockwise)", line)]
    assert len(new_ops) == 8 and all(_has_location(generic, line, "w.loc") for line in new_ops)
    assert sparsify_weights(program, in_place=True) is program and str(program) != before


def test_results_do_not_depend_on_threads():
    b = ProgramBuilder()
    for seed in range(3):
        b.add_weight(_gauss((256, 64), seed=seed), "bmm_x")
    b.add_weight(_gauss((1024, 1100), seed=9), "bmm_x")
    text = b.build()
    threaded = _sparsify(text, target_sparsity=0.6, palettize_nbits=4)
    program = AIProgram.parse(text)
    program.context.enable_multithreading(False)
    assert sparsify_weights(program, 0.6, palettize_nbits=4).to_text(generic=False) == threaded


def test_real_programs_verify_and_round_trip():
    for name in ("linear.mlir", "cnn.mlir", "emb.mlir", "batch_matmul.mlir"):
        out = sparsify_weights(AIProgram.parse(read_fixture(name)), None, n_m_ratio=(2, 4),
                               weight_num_threshold=0)
        out.verify()
        assert str(AIProgram.parse(str(out))) == str(out)
