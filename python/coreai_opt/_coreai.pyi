"""Native part of coreai_opt: the coreai dialect and passes (nanobind)."""

from typing import Optional, Tuple

from mlir import ir

def register_dialects(context: ir.Context) -> None:
    """Loads the coreai dialect into a context and allows unregistered dialects."""

def register_passes() -> None:
    """Registers the coreai passes (quantize-weights) for pipeline strings."""

def elements_data(attribute: ir.Attribute) -> Tuple[str, Optional[bytes], bool]:
    """(kind, bytes, is_splat) of a dense ("dense") or dense_resource
    ("resource") attribute; bytes is None for a missing blob."""

def clone_module(module: ir.Module) -> object:
    """A capsule holding a deep copy of the module (blobs shared)."""

def validate_quantize_options(dtype: str, qscheme: str, granularity: str, block_size: int,
                              weight_num_threshold: int, scale_dtype: str) -> Optional[str]:
    """The error message for invalid quantize-weights options, or None."""

def check_input_text(text: bytes) -> Optional[str]:
    """Describes input MLIR's parser cannot diagnose itself, or None."""

def check_input_file(path: str) -> Tuple[Optional[str], bool]:
    """(problem or None, has explicit locations) for a program file."""

def has_explicit_locations(text: bytes) -> bool:
    """True if the text spells out loc(...) locations."""
