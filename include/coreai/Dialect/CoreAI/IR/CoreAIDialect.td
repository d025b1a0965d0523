//===- CoreAIDialect.td - The coreai dialect ---------------*- tablegen -*-===//

#ifndef COREAI_DIALECT_COREAI_IR_COREAIDIALECT_TD
#define COREAI_DIALECT_COREAI_IR_COREAIDIALECT_TD

include "mlir/IR/OpBase.td"

def CoreAI_Dialect : Dialect {
  let name = "coreai";
  let cppNamespace = "::coreai";
  let summary = "Apple Core AI programs: graphs of tensor ops with weights";
  let description = [{
    The `coreai` dialect as printed by Apple's Core AI tools. A program is a
    `builtin.module` of `coreai.graph` ops; weights are `coreai.constant` ops,
    usually holding `dense_resource` blobs. The custom assembly of every op
    matches the real printer byte for byte.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();
  }];
}

#endif // COREAI_DIALECT_COREAI_IR_COREAIDIALECT_TD
