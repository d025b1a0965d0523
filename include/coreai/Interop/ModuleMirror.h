//===- ModuleMirror.h - Transform a foreign module through a mirror -------===//
//
// Apple's `coreai` package holds its programs in its own build of MLIR, whose
// objects this library cannot touch. A transformation of such a program runs
// on a *mirror*: the program's bytecode, written by Apple's MLIR with every
// dense_resource weight replaced by a small placeholder, read into a context
// of the mirror's own. The weights' bytes are copied into buffers handed out
// here and attached to the mirror's constants; then the transformation (a
// pass pipeline) runs on the mirror, and the changes it made are read back as
// replacements of constants, to be applied to the original program.
//
// Every operation of the mirror is known by its pre-order index (with its
// name and attributes), so that after the transformation the surviving
// operations are recognized and the new ones stand out. What can be read back is exactly what the
// weight transforms do: a constant replaced by new operations that carry its
// location, its uses redirected to one of their results. Anything else is
// reported as an error, and the caller takes another route.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_INTEROP_MODULEMIRROR_H
#define COREAI_INTEROP_MODULEMIRROR_H

#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace coreai {
class OutputBuffer;

namespace interop {

/// A result of one of the new operations of a replacement:
/// (index in Replacement::operations, result number).
using NewValue = std::pair<size_t, unsigned>;

/// An operation created by the transformation, described so that it can be
/// rebuilt in another MLIR: names and printed types and attributes, and the
/// blobs of its dense_resource attributes.
struct NewOperation {
  std::string name;
  std::vector<std::string> resultTypes;
  /// Attributes other than blob-backed dense_resource ones, printed.
  std::vector<std::pair<std::string, std::string>> attributes;
  struct Blob {
    std::string attribute; ///< the attribute's name
    std::string key;       ///< the resource's name
    std::string type;      ///< the attribute's shaped type, printed
    std::shared_ptr<mlir::AsmResourceBlob> blob;
  };
  std::vector<Blob> blobs;
  std::vector<NewValue> operands;
};

/// What replaced one constant of the original program.
struct Replacement {
  /// The constant's index among the program's coreai.constant operations,
  /// in pre-order.
  size_t constant = 0;
  /// New operations, in program order, to insert where the constant was.
  std::vector<NewOperation> operations;
  /// The value that took the constant's uses (none if it had no uses).
  std::optional<NewValue> value;
};

/// A diagnostic as text: "<location>: <message>", each note on a line of
/// its own ("  <location>: note: <message>").
struct DiagnosticText {
  mlir::DiagnosticSeverity severity;
  std::string text;
};

class ModuleMirror {
public:
  /// Reads `bytecode` (or text) into a new context (the coreai dialects
  /// loaded, unregistered dialects allowed, parallel work on a thread pool
  /// shared by all mirrors) without verifying it, as the weights are not
  /// attached yet, and indexes every operation. Null with `error` set on
  /// failure.
  static std::unique_ptr<ModuleMirror> import(llvm::StringRef bytecode,
                                              std::string &error);

  ~ModuleMirror();

  mlir::ModuleOp getModule() { return *module; }

  size_t getNumConstants() const { return constants.size(); }

  /// A buffer for the bytes of constant `index` (as many as its type needs
  /// in a blob, see coreai::getPackedBlobSize), to be filled by the caller
  /// and then attached. The buffer is larger than that and guarded, so that
  /// attachWeight can tell when the caller wrote fewer or more bytes.
  /// Null with `error` set when the constant's type has no blob layout.
  std::shared_ptr<OutputBuffer> weightBuffer(size_t index, std::string &error);

  /// Makes the filled buffer of constant `index` its value, a dense_resource
  /// named `key`. A later constant attached with the same key shares the
  /// blob (and needs no buffer). Fails when the bytes written do not match
  /// the type's size.
  mlir::LogicalResult attachWeight(size_t index, llvm::StringRef key,
                                   std::string &error);

  /// Verifies the mirror (once the weights are attached); the diagnostics
  /// go to `diagnostics`.
  mlir::LogicalResult verify(std::vector<DiagnosticText> &diagnostics);

  /// Runs a pass pipeline (`builtin.module(...)`) on the mirror; the
  /// diagnostics, in the order they came, go to `diagnostics`.
  mlir::LogicalResult run(llvm::StringRef pipeline,
                          std::vector<DiagnosticText> &diagnostics);

  /// After the transformation: the replacement of every constant that is
  /// gone, in constant order. The blobs move out of the mirror.
  mlir::FailureOr<std::vector<Replacement>>
  collectReplacements(std::string &error);

private:
  ModuleMirror() = default;

  struct Use {
    int64_t owner;    ///< pre-order index of the using operation
    unsigned operand; ///< operand number
  };
  struct Constant {
    int64_t opIndex;
    /// The operation; valid until the transformation runs.
    coreai::ConstantOp op;
    mlir::Location loc;
    std::vector<Use> uses;
    std::shared_ptr<OutputBuffer> pending;
    size_t size = 0;
  };

  /// The context, then the module in it (destroyed in reverse order).
  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<Constant> constants;
  /// Every operation before the transformation, by pre-order index: its
  /// name and attributes (of constants: once their weight is attached).
  struct Original {
    mlir::OperationName name;
    mlir::DictionaryAttr attributes;
  };
  std::vector<Original> originals;
  llvm::DenseMap<mlir::Operation *, int64_t> indices;
};

} // namespace interop
} // namespace coreai

#endif // COREAI_INTEROP_MODULEMIRROR_H
