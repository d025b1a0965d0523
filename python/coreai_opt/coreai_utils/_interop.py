"""Transforming Apple's ``coreai.authoring.AIProgram`` (duck-typed; ``coreai``
is imported only when such an object is passed).

Apple's program lives in Apple's build of MLIR, which our passes cannot
touch. With the version of Apple's ``coreai`` package this route is built for,
the transformation runs on a *mirror* (``coreai/Interop/ModuleMirror.h``):

1. Apple's module is written as bytecode by Apple's MLIR with every
   ``dense_resource`` weight swapped for a splat placeholder (so the bytecode
   holds no weight bytes; the weights are swapped back right after);
2. our MLIR reads it, the weights are copied by Apple's
   ``copy_constant_value_to_array`` straight into our buffers and attached,
   and the pass pipeline runs on the mirror, exactly as on any program;
3. what the pipeline did (constants replaced by new operations) is read back
   and applied to Apple's module with Apple's own API, the new blobs handed
   over by reference (``DenseResourceElementsAttr.get_from_buffer``).

No weight is ever printed as text. Any other version of ``coreai``, or a
program the mirror cannot carry, goes through text instead: Apple's module
is printed (with locations), parsed by our parser, transformed, printed and
parsed back by Apple's parser. Both routes give the same program.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Dict, List, Optional

from .. import _coreai
from ..errors import CoreAIError
from ..program import AIProgram
from .._diagnostics import logger

_EXTERNAL_NAME = "<coreai.authoring.AIProgram>"
# The version of Apple's coreai whose internals the mirror route uses.
_MIRROR_COREAI_VERSION = "1.0.0b3"
_RESOURCE_KEY = re.compile(r"dense_resource<([A-Za-z_][A-Za-z0-9_.$-]*)>")


class _Unsupported(Exception):
    """The mirror route cannot take this program; text can."""


def is_external(program) -> bool:
    """An object shaped like Apple's ``coreai.authoring.AIProgram``: defined in
    the ``coreai`` package, holding ``_module._mlir_module`` (an MLIR module)."""
    module_name = type(program).__module__ or ""
    if module_name != "coreai" and not module_name.startswith("coreai."):
        return False
    wrapper = getattr(program, "_module", None)
    mlir_module = getattr(wrapper, "_mlir_module", None)
    return mlir_module is not None and hasattr(mlir_module, "operation")


# -- Apple's API ------------------------------------------------------------

class _Apple:
    """The parts of Apple's coreai the mirror route uses."""

    def __init__(self, ir, copy_constant):
        self.ir = ir
        self.copy_constant = copy_constant


_apple_api: Optional[_Apple] = None
_apple_checked = False


def _apple() -> Optional[_Apple]:
    """Apple's API for the mirror route, or None (said once in the log)."""
    global _apple_api, _apple_checked
    if _apple_checked:
        return _apple_api
    _apple_checked = True
    try:
        from importlib.metadata import version

        found = version("coreai-core")
    except Exception:  # noqa: BLE001 - not installed as a distribution
        found = None
    if found != _MIRROR_COREAI_VERSION:
        logger.warning("coreai-core %s is not %s: Apple's programs are converted through "
                       "text (slower)", found or "of unknown version", _MIRROR_COREAI_VERSION)
        return None
    try:
        from coreai._compiler import ir
        from coreai._compiler._mlir_libs._coreaiIR._bindings import compiler

        _apple_api = _Apple(ir, compiler.copy_constant_value_to_array)
    except Exception as e:  # noqa: BLE001 - internals moved: use text
        logger.warning("coreai's internals are not as expected (%s): Apple's programs are "
                       "converted through text (slower)", e)
    return _apple_api


# -- the mirror route -------------------------------------------------------

def _constants(apple: _Apple, module) -> list:
    """The module's coreai.constant operations in pre-order (the mirror's
    order of constants)."""
    found = []

    def visit(op):
        if op.name == "coreai.constant":
            found.append(op)
        return apple.ir.WalkResult.ADVANCE

    module.operation.walk(visit, apple.ir.WalkOrder.PRE_ORDER)
    return found


def _clone(apple: _Apple, module):
    """A new module in the same context holding a copy of ``module`` (blobs
    shared, so no weight is copied)."""
    ir = apple.ir
    with module.context:
        clone = ir.Module.create(loc=module.operation.location)
        for named in module.operation.attributes:
            clone.operation.attributes[named.name] = named.attr
        point = ir.InsertionPoint(clone.body)
        for op in module.body.operations:
            op.clone(ip=point)
    return clone


def _placeholder(apple: _Apple, shaped_type):
    """A splat zero of the type: nothing of the weight goes into bytecode."""
    ir = apple.ir
    element = shaped_type.element_type
    for make in (lambda: ir.FloatAttr.get(element, 0.0),
                 lambda: ir.IntegerAttr.get(element, 0)):
        try:
            return ir.DenseElementsAttr.get_splat(shaped_type, make())
        except Exception:  # noqa: BLE001 - not that kind of element
            continue
    raise _Unsupported(f"no placeholder for {shaped_type}")


def _skeleton(apple: _Apple, module, constants) -> tuple:
    """(bytecode of ``module`` with its dense_resource weights swapped for
    placeholders, {constant index: resource key}). ``module`` is restored
    before this returns."""
    ir = apple.ir
    keys: Dict[int, str] = {}
    swapped = []
    try:
        with module.context, ir.Location.unknown():
            placeholders = {}
            for index, op in enumerate(constants):
                value = op.attributes["value"]
                if not ir.DenseResourceElementsAttr.isinstance(value):
                    continue
                match = _RESOURCE_KEY.match(str(value))
                if not match:
                    raise _Unsupported(f"resource name of {value}")
                keys[index] = match.group(1)
                type_text = str(value.type)
                if type_text not in placeholders:
                    placeholders[type_text] = _placeholder(apple, ir.ShapedType(value.type))
                swapped.append((op, value))
                op.attributes["value"] = placeholders[type_text]
            stream = io.BytesIO()
            module.operation.write_bytecode(stream)
    finally:
        for op, value in swapped:
            op.attributes["value"] = value
    return stream.getvalue(), keys


def _mirror(apple: _Apple, module, constants):
    """Our mirror of ``module``, weights attached and verified."""
    bytecode, keys = _skeleton(apple, module, constants)
    try:
        mirror = _coreai.Mirror(bytecode)
    except ValueError as e:
        raise _Unsupported(str(e)) from None
    if mirror.num_constants != len(constants):
        raise _Unsupported("the mirror holds another number of constants")
    _attach_weights(apple, mirror, constants, keys)
    ok, diagnostics = mirror.verify()
    if not ok:
        raise _Unsupported("; ".join(text for _, text in diagnostics) or "it does not verify")
    return mirror


def _attach_weights(apple: _Apple, mirror, constants, keys: Dict[int, str]) -> None:
    """Copies each blob once (Apple's copy_constant_value_to_array into the
    mirror's buffer) and attaches it to every constant that uses it."""
    attached = set()
    for index, key in keys.items():
        try:
            if key not in attached:
                buffer = mirror.weight_buffer(index)
                apple.copy_constant(constant_op=constants[index], destination=buffer)
                del buffer
                attached.add(key)
            mirror.attach_weight(index, key)
        except (ValueError, RuntimeError) as e:
            raise _Unsupported(f"weight {key}: {e}") from None


def _run(mirror, pipeline: str) -> List[str]:
    """Runs the pipeline on the mirror: its warnings, or CoreAIError with
    its errors (as AIProgram.run_pipeline reports them)."""
    ok, diagnostics = mirror.run(pipeline)
    errors = [text for severity, text in diagnostics if severity == "error"]
    for severity, text in diagnostics:
        if severity not in ("error", "warning"):
            logger.info(text)
    if errors or not ok:
        errors = errors or [f"the pipeline {pipeline} failed"]
        raise CoreAIError("\n".join(errors), errors)
    return [text for severity, text in diagnostics if severity == "warning"]


def _shared_blob(apple: _Apple, key: str, alignment: int, data, type_texts) -> dict:
    """{type: attribute} for one blob used with several types. Apple's Python
    API gives each new attribute a blob of its own, so these few go through
    a small program text holding the one blob (as the text route does)."""
    ir = apple.ir
    hexdata = int(alignment).to_bytes(4, "little").hex().upper() + data.tobytes().hex().upper()
    ops = "\n".join(f'  "coreai.constant"() <{{value = dense_resource<{key}> : {t}}}> : () -> {t}'
                    for t in type_texts)
    text = (f"module {{\n{ops}\n}}\n{{-#\n  dialect_resources: {{\n    builtin: {{\n"
            f'      {key}: "0x{hexdata}"\n    }}\n  }}\n#-}}\n')
    module = ir.Module.parse(text)
    return {t: op.attributes["value"] for t, op in zip(type_texts, module.body.operations)}


def _apply(apple: _Apple, module, constants, replacements) -> None:
    """Rebuilds the replacements in Apple's module: everything is parsed and
    created first, then the module is changed (which cannot fail)."""
    ir = apple.ir
    types: Dict[str, object] = {}
    attributes: Dict[str, object] = {}

    def parsed(cache, parse, text):
        if text not in cache:
            cache[text] = parse(text)
        return cache[text]

    with module.context:
        # The new blobs, each handed to Apple by reference, under its name.
        uses: Dict[str, dict] = {}
        for _, operations, _ in replacements:
            for _, _, _, blob_attrs, _ in operations:
                for _, key, type_text, alignment, data in blob_attrs:
                    uses.setdefault(key, {"alignment": alignment, "data": data, "types": []})
                    if type_text not in uses[key]["types"]:
                        uses[key]["types"].append(type_text)
        blobs: Dict[tuple, object] = {}
        for key, use in uses.items():
            if len(use["types"]) == 1:
                type_text = use["types"][0]
                blobs[(key, type_text)] = ir.DenseResourceElementsAttr.get_from_buffer(
                    use["data"], key, parsed(types, ir.Type.parse, type_text),
                    alignment=use["alignment"])
            else:
                shared = _shared_blob(apple, key, use["alignment"], use["data"], use["types"])
                blobs.update({(key, t): attr for t, attr in shared.items()})

        plans = []
        for index, operations, value in replacements:
            built = []
            for name, result_types, attrs, blob_attrs, operands in operations:
                values = {n: parsed(attributes, ir.Attribute.parse, t) for n, t in attrs}
                for attr_name, key, type_text, _, _ in blob_attrs:
                    values[attr_name] = blobs[(key, type_text)]
                built.append((name, [parsed(types, ir.Type.parse, t) for t in result_types],
                              values, operands))
            plans.append((constants[index], built, value))

        for old, built, value in plans:
            point = ir.InsertionPoint(old)
            made: List[object] = []
            for name, result_types, values, operands in built:
                made.append(ir.Operation.create(
                    name, results=result_types,
                    operands=[made[i].results[r] for i, r in operands],
                    attributes=values, loc=old.location, ip=point))
            if value is not None:
                old.results[0].replace_all_uses_with(made[value[0]].results[value[1]])
            old.erase()


def _transform_mirrored(apple: _Apple, external, pipeline: str, in_place: bool):
    source = external._module._mlir_module  # noqa: SLF001
    target = source if in_place else _clone(apple, source)
    constants = _constants(apple, target)
    mirror = _mirror(apple, target, constants)
    warnings = _run(mirror, pipeline)
    try:
        replacements = mirror.replacements()
    except ValueError as e:
        raise _Unsupported(str(e)) from None
    _apply(apple, target, constants, replacements)
    for warning in warnings:
        logger.warning(warning)
    if in_place:
        return external
    return type(external)._from_mlir_module(target)  # noqa: SLF001


# -- the text route ---------------------------------------------------------

def _external_text(external) -> str:
    operation = external._module._mlir_module.operation  # noqa: SLF001
    try:
        return operation.get_asm(enable_debug_info=True)
    except TypeError:  # an older binding without the keyword
        return str(external)


def _transform_text(external, pipeline: str, in_place: bool):
    program = AIProgram.parse(_external_text(external), filename=_EXTERNAL_NAME)
    for warning in program.run_pipeline(pipeline, log_warnings=False):
        logger.warning(warning)
    text = program.to_text(generic=False, debug_info=True)
    # Lazy: only reached when Apple's object was passed in.
    from coreai._compiler import ir as coreai_ir

    old_module = external._module._mlir_module  # noqa: SLF001
    context = getattr(old_module, "context", None)
    if context is None:
        from coreai.authoring import Context

        context = Context()._mlir_context  # noqa: SLF001
    try:
        with context:
            module = coreai_ir.Module.parse(text)
    except Exception as e:  # noqa: BLE001 - Apple's MLIRError, re-raised as ours
        diagnostics = [f"{d.location}: {d.message}" for d in getattr(e, "error_diagnostics", [])]
        raise CoreAIError(
            "coreai could not parse the transformed program:\n"
            + ("\n".join(diagnostics) or str(e)), diagnostics) from None
    if in_place:
        external._module._mlir_module = module  # noqa: SLF001
        return external
    return type(external)._from_mlir_module(module)  # noqa: SLF001


_said: set = set()


def transform_external(external, pipeline: str, in_place: bool):
    """Runs a pass pipeline (``builtin.module(...)``) on Apple's program;
    returns an object of its kind (``external`` itself with ``in_place``).
    Warnings go to the log once the transformation succeeded."""
    apple = _apple()
    if apple is not None:
        try:
            return _transform_mirrored(apple, external, pipeline, in_place)
        except _Unsupported as e:
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            if reason not in _said:
                _said.add(reason)
                logger.info("converting Apple's program through text: %s", reason)
    return _transform_text(external, pipeline, in_place)
