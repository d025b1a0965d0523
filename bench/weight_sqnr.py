"""Weight SQNR of a compressed Linear model against its float original, for
either implementation's output (bench/bench_apple_paths.py).

Each ``coreai.transpose`` operand (the weights of coreai-torch's Linear layers)
is decoded from its constants in float64 by the report's decoder
(``coreai_opt.report.decode_value``). Apple's reference and this project emit
different op chains for the same weight (casts around a float
blockwise_shift_scale, or the direct form); both decode the same way.

    python bench/weight_sqnr.py ORIGINAL.mlir COMPRESSED.mlir
        -> JSON {"sqnr_db": [...], "zeros": [fraction of zeros, ...]} per layer
"""

from __future__ import annotations

import json
import sys

import numpy as np
from mlir import ir

from coreai_opt import AIProgram
from coreai_opt.report import decode_value, sqnr_db


def weights(path: str) -> list:
    program = AIProgram.load(path)
    found = []

    def visit(op):
        if op.name == "coreai.transpose":
            found.append(decode_value(op.operands[0]))
        return ir.WalkResult.ADVANCE

    program.module.operation.walk(visit)
    return found


def main(argv) -> None:
    original, compressed = weights(argv[0]), weights(argv[1])
    assert len(original) == len(compressed), (len(original), len(compressed))
    print(json.dumps({"sqnr_db": [sqnr_db(o, c) for o, c in zip(original, compressed)],
                      "zeros": [float(np.mean(c == 0)) for c in compressed]}))


if __name__ == "__main__":
    main(sys.argv[1:])
