//===- CoreAIDialect.cpp - The coreai dialect -----------------------------===//

#include "coreai/Dialect/CoreAI/IR/CoreAIDialect.h"
#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"
#include "coreai/Dialect/CoreAI/IR/DebugInfo.h"

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

//===----------------------------------------------------------------------===//
// FourCCAttr: `<k24RGB>` or `<"420v">`
//===----------------------------------------------------------------------===//

Attribute FourCCAttr::parse(AsmParser &parser, Type) {
  std::string code;
  bool quoted = false;
  if (parser.parseLess())
    return {};
  if (succeeded(parser.parseOptionalString(&code))) {
    quoted = true;
  } else {
    StringRef keyword;
    if (parser.parseKeyword(&keyword))
      return {};
    code = keyword.str();
  }
  if (parser.parseGreater())
    return {};
  return FourCCAttr::get(parser.getContext(), code, quoted);
}

void FourCCAttr::print(AsmPrinter &printer) const {
  printer << '<';
  if (getQuoted())
    printer << '"' << getCode() << '"';
  else
    printer << getCode();
  printer << '>';
}

Attribute SparseTensorEncodingAttr::parse(AsmParser &parser, Type) {
  FailureOr<SparseScheme> scheme;
  std::optional<uint64_t> numNonZero;
  unsigned posWidth = 0, crdWidth = 0;
  if (parser.parseLess())
    return {};
  scheme = FieldParser<SparseScheme>::parse(parser);
  if (failed(scheme) || parser.parseComma())
    return {};
  if (succeeded(parser.parseOptionalKeyword("numNonZero"))) {
    uint64_t value = 0;
    if (parser.parseEqual() || parser.parseInteger(value) || parser.parseComma())
      return {};
    numNonZero = value;
  }
  if (parser.parseKeyword("posWidth") || parser.parseEqual() ||
      parser.parseInteger(posWidth) || parser.parseComma() ||
      parser.parseKeyword("crdWidth") || parser.parseEqual() ||
      parser.parseInteger(crdWidth) || parser.parseGreater())
    return {};
  return SparseTensorEncodingAttr::get(parser.getContext(), *scheme, numNonZero,
                                       posWidth, crdWidth);
}

void SparseTensorEncodingAttr::print(AsmPrinter &printer) const {
  printer << '<' << stringifySparseScheme(getScheme());
  if (getNumNonZero())
    printer << ", numNonZero = " << *getNumNonZero();
  printer << ", posWidth = " << getPosWidth() << ", crdWidth = " << getCrdWidth()
          << '>';
}

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
  registry.insert<CoreAIDialect, debuginfo::DebugInfoDialect>();
}
