//===- DebugInfo.td - the debuginfo dialect (locations) ----*- tablegen -*-===//
//
// Programs printed with debug information use `#debuginfo...` attributes,
// some of them as locations (`loc(#loc3)` with
// `#loc3 = #debuginfo.location<#loc1 in #subprogram>`). An unregistered
// dialect cannot provide a location, so this small dialect keeps each
// attribute's text as a list of pieces (keywords, punctuation, strings and
// nested attributes, so that aliases inside keep working) and prints it back.
//
//===----------------------------------------------------------------------===//

#ifndef COREAI_DIALECT_COREAI_IR_DEBUGINFO_TD
#define COREAI_DIALECT_COREAI_IR_DEBUGINFO_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/OpBase.td"

def DebugInfo_Dialect : Dialect {
  let name = "debuginfo";
  let cppNamespace = "::coreai::debuginfo";
  let summary = "Debug information of Core AI programs, kept as written";
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 0;
  let extraClassDeclaration = [{
    ::mlir::Attribute parseAttribute(::mlir::DialectAsmParser &parser,
                                     ::mlir::Type type) const override;
    void printAttribute(::mlir::Attribute attr,
                        ::mlir::DialectAsmPrinter &printer) const override;
    ::mlir::Type parseType(::mlir::DialectAsmParser &parser) const override;
    void printType(::mlir::Type type,
                   ::mlir::DialectAsmPrinter &printer) const override;
  }];
}

// Attributes keep their text as pieces; `kinds` has one letter per piece:
// `k` keyword or punctuation (a StringAttr), `s` string literal (a
// StringAttr), `a` any other attribute (aliases included).
def DebugInfo_GenericAttr
    : AttrDef<DebugInfo_Dialect, "Generic", [TypedAttrInterface]> {
  let summary = "#debuginfo.<mnemonic><...> [: type], e.g. file, subprogram";
  let parameters = (ins StringRefParameter<>:$mnemonic,
                        StringRefParameter<>:$kinds,
                        ArrayRefParameter<"::mlir::Attribute">:$pieces,
                        AttributeSelfTypeParameter<"">:$type);
  let attrName = "debuginfo.generic";
}

def DebugInfo_LocationAttr : LocationAttrDef<DebugInfo_Dialect, "Location"> {
  let summary = "#debuginfo.location<#loc in #subprogram ...>, a location";
  let parameters = (ins StringRefParameter<>:$kinds,
                        ArrayRefParameter<"::mlir::Attribute">:$pieces);
  let attrName = "debuginfo.location";
}

def DebugInfo_UnresolvedType : TypeDef<DebugInfo_Dialect, "Unresolved"> {
  let summary = "!debuginfo.unresolved<T>: the type of a subprogram";
  let parameters = (ins "::mlir::Type":$type);
  let mnemonic = "unresolved";
  let assemblyFormat = "`<` $type `>`";
}

#endif // COREAI_DIALECT_COREAI_IR_DEBUGINFO_TD
