"""Quantizes, palettizes and sparsifies a real Core AI program with several
configurations and prints what each did. Run with `make demo` (or `python demo/demo.py [model.mlir]`).

The default model is test/interop/models/encoder.f32.mlir: a PyTorch
nn.TransformerEncoderLayer (d_model 64, 4 heads, feed-forward 128) converted
by Apple's coreai-torch 0.4.3 (test/interop/make_models.py made it; see
test/interop/models/README.md).
"""

from __future__ import annotations

import argparse
import os
import logging
import statistics
import sys
import time
from pathlib import Path

from coreai_opt import AIProgram
from coreai_opt.coreai_utils import CompressionGranularity as G
from coreai_opt.coreai_utils import DType, palettize_weights, quantize_weights, sparsify_weights
from coreai_opt.report import compression_report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "test" / "interop" / "models" / "encoder.f32.mlir"

CONFIGS = [
    ("int8-per-channel", quantize_weights, dict(dtype=DType.INT8)),
    ("int4-per-block32", quantize_weights,
     dict(dtype=DType.INT4, granularity=G.PER_BLOCK, block_size=32)),
    ("fp8-e8m0-per-block32", quantize_weights,
     dict(dtype=DType.FP8_E4M3FN, granularity=G.PER_BLOCK, block_size=32,
          scale_dtype=DType.FP8_E8M0FNU)),
    ("fp4-per-block32", quantize_weights,
     dict(dtype=DType.FP4_E2M1FN, granularity=G.PER_BLOCK, block_size=32)),
    ("lut4-per-tensor", palettize_weights, dict(n_bits=4)),
    ("lut4-per-group16", palettize_weights,
     dict(n_bits=4, granularity=G.PER_GROUPED_CHANNEL, group_size=16)),
    ("lut3-int8-lut-pcs", palettize_weights,
     dict(n_bits=3, lut_dtype=DType.INT8, enable_per_channel_scale=True)),
    ("lut6-vectors2", palettize_weights, dict(n_bits=6, cluster_dim=2)),
    ("sparse50", sparsify_weights, dict(target_sparsity=0.5)),
    ("sparse2of4-int8", sparsify_weights, dict(target_sparsity=None, n_m_ratio=(2, 4),
                                              quantize_dtype=DType.INT8)),
    ("sparse50-lut4", sparsify_weights, dict(target_sparsity=0.5, palettize_nbits=4)),
]


class _Count(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--out-dir", type=Path, default=ROOT / "demo" / "out")
    parser.add_argument("--threshold", type=int, default=1024,
                        help="weight_num_threshold (default 1024)")
    args = parser.parse_args(argv)

    # Locations name the file as given: relative to the working directory when inside it.
    model = Path(os.path.relpath(args.model)) if args.model.resolve().is_relative_to(Path.cwd()) \
        else args.model
    program = AIProgram.load(model)
    program.verify()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    print(f"model: {args.model.relative_to(ROOT) if args.model.is_relative_to(ROOT) else args.model}")
    print(f"constants: {sum(1 for _ in program.constants())}\n")

    logger = logging.getLogger("coreai_opt.coreai_utils")
    header = ("configuration", "compressed", "skipped", "bytes before -> after", "ratio",
              "median SQNR", "worst SQNR", "time ms", "written to")
    rows = [header]
    int4_report = lut_report = None
    for name, transform, options in CONFIGS:
        counter = _Count()
        logger.addHandler(counter)
        start = time.perf_counter()
        quantized = transform(program, weight_num_threshold=args.threshold, **options)
        elapsed = (time.perf_counter() - start) * 1e3
        logger.removeHandler(counter)
        quantized.verify()
        out = args.out_dir / f"{args.model.stem}.{name}.mlir"
        quantized.save(out)
        report = compression_report(program, quantized)
        sqnrs = [r.sqnr_db for r in report.rows]
        rows.append((
            name, str(len(report.rows)), str(len(counter.messages)),
            f"{report.bytes_before} -> {report.bytes_after}",
            f"{report.bytes_before / report.bytes_after:.2f}x" if report.bytes_after else "-",
            f"{statistics.median(sqnrs):.2f} dB" if sqnrs else "-",
            f"{min(sqnrs):.2f} dB" if sqnrs else "-",
            f"{elapsed:.1f}", str(out.relative_to(ROOT) if out.is_relative_to(ROOT) else out)))
        for message in counter.messages:
            print(f"  [{name}] warning: {message}")
        if name == "int4-per-block32":
            int4_report = report
        if name == "lut4-per-group16":
            lut_report = report
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for i, row in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print("\nPer-weight report of int4-per-block32:")
    print(int4_report)
    print("\nPer-weight report of lut4-per-group16:")
    print(lut_report)
    print("\nPer-weight report of the last configuration (sparsification):")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
