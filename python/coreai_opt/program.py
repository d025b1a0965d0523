"""``AIProgram``: a Core AI program held as an ``mlir.ir.Module``."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Iterator, List, Optional, Union

import ml_dtypes
import numpy as np
from mlir import ir
from mlir.passmanager import PassManager

from . import _coreai
from ._diagnostics import capture_diagnostics
from .errors import CoreAIError, ParseError, VerificationError

_BYTECODE_MAGIC = b"ML\xefR"
_PathLike = Union[str, os.PathLike]


def make_context() -> ir.Context:
    """A context with the coreai dialect loaded and unregistered dialects
    allowed (foreign ops and attributes are kept as they are)."""
    context = ir.Context()
    _coreai.register_dialects(context)
    return context


def _format_diagnostics(diagnostics, filename: str) -> List[str]:
    """Lines of (location, message, notes) diagnostics, notes indented.
    Text parsed from memory is named "-" by MLIR: it gets `filename`."""
    lines = []
    for location, message, notes in diagnostics:
        lines.append(f"{location}: {message}")
        for note_location, note_message, _ in notes:
            lines.append(f"  {note_location}: note: {note_message}")
    return [line.replace('loc("-":', f'loc("{filename}":') for line in lines]


def _format_mlir_error(error: ir.MLIRError, filename: str) -> List[str]:
    diagnostics = [(str(d.location), d.message,
                    [(str(n.location), n.message, []) for n in d.notes])
                   for d in error.error_diagnostics]
    if not diagnostics:
        return [str(error).replace('loc("-":', f'loc("{filename}":')]
    return _format_diagnostics(diagnostics, filename)


def _is_generic_form(text: bytes) -> bool:
    """True if the first operation is printed in generic form: its name is a
    quoted string, at the start of its line (`"builtin.module"() ...`) or
    right after its results (`%0 = "coreai.constant"() ...`). Quoted
    attribute values of a custom-form line (`module attributes {a = "m"}`)
    do not count."""
    start = 0
    while start < len(text):
        end = text.find(b"\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].strip()
        start = end + 1
        if not line or line.startswith((b"//", b"#", b"!")):
            continue
        if line.startswith(b'"'):
            return True
        if line.startswith(b"%"):
            # `%a, %b:2 = <op name>`: the results hold no `=` and no quote.
            results, eq, rest = line.partition(b"=")
            return bool(eq) and b'"' not in results and rest.lstrip().startswith(b'"')
        return False
    return False


def _atomic_write(path: _PathLike, write) -> None:
    """Writes through a temporary file in the target's directory, renamed
    into place only when `write` succeeded."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


_NUMPY_TYPES = {
    "f32": np.float32, "f16": np.float16, "f64": np.float64,
    "bf16": ml_dtypes.bfloat16,
    "f8E4M3FN": ml_dtypes.float8_e4m3fn, "f8E5M2": ml_dtypes.float8_e5m2,
    "f8E8M0FNU": ml_dtypes.float8_e8m0fnu, "f4E2M1FN": ml_dtypes.float4_e2m1fn,
}


def _element_layout(element_type: ir.Type):
    """(bits, numpy dtype of the decoded values, signed) of an element type."""
    text = str(element_type)
    if text in _NUMPY_TYPES:
        dtype = np.dtype(_NUMPY_TYPES[text])
        bits = 4 if text == "f4E2M1FN" else dtype.itemsize * 8
        return bits, dtype, True
    if isinstance(element_type, ir.IntegerType):
        int_type = element_type
        bits = int_type.width
        signed = not int_type.is_unsigned
        if bits == 1 and int_type.is_signless:
            return 1, np.dtype(np.bool_), False
        size = max(8, 1 << (bits - 1).bit_length())
        return bits, np.dtype(f"{'i' if signed else 'u'}{size // 8}"), signed
    if isinstance(element_type, ir.IndexType):
        return 64, np.dtype(np.int64), True
    raise TypeError(f"no numpy decoding for element type {text}")


def _is_signless(element_type: ir.Type) -> bool:
    return isinstance(element_type, ir.IntegerType) and element_type.is_signless


def _decode_codes(codes: np.ndarray, bits: int, dtype: np.dtype, signed: bool) -> np.ndarray:
    """Maps raw codes (uint8 per element, low `bits` bits) to values."""
    if dtype.kind == "V" or dtype in (np.dtype(t) for t in _NUMPY_TYPES.values()):
        return codes.astype(np.uint8).view(dtype)
    if signed:
        codes = codes.astype(np.int16)
        codes = np.where(codes >= (1 << (bits - 1)), codes - (1 << bits), codes)
    return codes.astype(dtype)


@dataclasses.dataclass
class ConstantInfo:
    """A ``coreai.constant`` of a program, with where it is used."""

    operation: ir.Operation
    location: str
    type: ir.RankedTensorType
    users: List[str]

    @property
    def shape(self) -> tuple:
        """The tensor's shape."""
        return tuple(self.type.shape)

    @property
    def element_type(self) -> str:
        """The element type as MLIR spells it (``f32``, ``si4``, ...)."""
        return str(self.type.element_type)

    @property
    def is_resource(self) -> bool:
        """True if the value is a ``dense_resource`` blob."""
        return _coreai.elements_data(self.operation.attributes["value"])[0] == "resource"

    @property
    def stored_bytes(self) -> int:
        """Bytes the value takes in the program: its blob, or its packed
        elements inline (one element for a splat)."""
        kind, data, splat = _coreai.elements_data(self.operation.attributes["value"])
        if kind == "resource":
            return 0 if data is None else len(data)
        bits = _element_layout(self.type.element_type)[0]
        count = 1 if splat else int(np.prod(self.shape, dtype=np.int64))
        return (count * bits + 7) // 8

    def numpy(self) -> np.ndarray:
        """The value as a numpy array (``ml_dtypes`` for bf16/fp8/fp4)."""
        return AIProgram.constant_to_numpy(self.operation)


class AIProgram:
    """A Core AI program: an ``mlir.ir.Module`` of ``coreai.graph`` ops.

    Remembers whether it was parsed from generic form and whether it spelled
    out locations, and prints itself back the same way.
    """

    def __init__(self, module: ir.Module, *, generic: bool = False, debug_info: bool = False):
        self._module = module
        self.generic = generic
        self.debug_info = debug_info

    # -- reading --------------------------------------------------------
    @classmethod
    def parse(cls, text: Union[str, bytes], *, context: Optional[ir.Context] = None,
              filename: str = "<string>") -> "AIProgram":
        """Parses program text (custom or generic form) or bytecode."""
        data = text.encode() if isinstance(text, str) else bytes(text)
        is_bytecode = data.startswith(_BYTECODE_MAGIC)
        context = context or make_context()
        module, debug_info = None, False
        if not is_bytecode:
            problem, debug_info, parsed = _coreai.parse_text(data, context)
            if problem:
                raise ParseError(f"{filename}: {problem}")
            module = cls._parse_fast(parsed, filename)
        if module is None:
            module = cls._parse_with(lambda: ir.Module.parse(data, context=context), filename)
        return cls(module, generic=not is_bytecode and _is_generic_form(data),
                   debug_info=debug_info)

    @classmethod
    def load(cls, path: _PathLike, *, context: Optional[ir.Context] = None) -> "AIProgram":
        """Reads a program from ``.mlir`` text or ``.mlirbc`` bytecode. The
        file is parsed where it lies (no copy in Python), and locations
        name it."""
        path = Path(path)
        context = context or make_context()
        module, debug_info = None, False
        try:
            with open(path, "rb") as f:
                head = f.read(1 << 20)
            is_bytecode = head.startswith(_BYTECODE_MAGIC)
            if not is_bytecode:
                problem, debug_info, parsed = _coreai.parse_file(str(path), context)
                if problem:
                    raise ParseError(f"{path}: {problem}")
                module = cls._parse_fast(parsed, str(path))
        except (OSError, ValueError) as e:
            raise ParseError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None
        if module is None:
            module = cls._parse_with(lambda: ir.Module.parseFile(str(path), context=context),
                                     str(path))
        return cls(module, generic=not is_bytecode and _is_generic_form(head), debug_info=debug_info)

    @staticmethod
    def _parse_with(parse, filename: str) -> ir.Module:
        try:
            return parse()
        except ir.MLIRError as e:
            diags = _format_mlir_error(e, filename)
            raise ParseError(f"cannot parse {filename}:\n" + "\n".join(diags), diags) from None

    @staticmethod
    def _parse_fast(parsed, filename: str) -> Optional[ir.Module]:
        """The module of a native parse (blob hex decoded in C++), None when
        the text needs MLIR's own parser. Errors are reported as
        _parse_with() reports them."""
        if parsed is None:
            return None
        capsule, diagnostics = parsed
        if capsule is None:
            diags = _format_diagnostics(diagnostics, filename) or [
                "Unable to parse module assembly"]
            raise ParseError(f"cannot parse {filename}:\n" + "\n".join(diags), diags)
        return ir.Module._CAPICreate(capsule)

    # -- writing --------------------------------------------------------
    def to_text(self, *, generic: Optional[bool] = None, debug_info: Optional[bool] = None) -> str:
        """The program's text, in the form it was read in unless asked."""
        generic = self.generic if generic is None else generic
        debug_info = self.debug_info if debug_info is None else debug_info
        text = _coreai.print_text(self._module, generic, debug_info)
        if text is None:
            text = self._module.operation.get_asm(
                print_generic_op_form=generic, enable_debug_info=debug_info,
                assume_verified=True)
        return text

    def __str__(self) -> str:
        return self.to_text()

    def save(self, path: _PathLike, *, bytecode: Optional[bool] = None) -> None:
        """Writes the program atomically: text, or bytecode when the name
        ends in ``.mlirbc`` (or ``bytecode=True``). An error leaves any
        existing file untouched."""
        path = Path(path)
        if bytecode is None:
            bytecode = path.suffix == ".mlirbc"
        operation = self._module.operation

        def write_text(f):
            if not _coreai.write_text(self._module, f.write, self.generic, self.debug_info):
                operation.print(file=f, binary=True, print_generic_op_form=self.generic,
                                enable_debug_info=self.debug_info, assume_verified=True)

        if bytecode:
            _atomic_write(path, lambda f: operation.write_bytecode(f))
        else:
            _atomic_write(path, write_text)

    # -- the IR ---------------------------------------------------------
    @property
    def module(self) -> ir.Module:
        """The program as an ``mlir.ir.Module``."""
        return self._module

    @property
    def context(self) -> ir.Context:
        """The MLIR context holding the program (coreai dialect loaded)."""
        return self._module.context

    def __deepcopy__(self, memo) -> "AIProgram":
        """An independent copy in the same context; weight blobs are shared
        read-only, so copying costs no weight bytes."""
        clone = ir.Module._CAPICreate(_coreai.clone_module(self._module))
        return AIProgram(clone, generic=self.generic, debug_info=self.debug_info)

    def copy(self) -> "AIProgram":
        """Same as ``copy.deepcopy(program)``."""
        return self.__deepcopy__({})

    def verify(self) -> None:
        """Raises VerificationError with MLIR's diagnostics if invalid."""
        try:
            self._module.operation.verify()
        except ir.MLIRError as e:
            diags = _format_mlir_error(e, "<program>")
            raise VerificationError("program does not verify:\n" + "\n".join(diags), diags) from None

    def run_pipeline(self, pipeline: str, *, log_warnings: bool = True) -> List[str]:
        """Runs a pass pipeline (``builtin.module(...)``) in place. Returns
        its warnings, which also go to the ``coreai_opt.coreai_utils``
        logger as they come unless ``log_warnings`` is False."""
        _coreai.register_passes()
        with capture_diagnostics(self.context, log_warnings) as captured:
            try:
                pm = PassManager.parse(pipeline, context=self.context)
                pm.run(self._module.operation)
            except ir.MLIRError as e:
                diags = _format_mlir_error(e, "<program>")
                raise CoreAIError("\n".join(diags), diags) from None
            except ValueError as e:
                raise CoreAIError(str(e)) from None
        captured.raise_errors()
        return captured.warnings

    def optimize(self) -> None:
        """Canonicalizes, CSEs and drops dead constants. Graphs referenced
        only through ``#param`` attributes (invoke callees) are kept."""
        self.run_pipeline("builtin.module(canonicalize,cse)")

    # -- constants ------------------------------------------------------
    def constants(self) -> Iterator[ConstantInfo]:
        """The program's ``coreai.constant`` ops in program order."""
        found: List[ConstantInfo] = []

        def visit(op):
            if op.name == "coreai.constant":
                result = op.results[0]
                users = [use.owner.name for use in result.uses]
                found.append(ConstantInfo(op, str(op.location), result.type, users))
            return ir.WalkResult.ADVANCE

        self._module.operation.walk(visit)
        return iter(found)

    @staticmethod
    def constant_to_numpy(operation) -> np.ndarray:
        """Decodes a ``coreai.constant``'s value (dense or dense_resource,
        packed sub-byte integers, fp8/fp4) to a numpy array."""
        op = operation.operation if hasattr(operation, "operation") else operation
        attr = op.attributes["value"]
        shaped = ir.ShapedType(attr.type)
        shape = tuple(shaped.shape)
        count = int(np.prod(shape, dtype=np.int64))
        bits, dtype, signed = _element_layout(shaped.element_type)
        kind, blob, splat = _coreai.elements_data(attr)
        if kind == "resource":
            if blob is None:
                raise CoreAIError(f"{op.location}: dense_resource blob is missing")
            if bits == 1 and _is_signless(shaped.element_type):
                # A boolean takes a byte.
                return np.frombuffer(blob, dtype=np.uint8)[:count].astype(bool).reshape(shape)
            if bits < 8:
                # The other sub-byte types are packed (coreai/Kernels/Packing.h).
                codes = np.frombuffer(_coreai.unpack_codes(blob, bits, count), dtype=np.uint8)
                return _decode_codes(codes, bits, dtype, signed).reshape(shape)
            return np.frombuffer(blob, dtype=dtype.newbyteorder("<"))[:count].reshape(shape).copy()
        raw = np.frombuffer(blob, dtype=np.uint8)
        if bits == 1 and _is_signless(shaped.element_type):
            # MLIR keeps inline booleans as bits.
            values = np.unpackbits(raw, bitorder="little").astype(bool)
            values = values[:1] if splat else values[:count]
        elif bits < 8:
            values = _decode_codes(raw & ((1 << bits) - 1), bits, dtype, signed)
        else:
            values = np.frombuffer(raw.tobytes(), dtype=dtype.newbyteorder("<"))
        if splat:
            return np.full(shape, values[0], dtype=values.dtype)
        return values[:count].reshape(shape).copy()
