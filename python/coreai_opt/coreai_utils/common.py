"""Enums of the quantization API (the values are the pass options' spelling)."""

from enum import Enum


class DType(str, Enum):
    """Quantized data types. FP8_E8M0FNU is a scale type only."""

    INT2 = "int2"
    UINT2 = "uint2"
    INT4 = "int4"
    UINT4 = "uint4"
    INT8 = "int8"
    UINT8 = "uint8"
    FP4_E2M1FN = "fp4_e2m1fn"
    FP8_E4M3FN = "fp8_e4m3fn"
    FP8_E5M2 = "fp8_e5m2"
    FP8_E8M0FNU = "fp8_e8m0fnu"

    def is_int(self) -> bool:
        """True for the integer types."""
        return "int" in self.value

    def __str__(self) -> str:
        return self.value


class QScheme(str, Enum):
    """Symmetric (zero point fixed) or asymmetric (zero point per block)."""

    SYMMETRIC = "symmetric"
    ASYMMETRIC = "asymmetric"

    def __str__(self) -> str:
        return self.value


class CompressionGranularity(str, Enum):
    """How many scales a weight gets: one, one per output channel, or one
    per block of ``block_size`` input channels in each output channel.
    PER_GROUPED_CHANNEL is for palettization; quantize_weights rejects it."""

    PER_TENSOR = "per_tensor"
    PER_CHANNEL = "per_channel"
    PER_BLOCK = "per_block"
    PER_GROUPED_CHANNEL = "per_grouped_channel"

    def __str__(self) -> str:
        return self.value


__all__ = ["DType", "QScheme", "CompressionGranularity"]
