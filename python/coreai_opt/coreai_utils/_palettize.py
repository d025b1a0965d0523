"""``palettize_weights``: indices into look-up tables decoded by
``coreai.lut_to_dense`` (the palettize-weights pass)."""

from __future__ import annotations

from typing import Optional, Union

from .. import _coreai
from ._args import bool_arg, enum_value, int_arg
from ._transform import transform
from .common import CompressionGranularity, DType

__all__ = ["palettize_weights", "palettize_weights_pipeline"]


def palettize_weights(
    coreai_program,
    lut_dtype: Optional[Union[DType, str]] = None,
    n_bits: int = 4,
    granularity: Union[CompressionGranularity, str] = CompressionGranularity.PER_TENSOR,
    group_size: int = 32,
    cluster_dim: int = 1,
    enable_per_channel_scale: bool = False,
    weight_num_threshold: int = 1024,
    num_kmeans_workers: int = 4,
    enable_fast_kmeans_mode: bool = True,
    rounding_precision: int = 4,
    in_place: bool = False,
):
    """Palettize the weights of a Core AI program with Core AI ops.

    Each candidate ``coreai.constant`` (the constants ``quantize_weights``
    takes) becomes ``n_bits``-bit indices into look-up tables (LUTs) of
    ``2**n_bits`` entries, decoded by a ``coreai.lut_to_dense``. The LUT of
    each group is an optimal 1-D k-means of its values (a seeded multi-start
    k-means of its vectors when ``cluster_dim > 1``), and every index selects
    the entry whose decoded value is nearest to the weight. Constants that
    cannot be palettized are left unchanged with a warning on the
    ``coreai_opt.coreai_utils`` logger.

    Args:
        coreai_program: an ``AIProgram`` (ours, or Apple's
            ``coreai.authoring.AIProgram``).
        lut_dtype: ``None`` (the LUT in the weight's type), or ``DType.INT8``,
            ``DType.UINT8``, ``DType.FP8_E4M3FN``, ``DType.FP8_E5M2``: each
            group's LUT quantized symmetrically with its own scale, decoded by
            a ``coreai.blockwise_shift_scale``.
        n_bits: index bits, one of 1, 2, 3, 4, 6, 8.
        granularity: ``PER_TENSOR`` (one LUT), ``PER_CHANNEL`` (one per
            output channel) or ``PER_GROUPED_CHANNEL`` (one per
            ``group_size`` output channels).
        group_size: output channels per LUT for ``PER_GROUPED_CHANNEL``
            (0: one LUT).
        cluster_dim: elements per LUT entry, consecutive along the output
            axis.
        enable_per_channel_scale: divide each output channel by its max |w|
            before clustering (a per-channel scale restores it); not with
            ``cluster_dim > 1``.
        weight_num_threshold: weights with at most this many elements stay.
        num_kmeans_workers, enable_fast_kmeans_mode, rounding_precision:
            accepted for compatibility; the result is the same for any value
            (the clustering is exact, multi-threaded, and never rounds the
            weights to a coarser grid first).
        in_place: modify ``coreai_program`` and return it; otherwise it is
            left unchanged and a new program is returned.

    Returns:
        The palettized program, of the same kind as ``coreai_program``.

    Raises:
        ValueError: invalid option values or combinations (checked before the
            program is touched, in the order of Apple's API).
        TypeError: arguments of the wrong type.
    """
    pipeline = _checked_pipeline(lut_dtype, n_bits, granularity, group_size, cluster_dim,
                                 enable_per_channel_scale, weight_num_threshold,
                                 num_kmeans_workers, enable_fast_kmeans_mode,
                                 rounding_precision, in_place)
    return transform(coreai_program, pipeline, in_place)


def palettize_weights_pipeline(
    lut_dtype: Optional[Union[DType, str]] = None,
    n_bits: int = 4,
    granularity: Union[CompressionGranularity, str] = CompressionGranularity.PER_TENSOR,
    group_size: int = 32,
    cluster_dim: int = 1,
    enable_per_channel_scale: bool = False,
    weight_num_threshold: int = 1024,
) -> str:
    """The pass pipeline ``palettize_weights`` runs for these options
    (``builtin.module(palettize-weights{...})``, for ``coreai-opt
    --pass-pipeline`` or ``AIProgram.run_pipeline``), after the same checks
    (ValueError, TypeError)."""
    return _checked_pipeline(lut_dtype, n_bits, granularity, group_size, cluster_dim,
                             enable_per_channel_scale, weight_num_threshold, 4, True, 4,
                             False)


def _checked_pipeline(lut_dtype, n_bits, granularity, group_size, cluster_dim,
                      enable_per_channel_scale, weight_num_threshold, num_kmeans_workers,
                      enable_fast_kmeans_mode, rounding_precision, in_place) -> str:
    """palettize_weights' checks (types first, then the values in the
    reference's order), then its pipeline."""
    lut_value = "" if lut_dtype is None else enum_value(lut_dtype, DType, "lut_dtype")
    granularity_value = enum_value(granularity, CompressionGranularity, "granularity")
    n_bits = int_arg(n_bits, "n_bits")
    grouped = granularity_value == CompressionGranularity.PER_GROUPED_CHANNEL.value
    group_size = int_arg(group_size, "group_size") if grouped else 32
    cluster_dim = int_arg(cluster_dim, "cluster_dim")
    weight_num_threshold = int_arg(weight_num_threshold, "weight_num_threshold")
    int_arg(num_kmeans_workers, "num_kmeans_workers")
    int_arg(rounding_precision, "rounding_precision")
    per_channel_scale = bool_arg(enable_per_channel_scale, "enable_per_channel_scale")
    bool_arg(enable_fast_kmeans_mode, "enable_fast_kmeans_mode")
    bool_arg(in_place, "in_place")
    message = _coreai.validate_palettize_options(
        lut_value, n_bits, granularity_value, group_size, cluster_dim, per_channel_scale,
        weight_num_threshold, repr(lut_dtype), repr(granularity))
    if message:
        raise ValueError(message)
    options = [f"n-bits={n_bits}", f"granularity={granularity_value}",
               f"group-size={group_size}", f"cluster-dim={cluster_dim}",
               f"per-channel-scale={'true' if per_channel_scale else 'false'}",
               f"weight-num-threshold={weight_num_threshold}"]
    if lut_value:
        options.insert(0, f"lut-dtype={lut_value}")
    return "builtin.module(palettize-weights{" + " ".join(options) + "})"
