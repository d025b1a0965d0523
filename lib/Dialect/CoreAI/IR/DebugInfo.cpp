//===- DebugInfo.cpp - the debuginfo dialect ------------------------------===//
//
// `#debuginfo.<mnemonic><...>` attributes are read as a list of pieces and
// printed back the way they were written; `location` ones are locations.
//
//===----------------------------------------------------------------------===//

#include "coreai/Dialect/CoreAI/IR/DebugInfo.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace coreai::debuginfo;

#include "coreai/Dialect/CoreAI/IR/DebugInfoDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "coreai/Dialect/CoreAI/IR/DebugInfoAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "coreai/Dialect/CoreAI/IR/DebugInfoTypes.cpp.inc"

namespace {
/// Aliases for the attributes a location refers to, as in Apple's output.
struct DebugInfoOpAsmInterface : public OpAsmDialectInterface {
  using OpAsmDialectInterface::OpAsmDialectInterface;
  AliasResult getAlias(Attribute attr, raw_ostream &os) const override {
    if (auto generic = dyn_cast<GenericAttr>(attr)) {
      StringRef m = generic.getMnemonic();
      if (m == "file" || m == "compile_unit" || m == "subprogram" ||
          m == "metadata") {
        os << m;
        return AliasResult::OverridableAlias;
      }
    }
    return AliasResult::NoAlias;
  }
};

/// Parses `<...>` (the `<` included) into pieces.
ParseResult parsePieces(DialectAsmParser &parser, std::string &kinds,
                        SmallVectorImpl<Attribute> &pieces) {
  MLIRContext *ctx = parser.getContext();
  if (parser.parseLess())
    return failure();
  while (failed(parser.parseOptionalGreater())) {
    std::string str;
    StringRef keyword;
    Attribute attr;
    if (succeeded(parser.parseOptionalString(&str))) {
      kinds += 's';
      pieces.push_back(StringAttr::get(ctx, str));
    } else if (succeeded(parser.parseOptionalComma())) {
      kinds += 'k';
      pieces.push_back(StringAttr::get(ctx, ","));
    } else if (succeeded(parser.parseOptionalEqual())) {
      kinds += 'k';
      pieces.push_back(StringAttr::get(ctx, "="));
    } else if (succeeded(parser.parseOptionalColon())) {
      kinds += 'k';
      pieces.push_back(StringAttr::get(ctx, ":"));
    } else if (succeeded(parser.parseOptionalKeyword(&keyword))) {
      kinds += 'k';
      pieces.push_back(StringAttr::get(ctx, keyword));
    } else {
      OptionalParseResult result = parser.parseOptionalAttribute(attr);
      if (!result.has_value())
        return parser.emitError(parser.getCurrentLocation(),
                                "unexpected token in a debuginfo attribute");
      if (failed(*result))
        return failure();
      kinds += 'a';
      pieces.push_back(attr);
    }
  }
  return success();
}

void printPieces(DialectAsmPrinter &printer, StringRef kinds,
                 ArrayRef<Attribute> pieces) {
  printer << '<';
  for (auto [i, kind, piece] : llvm::enumerate(kinds, pieces)) {
    bool punct = kind == 'k' && (cast<StringAttr>(piece).getValue() == "," ||
                                 cast<StringAttr>(piece).getValue() == ":");
    if (i != 0 && !punct)
      printer << ' ';
    if (kind == 'k')
      printer << cast<StringAttr>(piece).getValue();
    else if (kind == 's')
      printer << '"' << cast<StringAttr>(piece).getValue() << '"';
    else
      printer.printAttribute(piece);
  }
  printer << '>';
}
} // namespace

void DebugInfoDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "coreai/Dialect/CoreAI/IR/DebugInfoAttrs.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "coreai/Dialect/CoreAI/IR/DebugInfoTypes.cpp.inc"
      >();
  addInterfaces<DebugInfoOpAsmInterface>();
}

Attribute DebugInfoDialect::parseAttribute(DialectAsmParser &parser,
                                           Type type) const {
  StringRef mnemonic;
  if (parser.parseKeyword(&mnemonic))
    return {};
  std::string kinds;
  SmallVector<Attribute> pieces;
  if (parsePieces(parser, kinds, pieces))
    return {};
  if (mnemonic == "location") {
    if (type)
      return parser.emitError(parser.getNameLoc(),
                              "a debuginfo location has no type"),
             Attribute();
    return LocationAttr::get(getContext(), kinds, pieces);
  }
  if (!type)
    type = NoneType::get(getContext());
  return GenericAttr::get(getContext(), mnemonic, kinds, pieces, type);
}

void DebugInfoDialect::printAttribute(Attribute attr,
                                      DialectAsmPrinter &printer) const {
  if (auto loc = dyn_cast<LocationAttr>(attr)) {
    printer << "location";
    printPieces(printer, loc.getKinds(), loc.getPieces());
    return;
  }
  auto generic = cast<GenericAttr>(attr);
  printer << generic.getMnemonic();
  printPieces(printer, generic.getKinds(), generic.getPieces());
}

Type DebugInfoDialect::parseType(DialectAsmParser &parser) const {
  StringRef mnemonic;
  Type type;
  OptionalParseResult result =
      generatedTypeParser(parser, &mnemonic, type);
  if (result.has_value())
    return type;
  parser.emitError(parser.getNameLoc(), "unknown debuginfo type '")
      << mnemonic << "'";
  return {};
}

void DebugInfoDialect::printType(Type type, DialectAsmPrinter &printer) const {
  (void)generatedTypePrinter(type, printer);
}
