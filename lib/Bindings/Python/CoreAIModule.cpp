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
#include "coreai/Dialect/CoreAI/Transforms/CompressionOptions.h"
#include "coreai/Kernels/Packing.h"
#include "coreai/Interop/ModuleMirror.h"
#include "coreai/Support/InputChecks.h"
#include "coreai/Kernels/OutputBuffers.h"
#include "coreai/TextIO/ProgramText.h"

#include "mlir-c/Bindings/Python/Interop.h"
#include "mlir/CAPI/IR.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/MemoryBuffer.h"

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>

#include <memory>

#include <exception>

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

ModuleOp toModule(nb::handle obj) {
  MlirModule module = mlirPythonCapsuleToModule(getCapsule(obj).ptr());
  if (mlirModuleIsNull(module))
    throw nb::type_error("expected an mlir.ir.Module");
  return unwrap(module);
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
  ModuleOp clone = toModule(pyModule).clone();
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

/// The error message for invalid palettize-weights options, or none. A
/// rejected lut_dtype or granularity is shown as `lutDtypeRepr` /
/// `granularityRepr` (the Python argument's repr, as Apple's API shows it).
std::optional<std::string> validatePalettizeOptions(
    std::string lutDtype, int64_t nBits, std::string granularity,
    int64_t groupSize, int64_t clusterDim, bool perChannelScale,
    int64_t weightNumThreshold, std::string lutDtypeRepr,
    std::string granularityRepr) {
  coreai::PalettizeOptionValues values;
  values.lutDtype = lutDtype;
  values.nBits = nBits;
  values.granularity = granularity;
  values.groupSize = groupSize;
  values.clusterDim = clusterDim;
  values.perChannelScale = perChannelScale;
  values.weightNumThreshold = weightNumThreshold;
  auto parsed = coreai::parsePalettizeOptions(
      values, [&](const std::string &option, const std::string &) {
        return option == "lut_dtype" ? lutDtypeRepr : granularityRepr;
      });
  if (auto *message = std::get_if<std::string>(&parsed))
    return *message;
  return std::nullopt;
}

/// The error message for invalid sparsify-weights options, or none (unset
/// options are None). A rejected quantize_dtype or target_sparsity is shown
/// by the given repr.
std::optional<std::string> validateSparsifyOptions(
    std::optional<double> targetSparsity, std::optional<int64_t> blockSize,
    std::optional<std::pair<int64_t, int64_t>> nmRatio, std::string quantizeDtype,
    std::optional<int64_t> palettizeBits, int64_t weightNumThreshold,
    std::string quantizeDtypeRepr, std::string targetSparsityRepr) {
  coreai::SparsifyOptionValues values;
  values.targetSparsity = targetSparsity;
  values.blockSize = blockSize;
  values.nmRatio = nmRatio;
  values.quantizeDtype = quantizeDtype;
  values.palettizeBits = palettizeBits;
  values.weightNumThreshold = weightNumThreshold;
  auto parsed = coreai::parseSparsifyOptions(
      values, [&](const std::string &option, const std::string &) {
        return option == "quantize_dtype" ? quantizeDtypeRepr
                                          : targetSparsityRepr;
      });
  if (auto *message = std::get_if<std::string>(&parsed))
    return *message;
  return std::nullopt;
}

/// The codes (one byte each) of the first `count` elements of a blob of
/// `bits`-wide elements, in the layout of coreai/Kernels/Packing.h.
nb::bytes unpackCodes(nb::bytes blob, int bits, int64_t count) {
  if (!coreai::kernels::isPackableBits(bits))
    throw nb::value_error("bits must be 1, 2, 3, 4, 6 or 8");
  if (count < 0 ||
      coreai::kernels::packedBytesForBits(bits, count) > blob.size())
    throw nb::value_error("the blob is shorter than count elements");
  std::string codes(static_cast<size_t>(count), '\0');
  auto *bytes = reinterpret_cast<const uint8_t *>(blob.c_str());
  for (int64_t i = 0; i < count; ++i)
    codes[i] = static_cast<char>(coreai::kernels::unpackCode(bytes, i, bits));
  return nb::bytes(codes.data(), codes.size());
}

/// A 1-D uint8 numpy array over `size` bytes at `data`, keeping `owner`
/// (a shared_ptr) alive as long as the array lives.
template <typename Owner>
nb::object byteArray(const char *data, size_t size,
                     std::shared_ptr<Owner> owner, bool writable) {
  auto *keep = new std::shared_ptr<Owner>(std::move(owner));
  nb::capsule base(keep, [](void *p) noexcept {
    delete static_cast<std::shared_ptr<Owner> *>(p);
  });
  size_t shape[1] = {size};
  auto *bytes = reinterpret_cast<uint8_t *>(const_cast<char *>(data));
  if (writable)
    return nb::cast(nb::ndarray<nb::numpy, uint8_t, nb::ndim<1>>(
        bytes, 1, shape, base));
  return nb::cast(nb::ndarray<nb::numpy, const uint8_t, nb::ndim<1>>(
      bytes, 1, shape, base));
}

/// The diagnostics as [(severity, text)], severity "error", "warning",
/// "note" or "remark".
nb::list diagnosticList(
    const std::vector<coreai::interop::DiagnosticText> &diagnostics) {
  nb::list out;
  for (const auto &diag : diagnostics) {
    const char *severity = "remark";
    switch (diag.severity) {
    case DiagnosticSeverity::Error:
      severity = "error";
      break;
    case DiagnosticSeverity::Warning:
      severity = "warning";
      break;
    case DiagnosticSeverity::Note:
      severity = "note";
      break;
    case DiagnosticSeverity::Remark:
      break;
    }
    out.append(nb::make_tuple(severity, diag.text));
  }
  return out;
}

/// A foreign program's mirror (coreai/Interop/ModuleMirror.h).
class Mirror {
public:
  explicit Mirror(nb::bytes bytecode) {
    std::string error;
    mirror = coreai::interop::ModuleMirror::import(
        StringRef(bytecode.c_str(), bytecode.size()), error);
    if (!mirror)
      throw nb::value_error(error.c_str());
  }

  size_t numConstants() const { return mirror->getNumConstants(); }

  nb::object weightBuffer(size_t index) {
    std::string error;
    std::shared_ptr<coreai::OutputBuffer> buffer =
        mirror->weightBuffer(index, error);
    if (!buffer)
      throw nb::value_error(error.c_str());
    return byteArray(buffer->data(), buffer->size(), buffer,
                     /*writable=*/true);
  }

  void attachWeight(size_t index, const std::string &key) {
    std::string error;
    if (failed(mirror->attachWeight(index, key, error)))
      throw nb::value_error(error.c_str());
  }

  nb::tuple verify() {
    std::vector<coreai::interop::DiagnosticText> diagnostics;
    bool ok = succeeded(mirror->verify(diagnostics));
    return nb::make_tuple(ok, diagnosticList(diagnostics));
  }

  nb::tuple run(const std::string &pipeline) {
    std::vector<coreai::interop::DiagnosticText> diagnostics;
    bool ok;
    {
      nb::gil_scoped_release release;
      ok = succeeded(mirror->run(pipeline, diagnostics));
    }
    return nb::make_tuple(ok, diagnosticList(diagnostics));
  }

  /// [(constant, [operation], value or None)], each operation a tuple
  /// (name, [result type], [(attribute, text)],
  ///  [(attribute, key, type, alignment, bytes as a uint8 array)],
  ///  [(operation, result)]).
  nb::list replacements() {
    std::string error;
    auto collected = mirror->collectReplacements(error);
    if (failed(collected))
      throw nb::value_error(error.c_str());
    nb::list out;
    for (const coreai::interop::Replacement &r : *collected) {
      nb::list operations;
      for (const coreai::interop::NewOperation &op : r.operations) {
        nb::list types, attributes, blobs, operands;
        for (const std::string &type : op.resultTypes)
          types.append(type);
        for (const auto &[name, text] : op.attributes)
          attributes.append(nb::make_tuple(name, text));
        for (const auto &blob : op.blobs) {
          ArrayRef<char> data = blob.blob->getData();
          blobs.append(nb::make_tuple(
              blob.attribute, blob.key, blob.type,
              blob.blob->getDataAlignment(),
              byteArray(data.data(), data.size(), blob.blob,
                        /*writable=*/false)));
        }
        for (const auto &[index, result] : op.operands)
          operands.append(nb::make_tuple(index, result));
        operations.append(
            nb::make_tuple(op.name, types, attributes, blobs, operands));
      }
      nb::object value = nb::none();
      if (r.value)
        value = nb::make_tuple(r.value->first, r.value->second);
      out.append(nb::make_tuple(r.constant, operations, value));
    }
    return out;
  }

private:
  std::unique_ptr<coreai::interop::ModuleMirror> mirror;
};

//===----------------------------------------------------------------------===//
// Program text (coreai/TextIO/ProgramText.h)
//===----------------------------------------------------------------------===//

std::string printLocation(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

/// (location, message, notes) of a diagnostic, as the upstream bindings'
/// MLIRError reports it (notes in the same form).
nb::tuple describeDiagnostic(Diagnostic &diag) {
  nb::list notes;
  for (Diagnostic &note : diag.getNotes())
    notes.append(describeDiagnostic(note));
  return nb::make_tuple(printLocation(diag.getLocation()), diag.str(), notes);
}

/// The input checks of `text` (coreai/Support/InputChecks.h), then, if it
/// passes them, the fast path's parse: (problem or None, explicit locations,
/// result), where the result is None when the text needs MLIR's own parser
/// (or has a problem; nothing was parsed), else (module capsule or None, the
/// error diagnostics). Errors are captured as the upstream bindings'
/// Module.parse captures them; other diagnostics go on to the context's
/// handlers.
nb::tuple checkAndParse(llvm::StringRef text, llvm::StringRef sourceName,
                        nb::handle pyContext) {
  MLIRContext *ctx = toContext(pyContext);
  coreai::InputTextInfo info =
      coreai::inspectInputText(std::string_view(text.data(), text.size()));
  if (info.problem)
    return nb::make_tuple(*info.problem, false, nb::none());
  std::vector<nb::tuple> errors;
  std::optional<OwningOpRef<ModuleOp>> parsed;
  {
    ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return failure();
      errors.push_back(describeDiagnostic(diag));
      return success();
    });
    parsed = coreai::parseProgramText(text, sourceName, ctx);
  }
  if (!parsed)
    return nb::make_tuple(nb::none(), info.explicitLocations, nb::none());
  nb::list diagnostics;
  for (nb::tuple &e : errors)
    diagnostics.append(e);
  nb::object module = nb::none();
  if (*parsed)
    module = nb::steal(mlirPythonModuleToCapsule(wrap(parsed->release())));
  return nb::make_tuple(nb::none(), info.explicitLocations,
                        nb::make_tuple(module, diagnostics));
}

/// The printing flags of the upstream bindings' Operation.print/get_asm.
OpPrintingFlags printingFlags(bool generic, bool debugInfo) {
  OpPrintingFlags flags;
  if (debugInfo)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  if (generic)
    flags.printGenericOpForm();
  flags.assumeVerified();
  return flags;
}

bool isAscii(const std::string &text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80)
      return false;
  return true;
}

nb::object printText(nb::handle pyModule, bool generic, bool debugInfo) {
  ModuleOp module = toModule(pyModule);
  std::optional<coreai::SplicedText> text = coreai::printProgramText(
      module, printingFlags(generic, debugInfo));
  if (!text)
    return nb::none();
  auto parallelFor = coreai::contextParallelFor(module.getContext());
  if (!isAscii(text->text())) {
    std::string whole(text->size(), '\0');
    text->writeTo(whole.data(), parallelFor);
    return nb::str(whole.data(), whole.size());
  }
  // ASCII: written straight into the string object, no copy.
  PyObject *str = PyUnicode_New(static_cast<Py_ssize_t>(text->size()), 127);
  if (!str)
    throw nb::python_error();
  text->writeTo(static_cast<char *>(PyUnicode_DATA(str)), parallelFor);
  return nb::steal(str);
}

bool writeText(nb::handle pyModule, nb::callable write, bool generic,
               bool debugInfo) {
  ModuleOp module = toModule(pyModule);
  std::optional<coreai::SplicedText> text = coreai::printProgramText(
      module, printingFlags(generic, debugInfo));
  if (!text)
    return false;
  // Exceptions must not cross the library's frames: the sink keeps the
  // first one and stops the writing.
  std::exception_ptr failure;
  text->writeTo(
      [&](const char *data, size_t size) {
        try {
          nb::object view = nb::steal(PyMemoryView_FromMemory(
              const_cast<char *>(data), static_cast<Py_ssize_t>(size),
              PyBUF_READ));
          if (!view.is_valid())
            throw nb::python_error();
          write(view);
          return true;
        } catch (...) {
          failure = std::current_exception();
          return false;
        }
      },
      coreai::contextParallelFor(module.getContext()));
  if (failure)
    std::rethrow_exception(failure);
  return true;
}

} // namespace

NB_MODULE(_coreai, m) {
  m.doc() = "Native part of coreai_opt: the coreai dialect and passes";
  m.def("register_dialects", &registerDialects, nb::arg("context"),
        "Loads the coreai dialect into an mlir.ir.Context and allows "
        "unregistered dialects.");
  nb::class_<Mirror>(m, "Mirror",
                     "A foreign program's mirror in one of our contexts: "
                     "weights attached, transformed, replacements read "
                     "back.")
      .def(nb::init<nb::bytes>(), nb::arg("bytecode"),
           "Reads the program (weights replaced by placeholders) into a "
           "context of its own and tags its operations.")
      .def_prop_ro("num_constants", &Mirror::numConstants,
                   "How many coreai.constant operations it holds.")
      .def("weight_buffer", &Mirror::weightBuffer, nb::arg("index"),
           "A writable uint8 array for the bytes of constant `index` "
           "(longer than them: write them from the start).")
      .def("attach_weight", &Mirror::attachWeight, nb::arg("index"),
           nb::arg("key"),
           "Makes the filled buffer (or the blob already attached as `key`) "
           "constant `index`'s value; ValueError if the bytes written do not "
           "match its type.")
      .def("verify", &Mirror::verify,
           "(ok, [(severity, text)]): verifies the mirror.")
      .def("run", &Mirror::run, nb::arg("pipeline"),
           "(ok, [(severity, text)]): runs a pass pipeline on the mirror "
           "(the GIL released).")
      .def("replacements", &Mirror::replacements,
           "What replaced each erased constant (see ModuleMirror.h); "
           "ValueError for changes that are not such replacements.");
  m.def(
      "register_passes", []() { coreai::registerCoreAIPasses(); },
      "Registers the coreai passes (quantize-weights, palettize-weights, "
      "sparsify-weights) for pipeline strings.");
  m.def("elements_data", &elementsData, nb::arg("attribute"),
        "(kind, bytes, is_splat) of a dense or dense_resource attribute.");
  m.def("clone_module", &cloneModule, nb::arg("module"),
        "A capsule holding a deep copy of the module (blobs shared).");
  m.def("validate_quantize_options", &validateQuantizeOptions,
        nb::arg("dtype"), nb::arg("qscheme"), nb::arg("granularity"),
        nb::arg("block_size"), nb::arg("weight_num_threshold"),
        nb::arg("scale_dtype"),
        "The error message for invalid quantize-weights options, or None.");
  m.def("unpack_codes", &unpackCodes, nb::arg("blob"), nb::arg("bits"),
        nb::arg("count"),
        "The codes (one byte each) of the first `count` elements of a packed "
        "blob of `bits`-wide elements (LSB-first bit stream).");
  m.def("validate_sparsify_options", &validateSparsifyOptions,
        nb::arg("target_sparsity").none(), nb::arg("block_size").none(),
        nb::arg("n_m_ratio").none(), nb::arg("quantize_dtype"),
        nb::arg("palettize_nbits").none(), nb::arg("weight_num_threshold"),
        nb::arg("quantize_dtype_repr"), nb::arg("target_sparsity_repr"),
        "The error message for invalid sparsify-weights options, or None "
        "(unset options are None).");
  m.def("validate_palettize_options", &validatePalettizeOptions,
        nb::arg("lut_dtype"), nb::arg("n_bits"), nb::arg("granularity"),
        nb::arg("group_size"), nb::arg("cluster_dim"),
        nb::arg("per_channel_scale"), nb::arg("weight_num_threshold"),
        nb::arg("lut_dtype_repr"), nb::arg("granularity_repr"),
        "The error message for invalid palettize-weights options, or None "
        "(a rejected lut_dtype or granularity shown by the given repr).");
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
        coreai::InputTextInfo info = coreai::inspectInputText(text);
        return nb::make_tuple(info.problem, info.explicitLocations);
      },
      nb::arg("path"),
      "(problem or None, has explicit locations) for a program file.");
  m.def(
      "fast_text_enabled", []() { return coreai::fastTextBlobsEnabled(); },
      "False when $COREAI_TEXT_BLOBS=mlir turns the fast blob hex path off.");
  m.def(
      "parse_text",
      [](nb::bytes text, nb::handle context, const std::string &filename) {
        return checkAndParse(llvm::StringRef(text.c_str(), text.size()),
                             filename, context);
      },
      nb::arg("text"), nb::arg("context"), nb::arg("filename") = "-",
      "Checks program text, then parses it with fast blob decoding: "
      "(problem or None, has explicit locations, result), the result being "
      "None if the text has a problem or needs MLIR's own parser, else "
      "(module capsule or None, error diagnostics as (location, message, "
      "notes)).");
  m.def(
      "parse_file",
      [](const std::string &path, nb::handle context) {
        // Mapped, not read into Python: text programs can be many GB.
        auto buffer = llvm::MemoryBuffer::getFile(
            path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
        if (!buffer)
          throw nb::value_error(("cannot read " + path + ": " +
                                 buffer.getError().message())
                                    .c_str());
        return checkAndParse((*buffer)->getBuffer(), path, context);
      },
      nb::arg("path"), nb::arg("context"),
      "parse_text() on a file, mapped rather than read; locations name it.");
  m.def("print_text", &printText, nb::arg("module"), nb::arg("generic"),
        nb::arg("debug_info"),
        "The module's text as Operation.get_asm(print_generic_op_form="
        "generic, enable_debug_info=debug_info, assume_verified=True) gives "
        "it, with fast blob encoding; None if MLIR's printer must print it.");
  m.def("write_text", &writeText, nb::arg("module"), nb::arg("write"),
        nb::arg("generic"), nb::arg("debug_info"),
        "print_text() given to write(memoryview) in pieces; False (nothing "
        "written) if MLIR's printer must print it.");
  m.def(
      "has_explicit_locations",
      [](nb::bytes text) {
        return coreai::hasExplicitLocations(
            std::string_view(text.c_str(), text.size()));
      },
      nb::arg("text"), "True if the text spells out loc(...) locations.");
}
