"""Palettized weights read back out of program text and decoded as Apple's runtime
decodes them (docs/spec/PALETTIZE_WEIGHTS.md §5 and §7), with numpy and ``mlir_blobs``
only: never with the package under test.

* ``palettized_weights(text)``: each ``coreai.lut_to_dense`` of a printed program with its
  indices, LUT and axis, and the ``coreai.blockwise_shift_scale`` that consumes it (if any).
* ``PalettizedWeight.decode(indices=None)``: the weight the runtime computes (optionally
  with other indices, to list every value an element could decode to).
* ``grid_value``, ``optimal_partition_sse``: the clustering grid and an exact O(k·n²)
  dynamic programme, the oracle of the optimal 1-D k-means.
"""

from __future__ import annotations

import dataclasses
import re
from typing import List, Optional, Tuple

import ml_dtypes
import numpy as np

import mlir_blobs as mb

_LUT_RE = re.compile(
    r"(%[\w.$-]+)\s*=\s*coreai\.lut_to_dense\s+(%[\w.$-]+),\s*(%[\w.$-]+),\s*(%[\w.$-]+)\s*:"
    r"\s*\(([^)]*)\)\s*->\s*tensor<([^>]*)>")
_BSS_RE = re.compile(
    r"(%[\w.$-]+)\s*=\s*coreai\.blockwise_shift_scale\s+(%[\w.$-]+),\s*(%[\w.$-]+),\s*"
    r"(%[\w.$-]+),\s*(%[\w.$-]+)\s*:\s*\(([^)]*)\)\s*->\s*tensor<([^>]*)>")

FLOAT_TYPES = {"f32": np.dtype(np.float32), "f16": np.dtype(np.float16),
               "bf16": np.dtype(ml_dtypes.bfloat16)}


@dataclasses.dataclass
class PalettizedWeight:
    result: str                 # the SSA value the weight's users now use
    names: Tuple[str, ...]      # SSA names of indices, LUT, axis (+ scale, offset1, offset2)
    indices: np.ndarray         # int64, the index tensor
    index_type: str             # ui1 ... ui8
    lut: np.ndarray             # the LUT tensor (float or codes)
    lut_type: str
    axis: int
    scale: Optional[np.ndarray]
    offset1: Optional[np.ndarray]
    offset2: Optional[np.ndarray]
    shape: Tuple[int, ...]      # the weight's shape
    element_type: str           # the weight's element type

    @property
    def dtype(self) -> np.dtype:
        return FLOAT_TYPES[self.element_type]

    @property
    def vector_size(self) -> int:
        return self.lut.shape[-1]

    def decode(self, indices: Optional[np.ndarray] = None) -> np.ndarray:
        """The weight as the runtime computes it (in the weight's dtype)."""
        data = lut_to_dense(self.indices if indices is None else indices, self.lut, self.axis)
        if self.scale is None:
            return data.astype(self.dtype)
        return blockwise_shift_scale(data, self.scale, self.offset1, self.offset2, self.dtype)


def lut_to_dense(indices: np.ndarray, lut: np.ndarray, axis: int) -> np.ndarray:
    """coreai.lut_to_dense: LUT dims [G_0..G_{r-1}, P, V]; index position p uses group
    p[d] // (I[d] / G[d]) on every dim d; with V > 1 each index expands to V consecutive
    elements along ``axis``."""
    rank = indices.ndim
    groups = lut.shape[:rank]
    v = lut.shape[-1]
    grid = np.indices(indices.shape)
    sel = tuple(grid[d] // (indices.shape[d] // groups[d]) for d in range(rank))
    values = lut[sel + (indices,)]          # indices.shape + (V,)
    if v == 1:
        return values[..., 0]
    moved = np.moveaxis(values, axis, -2)   # [..., I[axis], V]
    merged = moved.reshape(moved.shape[:-2] + (moved.shape[-2] * v,))
    return np.moveaxis(merged, -1, axis)


def _round_to(x64: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """f64 -> the weight type, as the runtime rounds (bf16 through f32)."""
    if dtype == np.dtype(ml_dtypes.bfloat16):
        return x64.astype(np.float32).astype(dtype)
    return x64.astype(dtype)


def blockwise_shift_scale(data, scale, offset1, offset2, dtype) -> np.ndarray:
    """scale·(data − offset1) + offset2 in the weight type, rounded as Apple's CPU runtime
    rounds (measured, spec §5): when the scale's block size is 1 on every axis but the last
    (and always at rank 1), s·d and s·z are rounded separately and subtracted; otherwise
    s·(d − z) is rounded once."""
    data = np.asarray(data)
    reps = [d // s for d, s in zip(data.shape, scale.shape)]

    def expand(a):
        a = np.asarray(a).astype(np.float64)
        for ax, r in enumerate(reps):
            if r != 1:
                a = np.repeat(a, r, axis=ax)
        return a

    s, z, o = expand(scale), expand(offset1), expand(offset2)
    d = data.astype(np.float64)
    # bf16 is computed in f32, then rounded.
    step = np.dtype(np.float32) if dtype == np.dtype(ml_dtypes.bfloat16) else dtype
    separate = data.ndim == 1 or all(r == 1 for r in reps[:-1])
    if separate:
        value = _round_to(_round_to(s * d, step).astype(np.float64)
                          - _round_to(s * z, step).astype(np.float64), step)
    else:
        value = _round_to(s * (d - z), step)
    return _round_to(value.astype(np.float64) + o, dtype)


def palettized_weights(text: str) -> List[PalettizedWeight]:
    """The lut_to_dense ops of ``text`` (custom form) in IR order, decoded, each with the
    blockwise_shift_scale that consumes it."""
    consts = {c.name: c for c in mb.parse_constants(text)}
    resources = mb.parse_resources(text)

    def value(name):
        return mb.constant_value(consts[name], resources)

    bss = {m.group(2): m for m in _BSS_RE.finditer(text)}
    out = []
    for m in _LUT_RE.finditer(text):
        result, i_name, l_name, x_name = m.group(1, 2, 3, 4)
        indices = value(i_name).astype(np.int64)
        lut = value(l_name)
        axis = int(value(x_name).reshape(()))
        shape, element_type = mb.parse_tensor_type(m.group(6))
        scale = offset1 = offset2 = None
        names = (i_name, l_name, x_name)
        if result in bss:
            b = bss[result]
            result = b.group(1)
            names += b.group(3, 4, 5)
            scale, offset1, offset2 = (value(n) for n in b.group(3, 4, 5))
            shape, element_type = mb.parse_tensor_type(b.group(7))
        out.append(PalettizedWeight(result, names, indices, consts[i_name].element_type, lut,
                                    consts[l_name].element_type, axis, scale, offset1,
                                    offset2, shape, element_type))
    return out


def nearest_violations(weight: np.ndarray, pw: PalettizedWeight) -> int:
    """Elements (vectors) whose decoded value is not a nearest one among the values any
    index would decode to there (squared distance in f64, summed over a vector)."""
    w = np.asarray(weight).astype(np.float64)
    v = pw.vector_size
    n_entries = pw.lut.shape[-2]

    def distance(decoded):
        d = (decoded.astype(np.float64) - w) ** 2
        if v > 1:
            d = np.moveaxis(d, pw.axis, -1)
            d = d.reshape(d.shape[:-1] + (d.shape[-1] // v, v)).sum(-1)
            d = np.moveaxis(d, -1, pw.axis)
        return d

    best = np.min([distance(pw.decode(np.full_like(pw.indices, k)))
                   for k in range(n_entries)], axis=0)
    chosen = distance(pw.decode())
    return int(np.count_nonzero(chosen > best))


def grid_value(x: np.ndarray) -> np.ndarray:
    """q(x): x rounded half-to-even to 11 significant bits, any exponent (0 for ±0)."""
    x = np.asarray(x, dtype=np.float64)
    m, e = np.frexp(x)
    return np.ldexp(np.rint(m * 2.0 ** 11), e - 11) + 0.0


def optimal_partition(values: np.ndarray, k: int):
    """The least weighted SSE split of the distinct ``values`` (with their counts) into
    min(k, #distinct) contiguous clusters: the O(k·n²) dynamic programme. Returns (SSE,
    distinct values, cluster start positions in them)."""
    distinct, counts = np.unique(values, return_counts=True)
    n = distinct.size
    k = min(k, n)
    w = counts.astype(np.float64)
    x = distinct - distinct.mean()
    cw = np.concatenate([[0.0], np.cumsum(w)])
    cx = np.concatenate([[0.0], np.cumsum(w * x)])
    cxx = np.concatenate([[0.0], np.cumsum(w * x * x)])

    def cost(i, j):  # points [i, j)
        sx = cx[j] - cx[i]
        return (cxx[j] - cxx[i]) - sx * sx / (cw[j] - cw[i])

    dp = np.array([cost(0, j) if j > 0 else np.inf for j in range(n + 1)])
    starts = [np.zeros(n + 1, dtype=np.int64)]
    for c in range(1, k):
        new = np.full(n + 1, np.inf)
        arg = np.zeros(n + 1, dtype=np.int64)
        for j in range(c + 1, n + 1):
            costs = [dp[i] + cost(i, j) for i in range(c, j)]
            best = int(np.argmin(costs))
            new[j], arg[j] = costs[best], c + best
        dp = new
        starts.append(arg)
    bounds, j = [], n
    for c in range(k - 1, -1, -1):
        i = int(starts[c][j])
        bounds.append(i)
        j = i
    return float(max(dp[n], 0.0)), distinct, bounds[::-1]


def oracle_palettize_sse(x: np.ndarray, n_bits: int, dtype) -> float:
    """SSE of the spec's scalar palettization of one group ``x`` (float LUT): the optimal
    partition of the grid values, entries = means of the exact values rounded to
    ``dtype``, each element re-assigned to its nearest entry."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    q = grid_value(x)
    _, distinct, starts = optimal_partition(q, 1 << n_bits)
    cluster = np.searchsorted(distinct, q)               # position of each element
    label = np.searchsorted(np.asarray(starts), cluster, side="right") - 1
    means = np.array([x[label == j].mean() for j in range(len(starts))])
    entries = means.astype(dtype).astype(np.float64)
    d = (x[:, None] - entries[None, :]) ** 2
    return float(d.min(axis=1).sum())


def sqnr_db(reference: np.ndarray, approx: np.ndarray) -> float:
    r = np.asarray(reference, dtype=np.float64)
    e = r - np.asarray(approx, dtype=np.float64)
    return float(10 * np.log10(np.sum(r * r) / max(np.sum(e * e), 1e-300)))
