//===- CoreAIOps.td - coreai operations --------------------*- tablegen -*-===//

#ifndef COREAI_DIALECT_COREAI_IR_COREAIOPS_TD
#define COREAI_DIALECT_COREAI_IR_COREAIOPS_TD

include "coreai/Dialect/CoreAI/IR/CoreAIBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

//===----------------------------------------------------------------------===//
// Program structure
//===----------------------------------------------------------------------===//

def CoreAI_GraphOp : CoreAI_Op<"graph", [IsolatedFromAbove, Symbol,
                                         SingleBlock, NoTerminator]> {
  let summary = "A named function-like graph of ops";
  let description = [{
    The unit of a Core AI program; `@main` is the usual entry point.

    ```mlir
    coreai.graph @main(%arg0: tensor<4xf32> {coreai.name = "x"}) -> (tensor<4xf32> {coreai.name = "y"}) attributes {__coreai_pure__} {
      %0 = coreai.relu %arg0 : (tensor<4xf32>) -> tensor<4xf32>
      coreai.output %0 : tensor<4xf32>
    }
    ```

    `param_decls` holds `#param.decl.array<[...]>` of the (unregistered)
    `param` dialect; it prints as `@name<T: !param.type>` when not empty.
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    TypeAttrOf<FunctionType>:$function_type,
    AnyAttr:$param_decls,
    UnitAttr:$priv,
    UnitAttr:$externalize,
    UnitAttr:$no_inline,
    OptionalAttr<CoreAI_CompositeDeclarationAttr>:$composite_decl,
    OptionalAttr<DictArrayAttr>:$arg_attrs,
    OptionalAttr<DictArrayAttr>:$res_attrs
  );
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

def CoreAI_OutputOp : CoreAI_Op<"output", [Pure, Terminator, ReturnLike]> {
  let summary = "Returns the results of a graph";
  let description = [{
    ```mlir
    coreai.output %0, %1 : tensor<4xf32>, tensor<4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$operands_);
  let assemblyFormat = "($operands_^ `:` type($operands_))? attr-dict";
}

def CoreAI_InvokeOp : CoreAI_Op<"invoke"> {
  let summary = "Calls a graph";
  let description = [{
    The callee is a `param` dialect attribute, `#param.constant<@callee> : !param.symbol`
    or `#param.bind<@callee, [types]> : !param.symbol`; the custom form spells
    them `@callee` and `@callee<types>`.

    ```mlir
    %0 = coreai.invoke @callee(%arg0)  : (tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$operands_, TypedAttrInterface:$callee,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let results = (outs Variadic<AnyType>:$results_);
  let hasCustomAssemblyFormat = 1;
}

//===----------------------------------------------------------------------===//
// Weights and quantization
//===----------------------------------------------------------------------===//

def CoreAI_ConstantOp : CoreAI_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "output"]>]> {
  let summary = "A constant tensor, usually a weight";
  let description = [{
    ```mlir
    %0 = coreai.constant dense_resource<blob> : tensor<32x2048xf32>
    ```
    A `dense_resource` value must name a blob holding exactly the bytes its
    type needs: 8-bit and wider elements as stored, 4-bit elements two per
    byte and 2-bit elements four per byte.
  }];
  let arguments = (ins TypedAttrInterface:$value);
  let results = (outs AnyType:$output);
  let assemblyFormat = "$value attr-dict";
  let builders = [
    OpBuilder<(ins "::mlir::TypedAttr":$value), [{
      build($_builder, $_state, value.getType(), value);
    }]>
  ];
  let hasFolder = 1;
  let hasVerifier = 1;
}

def CoreAI_BlockwiseShiftScaleOp : CoreAI_P1aOp<"blockwise_shift_scale",
    (ins AnyRankedTensor:$data, AnyRankedTensor:$scale,
         AnyRankedTensor:$offset1, AnyRankedTensor:$offset2)> {
  let summary = "Dequantizes blocks: scale * (data - offset1) + offset2";
  let description = [{
    Block `b` of the data (block shape = data shape / scale shape) uses
    `scale[b]`, `offset1[b]` and `offset2[b]`.

    ```mlir
    %4 = coreai.blockwise_shift_scale %0, %1, %2, %3 : (tensor<32x2048xsi4>, tensor<32x64xf32>, tensor<32x64xsi4>, tensor<32x64xf32>) -> tensor<32x2048xf32>
    ```
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Ops that consume weights
//===----------------------------------------------------------------------===//

def CoreAI_BatchMatmulOp : CoreAI_P1aOp<"batch_matmul",
    (ins AnyType:$x, AnyType:$y)> {
  let summary = "Batched matrix product with equal batch dims";
  let description = [{ `[*b, M, K] x [*b, K, N] -> [*b, M, N]`. }];
}

def CoreAI_BroadcastingBatchMatmulOp
    : CoreAI_P1bOp<"decomposable.broadcasting_batch_matmul",
                   (ins AnyType:$x, AnyType:$y)> {
  let summary = "Batched matrix product with broadcast batch dims";
  let description = [{ `[*b, M, K] x [*b', K, N] -> [broadcast(b, b'), M, N]`. }];
}

def CoreAI_Conv2dOp : CoreAI_P1aOp<"conv2d",
    (ins AnyType:$input, AnyType:$weight, AnyType:$stride, AnyType:$dilation,
         AnyType:$groups)> {
  let summary = "2-D convolution, NCHW input, weight [Cout, Cin/groups, kH, kW]";
}

def CoreAI_GatherNdOp : CoreAI_Op<"gather_nd", [Pure]> {
  let summary = "Gathers slices of the input at the given indices";
  let description = [{
    ```mlir
    %6 = coreai.gather_nd %1 at %5 : (tensor<1000x64xf32>, tensor<2x8x1xsi32>) to tensor<2x8x64xf32>
    ```
  }];
  let arguments = (ins AnyType:$input, AnyType:$indices);
  let results = (outs AnyType:$output);
  let assemblyFormat = [{
    $input `at` $indices `:` `(` type($input) `,` type($indices) `)` `to`
    type($output) attr-dict
  }];
}

def CoreAI_TransposeOp : CoreAI_P1aOp<"transpose",
    (ins AnyType:$input, AnyType:$permutation)> {
  let summary = "Permutes the dims of the input; the permutation is a ui32 tensor";
}

//===----------------------------------------------------------------------===//
// Other ops of real programs
//===----------------------------------------------------------------------===//

def CoreAI_PadOp : CoreAI_Op<"pad", [Pure]> {
  let summary = "Pads the input";
  let description = [{
    ```mlir
    %13 = coreai.pad %arg0, %12, %11 mode = <constant> : (tensor<1x3x16x16xf32>, tensor<8xui32>, tensor<f32>) -> tensor<1x3x18x18xf32>
    ```
  }];
  let arguments = (ins AnyType:$input, AnyType:$padding, AnyType:$padding_value,
                       CoreAI_PaddingModeAttr:$padding_mode);
  let results = (outs AnyType:$output);
  let assemblyFormat = [{
    $input `,` $padding `,` $padding_value `mode` `=` $padding_mode `:`
    functional-type(operands, results) attr-dict
  }];
}

def CoreAI_ReluOp : CoreAI_P1bOp<"relu", (ins AnyType:$input)> {
  let summary = "max(x, 0)";
}
def CoreAI_ReshapeOp : CoreAI_P1aOp<"reshape", (ins AnyType:$input, AnyType:$new_shape)> {
  let summary = "Reshapes the input to the given shape";
}
def CoreAI_ReduceMeanOp : CoreAI_P1bOp<"reduce_mean", (ins AnyType:$input, AnyType:$axes)> {
  let summary = "Mean over the given axes, keeping them as size 1";
}
def CoreAI_BroadcastingAddOp : CoreAI_P1bOp<"decomposable.broadcasting_add",
    (ins AnyType:$input, AnyType:$other)> {
  let summary = "Elementwise sum with broadcasting";
}

#endif // COREAI_DIALECT_COREAI_IR_COREAIOPS_TD
