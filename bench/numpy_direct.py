"""The quantization math written directly in numpy, as a user would from the spec.

A plain transcription of docs/spec/QUANTIZE_WEIGHTS.md ("The arithmetic") for the
four configurations of bench_quantize.py only, on a 2-D weight [out, in] (output axis 0,
blocks of 32 along axis 1), used as the "numpy direct" baseline of the benchmark:

* the weight is used as given (f32 or f16): no up-front conversion to float32; numpy
  promotes f16 to f32 inside the ufuncs that mix it with float32 operands;
* INT8 / INT4 symmetric: ``amax = max|w|`` per block, ``scale = (2*amax + eps)/(qmax - qmin)``
  in float32, rounded to the weight's dtype (raised to its smallest normal if 0 or
  subnormal), ``q = clip(rint(w / stored_scale), qmin, qmax)``;
* FP4_E2M1FN / FP8_E4M3FN with an E8M0 scale: the scale is the smallest power of two
  ``2**e`` with ``amax <= fmax * 2**e``, ``e`` clamped to [-127, 127] (all-zero block:
  ``2**-127``), ``q = to_fp(clip(w / scale, -fmax, fmax))`` by an ml_dtypes cast;
* 4-bit codes are packed two per byte, element 2k in the low nibble.

No NaN/Inf or overflow checks (the benchmark's weights are finite). Each function returns
``(data bytes, scale)``: the packed uint8 data (shape [out, in] for 8-bit types, [out, in/2]
for 4-bit ones) and the stored scale ([out, 1] or [out, in/32]; the weight's dtype, or
ml_dtypes.float8_e8m0fnu).

``self_check()`` compares all four against the test oracle (quant_reference.py) bit for bit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import ml_dtypes
import numpy as np

EPS = np.float32(1e-6)
BLOCK = 32


def pack_nibbles(codes: np.ndarray) -> np.ndarray:
    """Two 4-bit codes per byte along the last axis, element 2k in the low nibble."""
    c = codes.view(np.uint8) & 0x0F
    return c[..., 0::2] | (c[..., 1::2] << 4)


def quantize_int_symmetric(w: np.ndarray, bits: int, block: int | None):
    """Signed symmetric integer quantization; block=None is per channel (one block per row)."""
    qmax = 2 ** (bits - 1) - 1
    qmin = -qmax
    out_dim, in_dim = w.shape
    if block is None:
        block = in_dim
    wb = w.reshape(out_dim, in_dim // block, block)

    amax = np.abs(wb).max(axis=2, keepdims=True).astype(np.float32)
    scale = (np.float32(2) * amax + EPS) / np.float32(qmax - qmin)
    scale = scale.astype(w.dtype)                        # the stored scale
    scale = np.maximum(scale, np.finfo(w.dtype).smallest_normal)

    q = np.rint(wb / scale.astype(np.float32))
    q = np.clip(q, qmin, qmax).astype(np.int8).reshape(out_dim, in_dim)
    data = pack_nibbles(q) if bits == 4 else q.view(np.uint8)
    return data, scale.reshape(out_dim, in_dim // block)


def quantize_fp_e8m0(w: np.ndarray, fp_type, fmax: float, block: int = BLOCK):
    """FP quantization per block with a power-of-two (E8M0FNU) scale."""
    out_dim, in_dim = w.shape
    wb = w.reshape(out_dim, in_dim // block, block)

    amax = np.abs(wb).max(axis=2, keepdims=True).astype(np.float32)
    # smallest e with amax <= fmax * 2**e (float64: exact for float32 amax)
    with np.errstate(divide="ignore"):
        e = np.ceil(np.log2(amax.astype(np.float64) / fmax))
    e = np.clip(e, -127, 127).astype(np.int32)           # all-zero block: -inf -> -127
    scale = np.ldexp(np.float32(1), e)                    # exact power of two in float32

    q = np.clip(wb / scale, -np.float32(fmax), np.float32(fmax)).astype(fp_type)
    q = q.reshape(out_dim, in_dim)
    data = pack_nibbles(q) if fp_type == ml_dtypes.float4_e2m1fn else q.view(np.uint8)
    return data, scale.astype(ml_dtypes.float8_e8m0fnu).reshape(out_dim, in_dim // block)


def int8_per_channel(w):
    return quantize_int_symmetric(w, 8, None)


def int4_per_block(w):
    return quantize_int_symmetric(w, 4, BLOCK)


def fp4_per_block(w):
    return quantize_fp_e8m0(w, ml_dtypes.float4_e2m1fn, 6.0)


def fp8_e4m3_e8m0_per_block(w):
    return quantize_fp_e8m0(w, ml_dtypes.float8_e4m3fn, 448.0)


# The benchmark's configurations by (dtype, granularity, scale_dtype) as in its CONFIGS.
FUNCTIONS = {
    ("int8", "per_channel", None): int8_per_channel,
    ("int4", "per_block", None): int4_per_block,
    ("fp4_e2m1fn", "per_block", None): fp4_per_block,
    ("fp8_e4m3fn", "per_block", "fp8_e8m0fnu"): fp8_e4m3_e8m0_per_block,
}


def quantize(w: np.ndarray, dtype: str, granularity: str, scale_dtype=None):
    return FUNCTIONS[(dtype, granularity, scale_dtype)](w)


# --------------------------------------------------------------------------- self check

def _oracle_bytes(res) -> tuple[bytes, bytes]:
    """(data bytes, scale bytes) of a quant_reference.QuantResult, packed independently."""
    codes = res.codes
    if codes.dtype == np.int64:                           # integer codes, two's complement
        codes = codes.astype(np.int8)
    raw = codes.view(np.uint8).reshape(-1)
    if res.dtype in ("int4", "fp4_e2m1fn"):
        raw = (raw[0::2] & 0x0F) | ((raw[1::2] & 0x0F) << 4)
    return raw.astype(np.uint8).tobytes(), np.ascontiguousarray(res.scale).tobytes()


def self_check(seed: int = 0) -> int:
    """Compare with quant_reference.quantize_reference on small random weights; raise on
    any difference. Returns the number of (weight, configuration) cases checked."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "test" / "python"))
    import quant_reference

    rng = np.random.default_rng(seed)
    weights = []
    for shape, sd in (((16, 64), 0.02), ((8, 256), 1.0), ((32, 96), 1e-3), ((4, 128), 300.0)):
        w = rng.standard_normal(shape, dtype=np.float32) * np.float32(sd)
        w[1, :BLOCK] = 0                                  # an all-zero block
        w[2, :] = 0                                       # an all-zero channel
        w[3, 5] = np.float32(6.0 * 2.0 ** -3)             # amax exactly fmax * 2**e (FP4)
        w[3, 40] = np.float32(448.0 * 2.0 ** -8)          # and for FP8
        w[0, :BLOCK] *= np.float32(1e-4)                  # a tiny block (f16 subnormal scale)
        weights += [w, w.astype(np.float16)]
    # exact halfway values w/scale = k + 0.5 for the round-half-to-even path
    w = np.tile(np.arange(-64, 64, dtype=np.float32) / np.float32(2), (4, 1))
    weights += [w, w.astype(np.float16)]

    checked = 0
    for w in weights:
        for (dtype, gran, scale_dtype), fn in FUNCTIONS.items():
            bs = quant_reference.block_sizes(w.shape, gran, BLOCK, out_axis=0, in_axis=1)
            ref = quant_reference.quantize_reference(w, dtype, "symmetric", bs, scale_dtype=scale_dtype)
            ref_data, ref_scale = _oracle_bytes(ref)
            data, scale = fn(w)
            what = f"{dtype} {gran} on {w.dtype} {w.shape}"
            if scale.dtype != ref.scale.dtype or scale.shape != ref.scale.shape:
                raise AssertionError(f"numpy_direct {what}: scale {scale.dtype}{scale.shape} "
                                     f"!= oracle {ref.scale.dtype}{ref.scale.shape}")
            if np.ascontiguousarray(scale).tobytes() != ref_scale:
                raise AssertionError(f"numpy_direct {what}: scale bytes differ from the oracle")
            if data.dtype != np.uint8 or data.tobytes() != ref_data:
                n = int(np.count_nonzero(np.frombuffer(data.tobytes(), np.uint8)
                                         != np.frombuffer(ref_data, np.uint8)))
                raise AssertionError(f"numpy_direct {what}: {n} data bytes differ from the oracle")
            checked += 1
    return checked


if __name__ == "__main__":
    print(f"numpy_direct.self_check: {self_check()} cases bit-identical to quant_reference")
