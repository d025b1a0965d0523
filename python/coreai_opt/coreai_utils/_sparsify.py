"""``sparsify_weights``: the kept values of each weight and a bitmask, joined
by ``coreai.build_sparse_with_bitmask`` (the sparsify-weights pass)."""

from __future__ import annotations

import numbers
from typing import Optional, Sequence, Union

from .. import _coreai
from ._args import bool_arg, enum_value, int_arg
from ._transform import transform
from .common import DType

__all__ = ["sparsify_weights", "sparsify_weights_pipeline"]


def sparsify_weights(
    coreai_program,
    target_sparsity: Optional[float] = 0.5,
    block_size: Optional[int] = None,
    n_m_ratio: Optional[Sequence[int]] = None,
    quantize_dtype: Optional[Union[DType, str]] = None,
    palettize_nbits: Optional[int] = None,
    weight_num_threshold: int = 1024,
    in_place: bool = False,
):
    """Sparsify the weights of a Core AI program with Core AI ops.

    Each candidate ``coreai.constant`` (the constants ``quantize_weights``
    takes) becomes its kept non-zero values and a ``ui1`` bitmask, joined by
    ``coreai.build_sparse_with_bitmask`` and expanded by
    ``coreai.sparse_with_bitmask_to_dense``. Exactly ``floor(N * s)`` elements
    of smallest magnitude are pruned (ties: the lower index first); with
    ``block_size``, ``floor(B * s)`` whole blocks of ``block_size`` elements
    along the output axis; with ``n_m_ratio=(n, m)``, the ``n`` smallest of
    every ``m`` consecutive elements along the input axis. Constants that
    cannot be sparsified are left unchanged with a warning on the
    ``coreai_opt.coreai_utils`` logger.

    Args:
        coreai_program: an ``AIProgram`` (ours, or Apple's
            ``coreai.authoring.AIProgram``).
        target_sparsity: the fraction pruned, in [0, 1]; ``None`` to use
            ``n_m_ratio``.
        block_size: prune whole blocks of this many elements (> 1) along the
            output axis.
        n_m_ratio: ``(n, m)``: prune ``n`` of every ``m`` elements along the
            input axis (with ``target_sparsity=None``).
        quantize_dtype: also quantize the kept values: ``DType.INT8``,
            ``DType.UINT8``, ``DType.FP8_E4M3FN`` or ``DType.FP8_E5M2``.
        palettize_nbits: also palettize the kept values with one LUT of
            ``2**palettize_nbits`` entries (1, 2, 3, 4, 6 or 8).
        weight_num_threshold: weights with at most this many elements stay.
        in_place: modify ``coreai_program`` and return it; otherwise it is
            left unchanged and a new program is returned.

    Returns:
        The sparsified program, of the same kind as ``coreai_program``.

    Raises:
        ValueError: invalid option values or combinations (checked before the
            program is touched, in the order of Apple's API).
        TypeError: arguments of the wrong type.
    """
    pipeline = _checked_pipeline(target_sparsity, block_size, n_m_ratio, quantize_dtype,
                                 palettize_nbits, weight_num_threshold, in_place)
    return transform(coreai_program, pipeline, in_place)


def sparsify_weights_pipeline(
    target_sparsity: Optional[float] = 0.5,
    block_size: Optional[int] = None,
    n_m_ratio: Optional[Sequence[int]] = None,
    quantize_dtype: Optional[Union[DType, str]] = None,
    palettize_nbits: Optional[int] = None,
    weight_num_threshold: int = 1024,
) -> str:
    """The pass pipeline ``sparsify_weights`` runs for these options
    (``builtin.module(sparsify-weights{...})``, for ``coreai-opt
    --pass-pipeline`` or ``AIProgram.run_pipeline``), after the same checks
    (ValueError, TypeError)."""
    return _checked_pipeline(target_sparsity, block_size, n_m_ratio, quantize_dtype,
                             palettize_nbits, weight_num_threshold, False)


def _is_int(value) -> bool:
    """A Python or numpy integer, not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and \
        type(value).__name__ != "bool_"


def _n_m_problem(n_m_ratio) -> Optional[str]:
    """The reference's structural checks of n_m_ratio (its length, then its
    element types); None when it is two integers."""
    if len(n_m_ratio) != 2:
        return f"`n_m_ratio` must be a tuple of length 2, got length {len(n_m_ratio)}."
    if not all(_is_int(v) for v in n_m_ratio):
        names = ", ".join(type(v).__name__ for v in n_m_ratio)
        return f"`n_m_ratio` must contain integers, got ({names})."
    return None


def _checked_pipeline(target_sparsity, block_size, n_m_ratio, quantize_dtype,
                      palettize_nbits, weight_num_threshold, in_place) -> str:
    """sparsify_weights' checks (types first, then the values in the
    reference's order), then its pipeline."""
    if target_sparsity is not None and (isinstance(target_sparsity, bool) or
                                        not isinstance(target_sparsity, numbers.Real)):
        raise TypeError("target_sparsity must be a number or None, got "
                        f"{type(target_sparsity).__name__}")
    if block_size is not None:
        int_arg(block_size, "block_size")
    if n_m_ratio is not None and not isinstance(n_m_ratio, (tuple, list)):
        raise TypeError(f"n_m_ratio must be a tuple or a list, got {type(n_m_ratio).__name__}")
    quantize_value = "" if quantize_dtype is None else enum_value(quantize_dtype, DType,
                                                                  "quantize_dtype")
    if palettize_nbits is not None:
        int_arg(palettize_nbits, "palettize_nbits")
    weight_num_threshold = int_arg(weight_num_threshold, "weight_num_threshold")
    bool_arg(in_place, "in_place")

    problem = None if n_m_ratio is None else _n_m_problem(n_m_ratio)
    # A malformed n_m_ratio still counts as set for the checks before its own.
    n_m = None if n_m_ratio is None else (0, 1) if problem else tuple(int(v) for v in n_m_ratio)
    if n_m is not None and not all(-(2**63) <= v < 2**63 for v in n_m):
        raise ValueError(f"n_m_ratio is out of range (got {n_m_ratio})")
    sparsity = None if target_sparsity is None else float(target_sparsity)
    message = _coreai.validate_sparsify_options(
        sparsity, block_size, n_m, quantize_value, palettize_nbits, weight_num_threshold,
        repr(quantize_dtype), repr(target_sparsity))
    if message or problem:
        raise ValueError(message or problem)
    options = [f"target-sparsity={'none' if sparsity is None else repr(sparsity)}"]
    if block_size is not None:
        options.append(f"block-size={block_size}")
    if n_m is not None:
        options.append(f"n-m-ratio={n_m[0]},{n_m[1]}")
    if quantize_value:
        options.append(f"quantize-dtype={quantize_value}")
    if palettize_nbits is not None:
        options.append(f"palettize-nbits={palettize_nbits}")
    options.append(f"weight-num-threshold={weight_num_threshold}")
    return "builtin.module(sparsify-weights{" + " ".join(options) + "})"
