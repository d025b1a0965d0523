"""``coreai-quantize``: quantize a Core AI program from the command line and
print what was done to each weight.

    coreai-quantize model.mlir -o model.int4.mlir --dtype int4 --granularity per_block
    coreai-quantize model.aimodel -o model.int4.aimodel --dtype int4 --granularity per_block

The output is written atomically (temporary file renamed into place); on any
error nothing is written and the exit code is 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import List, Optional

from ._options import add_quantize_options
from .coreai_utils import quantize_weights
from .errors import CoreAIError
from .program import AIProgram
from .report import quantization_report


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="coreai-quantize",
        description="Quantize the weights of a Core AI program (.mlir text or .mlirbc bytecode; "
                    ".aimodel assets go through Apple's coreai).")
    p.add_argument("input", type=Path, help="the program to quantize")
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="where to write the result (.mlirbc: bytecode); may be the input")
    add_quantize_options(p)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    """Runs ``coreai-quantize``; returns the exit code (0, or 1 on any error)."""
    known, _ = _parser().parse_known_args(argv)
    if known.input.suffix == ".aimodel" or known.input.is_dir():
        # Apple's assets go through coreai (see docs/aimodel.md).
        from .aimodel import main as asset_main

        return asset_main(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    logging.basicConfig(format="coreai-quantize: warning: %(message)s", level=logging.WARNING)

    def say(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    try:
        start = time.perf_counter()
        say(f"reading {args.input} ...")
        program = AIProgram.load(args.input)
        say(f"quantizing ({args.dtype}, {args.granularity}) ...")
        quantized = quantize_weights(
            program, args.dtype, qscheme=args.qscheme, granularity=args.granularity,
            block_size=args.block_size, weight_num_threshold=args.weight_num_threshold,
            scale_dtype=args.scale_dtype)
        say(f"writing {args.output} ...")
        quantized.save(args.output)
        elapsed = time.perf_counter() - start
    except (ValueError, TypeError, CoreAIError, OSError) as e:
        print(f"coreai-quantize: error: {e}", file=sys.stderr)
        return 1
    if not args.no_report:
        print(quantization_report(program, quantized))
    say(f"done in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
