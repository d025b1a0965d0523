"""Sparsified weights read back out of program text and decoded as Apple's runtime decodes
them, and a numpy transcription of which elements docs/spec/SPARSIFY_WEIGHTS.md §3 prunes
(stable sorts; independent of the package under test).

* ``prune(w, ...)``: the weight with the spec's elements set to zero.
* ``sparse_weights(text)``: each ``coreai.build_sparse_with_bitmask`` of a printed program
  with its values, mask and ``numNonZero``, and the weight decoded through the ops around it
  (quantized values: blockwise_shift_scale before or after; palettized: lut_to_dense).
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import List, Optional, Tuple

import numpy as np

import mlir_blobs as mb
import palette_reference as pr

_BUILD_RE = re.compile(
    r"(%[\w.$-]+)\s*=\s*coreai\.build_sparse_with_bitmask\s+(%[\w.$-]+),\s*(%[\w.$-]+)\s*:"
    r"\s*\(([^)]*)\)\s*->\s*tensor<([^,>]*),\s*#coreai\.sparse_tensor_encoding<bitmask"
    r"(?:,\s*numNonZero\s*=\s*(\d+))?,\s*posWidth\s*=\s*1,\s*crdWidth\s*=\s*1>>")
_DENSE_RE = re.compile(r"(%[\w.$-]+)\s*=\s*coreai\.sparse_with_bitmask_to_dense\s+(%[\w.$-]+)")
_BSS_RE = re.compile(
    r"(%[\w.$-]+)\s*=\s*coreai\.blockwise_shift_scale\s+(%[\w.$-]+),\s*(%[\w.$-]+),\s*"
    r"(%[\w.$-]+),\s*(%[\w.$-]+)\s*:")
_LUT_RE = re.compile(
    r"(%[\w.$-]+)\s*=\s*coreai\.lut_to_dense\s+(%[\w.$-]+),\s*(%[\w.$-]+),\s*(%[\w.$-]+)")


# --------------------------------------------------------------------------- selection (§3)

def _magnitude_order(a: np.ndarray) -> np.ndarray:
    """Positions of ``a`` (flattened) by |a| ascending, ties to the lower position."""
    return np.argsort(np.abs(a.astype(np.float64)).reshape(-1), kind="stable")


def prune(w: np.ndarray, target_sparsity=None, block_size=None, n_m=None,
          output_axis=0, input_axis=1) -> np.ndarray:
    """The weight with the elements the spec prunes set to +0."""
    w = np.asarray(w)
    out = w.copy()
    if n_m is not None:
        n, m = n_m
        moved = np.moveaxis(out, input_axis, -1)      # a view
        c = moved.shape[-1]
        for start in range(0, c, m):
            size = min(m, c - start)
            count = n if size == m else max(0, n - (m - size))
            if count == 0:
                continue
            group = moved[..., start:start + size].reshape(-1, size)
            for row_index, row in enumerate(group):
                order = np.argsort(np.abs(row.astype(np.float64)), kind="stable")
                row[order[:count]] = 0
                group[row_index] = row
            moved[..., start:start + size] = group.reshape(moved[..., start:start + size].shape)
        return out
    if block_size is not None:
        moved = np.moveaxis(out, output_axis, -1)
        c = moved.shape[-1]
        nb = -(-c // block_size)
        x = moved.astype(np.float64)
        scores = np.zeros(moved.shape[:-1] + (nb,))
        for j in range(nb):
            s = np.zeros(moved.shape[:-1])
            for t in range(j * block_size, min(c, (j + 1) * block_size)):
                s = s + x[..., t] * x[..., t]          # in index order
            scores[..., j] = s
        grid = np.moveaxis(scores, -1, output_axis)    # the block grid, row-major
        k = math.floor(grid.size * target_sparsity)
        order = np.argsort(grid.reshape(-1), kind="stable")
        pruned_blocks = np.zeros(grid.size, dtype=bool)
        pruned_blocks[order[:k]] = True
        pruned_blocks = np.moveaxis(pruned_blocks.reshape(grid.shape), output_axis, -1)
        element_pruned = np.repeat(pruned_blocks, block_size, axis=-1)[..., :c]
        moved[element_pruned] = 0
        return out
    k = math.floor(w.size * target_sparsity)
    flat = out.reshape(-1)
    flat[_magnitude_order(w)[:k]] = 0
    return out


# --------------------------------------------------------------------------- reading the IR

@dataclasses.dataclass
class SparseWeight:
    result: str
    values: np.ndarray          # the values constant (codes, indices or weight values)
    value_type: str
    mask: np.ndarray            # bool, the weight's shape
    num_non_zero: Optional[int]
    sparse_type: str            # the element type of the sparse tensor
    decoded: np.ndarray         # the weight as the runtime computes it (float64)
    form: str                   # "plain", "quantized-after", "quantized-before", "palettized"


def _densify(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = np.zeros(mask.shape, dtype=np.float64)
    out[mask] = values.astype(np.float64)
    return out


def sparse_weights(text: str) -> List[SparseWeight]:
    consts = {c.name: c for c in mb.parse_constants(text)}
    resources = mb.parse_resources(text)
    value = lambda name: mb.constant_value(consts[name], resources)  # noqa: E731
    bss = {m.group(1): m for m in _BSS_RE.finditer(text)}
    bss_by_data = {m.group(2): m for m in _BSS_RE.finditer(text)}
    luts = {m.group(1): m for m in _LUT_RE.finditer(text)}
    dense_of = {m.group(2): m.group(1) for m in _DENSE_RE.finditer(text)}
    out = []
    for m in _BUILD_RE.finditer(text):
        result, v_name, m_name = m.group(1, 2, 3)
        mask = value(m_name).astype(bool)
        nnz = None if m.group(6) is None else int(m.group(6))
        sparse_type = m.group(5).split("x")[-1]
        weight_type = sparse_type
        if v_name in consts:
            values = value(v_name)
            value_type = consts[v_name].element_type
            form = "plain"
            decoded_values = values.astype(np.float64)
        elif v_name in bss:                            # C: decoded before
            b = bss[v_name]
            values = value(b.group(2))
            value_type = consts[b.group(2)].element_type
            scale, z, o = (value(n) for n in b.group(3, 4, 5))
            decoded_values = pr.blockwise_shift_scale(values, scale, z, o,
                                                      pr.FLOAT_TYPES[sparse_type])
            form = "quantized-before"
        elif v_name in luts:                           # D
            lm = luts[v_name]
            values = value(lm.group(2))
            value_type = consts[lm.group(2)].element_type
            lut = value(lm.group(3))
            decoded_values = pr.lut_to_dense(values.astype(np.int64), lut,
                                             int(value(lm.group(4)).reshape(())))
            form = "palettized"
        else:
            raise ValueError(f"unknown producer of {v_name}")
        dense = dense_of[result]
        decoded = _densify(decoded_values, mask)
        if dense in bss_by_data:                        # B: decoded after densifying
            b = bss_by_data[dense]
            scale, z, o = (value(n) for n in b.group(3, 4, 5))
            weight_type = consts[b.group(3)].element_type
            decoded = pr.blockwise_shift_scale(decoded, scale, z, o,
                                               pr.FLOAT_TYPES[weight_type])
            form = "quantized-after"
            result = b.group(1)
        else:
            result = dense
        out.append(SparseWeight(result, values, value_type, mask, nnz, sparse_type,
                                np.asarray(decoded, dtype=np.float64), form))
    return out
