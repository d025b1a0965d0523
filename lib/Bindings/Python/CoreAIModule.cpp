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
#include "coreai/Dialect/CoreAI/Transforms/QuantizeOptions.h"
#include "coreai/Support/InputChecks.h"

#include "mlir-c/Bindings/Python/Interop.h"
#include "mlir/CAPI/IR.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/MemoryBuffer.h"

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

/// The stored bytes of an elements attribute, as (kind, bytes, is_splat):
/// kind "resource" (bytes None if the blob is missing) or "dense" (MLIR's
/// raw storage: one element if splat, i1 bit-packed, sub-byte types one
/// per byte).
nb::tuple elementsData(nb::handle pyAttr) {
  Attribute attr = toAttribute(pyAttr);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return nb::make_tuple("resource", nb::none(), false);
    ArrayRef<char> data = blob->getData();
    return nb::make_tuple("resource", nb::bytes(data.data(), data.size()),
                          false);
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    ArrayRef<char> data = dense.getRawData();
    return nb::make_tuple("dense", nb::bytes(data.data(), data.size()),
                          dense.isSplat());
  }
  throw nb::type_error("expected a dense or dense_resource elements attribute");
}

/// A deep copy of a module in the same context. Resource blobs are shared
/// by reference, so copying a large program copies no weight bytes.
nb::object cloneModule(nb::handle pyModule) {
  MlirModule module = mlirPythonCapsuleToModule(getCapsule(pyModule).ptr());
  if (mlirModuleIsNull(module))
    throw nb::type_error("expected an mlir.ir.Module");
  ModuleOp clone = unwrap(module).clone();
  return nb::steal(mlirPythonModuleToCapsule(wrap(clone)));
}

std::optional<std::string> validateQuantizeOptions(
    std::string dtype, std::string qscheme, std::string granularity,
    int64_t blockSize, int64_t weightNumThreshold, std::string scaleDtype) {
  auto parsed = coreai::parseQuantizeOptions(dtype, qscheme, granularity,
                                             blockSize, weightNumThreshold,
                                             scaleDtype);
  if (auto *message = std::get_if<std::string>(&parsed))
    return *message;
  return std::nullopt;
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
  m.def("elements_data", &elementsData, nb::arg("attribute"),
        "(kind, bytes, is_splat) of a dense or dense_resource attribute.");
  m.def("clone_module", &cloneModule, nb::arg("module"),
        "A capsule holding a deep copy of the module (blobs shared).");
  m.def("validate_quantize_options", &validateQuantizeOptions,
        nb::arg("dtype"), nb::arg("qscheme"), nb::arg("granularity"),
        nb::arg("block_size"), nb::arg("weight_num_threshold"),
        nb::arg("scale_dtype"),
        "The error message for invalid quantize-weights options, or None.");
  m.def(
      "check_input_text",
      [](nb::bytes text) -> std::optional<std::string> {
        return coreai::checkInputText(
            std::string_view(text.c_str(), text.size()));
      },
      nb::arg("text"),
      "Describes input MLIR's parser cannot diagnose itself, or None.");
  m.def(
      "check_input_file",
      [](const std::string &path) {
        // Mapped, not read into Python: text programs can be many GB.
        auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                                  /*RequiresNullTerminator=*/false);
        if (!buffer)
          throw nb::value_error(("cannot read " + path + ": " +
                                 buffer.getError().message())
                                    .c_str());
        std::string_view text((*buffer)->getBufferStart(),
                              (*buffer)->getBufferSize());
        return nb::make_tuple(coreai::checkInputText(text),
                              coreai::hasExplicitLocations(text));
      },
      nb::arg("path"),
      "(problem or None, has explicit locations) for a program file.");
  m.def(
      "has_explicit_locations",
      [](nb::bytes text) {
        return coreai::hasExplicitLocations(
            std::string_view(text.c_str(), text.size()));
      },
      nb::arg("text"), "True if the text spells out loc(...) locations.");
}
