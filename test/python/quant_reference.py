"""Independent reference ("oracle") of the weight-quantization math.

Plain numpy + ml_dtypes; it never imports the project's own package.  It follows
docs/spec/QUANTIZE_WEIGHTS.md ("The arithmetic") literally:

* everything is evaluated in float32 (f16/bf16 weights are converted to float32 first),
  in the written order of operations, with ``eps = np.float32(1e-6)``;
* ``w / scale`` is a true division, rounding is ``np.rint`` (round half to even);
* the scale is rounded to its stored type first (the weight's type, or E8M0FNU), a stored
  scale that is 0 or subnormal in its type is raised to that type's smallest normal, and
  the data is quantized with exactly that stored value;
* E8M0FNU scales (FP4 always, FP8 with ``scale_dtype='fp8_e8m0fnu'``) are the smallest
  power of two ``2**e`` with ``amax <= fmax * 2**e``, ``e`` clamped to [-127, 127]
  (an all-zero block gets ``2**-127``);
* FP codes are ml_dtypes casts of the clipped float32 value ``clip(w / scale, -fmax, fmax)``.

Blocks: ``block_sizes[i]`` is the block length along axis ``i`` (0 = the whole axis).  The
scale / zero-point grid has the weight's rank, each dim = dim / block (1 for a whole axis).
The implementation views the weight as ``(g0, b0, g1, b1, ...)`` and reduces over the
``b`` axes, so it needs no transposes and handles 10^8-element weights in seconds.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence, Tuple

import ml_dtypes
import numpy as np

EPS = np.float32(1e-6)

INT_DTYPES = ("int2", "uint2", "int4", "uint4", "int8", "uint8")
FP_DTYPES = ("fp4_e2m1fn", "fp8_e4m3fn", "fp8_e5m2")
WEIGHT_DTYPES = INT_DTYPES + FP_DTYPES

# FP data types: (ml_dtypes type, fmax)
FP_INFO = {
    "fp4_e2m1fn": (ml_dtypes.float4_e2m1fn, np.float32(6.0)),
    "fp8_e4m3fn": (ml_dtypes.float8_e4m3fn, np.float32(448.0)),
    "fp8_e5m2": (ml_dtypes.float8_e5m2, np.float32(57344.0)),
}

# MLIR element type names of the data / scale types (for readers of the IR).
MLIR_ELEMENT_TYPE = {
    "int2": "si2", "uint2": "ui2", "int4": "si4", "uint4": "ui4", "int8": "si8", "uint8": "ui8",
    "fp4_e2m1fn": "f4E2M1FN", "fp8_e4m3fn": "f8E4M3FN", "fp8_e5m2": "f8E5M2",
    "fp8_e8m0fnu": "f8E8M0FNU",
}

E8M0_MIN_EXP, E8M0_MAX_EXP = -127, 127


def _value(x) -> str:
    """Accept a plain string or a (str) enum member; return the lower-case value."""
    if x is None:
        return None
    v = getattr(x, "value", x)
    return str(v).lower()


# --------------------------------------------------------------------------- block sizes

def block_sizes(shape: Sequence[int], granularity, block_size: int = 32,
                out_axis: int = 0, in_axis: int = 1) -> Tuple[int, ...]:
    """Per-axis block sizes (0 = whole axis), as in the spec.

    granularity: 'per_tensor' | 'per_channel' | 'per_block' (or an enum with such a value).
    PER_TENSOR -> all 0; PER_CHANNEL -> output axis 1; PER_BLOCK -> output axis 1 and input
    axis ``block_size``.  A rank-1 weight is per tensor whatever the granularity.  Negative
    axes count from the rank; an axis outside the rank is ignored.
    """
    rank = len(shape)
    sizes = [0] * rank
    g = _value(granularity)
    if g not in ("per_tensor", "per_channel", "per_block"):
        raise ValueError(f"unsupported granularity {granularity!r}")
    if rank <= 1 or g == "per_tensor":
        return tuple(sizes)

    def norm(axis):
        a = axis + rank if axis < 0 else axis
        return a if 0 <= a < rank else None

    o, i = norm(out_axis), norm(in_axis)
    if o is not None:
        sizes[o] = 1
    if g == "per_block" and i is not None:
        sizes[i] = int(block_size)
    return tuple(sizes)


def grid_shape(shape: Sequence[int], bsizes: Sequence[int]) -> Tuple[int, ...]:
    """Scale/zero-point grid: dim / block per axis (1 for a whole axis)."""
    if len(bsizes) != len(shape):
        raise ValueError(f"block_sizes {tuple(bsizes)} do not match rank of shape {tuple(shape)}")
    out = []
    for d, b in zip(shape, bsizes):
        b = int(b)
        if b < 0:
            raise ValueError(f"negative block size {b}")
        if b == 0:
            out.append(1)
        elif d % b:
            raise ValueError(f"axis of size {d} is not divisible by block size {b}")
        else:
            out.append(d // b)
    return tuple(out)


def _split_shape(shape, bsizes):
    """(g0, b0, g1, b1, ...) view shape and the axes of the b's."""
    grid = grid_shape(shape, bsizes)
    split = []
    for d, g in zip(shape, grid):
        split += [g, d // g if g else 0]
    return tuple(split), tuple(range(1, 2 * len(shape), 2)), grid


def _expand(grid_arr: np.ndarray) -> np.ndarray:
    """Grid-shaped array -> (g0, 1, g1, 1, ...) for broadcasting against the split view."""
    s = []
    for g in grid_arr.shape:
        s += [g, 1]
    return grid_arr.reshape(s)


# --------------------------------------------------------------------------- ranges

def int_range(dtype, qscheme) -> Tuple[int, int]:
    """(qmin, qmax) of an integer dtype; SYMMETRIC drops one code."""
    dtype, qscheme = _value(dtype), _value(qscheme)
    if dtype not in INT_DTYPES:
        raise ValueError(f"not an integer dtype: {dtype}")
    bits = int("".join(c for c in dtype if c.isdigit()))
    if dtype.startswith("u"):
        qmin, qmax = 0, 2 ** bits - 1
        if qscheme == "symmetric":
            qmax -= 1
    else:
        qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        if qscheme == "symmetric":
            qmin += 1
    return qmin, qmax


def _scale_storage_type(w_dtype: np.dtype):
    if w_dtype == np.float32:
        return np.float32
    if w_dtype == np.float16:
        return np.float16
    if w_dtype == ml_dtypes.bfloat16:
        return ml_dtypes.bfloat16
    raise TypeError(f"unsupported weight dtype {w_dtype}")


def store_scale(scale_f32: np.ndarray, storage_type) -> np.ndarray:
    """Round a float32 scale to its stored type; 0/subnormal -> smallest normal of the type."""
    stored = np.asarray(scale_f32, dtype=np.float32).astype(storage_type)
    tiny = ml_dtypes.finfo(storage_type).smallest_normal
    stored = np.where(stored.astype(np.float32) < np.float32(tiny),
                      np.asarray(tiny, dtype=storage_type), stored).astype(storage_type)
    return stored


def e8m0_exponent(amax: np.ndarray, fmax) -> np.ndarray:
    """Smallest integer e with amax <= fmax * 2**e, clamped to [-127, 127] (exact)."""
    a = np.asarray(amax, dtype=np.float64)
    f = float(fmax)
    with np.errstate(divide="ignore"):
        e = np.ceil(np.log2(a) - np.log2(f))
    e = np.where(np.isfinite(e), e, E8M0_MIN_EXP)
    e = np.clip(e, E8M0_MIN_EXP - 2, E8M0_MAX_EXP + 2).astype(np.int64)
    # exact correction of floating log2 error (products below are exact in float64)
    for _ in range(2):
        e = np.where(a > np.ldexp(f, e), e + 1, e)
        e = np.where(a <= np.ldexp(f, e - 1), e - 1, e)
    return np.clip(e, E8M0_MIN_EXP, E8M0_MAX_EXP)


def e8m0_scale(amax: np.ndarray, fmax) -> np.ndarray:
    """The stored E8M0FNU scale (ml_dtypes.float8_e8m0fnu) 2**e of e8m0_exponent."""
    e = e8m0_exponent(amax, fmax)
    return np.ldexp(np.float32(1.0), e.astype(np.int32)).astype(np.float32).astype(
        ml_dtypes.float8_e8m0fnu)


# --------------------------------------------------------------------------- result

@dataclasses.dataclass
class QuantResult:
    codes: np.ndarray        # int64 (integer dtypes) or ml_dtypes array (FP dtypes), shape of w
    scale: np.ndarray        # grid shape, stored type (w's dtype or float8_e8m0fnu)
    zero_point: np.ndarray   # grid shape, data code domain (int64, or ml_dtypes zeros for FP)
    dtype: str
    qscheme: str
    block_sizes: Tuple[int, ...]

    @property
    def grid_shape(self):
        return self.scale.shape

    def dequantize(self) -> np.ndarray:
        """float32 scale * (codes - zero_point), scale/zp broadcast per block."""
        split, _, _ = _split_shape(self.codes.shape, self.block_sizes)
        c = self.codes.astype(np.float32).reshape(split)
        s = _expand(self.scale.astype(np.float32))
        z = _expand(self.zero_point.astype(np.float32))
        return (s * (c - z)).reshape(self.codes.shape)


# --------------------------------------------------------------------------- quantize

def quantize_reference(w: np.ndarray, dtype, qscheme="symmetric", block_sizes=None,
                       scale_dtype=None) -> QuantResult:
    """Quantize ``w`` blockwise as the spec says.

    w: float32 / float16 / ml_dtypes.bfloat16 ndarray.  dtype: 'int2', 'uint2', 'int4',
    'uint4', 'int8', 'uint8', 'fp4_e2m1fn', 'fp8_e4m3fn', 'fp8_e5m2'.  qscheme: 'symmetric'
    or 'asymmetric' (FP: symmetric only).  block_sizes: per-axis (0 = whole axis; None = per
    tensor).  scale_dtype: None or 'fp8_e8m0fnu' (FP8 only; FP4 always uses E8M0FNU).

    Raises ValueError for NaN/Inf weights, a non-divisible block, or a block whose scale
    computation overflows float32 (the spec's "failure of that constant").
    """
    w = np.asarray(w)
    dtype, qscheme, scale_dtype = _value(dtype), _value(qscheme), _value(scale_dtype)
    if dtype not in WEIGHT_DTYPES:
        raise ValueError(f"Unsupported weight dtype {dtype}; valid: {WEIGHT_DTYPES}")
    if qscheme not in ("symmetric", "asymmetric"):
        raise ValueError(f"unsupported qscheme {qscheme}")
    if scale_dtype not in (None, "fp8_e8m0fnu"):
        raise ValueError(f"Invalid scale_dtype {scale_dtype}")
    is_fp = dtype in FP_DTYPES
    if is_fp and qscheme != "symmetric":
        raise ValueError(f"Asymmetric quantization is not supported for FP dtype {dtype}")
    if not is_fp and scale_dtype is not None:
        raise ValueError(f"scale_dtype must be None for integer dtype {dtype}")
    storage = _scale_storage_type(w.dtype)
    if block_sizes is None:
        block_sizes = (0,) * w.ndim
    bsizes = tuple(int(b) for b in block_sizes)
    split, baxes, grid = _split_shape(w.shape, bsizes)

    x = w.astype(np.float32, copy=False).reshape(split)   # f16/bf16 -> f32 first
    if not np.all(np.isfinite(x)):
        raise ValueError("weight contains NaN or Inf")

    if is_fp:
        fp_type, fmax = FP_INFO[dtype]
        amax = np.max(np.abs(x), axis=baxes, keepdims=True)
        if dtype == "fp4_e2m1fn" or scale_dtype == "fp8_e8m0fnu":
            scale_st = e8m0_scale(amax, fmax)
        else:
            with np.errstate(over="ignore"):
                scale_f = (np.float32(2) * amax + EPS) / (np.float32(2) * fmax)
            if not np.all(np.isfinite(scale_f)):
                raise ValueError("scale overflows float32 (|w| too large)")
            scale_st = store_scale(scale_f, storage)
        s = scale_st.astype(np.float32)
        q = np.divide(x, s)
        np.clip(q, -fmax, fmax, out=q)
        codes = q.astype(fp_type).reshape(w.shape)
        zp = np.zeros(grid, dtype=fp_type)
        return QuantResult(codes, scale_st.reshape(grid), zp, dtype, qscheme, bsizes)

    qmin, qmax = int_range(dtype, qscheme)
    fqmin, fqmax = np.float32(qmin), np.float32(qmax)
    if qscheme == "symmetric":
        amax = np.max(np.abs(x), axis=baxes, keepdims=True)
        with np.errstate(over="ignore"):
            scale_f = (np.float32(2) * amax + EPS) / (fqmax - fqmin)
        zp = np.full(scale_f.shape, np.float32(qmax // 2 if dtype.startswith("u") else 0),
                     dtype=np.float32)
    else:
        lo = np.minimum(np.float32(0), np.min(x, axis=baxes, keepdims=True))
        hi = np.maximum(np.float32(0), np.max(x, axis=baxes, keepdims=True))
        rng = hi - lo + EPS
        scale_f = rng / (fqmax - fqmin)
        zp = np.clip(np.rint((fqmin * hi - fqmax * lo) / rng), fqmin, fqmax)
    if not np.all(np.isfinite(scale_f)):
        raise ValueError("scale overflows float32 (|w| too large)")
    scale_st = store_scale(scale_f, storage)
    s = scale_st.astype(np.float32)
    q = np.divide(x, s)
    np.rint(q, out=q)
    q += zp
    np.clip(q, fqmin, fqmax, out=q)
    codes = q.astype(np.int64).reshape(w.shape)
    return QuantResult(codes, scale_st.reshape(grid), zp.astype(np.int64).reshape(grid),
                       dtype, qscheme, bsizes)


# --------------------------------------------------------------------------- metrics

def sqnr_db(reference: np.ndarray, approx: np.ndarray) -> float:
    """10*log10(sum(ref^2) / sum((ref-approx)^2)), in float64; inf if exact."""
    r = np.asarray(reference, dtype=np.float64)
    a = np.asarray(approx, dtype=np.float64)
    sig = float(np.sum(r * r))
    noise = float(np.sum((r - a) ** 2))
    if noise == 0.0:
        return float("inf")
    if sig == 0.0:
        return float("-inf")
    return 10.0 * np.log10(sig / noise)
