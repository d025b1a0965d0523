"""The command-line flags of the transforms' options, shared by
``coreai-quantize`` / ``coreai-palettize`` / ``coreai-sparsify`` (cli.py) and
the asset commands (aimodel.py)."""

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
    _add_report_options(p)


def quantize_kwargs(args: argparse.Namespace) -> dict:
    """quantize_weights' keyword arguments from the flags."""
    return dict(dtype=args.dtype, qscheme=args.qscheme, granularity=args.granularity,
                block_size=args.block_size, weight_num_threshold=args.weight_num_threshold,
                scale_dtype=args.scale_dtype)


def add_palettize_options(p: argparse.ArgumentParser) -> None:
    """The options of palettize_weights (those that change the result), and of
    the report, as flags."""
    p.add_argument("--lut-dtype", default=None,
                   choices=[d.value for d in (DType.INT8, DType.UINT8, DType.FP8_E4M3FN,
                                              DType.FP8_E5M2)],
                   help="quantize each LUT (default: the LUT in the weight's type)")
    p.add_argument("--n-bits", type=int, default=4, choices=[1, 2, 3, 4, 6, 8])
    p.add_argument("--granularity", default=CompressionGranularity.PER_TENSOR.value,
                   choices=[g.value for g in (CompressionGranularity.PER_TENSOR,
                                              CompressionGranularity.PER_CHANNEL,
                                              CompressionGranularity.PER_GROUPED_CHANNEL)])
    p.add_argument("--group-size", type=int, default=32)
    p.add_argument("--cluster-dim", type=int, default=1)
    p.add_argument("--per-channel-scale", action="store_true")
    p.add_argument("--weight-num-threshold", type=int, default=1024)
    _add_report_options(p)


def palettize_kwargs(args: argparse.Namespace) -> dict:
    """palettize_weights' keyword arguments from the flags."""
    return dict(lut_dtype=args.lut_dtype, n_bits=args.n_bits, granularity=args.granularity,
                group_size=args.group_size, cluster_dim=args.cluster_dim,
                enable_per_channel_scale=args.per_channel_scale,
                weight_num_threshold=args.weight_num_threshold)


def add_sparsify_options(p: argparse.ArgumentParser) -> None:
    """The options of sparsify_weights, and of the report, as flags."""
    p.add_argument("--target-sparsity", default="0.5",
                   help="fraction pruned in [0, 1], or `none` with --n-m-ratio (default 0.5)")
    p.add_argument("--block-size", type=int, default=None)
    p.add_argument("--n-m-ratio", default=None, metavar="N:M",
                   help="prune N of every M elements along the input axis")
    p.add_argument("--quantize-dtype", default=None,
                   choices=[d.value for d in (DType.INT8, DType.UINT8, DType.FP8_E4M3FN,
                                              DType.FP8_E5M2)])
    p.add_argument("--palettize-nbits", type=int, default=None, choices=[1, 2, 3, 4, 6, 8])
    p.add_argument("--weight-num-threshold", type=int, default=1024)
    _add_report_options(p)


def sparsify_kwargs(args: argparse.Namespace) -> dict:
    """sparsify_weights' keyword arguments from the flags (ValueError for a
    malformed --target-sparsity or --n-m-ratio)."""
    sparsity = None if args.target_sparsity.lower() == "none" else float(args.target_sparsity)
    n_m = None
    if args.n_m_ratio is not None:
        parts = args.n_m_ratio.replace(",", ":").split(":")
        if len(parts) != 2 or not all(p.strip().lstrip("-").isdigit() for p in parts):
            raise ValueError(f"--n-m-ratio must be N:M, got {args.n_m_ratio!r}")
        n_m = (int(parts[0]), int(parts[1]))
        if args.target_sparsity == "0.5":   # the default: n:m replaces it
            sparsity = None
    return dict(target_sparsity=sparsity, block_size=args.block_size, n_m_ratio=n_m,
                quantize_dtype=args.quantize_dtype, palettize_nbits=args.palettize_nbits,
                weight_num_threshold=args.weight_num_threshold)


def _add_report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-report", action="store_true", help="do not print the per-weight table")
    p.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
