//===- CoreAIDialect.cpp - The coreai dialect -----------------------------===//

#include "coreai/Dialect/CoreAI/IR/CoreAIDialect.h"
#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace coreai;

#include "coreai/Dialect/CoreAI/IR/CoreAIDialect.cpp.inc"
#include "coreai/Dialect/CoreAI/IR/CoreAIEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "coreai/Dialect/CoreAI/IR/CoreAIAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "coreai/Dialect/CoreAI/IR/CoreAITypes.cpp.inc"

void CoreAIDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "coreai/Dialect/CoreAI/IR/CoreAIOps.cpp.inc"
      >();
  registerAttributes();
  registerTypes();
}

void CoreAIDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "coreai/Dialect/CoreAI/IR/CoreAIAttrs.cpp.inc"
      >();
}

void CoreAIDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "coreai/Dialect/CoreAI/IR/CoreAITypes.cpp.inc"
      >();
}

void coreai::registerCoreAIDialects(DialectRegistry &registry) {
  registry.insert<CoreAIDialect>();
}
