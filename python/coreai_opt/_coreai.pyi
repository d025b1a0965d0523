"""Native part of coreai_opt: the coreai dialect and passes (nanobind)."""

from typing import Callable, List, Optional, Tuple

import numpy as np

from mlir import ir

def register_dialects(context: ir.Context) -> None:
    """Loads the coreai dialect into a context and allows unregistered dialects."""

def register_passes() -> None:
    """Registers the coreai passes (quantize-weights, palettize-weights,
    sparsify-weights) for pipeline strings."""

def elements_data(attribute: ir.Attribute) -> Tuple[str, Optional[bytes], bool]:
    """(kind, bytes, is_splat) of a dense ("dense") or dense_resource
    ("resource") attribute; bytes is None for a missing blob."""

def clone_module(module: ir.Module) -> object:
    """A capsule holding a deep copy of the module (blobs shared)."""

def validate_quantize_options(dtype: str, qscheme: str, granularity: str, block_size: int,
                              weight_num_threshold: int, scale_dtype: str) -> Optional[str]:
    """The error message for invalid quantize-weights options, or None."""

def unpack_codes(blob: bytes, bits: int, count: int) -> bytes:
    """The codes (one byte each) of the first `count` elements of a packed
    blob of `bits`-wide elements (LSB-first bit stream)."""

def validate_sparsify_options(target_sparsity: Optional[float], block_size: Optional[int],
                              n_m_ratio: Optional[Tuple[int, int]], quantize_dtype: str,
                              palettize_nbits: Optional[int], weight_num_threshold: int,
                              quantize_dtype_repr: str,
                              target_sparsity_repr: str) -> Optional[str]:
    """The error message for invalid sparsify-weights options, or None (unset
    options are None)."""

def validate_palettize_options(lut_dtype: str, n_bits: int, granularity: str, group_size: int,
                               cluster_dim: int, per_channel_scale: bool,
                               weight_num_threshold: int, lut_dtype_repr: str,
                               granularity_repr: str) -> Optional[str]:
    """The error message for invalid palettize-weights options, or None (a
    rejected lut_dtype or granularity shown by the given repr)."""

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

Diagnostic = Tuple[str, str, List["Diagnostic"]]
"""(location, message, notes) of an error, as MLIRError reports it."""

def fast_text_enabled() -> bool:
    """False when $COREAI_TEXT_BLOBS=mlir turns the fast blob hex path off."""

def parse_text(text: bytes, context: ir.Context, filename: str = "-"
               ) -> Tuple[Optional[str], bool, Optional[Tuple[Optional[object], List[Diagnostic]]]]:
    """Checks program text (check_input_text), then parses it with fast blob decoding:
    (problem or None, has explicit locations, result), the result being None if the text
    has a problem or needs MLIR's own parser (nothing was parsed), else (module capsule or
    None, error diagnostics)."""

def parse_file(path: str, context: ir.Context
               ) -> Tuple[Optional[str], bool, Optional[Tuple[Optional[object], List[Diagnostic]]]]:
    """parse_text() on a file, mapped rather than read; locations name it."""

def print_text(module: ir.Module, generic: bool, debug_info: bool) -> Optional[str]:
    """The module's text as get_asm(print_generic_op_form=generic,
    enable_debug_info=debug_info, assume_verified=True) gives it, with fast blob
    encoding; None if MLIR's printer must print it."""

def write_text(module: ir.Module, write: Callable[[memoryview], object], generic: bool,
               debug_info: bool) -> bool:
    """print_text() given to write() in pieces; False (nothing written) if MLIR's
    printer must print it."""
