"""``quantize_weights``: low-bit data and scales feeding
``coreai.blockwise_shift_scale`` (the quantize-weights pass)."""

from __future__ import annotations

from typing import Optional, Union

from .. import _coreai
from ._args import bool_arg, enum_value, int_arg
from ._transform import transform
from .common import CompressionGranularity, DType, QScheme

__all__ = ["quantize_weights", "quantize_weights_pipeline"]


def _pipeline(dtype: str, qscheme: str, granularity: str, block_size: int,
              weight_num_threshold: int, scale_dtype: Optional[str]) -> str:
    options = [f"dtype={dtype}", f"qscheme={qscheme}", f"granularity={granularity}",
               f"block-size={block_size}", f"weight-num-threshold={weight_num_threshold}"]
    if scale_dtype:
        options.append(f"scale-dtype={scale_dtype}")
    return "builtin.module(quantize-weights{" + " ".join(options) + "})"


def quantize_weights(
    coreai_program,
    dtype: Union[DType, str],
    qscheme: Union[QScheme, str] = QScheme.SYMMETRIC,
    granularity: Union[CompressionGranularity, str] = CompressionGranularity.PER_CHANNEL,
    block_size: int = 32,
    weight_num_threshold: int = 1024,
    scale_dtype: Optional[Union[DType, str]] = None,
    in_place: bool = False,
):
    """Quantize the weights of a Core AI program with Core AI ops.

    Each ``coreai.constant`` consumed by matmuls, convolutions, gathers or
    transposes and holding more than ``weight_num_threshold`` elements (or at
    least 1e8, whatever its users) becomes low-bit data, a scale and zero
    points feeding a ``coreai.blockwise_shift_scale``. Constants that cannot
    be quantized are left unchanged with a warning on the
    ``coreai_opt.coreai_utils`` logger.

    Args:
        coreai_program: an ``AIProgram`` (ours, or Apple's
            ``coreai.authoring.AIProgram``).
        dtype: the data type (``DType.INT8``, ``DType.INT4``,
            ``DType.FP8_E4M3FN``, ``DType.FP4_E2M1FN``, ...).
        qscheme: ``QScheme.SYMMETRIC`` or ``QScheme.ASYMMETRIC`` (integer
            types only).
        granularity: ``PER_TENSOR``, ``PER_CHANNEL`` or ``PER_BLOCK``.
        block_size: block size along the input axis for ``PER_BLOCK``.
        weight_num_threshold: weights with at most this many elements stay.
        scale_dtype: ``None`` (scale in the weight's type) or, for FP8,
            ``DType.FP8_E8M0FNU`` (power-of-two scales). FP4 always uses
            E8M0FNU scales and requires ``scale_dtype=None``.
        in_place: modify ``coreai_program`` and return it; otherwise it is
            left unchanged and a new program is returned.

    Returns:
        The quantized program, of the same kind as ``coreai_program``.

    Raises:
        ValueError: invalid option values or combinations (checked before the
            program is touched).
        TypeError: arguments of the wrong type.
    """
    pipeline = _checked_pipeline(dtype, qscheme, granularity, block_size,
                                 weight_num_threshold, scale_dtype, in_place)
    return transform(coreai_program, pipeline, in_place)


def quantize_weights_pipeline(
    dtype: Union[DType, str],
    qscheme: Union[QScheme, str] = QScheme.SYMMETRIC,
    granularity: Union[CompressionGranularity, str] = CompressionGranularity.PER_CHANNEL,
    block_size: int = 32,
    weight_num_threshold: int = 1024,
    scale_dtype: Optional[Union[DType, str]] = None,
) -> str:
    """The pass pipeline ``quantize_weights`` runs for these options
    (``builtin.module(quantize-weights{...})``, for ``coreai-opt
    --pass-pipeline`` or ``AIProgram.run_pipeline``), after the same checks
    (ValueError, TypeError)."""
    return _checked_pipeline(dtype, qscheme, granularity, block_size,
                             weight_num_threshold, scale_dtype, False)


def _checked_pipeline(dtype, qscheme, granularity, block_size, weight_num_threshold,
                      scale_dtype, in_place) -> str:
    """quantize_weights' checks, in the reference's order, then its pipeline."""
    dtype_value = enum_value(dtype, DType, "dtype")
    qscheme_value = enum_value(qscheme, QScheme, "qscheme")
    granularity_value = enum_value(granularity, CompressionGranularity, "granularity")
    scale_value = None if scale_dtype is None else enum_value(scale_dtype, DType, "scale_dtype")
    block_size = int_arg(block_size, "block_size")
    weight_num_threshold = int_arg(weight_num_threshold, "weight_num_threshold")
    bool_arg(in_place, "in_place")
    for name, value in (("dtype", dtype_value), ("qscheme", qscheme_value),
                        ("granularity", granularity_value), ("scale_dtype", scale_value or "")):
        if any(c in value for c in "{} ="):
            raise ValueError(f"Invalid {name} {value!r}")
    message = _coreai.validate_quantize_options(
        dtype_value, qscheme_value, granularity_value, block_size,
        weight_num_threshold, scale_value or "")
    if message:
        raise ValueError(message)
    return _pipeline(dtype_value, qscheme_value, granularity_value, block_size,
                     weight_num_threshold, scale_value)
