"""Weight SQNR of a compressed Linear model against its float original, for
either implementation's output (bench/bench_apple_paths.py).

Each ``coreai.transpose`` operand (the weights of coreai-torch's Linear layers)
is evaluated from its constants in numpy: ``lut_to_dense``, ``cast`` and
``blockwise_shift_scale`` as the ops define them, each result rounded to its
element type. Apple's reference and this project emit different op chains for
the same weight (casts around a float blockwise_shift_scale, or the direct
form); both evaluate here the same way.

    python bench/weight_sqnr.py ORIGINAL.mlir COMPRESSED.mlir  -> JSON {"sqnr_db": [...]}
"""

from __future__ import annotations

import json
import sys

import numpy as np
from mlir import ir

from coreai_opt import AIProgram
from coreai_opt.program import _NUMPY_TYPES
from coreai_opt.report import dequantize, lut_to_dense, sqnr_db


def _dtype(value_type) -> np.dtype:
    name = str(ir.ShapedType(value_type).element_type)
    return np.dtype(_NUMPY_TYPES.get(name, np.float64))


def evaluate(value) -> np.ndarray:
    op = value.owner
    name = op.name
    if name == "coreai.constant":
        return AIProgram.constant_to_numpy(op)
    args = [evaluate(v) for v in op.operands]
    if name == "coreai.lut_to_dense":
        indices, lut, axis = args
        out = lut_to_dense(indices, lut, int(np.asarray(axis).reshape(())))
    elif name == "coreai.cast":
        out = args[0]
    elif name == "coreai.blockwise_shift_scale":
        out = dequantize(*args)
    else:
        raise ValueError(f"cannot evaluate {name}")
    return np.asarray(out).astype(np.float64).astype(_dtype(value.type))


def weights(path: str) -> list:
    program = AIProgram.load(path)
    found = []

    def visit(op):
        if op.name == "coreai.transpose":
            found.append(evaluate(op.operands[0]).astype(np.float64))
        return ir.WalkResult.ADVANCE

    program.module.operation.walk(visit)
    return found


def main(argv) -> None:
    original, compressed = weights(argv[0]), weights(argv[1])
    assert len(original) == len(compressed), (len(original), len(compressed))
    print(json.dumps({"sqnr_db": [sqnr_db(o, c) for o, c in zip(original, compressed)]}))


if __name__ == "__main__":
    main(sys.argv[1:])
