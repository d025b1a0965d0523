"""Quantize the weights of a ``.aimodel`` asset (a directory written by
Apple's ``coreai.authoring.AIProgram.save_asset``).

    python -m coreai_opt.aimodel in.aimodel -o out.aimodel --dtype int4 --granularity per_block

An asset's program (``main.mlirb``) is bytecode of Apple's versioned
``aicode.*`` serialization dialect, which this package cannot read. The route
goes through Apple's ``coreai`` package (coreai-core 1.0.0b3, imported only
here, lazily): Apple loads the asset, ``quantize_weights`` quantizes Apple's
program as it does any ``coreai.authoring.AIProgram`` (no text), and
``save_asset`` writes the new asset. What this keeps and what it does not is
in docs/aimodel.md.

The destination is built in a temporary directory beside it and renamed into
place only when complete; on any error it is left as it was (absent, or the
previous asset). ``dst`` may be ``src``.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from ._options import (add_palettize_options, add_quantize_options, add_sparsify_options,
                       palettize_kwargs, quantize_kwargs, sparsify_kwargs)
from .errors import CoreAIError, ParseError
from .program import AIProgram

__all__ = ["AssetQuantizationResult", "CoreAIUnavailableError", "load_asset", "main",
           "palettize_asset", "quantize_asset", "save_asset", "sparsify_asset"]

_PathLike = Union[str, "os.PathLike[str]"]
logger = logging.getLogger("coreai_opt.aimodel")

# Files of an asset written by Apple's save_asset (coreai-core 1.0.0b3).
BYTECODE = "main.mlirb"
HASH = "main.hash"
METADATA = "metadata.json"
_ASSET_FILES = (BYTECODE, HASH, METADATA)
_BYTECODE_MAGIC = b"ML\xefR"
# The custom metadata key under which quantize_asset records what it did.
PROVENANCE_KEY = "coreai_opt.quantization"


class CoreAIUnavailableError(ImportError):
    """Apple's ``coreai`` package is needed and cannot be imported."""


def _apple():
    """(coreai.authoring, coreai._compiler.ir, coreai.runtime), imported on demand."""
    try:
        import coreai.authoring as authoring
        import coreai.runtime as runtime
        from coreai._compiler import ir as apple_ir
    except Exception as e:  # noqa: BLE001 - any import failure means "not available"
        raise CoreAIUnavailableError(
            ".aimodel assets are read and written by Apple's coreai package "
            "(coreai-core==1.0.0b3), which cannot be imported here "
            f"({type(e).__name__}: {e}); pip install -r requirements-interop.txt") from e
    return authoring, apple_ir, runtime


# -- checks ---------------------------------------------------------------

def _check_asset_name(path: Path, what: str) -> None:
    if path.suffix != ".aimodel":
        raise ValueError(f"{what} must be a .aimodel path, got {str(path)!r}")


def _check_source(src: Path, verify_hash: bool) -> None:
    """Everything Apple's loader would otherwise die on (it segfaults on a
    missing main.mlirb and aborts the process on a damaged one)."""
    if not src.exists():
        raise FileNotFoundError(f"{src}: no such asset")
    if not src.is_dir():
        raise ParseError(f"{src}: not an asset (an .aimodel asset is a directory)")
    bytecode = src / BYTECODE
    if not bytecode.is_file():
        raise ParseError(f"{src}: not an asset: it has no {BYTECODE}")
    data = bytecode.read_bytes()
    if not data.startswith(_BYTECODE_MAGIC):
        raise ParseError(f"{bytecode}: not MLIR bytecode")
    if verify_hash:
        hash_file = src / HASH
        if not hash_file.is_file():
            raise ParseError(
                f"{src}: has no {HASH} to check {BYTECODE} against (pass verify_hash=False / "
                "--no-verify-hash to load it anyway; Apple's loader aborts the process on "
                "damaged bytecode)")
        if hash_file.read_bytes() != hashlib.sha256(data).digest():
            raise ParseError(f"{src}: {BYTECODE} does not match {HASH} (damaged or truncated asset)")


def _check_destination(dst: Path, src: Optional[Path] = None) -> None:
    _check_asset_name(dst, "the destination")
    parent = dst.parent
    if not parent.is_dir():
        raise FileNotFoundError(f"{dst}: directory {parent} does not exist")
    if dst.is_symlink():
        raise ValueError(f"{dst}: is a symbolic link; name the asset itself")
    if dst.exists():
        if not dst.is_dir() or not (dst / BYTECODE).is_file():
            raise FileExistsError(f"{dst}: exists and is not an .aimodel asset; not replacing it")
    if src is not None and src.exists():
        src_real, dst_real = src.resolve(), dst.resolve()
        if src_real in dst_real.parents:
            raise ValueError(f"{dst}: the destination is inside the source asset {src}")


# -- Apple's side ---------------------------------------------------------

def _apple_error(e: BaseException, what: str) -> CoreAIError:
    notes = [f"{d.location}: {d.message}" for d in getattr(e, "error_diagnostics", None) or []]
    return CoreAIError(f"{what}:\n" + ("\n".join(notes) or f"{type(e).__name__}: {e}"), notes)


def _apple_load(src: Path, verify_hash: bool = True):
    """Apple's program of the asset ``src``, in a fresh context of its own."""
    authoring, _, _ = _apple()
    _check_source(src, verify_hash)
    context = authoring.Context()._mlir_context  # noqa: SLF001
    try:
        # AIModelAsset.load(src).program reads the same file through the same
        # function; the static method takes the context explicitly.
        return authoring.AIProgram._load_bytecode(src / BYTECODE, context)  # noqa: SLF001
    except Exception as e:  # noqa: BLE001
        raise _apple_error(e, f"coreai could not load {src / BYTECODE}") from None


def _apple_bytecode(apple_program) -> bytes:
    """Apple's program as MLIR bytecode (of the coreai dialect, with
    locations), which our parser reads: no weight goes through text."""
    stream = io.BytesIO()
    apple_program._module._mlir_module.operation.write_bytecode(stream)  # noqa: SLF001
    return stream.getvalue()


def _ours(apple_program, name: str) -> AIProgram:
    """Apple's program as our AIProgram (through bytecode)."""
    program = AIProgram.parse(_apple_bytecode(apple_program), filename=name)
    program.debug_info = True
    return program


def _apple_parse(data: bytes):
    """Our bytecode -> Apple's verified program, in a fresh context (so
    weight resource names are kept rather than suffixed ``_1``)."""
    authoring, apple_ir, _ = _apple()
    context = authoring.Context()._mlir_context  # noqa: SLF001
    try:
        with context:
            module = apple_ir.Module.parse(data)
        module.operation.verify()
    except Exception as e:  # noqa: BLE001 - Apple's MLIRError, re-raised as ours
        raise _apple_error(e, "coreai could not parse the program") from None
    return authoring.AIProgram._from_mlir_module(module)  # noqa: SLF001


def _read_metadata_json(asset: Path) -> Dict[str, Any]:
    try:
        return json.loads((asset / METADATA).read_text())
    except (OSError, ValueError):
        return {}


def _copy_metadata(src: Optional[Path], extra: Optional[Dict[str, str]] = None):
    """A new AIModelAssetMetadata with ``src``'s author, license, description
    and custom entries (creation date and producer are stamped by save_asset)."""
    _, _, runtime = _apple()
    new = runtime.AIModelAssetMetadata()
    if src is not None and (src / METADATA).is_file():
        authoring, _, _ = _apple()
        try:
            old = authoring.AIModelAsset.load(src).metadata
        except Exception as e:  # noqa: BLE001
            raise _apple_error(e, f"coreai could not read {src / METADATA}") from None
        for field in ("author", "license", "model_description"):
            value = getattr(old, field)
            if value:
                setattr(new, field, value)
        for key, value in dict(old.creator_defined_metadata).items():
            new.set_custom(key, value)
    for key, value in (extra or {}).items():
        new.set_custom(key, value)
    return new


def _stage_and_commit(apple_program, dst: Path, metadata) -> None:
    """save_asset into a temporary directory beside ``dst``, then rename it
    into place (an existing ``dst`` is moved aside first and restored if the
    rename fails; it is deleted only once the new asset is in place)."""
    staging = Path(tempfile.mkdtemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent))
    try:
        staged = staging / "new.aimodel"
        try:
            apple_program.save_asset(staged, metadata=metadata)
        except Exception as e:  # noqa: BLE001 - Apple's RuntimeError wraps the cause
            cause = e.__cause__ or e
            raise _apple_error(cause, f"coreai could not save the asset {dst}") from None
        os.chmod(staged, 0o777 & ~_umask())
        if dst.exists():
            backup = staging / "old.aimodel"
            os.rename(dst, backup)
            try:
                os.rename(staged, dst)
            except BaseException:
                os.rename(backup, dst)
                raise
        else:
            os.rename(staged, dst)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- public API -----------------------------------------------------------

def load_asset(path: _PathLike, *, verify_hash: bool = True) -> AIProgram:
    """The program of an ``.aimodel`` asset as a ``coreai_opt.AIProgram``
    (written as bytecode by Apple's coreai, with locations, read by ours).

    Raises FileNotFoundError (no such asset), ParseError (not an asset,
    damaged bytecode, ``main.hash`` mismatch), CoreAIError (coreai could not
    load it), CoreAIUnavailableError (no coreai).
    """
    path = Path(path)
    return _ours(_apple_load(path, verify_hash), str(path))


def save_asset(program, path: _PathLike, *, metadata=None,
               metadata_from: Optional[_PathLike] = None) -> None:
    """Writes ``program`` (ours or Apple's ``coreai.authoring.AIProgram``)
    as the asset ``path``, atomically (an error leaves ``path`` as it was).

    ``metadata``: an Apple ``coreai.runtime.AIModelAssetMetadata``; or
    ``metadata_from``: an asset whose author, license, description and custom
    entries are copied. save_asset stamps a new creation date and producer.
    """
    path = Path(path)
    _check_destination(path)
    if metadata is not None and metadata_from is not None:
        raise ValueError("give metadata or metadata_from, not both")
    if isinstance(program, AIProgram):
        stream = io.BytesIO()
        program.module.operation.write_bytecode(stream)
        apple_program = _apple_parse(stream.getvalue())
    else:
        from .coreai_utils._interop import is_external

        if not is_external(program):
            raise TypeError("program must be a coreai_opt.AIProgram or a coreai.authoring.AIProgram, "
                            f"got {type(program).__name__}")
        apple_program = program
    if metadata is None:
        metadata = _copy_metadata(Path(metadata_from) if metadata_from is not None else None)
    _stage_and_commit(apple_program, path, metadata)


@dataclasses.dataclass
class AssetQuantizationResult:
    """What ``quantize_asset`` did."""

    src: Path
    dst: Path
    report: Any  # coreai_opt.report.QuantizationReport
    bytecode_bytes_before: int
    bytecode_bytes_after: int
    metadata_copied: List[str]
    not_carried: List[str]
    seconds: float

    def __str__(self) -> str:
        lines = [str(self.report),
                 f"{self.src} -> {self.dst}: {BYTECODE} {self.bytecode_bytes_before} -> "
                 f"{self.bytecode_bytes_after} bytes"]
        if self.metadata_copied:
            lines.append("metadata copied: " + ", ".join(self.metadata_copied))
        if self.not_carried:
            lines.append("not carried over: " + ", ".join(self.not_carried))
        return "\n".join(lines)


def quantize_asset(src: _PathLike, dst: _PathLike, dtype, qscheme="symmetric",
                   granularity="per_channel", block_size: int = 32,
                   weight_num_threshold: int = 1024, scale_dtype=None, *,
                   provenance: bool = True, verify_hash: bool = True) -> AssetQuantizationResult:
    """Quantizes the weights of the asset ``src`` into the asset ``dst``.

    The options are ``coreai_utils.quantize_weights``'s. ``dst`` is written
    atomically and may be ``src`` (replaced only once the new asset is
    complete). The metadata's author, license, description and custom entries
    are copied; with ``provenance`` the custom entry
    ``coreai_opt.quantization`` records the options (JSON).

    Raises ValueError/TypeError (bad options or paths; checked before
    anything is read), FileNotFoundError (no ``src``, or no directory for
    ``dst``), FileExistsError (``dst`` exists and is not an asset), ParseError
    (``src`` is not a sound asset), CoreAIError (coreai rejected the program),
    CoreAIUnavailableError (no coreai). On any error ``dst`` is untouched.
    """
    options = dict(dtype=dtype, qscheme=qscheme, granularity=granularity, block_size=block_size,
                   weight_num_threshold=weight_num_threshold, scale_dtype=scale_dtype)
    return _transform_asset(src, dst, "quantize", options, provenance, verify_hash)


def palettize_asset(src: _PathLike, dst: _PathLike, lut_dtype=None, n_bits: int = 4,
                    granularity="per_tensor", group_size: int = 32, cluster_dim: int = 1,
                    enable_per_channel_scale: bool = False, weight_num_threshold: int = 1024,
                    *, provenance: bool = True,
                    verify_hash: bool = True) -> AssetQuantizationResult:
    """``quantize_asset`` with ``coreai_utils.palettize_weights`` and its
    options (the provenance entry records them the same way)."""
    options = dict(lut_dtype=lut_dtype, n_bits=n_bits, granularity=granularity,
                   group_size=group_size, cluster_dim=cluster_dim,
                   enable_per_channel_scale=enable_per_channel_scale,
                   weight_num_threshold=weight_num_threshold)
    return _transform_asset(src, dst, "palettize", options, provenance, verify_hash)


def sparsify_asset(src: _PathLike, dst: _PathLike, target_sparsity=0.5, block_size=None,
                   n_m_ratio=None, quantize_dtype=None, palettize_nbits=None,
                   weight_num_threshold: int = 1024, *, provenance: bool = True,
                   verify_hash: bool = True) -> AssetQuantizationResult:
    """``quantize_asset`` with ``coreai_utils.sparsify_weights`` and its
    options (the provenance entry records them the same way)."""
    options = dict(target_sparsity=target_sparsity, block_size=block_size,
                   n_m_ratio=n_m_ratio, quantize_dtype=quantize_dtype,
                   palettize_nbits=palettize_nbits,
                   weight_num_threshold=weight_num_threshold)
    return _transform_asset(src, dst, "sparsify", options, provenance, verify_hash)


def _transform_asset(src, dst, transform: str, options: Dict[str, Any], provenance: bool,
                     verify_hash: bool) -> AssetQuantizationResult:
    from . import coreai_utils
    from .report import compression_report

    start = time.perf_counter()
    src, dst = Path(src), Path(dst)
    # The transform's own checks (ValueError/TypeError), before anything is read.
    getattr(coreai_utils, f"{transform}_weights_pipeline")(**options)
    _check_asset_name(src, "the source")
    _check_destination(dst, src)
    _apple()

    # Apple's program is transformed as Apple's object (no text); the report
    # reads both programs through bytecode.
    original = _apple_load(src, verify_hash)
    transformed = getattr(coreai_utils, f"{transform}_weights")(original, **options)
    report = compression_report(_ours(original, str(src)), _ours(transformed, str(dst)))
    del original

    extra = {}
    if provenance:
        from . import __version__

        record = {"tool": f"coreai-opt-native {__version__}",
                  "options": {k: getattr(v, "value", v) for k, v in options.items()}}
        if transform != "quantize":
            record["transform"] = f"{transform}_weights"
        extra[PROVENANCE_KEY] = json.dumps(record, sort_keys=True)
    metadata = _copy_metadata(src, extra)
    src_json = _read_metadata_json(src)
    src_entries = sorted(p.name for p in src.iterdir())
    bytes_before = (src / BYTECODE).stat().st_size

    _stage_and_commit(transformed, dst, metadata)
    del transformed

    dst_json = _read_metadata_json(dst)
    copied = [k for k in ("author", "license", "description") if src_json.get(k)]
    copied += [f"custom:{k}" for k in sorted(src_json.get("creatorDefinedMetadata", {}))]
    not_carried = [f"file:{name}" for name in src_entries if name not in _ASSET_FILES]
    not_carried += [f"metadata:{k}" for k in sorted(src_json) if k not in dst_json]
    for item in not_carried:
        logger.warning("%s: %s is not carried over to %s", src, item, dst)
    return AssetQuantizationResult(src, dst, report, bytes_before,
                                   (dst / BYTECODE).stat().st_size, copied, not_carried,
                                   time.perf_counter() - start)


# -- command line ---------------------------------------------------------

def _parser(transform: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m coreai_opt.aimodel" if transform == "quantize" else f"coreai-{transform}",
        description=f"{transform.capitalize()} the weights of a Core AI .aimodel asset "
                    "(needs Apple's coreai).")
    p.add_argument("input", type=Path, help=f"the .aimodel asset to {transform}")
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="the .aimodel asset to write (atomically); may be the input")
    {"quantize": add_quantize_options, "palettize": add_palettize_options,
     "sparsify": add_sparsify_options}[transform](p)
    p.add_argument("--no-provenance", action="store_true",
                   help=f"do not record the options in the custom metadata entry {PROVENANCE_KEY}")
    p.add_argument("--no-verify-hash", action="store_true",
                   help=f"load the asset even if it has no {HASH} (a damaged {BYTECODE} then "
                        "aborts the process inside Apple's loader)")
    return p


def main(argv: Optional[List[str]] = None, transform: str = "quantize") -> int:
    """Runs the asset command of ``transform`` (quantize or palettize)."""
    args = _parser(transform).parse_args(argv)
    command = f"coreai-{transform}"
    logging.basicConfig(format=f"{command}: warning: %(message)s", level=logging.WARNING)
    try:
        kwargs = {"quantize": quantize_kwargs, "palettize": palettize_kwargs,
                  "sparsify": sparsify_kwargs}[transform](args)
    except ValueError as e:
        print(f"{command}: error: {e}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"{transform} {args.input} -> {args.output} ...", file=sys.stderr, flush=True)
    try:
        result = _transform_asset(args.input, args.output, transform, kwargs,
                                  provenance=not args.no_provenance,
                                  verify_hash=not args.no_verify_hash)
    except (ValueError, TypeError, CoreAIError, OSError, ImportError) as e:
        print(f"{command}: error: {e}", file=sys.stderr)
        return 1
    if not args.no_report:
        print(result)
    if not args.quiet:
        print(f"done in {result.seconds:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
