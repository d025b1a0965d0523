"""Native part of coreai_opt: the coreai dialect and passes (nanobind)."""

from typing import List, Optional, Tuple

import numpy as np

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

class Mirror:
    """A foreign program's mirror in a context of its own: weights attached,
    transformed by a pass pipeline, replacements read back
    (coreai/Interop/ModuleMirror.h)."""

    def __init__(self, bytecode: bytes) -> None:
        """Reads the program (weights replaced by placeholders) and indexes
        its operations; ValueError if it cannot be read."""
    @property
    def num_constants(self) -> int:
        """How many coreai.constant operations it holds."""
    def weight_buffer(self, index: int) -> np.ndarray:
        """A writable uint8 array for the bytes of constant ``index``
        (longer than them: write them from the start)."""
    def attach_weight(self, index: int, key: str) -> None:
        """Makes the filled buffer (or the blob already attached as ``key``)
        constant ``index``'s value; ValueError if the bytes written do not
        match its type."""
    def verify(self) -> Tuple[bool, List[Tuple[str, str]]]:
        """(ok, [(severity, text)]): verifies the mirror."""
    def run(self, pipeline: str) -> Tuple[bool, List[Tuple[str, str]]]:
        """(ok, [(severity, text)]): runs a pass pipeline on the mirror."""
    def replacements(self) -> List[tuple]:
        """[(constant, [(name, [result type], [(attribute, text)],
        [(attribute, key, type, alignment, data)], [(operation, result)])],
        value or None)]: what replaced each erased constant; ValueError for
        changes that are not such replacements."""
