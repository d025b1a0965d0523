"""The command-line flags of quantize_weights' options, shared by
``coreai-quantize`` (cli.py) and ``python -m coreai_opt.aimodel``."""

from __future__ import annotations

import argparse

from .coreai_utils import CompressionGranularity, DType, QScheme


def add_quantize_options(p: argparse.ArgumentParser) -> None:
    """The options of quantize_weights, and of the report, as flags."""
    p.add_argument("--dtype", required=True,
                   choices=[d.value for d in DType if d is not DType.FP8_E8M0FNU])
    p.add_argument("--qscheme", default=QScheme.SYMMETRIC.value, choices=[q.value for q in QScheme])
    p.add_argument("--granularity", default=CompressionGranularity.PER_CHANNEL.value,
                   choices=[g.value for g in CompressionGranularity])
    p.add_argument("--block-size", type=int, default=32)
    p.add_argument("--weight-num-threshold", type=int, default=1024)
    p.add_argument("--scale-dtype", default=None, choices=[DType.FP8_E8M0FNU.value])
    p.add_argument("--no-report", action="store_true", help="do not print the per-weight table")
    p.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
