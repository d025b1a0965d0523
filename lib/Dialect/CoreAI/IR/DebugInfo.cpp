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
#include "llvm/ADT/StringSwitch.h"
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

/// Parses the inside of `loc(...)`: the syntax of MLIR's locations, which
/// a dialect parser cannot ask for directly. Programs read from bytecode
/// spell their debuginfo attributes out in full, `loc(...)` included, where
/// text uses aliases (`#loc`).
FailureOr<Location> parseLocationBody(DialectAsmParser &parser) {
  MLIRContext *ctx = parser.getContext();
  SMLoc at = parser.getCurrentLocation();
  if (succeeded(parser.parseOptionalKeyword("unknown")))
    return Location(UnknownLoc::get(ctx));
  if (succeeded(parser.parseOptionalKeyword("callsite"))) {
    FailureOr<Location> callee, caller;
    if (parser.parseLParen() || failed(callee = parseLocationBody(parser)) ||
        parser.parseKeyword("at") ||
        failed(caller = parseLocationBody(parser)) || parser.parseRParen())
      return failure();
    return Location(CallSiteLoc::get(*callee, *caller));
  }
  if (succeeded(parser.parseOptionalKeyword("fused"))) {
    Attribute metadata;
    if (succeeded(parser.parseOptionalLess()) &&
        (parser.parseAttribute(metadata) || parser.parseGreater()))
      return failure();
    SmallVector<Location> locations;
    if (parser.parseCommaSeparatedList(
            AsmParser::Delimiter::Square, [&]() -> ParseResult {
              FailureOr<Location> inner = parseLocationBody(parser);
              if (failed(inner))
                return failure();
              locations.push_back(*inner);
              return success();
            }))
      return failure();
    return Location(FusedLoc::get(ctx, locations, metadata));
  }
  std::string name;
  if (succeeded(parser.parseOptionalString(&name))) {
    if (succeeded(parser.parseOptionalColon())) {
      unsigned line = 0, column = 0;
      if (parser.parseInteger(line) || parser.parseColon() ||
          parser.parseInteger(column))
        return failure();
      if (succeeded(parser.parseOptionalKeyword("to")))
        return parser.emitError(at, "location ranges are not supported here"),
               failure();
      return Location(FileLineColLoc::get(ctx, name, line, column));
    }
    Location child = UnknownLoc::get(ctx);
    if (succeeded(parser.parseOptionalLParen())) {
      FailureOr<Location> inner = parseLocationBody(parser);
      if (failed(inner) || parser.parseRParen())
        return failure();
      child = *inner;
    }
    return Location(NameLoc::get(StringAttr::get(ctx, name), child));
  }
  Attribute attr;
  if (parser.parseAttribute(attr))
    return failure();
  if (auto location = dyn_cast<::mlir::LocationAttr>(attr))
    return Location(location);
  return parser.emitError(at, "expected a location"), failure();
}

/// The mnemonic of a debuginfo attribute written without its prefix
/// (`file = <filename = ...>`), as Apple's printer writes the parameters of
/// its debuginfo attributes when it spells them out (bytecode does), told by
/// the parameter it is the value of (or the keyword before it).
StringRef nestedMnemonic(StringRef key) {
  return llvm::StringSwitch<StringRef>(key)
      .Case("file", "file")
      .Case("allFiles", "file")
      .Case("compileUnit", "compile_unit")
      .Case("metadata", "metadata")
      .Case("with", "location") // `fused with [<loc(...) in @f>]`
      .Default("");
}

ParseResult parsePieceList(DialectAsmParser &parser, std::string &kinds,
                           SmallVectorImpl<Attribute> &pieces);

/// A debuginfo attribute written without its prefix, after its `<`.
FailureOr<Attribute> parseNested(DialectAsmParser &parser, StringRef key) {
  SMLoc at = parser.getCurrentLocation();
  StringRef mnemonic = nestedMnemonic(key);
  if (mnemonic.empty())
    return parser.emitError(at, "a debuginfo attribute without a name as '")
               << key << "'",
           failure();
  std::string kinds;
  SmallVector<Attribute> pieces;
  if (parsePieceList(parser, kinds, pieces))
    return failure();
  if (mnemonic == "location")
    return Attribute(coreai::debuginfo::LocationAttr::get(parser.getContext(),
                                                         kinds, pieces));
  return Attribute(GenericAttr::get(parser.getContext(), mnemonic, kinds,
                                    pieces, NoneType::get(parser.getContext())));
}

/// Parses pieces up to and including the closing `>`.
ParseResult parsePieceList(DialectAsmParser &parser, std::string &kinds,
                           SmallVectorImpl<Attribute> &pieces) {
  MLIRContext *ctx = parser.getContext();
  // The parameter the next value belongs to (the keyword before `=`).
  StringRef key, lastKeyword;
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
      key = lastKeyword;
    } else if (succeeded(parser.parseOptionalColon())) {
      kinds += 'k';
      pieces.push_back(StringAttr::get(ctx, ":"));
    } else if (succeeded(parser.parseOptionalKeyword("loc"))) {
      FailureOr<Location> location;
      if (parser.parseLParen() ||
          failed(location = parseLocationBody(parser)) || parser.parseRParen())
        return failure();
      kinds += 'a';
      pieces.push_back(::mlir::LocationAttr(*location));
    } else if (succeeded(parser.parseOptionalKeyword(&keyword))) {
      kinds += 'k';
      pieces.push_back(StringAttr::get(ctx, keyword));
      lastKeyword = keyword;
      if (keyword == "with")
        key = keyword;
    } else if (succeeded(parser.parseOptionalLess())) {
      FailureOr<Attribute> nested = parseNested(parser, key);
      if (failed(nested))
        return failure();
      kinds += 'a';
      pieces.push_back(*nested);
    } else if (succeeded(parser.parseOptionalLSquare())) {
      // A list (as an ArrayAttr), whose elements may be nested attributes.
      SmallVector<Attribute> elements;
      if (failed(parser.parseOptionalRSquare())) {
        do {
          FailureOr<Attribute> element = Attribute();
          if (succeeded(parser.parseOptionalLess()))
            element = parseNested(parser, key);
          else if (parser.parseAttribute(*element))
            return failure();
          if (failed(element))
            return failure();
          elements.push_back(*element);
        } while (succeeded(parser.parseOptionalComma()));
        if (parser.parseRSquare())
          return failure();
      }
      kinds += 'a';
      pieces.push_back(ArrayAttr::get(ctx, elements));
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

/// Parses `<...>` (the `<` included) into pieces.
ParseResult parsePieces(DialectAsmParser &parser, std::string &kinds,
                        SmallVectorImpl<Attribute> &pieces) {
  if (parser.parseLess())
    return failure();
  return parsePieceList(parser, kinds, pieces);
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
