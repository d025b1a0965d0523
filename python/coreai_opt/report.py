"""What quantization did to each weight: one row per quantized constant."""

from __future__ import annotations

import dataclasses
import math
from typing import Dict, List, Optional

import numpy as np

from .program import AIProgram


@dataclasses.dataclass
class WeightRow:
    """One quantized weight. ``location`` is the key: the quantized ops keep
    the location of the constant they replace."""

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


class QuantizationReport:
    """Rows of quantized weights, plus the constants left as they were."""

    def __init__(self, rows: List[WeightRow], unchanged: int):
        self.rows = rows
        self.unchanged = unchanged

    def as_dicts(self) -> List[dict]:
        """The rows as plain dicts."""
        return [row.as_dict() for row in self.rows]

    @property
    def bytes_before(self) -> int:
        """Bytes of the quantized weights before quantization."""
        return sum(r.bytes_before for r in self.rows)

    @property
    def bytes_after(self) -> int:
        """Bytes of their data, scale and offset constants after."""
        return sum(r.bytes_after for r in self.rows)

    def __str__(self) -> str:
        header = ("location", "shape", "dtype", "granularity", "block", "SQNR dB", "bytes before", "after")
        lines = [header]
        for r in self.rows:
            lines.append((r.location, "x".join(map(str, r.shape)), f"{r.weight_dtype}->{r.dtype}",
                          r.granularity, "" if r.block_size is None else str(r.block_size),
                          f"{r.sqnr_db:.2f}", str(r.bytes_before), str(r.bytes_after)))
        widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
        text = "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in lines)
        ratio = self.bytes_before / self.bytes_after if self.bytes_after else float("nan")
        return (f"{text}\n{len(self.rows)} weights quantized, {self.unchanged} constants unchanged; "
                f"{self.bytes_before} -> {self.bytes_after} bytes ({ratio:.2f}x)")


def quantization_report(before: AIProgram, after: AIProgram) -> QuantizationReport:
    """Matches each ``coreai.blockwise_shift_scale`` of ``after`` to the
    constant of ``before`` with the same location and measures it."""
    originals: Dict[str, object] = {c.location: c for c in before.constants()}
    constants = {c.operation.results[0]: c for c in after.constants()}
    rows: List[WeightRow] = []
    quantized_locations = set()

    found = []

    def visit(op):
        if op.name == "coreai.blockwise_shift_scale":
            found.append(op)
        from mlir import ir
        return ir.WalkResult.ADVANCE

    after.module.operation.walk(visit)
    for op in found:
        location = str(op.location)
        original = originals.get(location)
        parts = [constants.get(v) for v in op.operands]
        if original is None or any(p is None for p in parts):
            continue
        data, scale, offset1, offset2 = (p.numpy() for p in parts)
        weight = original.numpy()
        approx = dequantize(data, scale, offset1, offset2)
        granularity, block = _granularity(weight.shape, scale.shape)
        bytes_after = sum(p.stored_bytes for p in parts)
        rows.append(WeightRow(
            location=location, shape=tuple(weight.shape), weight_dtype=original.element_type,
            dtype=parts[0].element_type, scale_dtype=parts[1].element_type,
            granularity=granularity, block_size=block,
            sqnr_db=sqnr_db(weight.astype(np.float64), approx),
            bytes_before=original.stored_bytes, bytes_after=bytes_after))
        quantized_locations.add(location)
    return QuantizationReport(rows, unchanged=len(originals) - len(quantized_locations))
