//===- CoreAIOps.cpp - coreai ops: parsers, printers, verifiers -----------===//

#include "coreai/Dialect/CoreAI/IR/CoreAIOps.h"

#include "coreai/Kernels/Packing.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace coreai;

//===----------------------------------------------------------------------===//
// Helpers for the `param` dialect, which is not registered: its attributes
// are opaque, and the custom forms of graph and invoke rewrite their text.
//===----------------------------------------------------------------------===//

namespace {
constexpr llvm::StringLiteral kParamDialect = "param";

OpaqueAttr getParamAttr(MLIRContext *ctx, StringRef data, Type type) {
  return OpaqueAttr::get(StringAttr::get(ctx, kParamDialect), data, type);
}

Type getParamSymbolType(MLIRContext *ctx) {
  return OpaqueType::get(StringAttr::get(ctx, kParamDialect), "symbol");
}

/// Splits `text` at top-level occurrences of ", " (outside brackets and
/// string literals).
SmallVector<StringRef> splitTopLevel(StringRef text) {
  SmallVector<StringRef> parts;
  int depth = 0;
  bool inString = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"')
      inString = true;
    else if (c == '<' || c == '[' || c == '(' || c == '{')
      ++depth;
    else if (c == '>' || c == ']' || c == ')' || c == '}')
      --depth;
    else if (c == ',' && depth == 0) {
      parts.push_back(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (!text.trim().empty())
    parts.push_back(text.drop_front(start).trim());
  return parts;
}

/// The decls inside `#param.decl.array<[<T: !param.type>, ...]>` written as
/// the graph's custom form does (`T: !param.type, ...`); std::nullopt when
/// the attribute has another form.
std::optional<std::string> getCustomParamDecls(Attribute attr) {
  auto opaque = dyn_cast<OpaqueAttr>(attr);
  if (!opaque || opaque.getDialectNamespace() != kParamDialect)
    return std::nullopt;
  StringRef data = opaque.getAttrData();
  if (!data.consume_front("decl.array<[") || !data.consume_back("]>"))
    return std::nullopt;
  std::string result;
  for (StringRef item : splitTopLevel(data)) {
    if (!item.consume_front("<") || !item.consume_back(">"))
      return std::nullopt;
    if (!result.empty())
      result += ", ";
    result += item.str();
  }
  return result;
}

std::string printToString(llvm::function_ref<void(raw_ostream &)> fn) {
  std::string s;
  llvm::raw_string_ostream os(s);
  fn(os);
  return s;
}
} // namespace

//===----------------------------------------------------------------------===//
// GraphOp
//===----------------------------------------------------------------------===//

ParseResult GraphOp::parse(OpAsmParser &parser, OperationState &result) {
  MLIRContext *ctx = parser.getContext();
  Builder &builder = parser.getBuilder();
  const OperationName &name = result.name;
  for (auto [keyword, attrName] :
       {std::pair<StringRef, StringAttr>{"private", getPrivAttrName(name)},
        {"externalize", getExternalizeAttrName(name)},
        {"noinline", getNoInlineAttrName(name)}}) {
    if (succeeded(parser.parseOptionalKeyword(keyword)))
      result.addAttribute(attrName, builder.getUnitAttr());
  }

  StringAttr symName;
  if (parser.parseSymbolName(symName, getSymNameAttrName(name),
                             result.attributes))
    return failure();

  // `<T: !param.type, ...>` stands for #param.decl.array<[<T: ...>, ...]>.
  std::string decls;
  if (succeeded(parser.parseOptionalLess())) {
    auto parseDecl = [&]() -> ParseResult {
      StringRef declName;
      Type declType;
      if (parser.parseKeyword(&declName) || parser.parseColon() ||
          parser.parseType(declType))
        return failure();
      if (!decls.empty())
        decls += ", ";
      decls += "<" + declName.str() + ": " +
               printToString([&](raw_ostream &os) { os << declType; }) + ">";
      return success();
    };
    if (parser.parseCommaSeparatedList(parseDecl) || parser.parseGreater())
      return failure();
  }
  result.addAttribute(getParamDeclsAttrName(name),
                      getParamAttr(ctx, "decl.array<[" + decls + "]>",
                                   NoneType::get(ctx)));

  SmallVector<OpAsmParser::Argument> args;
  SmallVector<Type> resultTypes;
  SmallVector<DictionaryAttr> resultAttrs;
  bool isVariadic = false;
  if (function_interface_impl::parseFunctionSignatureWithArguments(
          parser, /*allowVariadic=*/false, args, isVariadic, resultTypes,
          resultAttrs))
    return failure();
  SmallVector<Type> argTypes = llvm::map_to_vector(
      args, [](const OpAsmParser::Argument &arg) { return arg.type; });
  result.addAttribute(
      getFunctionTypeAttrName(name),
      TypeAttr::get(builder.getFunctionType(argTypes, resultTypes)));
  call_interface_impl::addArgAndResultAttrs(builder, result, args, resultAttrs,
                                            getArgAttrsAttrName(name),
                                            getResAttrsAttrName(name));

  // `composite_decl` is printed among the discardable attributes; naming
  // it here makes it the property again.
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();

  Region *body = result.addRegion();
  return parser.parseRegion(*body, args, /*enableNameShadowing=*/false);
}

void GraphOp::print(OpAsmPrinter &p) {
  if (getPriv())
    p << " private";
  if (getExternalize())
    p << " externalize";
  if (getNoInline())
    p << " noinline";
  p << ' ';
  p.printSymbolName(getSymName());

  std::optional<std::string> decls = getCustomParamDecls(getParamDecls());
  if (decls && !decls->empty())
    p << '<' << *decls << '>';

  FunctionType type = getFunctionType();
  call_interface_impl::printFunctionSignature(
      p, type.getInputs(), getArgAttrsAttr(), /*isVariadic=*/false,
      type.getResults(), getResAttrsAttr(), &getBody(),
      /*printEmptyResult=*/false);

  NamedAttrList attrs((*this)->getDiscardableAttrDictionary());
  if (auto composite = getCompositeDeclAttr())
    attrs.set(getCompositeDeclAttrName(), composite);
  // A param_decls the custom form cannot spell is kept as an attribute.
  if (!decls)
    attrs.set(getParamDeclsAttrName(), getParamDecls());
  p.printOptionalAttrDictWithKeyword(attrs.getAttrs());

  p << ' ';
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/true);
}

LogicalResult GraphOp::verify() {
  FunctionType type = getFunctionType();
  if (getExternalize() && getPriv())
    return emitOpError("graphs marked 'externalize' must not be private");
  Block &entry = getBody().front();
  if (entry.getNumArguments() != type.getNumInputs())
    return emitOpError("has ")
           << entry.getNumArguments() << " block arguments but its type has "
           << type.getNumInputs() << " inputs";
  for (auto [i, arg, expected] :
       llvm::enumerate(entry.getArguments(), type.getInputs()))
    if (arg.getType() != expected)
      return emitOpError("block argument #")
             << i << " has type " << arg.getType() << " but the graph type says "
             << expected;
  if (auto argAttrs = getArgAttrsAttr())
    if (argAttrs.size() != type.getNumInputs())
      return emitOpError("expects one arg_attrs entry per input");
  if (auto resAttrs = getResAttrsAttr())
    if (resAttrs.size() != type.getNumResults())
      return emitOpError("expects one res_attrs entry per result");
  if (auto output = dyn_cast_or_null<OutputOp>(
          entry.empty() ? nullptr : &entry.back())) {
    if (output.getOperandTypes() != type.getResults())
      return output.emitOpError("operand types (")
             << output.getOperandTypes() << ") do not match the results of "
             << "the graph (" << type.getResults() << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// InvokeOp
//===----------------------------------------------------------------------===//

ParseResult InvokeOp::parse(OpAsmParser &parser, OperationState &result) {
  MLIRContext *ctx = parser.getContext();
  const OperationName &name = result.name;

  // `@callee` or `@callee<types>`, else a full attribute.
  StringAttr calleeName;
  Attribute callee;
  if (succeeded(parser.parseOptionalSymbolName(calleeName))) {
    std::string sym = printToString([&](raw_ostream &os) {
      os << FlatSymbolRefAttr::get(calleeName);
    });
    SmallVector<Type> bound;
    bool isBind = false;
    if (succeeded(parser.parseOptionalLess())) {
      isBind = true;
      if (parser.parseCommaSeparatedList([&]() -> ParseResult {
            return parser.parseType(bound.emplace_back());
          }) ||
          parser.parseGreater())
        return failure();
    }
    std::string data;
    if (isBind)
      data = printToString([&](raw_ostream &os) {
        os << "bind<" << sym << ", [";
        llvm::interleaveComma(bound, os);
        os << "]>";
      });
    else
      data = "constant<" + sym + ">";
    callee = getParamAttr(ctx, data, getParamSymbolType(ctx));
  } else if (parser.parseAttribute(callee)) {
    return failure();
  }
  result.addAttribute(getCalleeAttrName(name), callee);

  SmallVector<OpAsmParser::UnresolvedOperand> operands;
  SmallVector<Type> argTypes, resultTypes;
  SmallVector<DictionaryAttr> argAttrs, resultAttrs;
  SMLoc operandsLoc = parser.getCurrentLocation();
  if (parser.parseOperandList(operands, OpAsmParser::Delimiter::Paren) ||
      parser.parseOptionalAttrDict(result.attributes) || parser.parseColon() ||
      call_interface_impl::parseFunctionSignature(parser, argTypes, argAttrs,
                                                  resultTypes, resultAttrs) ||
      parser.resolveOperands(operands, argTypes, operandsLoc, result.operands))
    return failure();
  result.addTypes(resultTypes);
  Builder &builder = parser.getBuilder();
  auto addAttrs = [&](ArrayRef<DictionaryAttr> dicts, StringAttr attrName) {
    if (llvm::any_of(dicts, [](DictionaryAttr d) { return d && !d.empty(); }))
      result.addAttribute(
          attrName,
          builder.getArrayAttr(llvm::map_to_vector(
              dicts, [&](DictionaryAttr d) -> Attribute {
                return d ? d : builder.getDictionaryAttr({});
              })));
  };
  addAttrs(argAttrs, getArgAttrsAttrName(name));
  addAttrs(resultAttrs, getResAttrsAttrName(name));
  return success();
}

void InvokeOp::print(OpAsmPrinter &p) {
  // Prints `@callee` for #param.constant<@callee> : !param.symbol and
  // `@callee<types>` for #param.bind<@callee, [types]> : !param.symbol.
  std::optional<std::string> spelled;
  auto opaque = dyn_cast<OpaqueAttr>(getCallee());
  if (opaque && opaque.getDialectNamespace() == kParamDialect &&
      opaque.getType() == getParamSymbolType(getContext())) {
    StringRef data = opaque.getAttrData();
    if (data.consume_front("constant<") && data.consume_back(">") &&
        data.starts_with("@") && !data.contains("::")) {
      spelled = data.str();
    } else if (data.consume_front("bind<") && data.consume_back("]>")) {
      auto [sym, types] = data.split(", [");
      if (sym.starts_with("@") && !sym.contains("::"))
        spelled = (sym + "<" + types + ">").str();
    }
  }
  p << ' ';
  if (spelled)
    p << *spelled;
  else
    p.printAttribute(getCallee());
  p << '(' << getOperands() << ") ";
  p.printOptionalAttrDict((*this)->getAttrs(),
                          {getCalleeAttrName(), getArgAttrsAttrName(),
                           getResAttrsAttrName()});
  p << " : ";
  call_interface_impl::printFunctionSignature(
      p, getOperandTypes(), getArgAttrsAttr(), /*isVariadic=*/false,
      getResultTypes(), getResAttrsAttr(), /*body=*/nullptr,
      /*printEmptyResult=*/true);
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

std::optional<int64_t> coreai::getPackedBlobSize(ShapedType type) {
  if (!type.hasStaticShape())
    return std::nullopt;
  int64_t n = type.getNumElements();
  Type elt = type.getElementType();
  unsigned bits;
  if (auto complex = dyn_cast<ComplexType>(elt)) {
    if (!complex.getElementType().isIntOrFloat())
      return std::nullopt;
    bits = 2 * complex.getElementType().getIntOrFloatBitWidth();
  } else if (elt.isIndex()) {
    bits = 64;
  } else if (elt.isIntOrFloat()) {
    bits = elt.getIntOrFloatBitWidth();
  } else {
    return std::nullopt;
  }
  // A signless i1 (a boolean) takes a byte; other sub-byte types are packed
  // (Packing.h: the LSB-first bit stream of palettization indices, masks and
  // low-bit data).
  if (bits == 1 && elt.isSignlessInteger())
    return n;
  if (bits < 8)
    return kernels::isPackableBits(static_cast<int>(bits))
               ? std::optional<int64_t>(
                     kernels::packedBytesForBits(static_cast<int>(bits), n))
               : std::nullopt;
  if (bits % 8 != 0)
    return std::nullopt;
  return n * (bits / 8);
}

LogicalResult ConstantOp::verify() {
  auto resource = dyn_cast<DenseResourceElementsAttr>(getValue());
  if (!resource)
    return success();
  DenseResourceElementsHandle handle = resource.getRawHandle();
  AsmResourceBlob *blob = handle.getBlob();
  if (!blob)
    return emitOpError("dense_resource blob '")
           << handle.getKey() << "' is missing from the program's resources";
  std::optional<int64_t> expected = getPackedBlobSize(resource.getType());
  if (expected && static_cast<int64_t>(blob->getData().size()) != *expected)
    return emitOpError("dense_resource blob '")
           << handle.getKey() << "' holds " << blob->getData().size()
           << " bytes but " << resource.getType() << " needs " << *expected;
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// BlockwiseShiftScaleOp
//===----------------------------------------------------------------------===//

namespace {
bool isAllowedDataType(Type t) {
  if (auto i = dyn_cast<IntegerType>(t))
    return !i.isSignless() && llvm::is_contained({2u, 4u, 8u, 16u}, i.getWidth());
  return isa<BFloat16Type, Float16Type, Float32Type, Float8E5M2Type,
             Float8E4M3FNType, Float4E2M1FNType, Float8E8M0FNUType>(t);
}

/// True if `v` is defined by a constant whose value is all zeros.
bool isConstantZero(Value v) {
  auto constant = v.getDefiningOp<ConstantOp>();
  if (!constant)
    return false;
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  if (!dense || !dense.isSplat())
    return false;
  if (isa<FloatType>(dense.getElementType()))
    return dense.getSplatValue<APFloat>().isZero();
  if (isa<IntegerType>(dense.getElementType()))
    return dense.getSplatValue<APInt>().isZero();
  return false;
}
} // namespace

LogicalResult BlockwiseShiftScaleOp::verify() {
  auto dataType = cast<RankedTensorType>(getData().getType());
  auto scaleType = cast<RankedTensorType>(getScale().getType());
  auto offset1Type = cast<RankedTensorType>(getOffset1().getType());
  auto offset2Type = cast<RankedTensorType>(getOffset2().getType());
  auto resultType = dyn_cast<RankedTensorType>(getOutput().getType());
  if (!resultType)
    return emitOpError("result must be a ranked tensor");
  Type dataElt = dataType.getElementType();
  Type scaleElt = scaleType.getElementType();
  if (!isAllowedDataType(dataElt))
    return emitOpError("data element type ") << dataElt << " is not supported";
  if (offset1Type.getElementType() != dataElt)
    return emitOpError("offset1 element type must match the data's (")
           << dataElt << ")";
  if (scaleType.getShape() != offset1Type.getShape() ||
      scaleType.getShape() != offset2Type.getShape())
    return emitOpError("scale, offset1 and offset2 must have the same shape");
  if (resultType.getElementType() != offset2Type.getElementType())
    return emitOpError("result element type must match offset2's");
  if (resultType.getShape() != dataType.getShape())
    return emitOpError("result shape must match the data shape");
  if (scaleType.getRank() != dataType.getRank())
    return emitOpError("scale must have the rank of the data");
  for (auto [i, d, s] :
       llvm::enumerate(dataType.getShape(), scaleType.getShape())) {
    if (ShapedType::isDynamic(d) || ShapedType::isDynamic(s))
      continue;
    if (s <= 0 ? d != 0 || s != 0 : d % s != 0)
      return emitOpError("data dim ")
             << i << " (" << d << ") is not divisible by the scale dim (" << s
             << ")";
  }
  bool fp4 = isa<Float4E2M1FNType>(dataElt);
  bool fp8 = isa<Float8E5M2Type, Float8E4M3FNType>(dataElt);
  if ((fp4 || fp8) && !isConstantZero(getOffset1()))
    return emitOpError("offset1 must be a constant zero for ")
           << dataElt << " data";
  if (fp4 && !isa<Float8E8M0FNUType, Float16Type, BFloat16Type,
                  Float8E4M3FNType>(scaleElt))
    return emitOpError("scale element type ")
           << scaleElt << " is not supported for f4E2M1FN data";
  if (fp8 &&
      !isa<Float32Type, Float16Type, BFloat16Type, Float8E8M0FNUType>(scaleElt))
    return emitOpError("scale element type ")
           << scaleElt << " is not supported for " << dataElt << " data";
  return success();
}


//===----------------------------------------------------------------------===//
// Result names, scan's combiner
//===----------------------------------------------------------------------===//

void ReadHandleOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getOutput(), "output");
  setNameFn(getOutToken(), "out_token");
}

void AsymmetricQuantStatsOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getScale(), "scale");
  setNameFn(getZeroPoint(), "zero_point");
}

/// `<sum>` for `scan_op = 0 : i32` (the enum without its dialect prefix).
static ParseResult parseScanCombiner(OpAsmParser &parser, IntegerAttr &attr) {
  StringRef name;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeyword(&name) || parser.parseGreater())
    return failure();
  std::optional<ScanCombiner> combiner = symbolizeScanCombiner(name);
  if (!combiner)
    return parser.emitError(loc, "unknown scan combiner '") << name << "'";
  attr = parser.getBuilder().getI32IntegerAttr(static_cast<int32_t>(*combiner));
  return success();
}

static void printScanCombiner(OpAsmPrinter &p, Operation *, IntegerAttr attr) {
  std::optional<ScanCombiner> combiner =
      symbolizeScanCombiner(static_cast<uint32_t>(attr.getInt()));
  // An unknown value prints as a plain integer, which the parser rejects
  // rather than the printer crashing (as Apple's does).
  if (combiner)
    p << '<' << stringifyScanCombiner(*combiner) << '>';
  else
    p << '<' << attr.getInt() << '>';
}

LogicalResult ScanOp::verify() {
  if (!getScanOpAttr().getType().isSignlessInteger(32) ||
      !symbolizeScanCombiner(static_cast<uint32_t>(getScanOp())))
    return emitOpError("scan_op must be 0 (sum), 1 (product), 2 (min) or 3 "
                       "(max) as an i32");
  return success();
}

#define GET_OP_CLASSES
#include "coreai/Dialect/CoreAI/IR/CoreAIOps.cpp.inc"
