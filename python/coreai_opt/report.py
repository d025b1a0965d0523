"""What a weight transform did to each weight: one row per constant replaced
(quantized into ``coreai.blockwise_shift_scale``, palettized into
``coreai.lut_to_dense``, sparsified into ``coreai.build_sparse_with_bitmask``),
with its SQNR measured on the decoded weight."""

from __future__ import annotations

import dataclasses
import math
from typing import Dict, List, Optional

import numpy as np

from .program import AIProgram


@dataclasses.dataclass
class WeightRow:
    """One replaced weight. ``location`` is the key: the new ops keep the
    location of the constant they replace. ``dtype`` is the stored data type
    (the quantized type, or the LUT's for palettization); ``granularity`` is
    that of the scales (quantization) or of the LUTs (palettization)."""

    location: str
    shape: tuple
    weight_dtype: str
    dtype: str
    scale_dtype: str
    granularity: str
    block_size: Optional[int]
    sqnr_db: float
    bytes_before: int
    bytes_after: int
    method: str = "quantize"
    index_dtype: Optional[str] = None   # palettization: ui1 ... ui8
    lut_entries: Optional[int] = None   # palettization: entries per LUT
    lut_vector: Optional[int] = None    # palettization: elements per entry (cluster_dim)
    zero_fraction: Optional[float] = None  # sparsification: zeros in the decoded weight
    joint: str = ""                     # sparsification: "quantized" / "palettized" values

    def as_dict(self) -> dict:
        """The row as a plain dict."""
        return dataclasses.asdict(self)


def _expand(grid: np.ndarray, shape: tuple) -> np.ndarray:
    out = grid
    for axis, (dim, cells) in enumerate(zip(shape, grid.shape)):
        if cells != dim:
            out = np.repeat(out, dim // cells, axis=axis)
    return out


def dequantize(data: np.ndarray, scale: np.ndarray, offset1: np.ndarray,
               offset2: np.ndarray) -> np.ndarray:
    """``scale * (data - offset1) + offset2`` per block, in float64."""
    shape = data.shape
    s = _expand(scale.astype(np.float64), shape)
    z = _expand(offset1.astype(np.float64), shape)
    o = _expand(offset2.astype(np.float64), shape)
    return s * (data.astype(np.float64) - z) + o


def sqnr_db(reference: np.ndarray, approx: np.ndarray) -> float:
    """Signal-to-quantization-noise ratio in dB (inf when exact)."""
    ref = reference.astype(np.float64)
    noise = float(np.sum((ref - approx.astype(np.float64)) ** 2))
    signal = float(np.sum(ref ** 2))
    if noise == 0.0:
        return math.inf
    if signal == 0.0:
        return -math.inf
    return 10.0 * math.log10(signal / noise)


def _granularity(shape: tuple, grid: tuple):
    if all(g == 1 for g in grid):
        return "per_tensor", None
    blocks = [d // g for d, g in zip(shape, grid)]
    partial = [b for b, d in zip(blocks, shape) if 1 < b < d]
    if partial:
        return "per_block", partial[0]
    return "per_channel", None


def lut_to_dense(indices: np.ndarray, lut: np.ndarray, axis: int) -> np.ndarray:
    """``coreai.lut_to_dense``: LUT dims [G_0..G_{r-1}, P, V]; index position p
    reads the LUT of group p[d] // (I[d] / G[d]); with V > 1 each index
    expands to V consecutive elements along ``axis``."""
    rank = indices.ndim
    groups = lut.shape[:rank]
    v = lut.shape[-1]
    grid = np.indices(indices.shape, sparse=True)
    select = tuple(grid[d] // (indices.shape[d] // groups[d]) for d in range(rank))
    values = lut[select + (indices.astype(np.int64),)]
    if v == 1:
        return values[..., 0]
    moved = np.moveaxis(values, axis, -2)
    merged = moved.reshape(moved.shape[:-2] + (moved.shape[-2] * v,))
    return np.moveaxis(merged, -1, axis)


def _granularity_of_luts(shape: tuple, lut_shape: tuple):
    groups = lut_shape[:len(shape)]
    if all(g == 1 for g in groups):
        return "per_tensor", None
    sizes = [d // g for d, g in zip(shape, groups) if g != 1]
    return ("per_channel", None) if sizes == [1] else ("per_grouped_channel", sizes[0])


class QuantizationReport:
    """Rows of replaced weights, plus the constants left as they were."""

    def __init__(self, rows: List[WeightRow], unchanged: int):
        self.rows = rows
        self.unchanged = unchanged

    def as_dicts(self) -> List[dict]:
        """The rows as plain dicts."""
        return [row.as_dict() for row in self.rows]

    @property
    def bytes_before(self) -> int:
        """Bytes of the replaced weights before."""
        return sum(r.bytes_before for r in self.rows)

    @property
    def bytes_after(self) -> int:
        """Bytes of the constants that replace them."""
        return sum(r.bytes_after for r in self.rows)

    def __str__(self) -> str:
        # "block": the block size (quantization) or group size (palettization).
        header = ("location", "shape", "dtype", "granularity", "block", "SQNR dB",
                  "bytes before", "after")
        lines = [header]
        for r in self.rows:
            if r.method == "sparsify":
                stored = (f"{r.weight_dtype}->{r.zero_fraction:.1%} zeros"
                          + (f", {r.joint} {r.dtype}" if r.joint else ""))
            elif r.method == "palettize":
                vector = f"{r.lut_vector}x" if r.lut_vector and r.lut_vector > 1 else ""
                stored = (f"{r.weight_dtype}->{r.index_dtype} idx, LUT {r.lut_entries}x{vector}"
                          f"{r.dtype}")
            else:
                stored = f"{r.weight_dtype}->{r.dtype}"
            lines.append((r.location, "x".join(map(str, r.shape)), stored,
                          r.granularity, "" if r.block_size is None else str(r.block_size),
                          f"{r.sqnr_db:.2f}", str(r.bytes_before), str(r.bytes_after)))
        widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
        text = "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in lines)
        ratio = self.bytes_before / self.bytes_after if self.bytes_after else float("nan")
        past = {"quantize": "quantized", "palettize": "palettized", "sparsify": "sparsified"}
        done = {r.method for r in self.rows} or {"quantize"}
        verb = " and ".join(sorted(past[m] for m in done))
        return (f"{text}\n{len(self.rows)} weights {verb}, {self.unchanged} constants unchanged; "
                f"{self.bytes_before} -> {self.bytes_after} bytes ({ratio:.2f}x)")


_DECODE_OPS = ("coreai.blockwise_shift_scale", "coreai.lut_to_dense", "coreai.cast",
               "coreai.build_sparse_with_bitmask", "coreai.sparse_with_bitmask_to_dense")


def decode_value(value, constants=None) -> np.ndarray:
    """The float64 value of ``value`` computed from constants through the ops
    the weight transforms emit (``lut_to_dense``, ``blockwise_shift_scale``,
    ``build_sparse_with_bitmask``, ``sparse_with_bitmask_to_dense``,
    ``cast``), each as the op defines it. ``constants`` maps constant results
    to their ConstantInfo (a cache; read from the op otherwise)."""
    op = value.owner
    name = op.name
    if name == "coreai.constant":
        info = (constants or {}).get(value)
        return info.numpy() if info is not None else AIProgram.constant_to_numpy(op)
    if name not in _DECODE_OPS:
        raise ValueError(f"cannot decode {name}")
    args = [decode_value(v, constants) for v in op.operands]
    if name == "coreai.lut_to_dense":
        indices, lut, axis = args
        return lut_to_dense(indices.astype(np.int64), lut.astype(np.float64),
                            int(np.asarray(axis).reshape(())))
    if name == "coreai.blockwise_shift_scale":
        return dequantize(*args)
    if name == "coreai.build_sparse_with_bitmask":
        values, mask = args
        dense = np.zeros(mask.shape, dtype=np.float64)
        dense[mask.astype(bool)] = values.astype(np.float64)
        return dense
    return np.asarray(args[0]).astype(np.float64)   # sparse_with_bitmask_to_dense, cast


def _replacement_ops(value, location: str):
    """The decode ops of ``location`` that compute ``value``, outermost first."""
    op = value.owner
    if op.name in _DECODE_OPS and str(op.location) == location:
        yield op
        for v in op.operands:
            yield from _replacement_ops(v, location)


def quantization_report(before: AIProgram, after: AIProgram) -> QuantizationReport:
    """Matches each replacement in ``after`` (the last op of a chain of
    ``blockwise_shift_scale`` / ``lut_to_dense`` / sparse ops with the
    location of a constant of ``before``) to that constant, decodes it in
    float64 and measures it."""
    from mlir import ir

    originals: Dict[str, object] = {c.location: c for c in before.constants()}
    constants = {c.operation.results[0]: c for c in after.constants()}
    found = []

    def visit(op):
        if op.name in _DECODE_OPS:
            found.append(op)
        return ir.WalkResult.ADVANCE

    after.module.operation.walk(visit)
    rows: List[WeightRow] = []
    replaced = set()
    for op in found:
        location = str(op.location)
        original = originals.get(location)
        if original is None or location in replaced or any(
                use.owner.name in _DECODE_OPS and str(use.owner.location) == location
                for use in op.results[0].uses):
            continue   # not a replacement, or inside one
        row = _measure(op, original, constants)
        if row is not None:
            rows.append(row)
            replaced.add(location)
    return QuantizationReport(rows, unchanged=len(originals) - len(replaced))


def _measure(op, original, constants) -> Optional[WeightRow]:
    """The row of the replacement ending in ``op`` (None if it reads values
    that are not constants)."""
    location = str(op.location)
    result = op.results[0]
    try:
        approx = decode_value(result, constants)
    except (ValueError, KeyError):
        return None
    weight = original.numpy()
    ops = list(_replacement_ops(result, location))
    by_name = {o.name: o for o in reversed(ops)}   # the outermost of each kind
    stored = [constants[v] for o in ops for v in o.operands if v in constants]
    common = dict(location=location, shape=tuple(weight.shape),
                  weight_dtype=original.element_type,
                  sqnr_db=sqnr_db(weight.astype(np.float64), approx),
                  bytes_before=original.stored_bytes,
                  bytes_after=sum(c.stored_bytes for c in stored))

    def operand(name, index):
        return constants.get(by_name[name].operands[index]) if name in by_name else None

    bss_scale = operand("coreai.blockwise_shift_scale", 1)
    if "coreai.build_sparse_with_bitmask" in by_name:
        # The stored values: the sparse op's own operand, or what a LUT or a
        # scale decodes into it.
        values = (operand("coreai.lut_to_dense", 0) or operand("coreai.build_sparse_with_bitmask", 0)
                  or operand("coreai.blockwise_shift_scale", 0))
        joint = ("palettized" if "coreai.lut_to_dense" in by_name else
                 "quantized" if "coreai.blockwise_shift_scale" in by_name else "")
        return WeightRow(**common, dtype=values.element_type if values else "",
                         scale_dtype=bss_scale.element_type if bss_scale else "",
                         granularity="", block_size=None, method="sparsify",
                         zero_fraction=float(np.mean(approx == 0)), joint=joint)
    if "coreai.lut_to_dense" in by_name:
        indices, lut = operand("coreai.lut_to_dense", 0), operand("coreai.lut_to_dense", 1)
        granularity, group = _granularity_of_luts(weight.shape, lut.shape)
        return WeightRow(**common, dtype=lut.element_type,
                         scale_dtype=bss_scale.element_type if bss_scale else "",
                         granularity=granularity, block_size=group, method="palettize",
                         index_dtype=indices.element_type, lut_entries=int(lut.shape[-2]),
                         lut_vector=int(lut.shape[-1]))
    data, scale = operand("coreai.blockwise_shift_scale", 0), bss_scale
    if data is None or scale is None:
        return None
    granularity, block = _granularity(weight.shape, scale.shape)
    return WeightRow(**common, dtype=data.element_type, scale_dtype=scale.element_type,
                     granularity=granularity, block_size=block)


compression_report = quantization_report
