//===- CoreAIModule.cpp - the _coreai Python extension --------------------===//
//
// A thin layer: registers the dialect and passes in the one MLIR that the
// upstream `mlir` package loaded, and exposes the few entry points the
// Python API needs. MLIR objects arrive as the upstream bindings' capsules.
//
//===----------------------------------------------------------------------===//

#include "coreai/Dialect/CoreAI/IR/CoreAIDialect.h"
#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"
#include "coreai/Dialect/CoreAI/Transforms/Passes.h"
#include "coreai/Support/InputChecks.h"

#include "mlir-c/Bindings/Python/Interop.h"
#include "mlir/CAPI/IR.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

namespace nb = nanobind;
using namespace mlir;

namespace {

nb::object getCapsule(nb::handle obj) {
  if (nb::hasattr(obj, MLIR_PYTHON_CAPI_PTR_ATTR))
    return nb::getattr(obj, MLIR_PYTHON_CAPI_PTR_ATTR);
  return nb::borrow(obj);
}

MLIRContext *toContext(nb::handle obj) {
  MlirContext ctx = mlirPythonCapsuleToContext(getCapsule(obj).ptr());
  if (mlirContextIsNull(ctx))
    throw nb::type_error("expected an mlir.ir.Context");
  return unwrap(ctx);
}

Attribute toAttribute(nb::handle obj) {
  MlirAttribute attr = mlirPythonCapsuleToAttribute(getCapsule(obj).ptr());
  if (mlirAttributeIsNull(attr))
    throw nb::type_error("expected an mlir.ir.Attribute");
  return unwrap(attr);
}

void registerDialects(nb::handle pyContext) {
  MLIRContext *ctx = toContext(pyContext);
  DialectRegistry registry;
  coreai::registerCoreAIDialects(registry);
  ctx->appendDialectRegistry(registry);
  ctx->loadDialect<coreai::CoreAIDialect>();
  // Foreign ops, attributes and types (param, udml, ...) are kept as is.
  ctx->allowUnregisteredDialects(true);
}

/// The bytes of a dense_resource attribute's blob, or None if it is missing.
std::optional<nb::bytes> resourceBlob(nb::handle pyAttr) {
  auto attr = dyn_cast<DenseResourceElementsAttr>(toAttribute(pyAttr));
  if (!attr)
    throw nb::type_error("expected a DenseResourceElementsAttr");
  AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  if (!blob)
    return std::nullopt;
  ArrayRef<char> data = blob->getData();
  return nb::bytes(data.data(), data.size());
}

/// The raw storage of a DenseElementsAttr (one element if it is a splat).
nb::bytes denseRawData(nb::handle pyAttr) {
  auto attr = dyn_cast<DenseElementsAttr>(toAttribute(pyAttr));
  if (!attr)
    throw nb::type_error("expected a DenseElementsAttr");
  ArrayRef<char> data = attr.getRawData();
  return nb::bytes(data.data(), data.size());
}

} // namespace

NB_MODULE(_coreai, m) {
  m.doc() = "Native part of coreai_opt: the coreai dialect and passes";
  m.def("register_dialects", &registerDialects, nb::arg("context"),
        "Loads the coreai dialect into an mlir.ir.Context and allows "
        "unregistered dialects.");
  m.def(
      "register_passes", []() { coreai::registerCoreAIPasses(); },
      "Registers the coreai passes (quantize-weights) for pipeline strings.");
  m.def("resource_blob", &resourceBlob, nb::arg("attribute"),
        "The bytes of a dense_resource attribute's blob (None if missing).");
  m.def("dense_raw_data", &denseRawData, nb::arg("attribute"),
        "The raw storage of a DenseElementsAttr.");
  m.def(
      "check_input_text",
      [](nb::bytes text) -> std::optional<std::string> {
        return coreai::checkInputText(
            std::string_view(text.c_str(), text.size()));
      },
      nb::arg("text"),
      "Describes input MLIR's parser cannot diagnose itself, or None.");
  m.def(
      "has_explicit_locations",
      [](nb::bytes text) {
        return coreai::hasExplicitLocations(
            std::string_view(text.c_str(), text.size()));
      },
      nb::arg("text"), "True if the text spells out loc(...) locations.");
}
