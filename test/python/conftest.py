"""Shared helpers of the quantization test suite.

* paths of the real Core AI programs (test/fixtures/coreai-real);
* ``ProgramBuilder`` / ``make_program``: synthetic program text with a ``coreai.graph`` whose
  weight constants (numpy f32/f16/bf16 arrays, stored as ``dense_resource`` blobs or splats)
  feed chosen consumers (batch_matmul as x or y, broadcasting_batch_matmul, transpose with any
  permutation -> broadcasting_batch_matmul, conv2d, gather_nd, relu, several users);
* ``quantized_weights(text)``: the ``blockwise_shift_scale`` ops of a printed program with their
  data / scale / offset constants decoded by ``mlir_blobs`` (independently of our package).

The decoding never uses the package under test; only quantizing and printing do.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from typing import List, Optional, Sequence, Tuple

import ml_dtypes
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import mlir_blobs as mb  # noqa: E402

PROJECT_ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES_DIR = os.path.join(PROJECT_ROOT, "test", "fixtures", "coreai-real")


def fixture_path(name: str) -> str:
    return os.path.join(FIXTURES_DIR, name)


def read_fixture(name: str) -> str:
    with open(fixture_path(name)) as f:
        return f.read()


# --------------------------------------------------------------------------- element types

def mlir_float_type(dtype) -> str:
    dtype = np.dtype(dtype)
    if dtype == np.float32:
        return "f32"
    if dtype == np.float16:
        return "f16"
    if dtype == np.dtype(ml_dtypes.bfloat16):
        return "bf16"
    raise TypeError(f"unsupported weight dtype {dtype}")


def float_bytes(a: np.ndarray) -> bytes:
    """Little-endian raw bytes of an f32/f16/bf16 array."""
    a = np.ascontiguousarray(a)
    if a.dtype == np.dtype(ml_dtypes.bfloat16):
        return a.view(np.uint16).astype("<u2").tobytes()
    return a.astype(a.dtype.newbyteorder("<")).tobytes()


def gauss(shape, dt=np.float32, seed=0, std=1.0) -> np.ndarray:
    """Seeded N(0, std^2) values drawn in float64, stored as float32, then as ``dt``."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * std).astype(np.float32).astype(dt)


def transformed_text(transform, text: str, caplog=None, **kwargs):
    """The custom-form text of ``transform(AIProgram.parse(text), **kwargs)``; with
    ``caplog``, also the warnings the call logged on ``coreai_opt.coreai_utils``."""
    import logging

    from coreai_opt import AIProgram

    program = AIProgram.parse(text)
    if caplog is None:
        return transform(program, **kwargs).to_text(generic=False)
    caplog.clear()
    logger = "coreai_opt.coreai_utils"
    with caplog.at_level(logging.WARNING, logger=logger):
        out = transform(program, **kwargs).to_text(generic=False)
    return out, [r.getMessage() for r in caplog.records
                 if r.name == logger and r.levelno == logging.WARNING]


def bits_of(a) -> np.ndarray:
    """Bit patterns of an array (for bit-exact comparisons)."""
    a = np.ascontiguousarray(np.asarray(a))
    return a.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[a.dtype.itemsize])


def tensor_type(shape: Sequence[int], et: str) -> str:
    dims = "".join(f"{int(d)}x" for d in shape)
    return f"tensor<{dims}{et}>"


# --------------------------------------------------------------------------- builder

@dataclasses.dataclass
class _Weight:
    name: str
    shape: Tuple[int, ...]
    et: str
    value_text: str            # text after `coreai.constant `
    blob: Optional[bytes]      # resource data (no alignment header) or None
    consumers: Tuple[str, ...]
    perm: Optional[Tuple[int, ...]]
    groups: int
    loc: Optional[str]


class ProgramBuilder:
    """Builds the text of a one-graph Core AI program.

    ``add_weight(array, consumers, ...)`` adds a weight constant used by each consumer in
    ``consumers`` (a string or a sequence; the empty sequence means no user):

    * ``bmm_y`` / ``bmm_x``: ``coreai.batch_matmul`` with the weight as ``y`` / ``x``;
    * ``bbmm_y`` / ``bbmm_x``: the same with ``coreai.decomposable.broadcasting_batch_matmul``;
    * ``transpose_bbmm``: ``coreai.transpose`` by ``perm`` (default: swap the last two axes),
      then broadcasting_batch_matmul with the transposed weight as ``y``;
    * ``conv2d``: NCHW conv, weight ``[Cout, Cin/groups, kH, kW]``, stride/dilation/groups
      constants;
    * ``gather_nd``: rows of the weight gathered by an index argument;
    * ``relu``: a non-consumer user.

    The weight is stored as a ``dense_resource`` blob (``kind='resource'``) or, for
    ``kind='splat'``, as ``dense<value>`` (``array`` is then ``(shape, value, dtype)``).
    ``loc`` puts ``loc("<loc>")`` on the constant (the program then has explicit locations).
    """

    def __init__(self):
        self.weights: List[_Weight] = []

    def add_weight(self, array, consumers="bmm_y", *, perm=None, groups: int = 1,
                   loc: Optional[str] = None, kind: str = "resource") -> "ProgramBuilder":
        if isinstance(consumers, str):
            consumers = (consumers,)
        idx = len(self.weights)
        name = f"weight_blob_{idx}"
        if kind == "splat":
            shape, value, dtype = array
            et = mlir_float_type(dtype)
            value_text = f"dense<{value}> : {tensor_type(shape, et)}"
            blob = None
        else:
            a = np.asarray(array)
            shape, et = a.shape, mlir_float_type(a.dtype)
            value_text = f"dense_resource<{name}> : {tensor_type(shape, et)}"
            blob = float_bytes(a)
        self.weights.append(_Weight(name, tuple(int(d) for d in shape), et, value_text, blob,
                                    tuple(consumers), tuple(perm) if perm is not None else None,
                                    groups, loc))
        return self

    # ----------------------------------------------------------------- text
    def build(self) -> str:
        args: List[str] = []
        body: List[str] = []
        outs: List[Tuple[str, str]] = []   # (value, type)
        counter = [0]

        def new():
            v = f"%v{counter[0]}"
            counter[0] += 1
            return v

        def arg(t):
            a = f"%arg{len(args)}"
            args.append(f"{a}: {t}")
            return a

        for w in self.weights:
            wt = tensor_type(w.shape, w.et)
            wv = new()
            loc = f' loc("{w.loc}")' if w.loc else ""
            body.append(f"    {wv} = coreai.constant {w.value_text}{loc}")
            shape = list(w.shape)
            for c in w.consumers:
                if c in ("bmm_y", "bbmm_y"):
                    op = "coreai.batch_matmul" if c == "bmm_y" else \
                        "coreai.decomposable.broadcasting_batch_matmul"
                    k = shape[-2] if len(shape) >= 2 else shape[-1]
                    xs = shape[:-2] + [4, k]
                    os_ = shape[:-2] + [4, shape[-1]] if len(shape) >= 2 else [4]
                    xa = arg(tensor_type(xs, w.et))
                    r = new()
                    ot = tensor_type(os_, w.et)
                    body.append(f"    {r} = {op} {xa}, {wv} : ({tensor_type(xs, w.et)}, {wt}) -> {ot}")
                    outs.append((r, ot))
                elif c in ("bmm_x", "bbmm_x"):
                    op = "coreai.batch_matmul" if c == "bmm_x" else \
                        "coreai.decomposable.broadcasting_batch_matmul"
                    ys = shape[:-1] + [4] if len(shape) < 2 else shape[:-2] + [shape[-1], 4]
                    os_ = shape[:-1] + [4]
                    ya = arg(tensor_type(ys, w.et))
                    r = new()
                    ot = tensor_type(os_, w.et)
                    body.append(f"    {r} = {op} {wv}, {ya} : ({wt}, {tensor_type(ys, w.et)}) -> {ot}")
                    outs.append((r, ot))
                elif c == "transpose_bbmm":
                    perm = list(w.perm) if w.perm is not None else \
                        list(range(len(shape) - 2)) + [len(shape) - 1, len(shape) - 2]
                    ts = [shape[p] for p in perm]
                    pv = new()
                    pt = tensor_type([len(perm)], "ui32")
                    body.append(f"    {pv} = coreai.constant dense<[{', '.join(map(str, perm))}]> : {pt}")
                    tv = new()
                    tt = tensor_type(ts, w.et)
                    body.append(f"    {tv} = coreai.transpose {wv}, {pv} : ({wt}, {pt}) -> {tt}")
                    xs = ts[:-2] + [4, ts[-2]]
                    xa = arg(tensor_type(xs, w.et))
                    r = new()
                    ot = tensor_type(ts[:-2] + [4, ts[-1]], w.et)
                    body.append(f"    {r} = coreai.decomposable.broadcasting_batch_matmul {xa}, {tv} : "
                                f"({tensor_type(xs, w.et)}, {tt}) -> {ot}")
                    outs.append((r, ot))
                elif c == "conv2d":
                    cout, cin_g, kh, kw = shape
                    cin = cin_g * w.groups
                    xs = [1, cin, kh + 2, kw + 2]
                    xa = arg(tensor_type(xs, w.et))
                    st, dl, gr = new(), new(), new()
                    body.append(f"    {st} = coreai.constant dense<1> : tensor<2xui32>")
                    body.append(f"    {dl} = coreai.constant dense<1> : tensor<2xui32>")
                    body.append(f"    {gr} = coreai.constant dense<{w.groups}> : tensor<ui32>")
                    r = new()
                    ot = tensor_type([1, cout, 3, 3], w.et)
                    body.append(f"    {r} = coreai.conv2d {xa}, {wv}, {st}, {dl}, {gr} : "
                                f"({tensor_type(xs, w.et)}, {wt}, tensor<2xui32>, tensor<2xui32>, "
                                f"tensor<ui32>) -> {ot}")
                    outs.append((r, ot))
                elif c == "gather_nd":
                    it = "tensor<2x1xsi32>"
                    ia = arg(it)
                    r = new()
                    ot = tensor_type([2] + shape[1:], w.et)
                    body.append(f"    {r} = coreai.gather_nd {wv} at {ia} : ({wt}, {it}) to {ot}")
                    outs.append((r, ot))
                elif c == "relu":
                    r = new()
                    body.append(f"    {r} = coreai.relu {wv} : ({wt}) -> {wt}")
                    outs.append((r, wt))
                else:
                    raise ValueError(f"unknown consumer {c!r}")
        if not outs:   # a graph must return something
            a = arg("tensor<4xf32>")
            outs.append((a, "tensor<4xf32>"))
        ret_types = ", ".join(t for _, t in outs)
        lines = ["module {",
                 f"  coreai.graph @main({', '.join(args)}) -> ({ret_types}) {{"]
        lines += body
        lines.append(f"    coreai.output {', '.join(v for v, _ in outs)} : {ret_types}")
        lines += ["  }", "}"]
        blobs = [w for w in self.weights if w.blob is not None]
        if blobs:
            lines += ["", "{-#", "  dialect_resources: {", "    builtin: {"]
            entries = [f'      {w.name}: "0x10000000{w.blob.hex().upper()}"' for w in blobs]
            lines.append(",\n".join(entries))
            lines += ["    }", "  }", "#-}"]
        return "\n".join(lines) + "\n"


def make_program(array, consumers="bmm_y", **kw) -> str:
    """Text of a program with one weight (see ``ProgramBuilder.add_weight``)."""
    return ProgramBuilder().add_weight(array, consumers, **kw).build()


# --------------------------------------------------------------------------- decoding

_BSS_RE = re.compile(
    r"(%[\w.$-]+)\s*=\s*coreai\.blockwise_shift_scale\s+(%[\w.$-]+),\s*(%[\w.$-]+),\s*"
    r"(%[\w.$-]+),\s*(%[\w.$-]+)\s*:\s*\(([^)]*)\)\s*->\s*tensor<([^>]*)>")


@dataclasses.dataclass
class QuantizedWeight:
    result: str
    names: Tuple[str, str, str, str]           # data, scale, offset1, offset2 SSA names
    consts: Tuple[mb.Constant, ...]
    data: np.ndarray
    scale: np.ndarray
    offset1: np.ndarray
    offset2: np.ndarray
    out_shape: Tuple[int, ...]
    out_type: str

    @property
    def scale_type(self) -> str:
        return self.consts[1].element_type

    def dequantize(self) -> np.ndarray:
        """scale * (data - offset1) + offset2 per block, in float32."""
        return blockwise_shift_scale(self.data, self.scale, self.offset1, self.offset2)


def blockwise_shift_scale(data, scale, off1, off2) -> np.ndarray:
    reps = [d // s for d, s in zip(data.shape, scale.shape)]

    def ex(a):
        a = np.asarray(a).astype(np.float32)
        for ax, r in enumerate(reps):
            if r != 1:
                a = np.repeat(a, r, axis=ax)
        return a

    return ex(scale) * (np.asarray(data).astype(np.float32) - ex(off1)) + ex(off2)


def quantized_weights(text: str) -> List[QuantizedWeight]:
    """The blockwise_shift_scale ops of ``text`` (custom form) in IR order, decoded."""
    consts = {c.name: c for c in mb.parse_constants(text)}
    res = mb.parse_resources(text)
    out = []
    for m in _BSS_RE.finditer(text):
        names = tuple(m.group(i) for i in range(2, 6))
        cs = tuple(consts[n] for n in names)
        vals = [mb.constant_value(c, res) for c in cs]
        shape, et = mb.parse_tensor_type(m.group(7))
        out.append(QuantizedWeight(m.group(1), names, cs, *vals, shape, et))
    return out
