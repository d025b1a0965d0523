//===- ModuleMirror.cpp - Transform a foreign module through a mirror -----===//

#include "coreai/Interop/ModuleMirror.h"

#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"
#include "coreai/Dialect/CoreAI/Transforms/Passes.h"
#include "coreai/Kernels/OutputBuffers.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace coreai;
using namespace coreai::interop;

namespace {

/// Alignment of the attached weight blobs (the kernels read them at any
/// alignment; OutputBuffer gives at least 64).
constexpr size_t kWeightAlignment = 16;

/// Bytes after a weight buffer's end, and at its end, holding a known
/// pattern: the first tell a larger write, the second a shorter one.
constexpr size_t kGuardBytes = 8;
constexpr uint8_t kGuardPattern[2][kGuardBytes] = {
    {0xC3, 0x5A, 0x96, 0x0F, 0xE1, 0x3C, 0x78, 0xA5},
    {0x1E, 0xB4, 0x69, 0xF0, 0x2D, 0x87, 0xD2, 0x4B}};

template <typename T> std::string print(T value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  value.print(os);
  return text;
}


/// The threads of all mirrors: made once, never destroyed (a context may
/// outlive static destructors when Python exits).
llvm::ThreadPoolInterface &sharedThreadPool() {
  static llvm::ThreadPoolInterface *pool = new llvm::DefaultThreadPool();
  return *pool;
}

std::string formatDiagnostic(Diagnostic &diag) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << diag.getLocation() << ": " << diag;
  for (Diagnostic &note : diag.getNotes())
    os << "\n  " << note.getLocation() << ": note: " << note;
  return text;
}

/// Collects the diagnostics of `context` while it lives.
class DiagnosticCollector : public ScopedDiagnosticHandler {
public:
  DiagnosticCollector(MLIRContext *context,
                      std::vector<DiagnosticText> &diagnostics)
      : ScopedDiagnosticHandler(context, [&diagnostics](Diagnostic &diag) {
          diagnostics.push_back({diag.getSeverity(), formatDiagnostic(diag)});
          return success();
        }) {}
};

} // namespace

ModuleMirror::~ModuleMirror() = default;

std::unique_ptr<ModuleMirror> ModuleMirror::import(StringRef bytecode,
                                                   std::string &error) {
  std::unique_ptr<ModuleMirror> mirror(new ModuleMirror());
  DialectRegistry registry;
  registerCoreAIDialects(registry);
  mirror->context = std::make_unique<MLIRContext>(
      registry, MLIRContext::Threading::DISABLED);
  MLIRContext *context = mirror->context.get();
  context->setThreadPool(sharedThreadPool());
  context->loadDialect<CoreAIDialect>();
  // Foreign ops, attributes and types (param, udml, ...) are kept as is.
  context->allowUnregisteredDialects(true);

  std::vector<DiagnosticText> diagnostics;
  {
    DiagnosticCollector collector(context, diagnostics);
    ParserConfig config(context, /*verifyAfterParse=*/false);
    mirror->module = parseSourceString<ModuleOp>(bytecode, config, "mirror");
  }
  if (!mirror->module) {
    error = "cannot read the program's bytecode:";
    for (const DiagnosticText &diag : diagnostics)
      error += "\n" + diag.text;
    return nullptr;
  }
  ModuleOp moduleOp = *mirror->module;

  // Index every operation in pre-order, then remember the constants with
  // their uses.
  moduleOp->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == moduleOp.getOperation())
      return;
    mirror->indices[op] = mirror->originals.size();
    mirror->originals.push_back({op->getName(), op->getAttrDictionary()});
  });
  moduleOp->walk<WalkOrder::PreOrder>([&](ConstantOp op) {
    Constant constant{mirror->indices.lookup(op.getOperation()), op,
                      op->getLoc(), {},
                      nullptr, 0};
    for (OpOperand &use : op.getOutput().getUses())
      constant.uses.push_back(
          {mirror->indices.lookup(use.getOwner()), use.getOperandNumber()});
    mirror->constants.push_back(std::move(constant));
  });
  return mirror;
}

std::shared_ptr<OutputBuffer> ModuleMirror::weightBuffer(size_t index,
                                                         std::string &error) {
  if (index >= constants.size()) {
    error = "no constant " + std::to_string(index);
    return nullptr;
  }
  Constant &constant = constants[index];
  auto type = dyn_cast<ShapedType>(constant.op.getType());
  std::optional<int64_t> size = type ? getPackedBlobSize(type) : std::nullopt;
  if (!size) {
    error = "constant " + std::to_string(index) + " has no blob layout";
    return nullptr;
  }
  auto buffer = std::make_shared<OutputBuffer>(
      OutputBuffer::allocate(static_cast<size_t>(*size) + kGuardBytes));
  if (!buffer->data()) {
    error = "out of memory for a weight of " + std::to_string(*size) + " bytes";
    return nullptr;
  }
  // Apple's copy fills it on one thread: back a new mapping on two first.
  if (buffer->isFresh())
    prefault(buffer->data(), static_cast<size_t>(*size));
  constant.size = static_cast<size_t>(*size);
  constant.pending = buffer;
  // The guard after the end, and the pattern at the end of the data (as
  // much of it as there is).
  std::memcpy(buffer->data() + constant.size, kGuardPattern[0], kGuardBytes);
  size_t tail = std::min(constant.size, kGuardBytes);
  std::memcpy(buffer->data() + constant.size - tail, kGuardPattern[1], tail);
  return buffer;
}

LogicalResult ModuleMirror::attachWeight(size_t index, StringRef key,
                                         std::string &error) {
  if (index >= constants.size()) {
    error = "no constant " + std::to_string(index);
    return failure();
  }
  Constant &constant = constants[index];
  ConstantOp op = constant.op;
  auto type = dyn_cast<ShapedType>(op.getType());
  if (!type) {
    error = "constant " + std::to_string(index) + " is not shaped";
    return failure();
  }
  MLIRContext *ctx = op.getContext();
  auto &manager = DenseResourceElementsHandle::getManagerInterface(ctx);

  std::shared_ptr<OutputBuffer> buffer = std::move(constant.pending);
  if (!buffer) {
    // A blob attached before under the same key.
    auto *entry = manager.getBlobManager().lookup(key);
    if (!entry || !entry->getBlob()) {
      error = "no weight was copied for constant " + std::to_string(index);
      return failure();
    }
    op.setValueAttr(DenseResourceElementsAttr::get(
        type, DenseResourceElementsHandle(
                  entry, ctx->getLoadedDialect<BuiltinDialect>())));
    originals[constant.opIndex].attributes = op->getAttrDictionary();
    return success();
  }

  // The bytes written must be exactly the type's: the guard after them is
  // intact, and the pattern at their end was overwritten. Data ending in the
  // pattern by chance is reported as short, and the caller then takes the
  // text route, which reads the weight itself.
  const char *data = buffer->data();
  size_t tail = std::min(constant.size, kGuardBytes);
  if (std::memcmp(data + constant.size, kGuardPattern[0], kGuardBytes) != 0) {
    error = "the weight holds more bytes than its type needs";
    return failure();
  }
  if (tail && std::memcmp(data + constant.size - tail, kGuardPattern[1],
                          tail) == 0) {
    error = "the weight holds fewer bytes than its type needs";
    return failure();
  }
  AsmResourceBlob blob(
      ArrayRef<char>(data, constant.size), kWeightAlignment,
      [buffer](void *, size_t, size_t) {}, /*dataIsMutable=*/false);
  if (manager.getBlobManager().lookup(key)) {
    error = "resource '" + key.str() + "' is attached twice";
    return failure();
  }
  auto attr = DenseResourceElementsAttr::get(type, key, std::move(blob));
  if (attr.getRawHandle().getKey() != key) {
    error = "resource '" + key.str() + "' was renamed";
    return failure();
  }
  op.setValueAttr(attr);
  originals[constant.opIndex].attributes = op->getAttrDictionary();
  return success();
}

LogicalResult ModuleMirror::verify(std::vector<DiagnosticText> &diagnostics) {
  DiagnosticCollector collector(context.get(), diagnostics);
  return mlir::verify(*module);
}

LogicalResult ModuleMirror::run(StringRef pipeline,
                                std::vector<DiagnosticText> &diagnostics) {
  static const bool registered = (registerCoreAIPasses(), true);
  (void)registered;
  DiagnosticCollector collector(context.get(), diagnostics);
  // The pipeline names its anchor (`builtin.module(...)`), as in Python's
  // PassManager.parse.
  std::string parseError;
  llvm::raw_string_ostream os(parseError);
  FailureOr<OpPassManager> parsed = parsePassPipeline(pipeline, os);
  if (failed(parsed)) {
    diagnostics.push_back({DiagnosticSeverity::Error, parseError});
    return failure();
  }
  PassManager pm(context.get(), parsed->getOpAnchorName());
  static_cast<OpPassManager &>(pm) = std::move(*parsed);
  return pm.run(*module);
}

FailureOr<std::vector<Replacement>>
ModuleMirror::collectReplacements(std::string &error) {
  ModuleOp moduleOp = *module;
  // The surviving operations by index; new ones in order. An operation is
  // the original of its address only if it still has that one's name and
  // attributes: a new operation may take the place of an erased one in
  // memory, and the transformation must not have changed any survivor.
  llvm::DenseMap<int64_t, Operation *> survivors;
  SmallVector<Operation *> created;
  llvm::DenseSet<Operation *> isNew;
  moduleOp->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == moduleOp.getOperation())
      return;
    auto it = indices.find(op);
    if (it != indices.end() && !survivors.count(it->second)) {
      const Original &original = originals[it->second];
      if (op->getName() == original.name &&
          op->getAttrDictionary() == original.attributes) {
        survivors[it->second] = op;
        return;
      }
    }
    created.push_back(op);
    isNew.insert(op);
  });
  // Only constants may be gone.
  llvm::DenseSet<int64_t> constantIndices;
  for (const Constant &constant : constants)
    constantIndices.insert(constant.opIndex);
  for (size_t index = 0; index < originals.size(); ++index) {
    if (!survivors.count(index) && !constantIndices.count(index)) {
      error = "the transformation erased or changed an operation other than "
              "a constant";
      return failure();
    }
  }

  llvm::DenseMap<Operation *, bool> claimed;
  llvm::DenseMap<DialectResourceBlobManager::BlobEntry *,
                 std::shared_ptr<AsmResourceBlob>>
      movedBlobs;
  std::vector<Replacement> replacements;
  for (size_t k = 0; k < constants.size(); ++k) {
    const Constant &constant = constants[k];
    if (survivors.count(constant.opIndex))
      continue;
    Replacement replacement;
    replacement.constant = k;

    // The value now in the constant's former uses: one for all of them.
    Value value;
    for (const Use &use : constant.uses) {
      Operation *owner = survivors.lookup(use.owner);
      if (!owner || use.operand >= owner->getNumOperands()) {
        error = "a user of a replaced constant is gone";
        return failure();
      }
      Value now = owner->getOperand(use.operand);
      if (value && now != value) {
        error = "the uses of a replaced constant were given different values";
        return failure();
      }
      value = now;
    }

    // The new operations computing that value: its backward slice, all of
    // them new, in one block, at the constant's location.
    SmallVector<Operation *> slice;
    SmallVector<Operation *> worklist;
    if (value) {
      Operation *def = value.getDefiningOp();
      if (!def || !isNew.count(def)) {
        error = "a replaced constant's uses were given an existing value";
        return failure();
      }
      worklist.push_back(def);
    }
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      if (claimed.count(op))
        continue;
      claimed[op] = true;
      if (op->getLoc() != constant.loc || op->getNumRegions() != 0 ||
          op->getNumSuccessors() != 0 ||
          (!slice.empty() && op->getBlock() != slice.front()->getBlock())) {
        error = "a new operation ('" + op->getName().getStringRef().str() +
                "') is not a plain operation at the replaced constant's "
                "location";
        return failure();
      }
      slice.push_back(op);
      for (Value operand : op->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (!def || !isNew.count(def)) {
          error = "a new operation ('" + op->getName().getStringRef().str() +
                  "') uses a value that is not new";
          return failure();
        }
        worklist.push_back(def);
      }
    }
    llvm::sort(slice, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });

    // Describe them.
    llvm::DenseMap<Operation *, size_t> position;
    for (Operation *op : slice) {
      NewOperation described;
      described.name = op->getName().getStringRef().str();
      for (Type type : op->getResultTypes())
        described.resultTypes.push_back(print(type));
      for (Value operand : op->getOperands())
        described.operands.push_back(
            {position.lookup(operand.getDefiningOp()),
             cast<OpResult>(operand).getResultNumber()});
      for (NamedAttribute named : op->getAttrDictionary()) {
        auto resource = dyn_cast<DenseResourceElementsAttr>(named.getValue());
        if (!resource) {
          described.attributes.emplace_back(named.getName().str(),
                                            print(named.getValue()));
          continue;
        }
        auto *entry = resource.getRawHandle().getResource();
        std::shared_ptr<AsmResourceBlob> &holder = movedBlobs[entry];
        if (!holder) {
          AsmResourceBlob *blob = entry ? entry->getBlob() : nullptr;
          if (!blob) {
            error = "a new dense_resource attribute has no blob";
            return failure();
          }
          // The blob moves out of the mirror into a holder shared by every
          // attribute that uses it.
          holder = std::make_shared<AsmResourceBlob>(std::move(*blob));
          entry->setBlob(
              AsmResourceBlob(ArrayRef<char>(), 1, nullptr, false));
        }
        described.blobs.push_back({named.getName().str(),
                                   resource.getRawHandle().getKey().str(),
                                   print(resource.getType()), holder});
      }
      position[op] = replacement.operations.size();
      replacement.operations.push_back(std::move(described));
    }
    if (value)
      replacement.value = NewValue{position.lookup(value.getDefiningOp()),
                                   cast<OpResult>(value).getResultNumber()};
    replacements.push_back(std::move(replacement));
  }

  for (Operation *op : created) {
    if (!claimed.count(op)) {
      error = "the transformation created '" +
              op->getName().getStringRef().str() +
              "', which replaces no constant";
      return failure();
    }
  }
  return replacements;
}
