"""Read tensors out of MLIR text without MLIR (test helper; numpy + ml_dtypes only).

* ``parse_resources(text)``: the ``{-# dialect_resources: { builtin: { name: "0x..." } } #-}``
  section -> ``{name: bytes}`` (the 4-byte little-endian alignment header stripped).
* ``unpack(data, element_type, shape)`` / ``pack(values, element_type)``: blob layout as
  the Core AI runtime reads it: sub-byte types (1, 2, 3, 4, 6 bits) as an LSB-first bit
  stream (4-bit: element 2k in the low nibble; 2-bit: four per byte, lowest bits first),
  signed two's complement, little-endian.
* ``parse_constants(text)``: the ``coreai.constant`` ops (custom or generic form) as
  ``Constant(name, kind, payload, shape, element_type)``; ``constant_value(c, resources)``
  decodes one to a numpy array; ``parse_dense_literal`` decodes an inline ``dense<...>``.

Integer element types decode to np.int64; FP types to ml_dtypes / numpy float arrays
(f16 -> np.float16, bf16 -> ml_dtypes.bfloat16, f32 -> np.float32, f8*/f4* -> ml_dtypes).
"""

from __future__ import annotations

import re
from typing import Dict, List, NamedTuple, Sequence, Tuple

import ml_dtypes
import numpy as np

# element type -> (bit width, kind, numpy storage dtype for FP / None)
_FP_TYPES = {
    "f4E2M1FN": (4, ml_dtypes.float4_e2m1fn),
    "f8E4M3FN": (8, ml_dtypes.float8_e4m3fn),
    "f8E5M2": (8, ml_dtypes.float8_e5m2),
    "f8E8M0FNU": (8, ml_dtypes.float8_e8m0fnu),
    "f16": (16, np.dtype("<f2")),
    "bf16": (16, ml_dtypes.bfloat16),
    "f32": (32, np.dtype("<f4")),
    "f64": (64, np.dtype("<f8")),
}

_INT_RE = re.compile(r"^(si|ui|i)(\d+)$")


def element_info(element_type: str) -> Tuple[int, str, bool]:
    """(bit width, 'int'|'float', signed) of an MLIR element type name."""
    if element_type in _FP_TYPES:
        return _FP_TYPES[element_type][0], "float", True
    m = _INT_RE.match(element_type)
    if not m:
        raise ValueError(f"unsupported element type {element_type!r}")
    return int(m.group(2)), "int", m.group(1) != "ui"


def _numel(shape) -> int:
    return int(np.prod(shape, dtype=np.int64)) if len(shape) else 1


# --------------------------------------------------------------------------- resources

_RES_SECTION = re.compile(r"\{-#(.*?)#-\}", re.S)
_RES_ENTRY = re.compile(r'([A-Za-z_][\w.$-]*|"[^"]*")\s*:\s*"0x([0-9A-Fa-f]*)"')


def parse_resources(text: str, with_alignment: bool = False) -> Dict[str, bytes]:
    """{name: data bytes} of the builtin dialect resources (alignment header stripped).

    With ``with_alignment=True`` the values are ``(alignment, bytes)``.
    """
    out = {}
    for sec in _RES_SECTION.finditer(text):
        body = sec.group(1)
        bi = re.search(r"\bbuiltin\s*:\s*\{", body)
        if not bi:
            continue
        for m in _RES_ENTRY.finditer(body, bi.end()):
            name = m.group(1).strip('"')
            raw = bytes.fromhex(m.group(2))
            if len(raw) < 4:
                raise ValueError(f"resource {name}: blob shorter than its alignment header")
            align = int.from_bytes(raw[:4], "little")
            out[name] = (align, raw[4:]) if with_alignment else raw[4:]
    return out


# --------------------------------------------------------------------------- (un)packing

def _unpack_bits(u8: np.ndarray, bits: int, n: int) -> np.ndarray:
    """uint8 bytes -> n unsigned fields of ``bits`` bits: the LSB-first bit stream, field k
    in bits [k*bits, k*bits + bits) (bit 0 = the LSB of byte 0)."""
    stream = np.unpackbits(np.asarray(u8, dtype=np.uint8), bitorder="little")
    fields = stream[: n * bits].reshape(n, bits).astype(np.uint16)
    return (fields << np.arange(bits, dtype=np.uint16)).sum(axis=1).astype(np.uint8)


def _pack_bits(fields: np.ndarray, bits: int) -> bytes:
    f = np.asarray(fields, dtype=np.uint8).reshape(-1) & ((1 << bits) - 1)
    stream = ((f[:, None] >> np.arange(bits, dtype=np.uint8)) & 1).reshape(-1)
    return np.packbits(stream, bitorder="little").tobytes()


def unpack(data: bytes, element_type: str, shape: Sequence[int], subbyte_packed: bool = True
           ) -> np.ndarray:
    """Decode a raw blob into an array of ``shape``.

    Integer types -> np.int64; FP types -> ml_dtypes/numpy arrays of that type.
    ``subbyte_packed=False`` reads 2/4-bit types one element per byte (low bits), which is
    how the reference implementation wrongly writes FP4 blobs.
    """
    shape = tuple(int(d) for d in shape)
    n = _numel(shape)
    bits, kind, signed = element_info(element_type)
    buf = np.frombuffer(bytes(data), dtype=np.uint8)
    if bits < 8:
        need = n if not subbyte_packed else (n * bits + 7) // 8
        if buf.size != need:
            raise ValueError(f"{element_type}: {buf.size} bytes for {n} elements, expected {need}"
                             + (" (packed)" if subbyte_packed else " (one per byte)"))
        fields = _unpack_bits(buf, bits, n) if subbyte_packed else (buf & ((1 << bits) - 1))
        if kind == "float":
            return fields.astype(np.uint8).view(_FP_TYPES[element_type][1]).reshape(shape)
        v = fields.astype(np.int64)
        if signed:
            v = np.where(v >= (1 << (bits - 1)), v - (1 << bits), v)
        return v.reshape(shape)
    nbytes = bits // 8
    if buf.size != n * nbytes:
        raise ValueError(f"{element_type}: {buf.size} bytes for {n} elements, expected {n * nbytes}")
    if kind == "float":
        t = _FP_TYPES[element_type][1]
        if t == ml_dtypes.bfloat16:
            return buf.view("<u2").astype(np.uint16).view(ml_dtypes.bfloat16).reshape(shape)
        return buf.view(t).reshape(shape).copy()
    if bits == 1:
        raise ValueError("i1 blobs are not supported")
    dt = np.dtype(f"<{'i' if signed else 'u'}{nbytes}")
    return buf.view(dt).astype(np.int64).reshape(shape)


def pack(values: np.ndarray, element_type: str) -> bytes:
    """Inverse of ``unpack`` (packed sub-byte layout). Values: codes (ints) or FP arrays."""
    bits, kind, signed = element_info(element_type)
    v = np.asarray(values)
    if kind == "float":
        t = _FP_TYPES[element_type][1]
        if v.dtype != t:
            v = v.astype(np.float32).astype(t)
        if bits < 8:
            return _pack_bits(v.reshape(-1).view(np.uint8), bits)
        if t == ml_dtypes.bfloat16:
            return v.reshape(-1).view(np.uint16).astype("<u2").tobytes()
        return v.reshape(-1).astype(np.dtype(t).newbyteorder("<")).tobytes()
    v = v.astype(np.int64).reshape(-1)
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if v.size and (v.min() < lo or v.max() > hi):
        raise ValueError(f"values out of range for {element_type}")
    if bits < 8:
        return _pack_bits((v & ((1 << bits) - 1)).astype(np.uint8), bits)
    return v.astype(f"<{'i' if signed else 'u'}{bits // 8}").tobytes()


# --------------------------------------------------------------------------- constants

class Constant(NamedTuple):
    name: str                 # SSA name, e.g. '%0'
    kind: str                 # 'dense' | 'dense_resource'
    payload: str              # resource name, or the text between dense< and >
    shape: Tuple[int, ...]
    element_type: str


_CONST_RE = re.compile(
    r'(%[\w.$-]+)\s*=\s*(?:coreai\.constant|"coreai\.constant"\(\)\s*<\{\s*value\s*=)\s*'
    r'(dense_resource|dense)<')


def parse_tensor_type(t: str) -> Tuple[Tuple[int, ...], str]:
    """'tensor<32x64xsi4>' (or '32x64xsi4') -> ((32, 64), 'si4'); 'tensor<f32>' -> ((), 'f32')."""
    t = t.strip()
    if t.startswith("tensor<"):
        t = t[len("tensor<"):-1]
    m = re.match(r"^((?:\d+x)*)([A-Za-z]\w*)$", t)
    if not m:
        raise ValueError(f"cannot parse tensor type {t!r}")
    dims = tuple(int(d) for d in m.group(1).split("x") if d)
    return dims, m.group(2)


_ANGLE_TOK = re.compile(r'[<>"]')


def _match_angle(text: str, start: int) -> int:
    """Index of the '>' closing the '<' just before ``start`` (skips quoted strings)."""
    depth = 1
    i = start
    while True:
        m = _ANGLE_TOK.search(text, i)
        if not m:
            raise ValueError("unbalanced '<'")
        c, i = m.group(), m.start()
        if c == '"':
            i = text.index('"', i + 1) + 1
            continue
        depth += 1 if c == "<" else -1
        if depth == 0:
            return i
        i += 1


def parse_constants(text: str) -> List[Constant]:
    """All coreai.constant ops, in text order (custom and generic print forms)."""
    out = []
    for m in _CONST_RE.finditer(text):
        body_start = m.end()
        close = _match_angle(text, body_start)
        payload = text[body_start:close]
        tm = re.compile(r"\s*:\s*tensor<([^>]*)>").match(text, close + 1)
        if not tm:
            raise ValueError(f"no tensor type after constant {m.group(1)}")
        shape, et = parse_tensor_type(tm.group(1))
        out.append(Constant(m.group(1), m.group(2), payload.strip(), shape, et))
    return out


def _bits_to_type(bits_int: np.ndarray, element_type: str) -> np.ndarray:
    """Integer bit patterns -> values of the FP element type."""
    bits, _, _ = element_info(element_type)
    t = _FP_TYPES[element_type][1]
    store = {4: np.uint8, 8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}[bits]
    return np.asarray(bits_int, dtype=np.uint64).astype(store).view(t)


def parse_dense_literal(literal: str, element_type: str, shape: Sequence[int]) -> np.ndarray:
    """Decode the inside of ``dense<...>``: splat, nested list, or hex string ``"0x..."``.

    Float elements may be decimal (``1.5``, ``-6.37868827E-4``, ``inf``, ``nan``) or a hex
    bit pattern (``0x7FC00000``), as MLIR prints special values.  Hex strings hold raw
    little-endian data (a single element = splat); sub-byte types are accepted one element
    per byte (MLIR's dense storage) or packed.
    """
    shape = tuple(int(d) for d in shape)
    n = _numel(shape)
    bits, kind, signed = element_info(element_type)
    lit = literal.strip()
    if lit.startswith('"'):
        raw = bytes.fromhex(lit.strip('"')[2:])
        esize = max(bits // 8, 1)
        if len(raw) == esize and n != 1 and not (bits < 8 and len(raw) == (n * bits + 7) // 8):
            one = unpack(raw, element_type, (1,), subbyte_packed=False)
            return np.broadcast_to(one.reshape(()), shape).copy()
        if bits < 8 and len(raw) == n:
            return unpack(raw, element_type, shape, subbyte_packed=False)
        return unpack(raw, element_type, shape)
    if lit in ("", "[]"):
        toks = []
    else:
        toks = [t for t in re.split(r"[\[\],\s]+", lit) if t]
    if kind == "int":
        vals = np.array([1 if t == "true" else 0 if t == "false" else int(t, 0) for t in toks],
                        dtype=np.int64)
        if signed:
            # hex bit patterns of negative values
            big = vals >= (1 << (bits - 1))
            if np.any(big) and any(t.lower().startswith("0x") for t in toks):
                vals = np.where(big, vals - (1 << bits), vals)
        out = vals
    else:
        t = _FP_TYPES[element_type][1]
        if toks and all(x.lower().startswith("0x") for x in toks):
            out = _bits_to_type(np.array([int(x, 16) for x in toks], dtype=np.uint64), element_type)
        else:
            vals = []
            for x in toks:
                if x.lower().startswith("0x"):
                    vals.append(np.asarray(_bits_to_type(np.array([int(x, 16)], np.uint64),
                                                         element_type)[0]).astype(np.float64))
                else:
                    vals.append(float(x))
            out = np.array(vals, dtype=np.float64).astype(t)
    if out.size == 1 and n != 1:
        return np.broadcast_to(out.reshape(()), shape).copy()
    if out.size != n:
        raise ValueError(f"literal has {out.size} elements, shape {shape} needs {n}")
    return out.reshape(shape)


def constant_value(const: Constant, resources: Dict[str, bytes]) -> np.ndarray:
    """Decode a Constant (dense or dense_resource) into a numpy array of its shape."""
    if const.kind == "dense_resource":
        return unpack(resources[const.payload], const.element_type, const.shape)
    return parse_dense_literal(const.payload, const.element_type, const.shape)


def load_constants(text: str) -> Dict[str, np.ndarray]:
    """{ssa name: value} of every coreai.constant in ``text``."""
    res = parse_resources(text)
    return {c.name: constant_value(c, res) for c in parse_constants(text)}
