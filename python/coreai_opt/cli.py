"""``coreai-quantize``, ``coreai-palettize`` and ``coreai-sparsify``: compress
the weights of a Core AI program from the command line and print what was done
to each weight.

    coreai-quantize model.mlir -o model.int4.mlir --dtype int4 --granularity per_block
    coreai-palettize model.mlir -o model.lut4.mlir --n-bits 4 --granularity per_grouped_channel
    coreai-sparsify model.mlir -o model.24.mlir --n-m-ratio 2:4 --quantize-dtype int8
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

from . import coreai_utils
from ._options import (add_palettize_options, add_quantize_options, add_sparsify_options,
                       palettize_kwargs, quantize_kwargs, sparsify_kwargs)
from .errors import CoreAIError
from .program import AIProgram
from .report import compression_report

_ING = {"quantize": "quantizing", "palettize": "palettizing", "sparsify": "sparsifying"}
_TRANSFORMS = {
    "quantize": (add_quantize_options, quantize_kwargs),
    "palettize": (add_palettize_options, palettize_kwargs),
    "sparsify": (add_sparsify_options, sparsify_kwargs),
}


def _parser(transform: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"coreai-{transform}",
        description=f"{transform.capitalize()} the weights of a Core AI program (.mlir text or "
                    ".mlirbc bytecode; .aimodel assets go through Apple's coreai).")
    p.add_argument("input", type=Path, help=f"the program to {transform}")
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="where to write the result (.mlirbc: bytecode); may be the input")
    _TRANSFORMS[transform][0](p)
    return p


def run(transform: str, argv: Optional[List[str]] = None) -> int:
    """Runs ``coreai-<transform>``; returns the exit code (0, or 1 on any error)."""
    command = f"coreai-{transform}"
    known, _ = _parser(transform).parse_known_args(argv)
    if known.input.suffix == ".aimodel" or known.input.is_dir():
        # Apple's assets go through coreai (see docs/aimodel.md).
        from .aimodel import main as asset_main

        return asset_main(sys.argv[1:] if argv is None else argv, transform)
    args = _parser(transform).parse_args(argv)
    logging.basicConfig(format=f"{command}: warning: %(message)s", level=logging.WARNING)
    try:
        kwargs = _TRANSFORMS[transform][1](args)
    except ValueError as e:
        print(f"{command}: error: {e}", file=sys.stderr)
        return 1

    def say(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    try:
        start = time.perf_counter()
        say(f"reading {args.input} ...")
        program = AIProgram.load(args.input)
        say(f"{_ING[transform]} ({', '.join(f'{k}={v}' for k, v in kwargs.items())}) ...")
        result = getattr(coreai_utils, f"{transform}_weights")(program, **kwargs)
        say(f"writing {args.output} ...")
        result.save(args.output)
        elapsed = time.perf_counter() - start
    except (ValueError, TypeError, CoreAIError, OSError) as e:
        print(f"{command}: error: {e}", file=sys.stderr)
        return 1
    if not args.no_report:
        print(compression_report(program, result))
    say(f"done in {elapsed:.2f} s")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    """``coreai-quantize``."""
    return run("quantize", argv)


def palettize_main(argv: Optional[List[str]] = None) -> int:
    """``coreai-palettize``."""
    return run("palettize", argv)


def sparsify_main(argv: Optional[List[str]] = None) -> int:
    """``coreai-sparsify``."""
    return run("sparsify", argv)


if __name__ == "__main__":
    sys.exit(main())
