"""The weight transforms of Apple's ``coreai_opt.coreai_utils`` and their
enums: ``quantize_weights``, ``palettize_weights`` and ``sparsify_weights``."""

from ._palettize import palettize_weights, palettize_weights_pipeline
from ._quantize import quantize_weights, quantize_weights_pipeline
from ._sparsify import sparsify_weights, sparsify_weights_pipeline
from .common import CompressionGranularity, DType, QScheme

__all__ = ["quantize_weights", "quantize_weights_pipeline", "palettize_weights",
           "palettize_weights_pipeline", "sparsify_weights", "sparsify_weights_pipeline",
           "DType", "QScheme", "CompressionGranularity"]
