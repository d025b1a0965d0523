//===- CoreAIOps.td - coreai operations --------------------*- tablegen -*-===//

#ifndef COREAI_DIALECT_COREAI_IR_COREAIOPS_TD
#define COREAI_DIALECT_COREAI_IR_COREAIOPS_TD

include "coreai/Dialect/CoreAI/IR/CoreAIBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/IR/OpAsmInterface.td"

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

//===----------------------------------------------------------------------===//
// The other ops of the census
//===----------------------------------------------------------------------===//

def CoreAI_AbsOp : CoreAI_P2Op<"abs", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise absolute value";
}
def CoreAI_AcosOp : CoreAI_P2Op<"acos", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise arc cosine";
}
def CoreAI_AcoshOp : CoreAI_P2Op<"acosh", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise inverse hyperbolic cosine";
}
def CoreAI_AddOp : CoreAI_P1aOp<"add",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise sum";
}
def CoreAI_AllOp : CoreAI_P1bOp<"all",
    (ins AnyType:$input, AnyType:$axes), [Pure], (outs AnyType:$result)> {
  let summary = "Logical AND over the given axes, keeping them as size 1";
}
def CoreAI_AndOp : CoreAI_P1aOp<"and",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise logical AND of i1 tensors";
}
def CoreAI_AnyOp : CoreAI_P1bOp<"any",
    (ins AnyType:$input, AnyType:$axes), [Pure], (outs AnyType:$result)> {
  let summary = "Logical OR over the given axes, keeping them as size 1";
}
def CoreAI_ArgmaxOp : CoreAI_P1bOp<"argmax",
    (ins AnyType:$input, AnyType:$axis), [Pure], (outs AnyType:$output)> {
  let summary = "Index (ui32) of the largest element along an axis, kept as size 1";
}
def CoreAI_ArgSortOp : CoreAI_P1aOp<"argsort",
    (ins AnyType:$input, AnyType:$dim, AnyType:$descending, AnyType:$stable), [Pure], (outs AnyType:$result)> {
  let summary = "Indices that sort the input along `dim`";
  let description = [{
    Operands as for `sort`: in the census example `dim` is a 0-D `si32`
    tensor, `descending` and `stable` are 0-D `i1` tensors. The result has
    the input's shape and a signed integer element type (`si32`; the verifier
    requires a signed index type).

    Example:

    ```mlir
    %3 = coreai.argsort %arg0, %0, %1, %2 : (tensor<4xf32>, tensor<si32>, tensor<i1>, tensor<i1>) -> tensor<4xsi32>
    ```
  }];
}
def CoreAI_AsinOp : CoreAI_P2Op<"asin", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise arc sine";
}
def CoreAI_AsinhOp : CoreAI_P2Op<"asinh", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise inverse hyperbolic sine";
}
def CoreAI_AtanOp : CoreAI_P2Op<"atan", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise arc tangent";
}
def CoreAI_AtanhOp : CoreAI_P2Op<"atanh", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise inverse hyperbolic tangent";
}
def CoreAI_BitwiseAndOp : CoreAI_P1aOp<"bitwise_and",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise bitwise AND of integer tensors";
}
def CoreAI_BitwiseOrOp : CoreAI_P1aOp<"bitwise_or",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise bitwise OR of integer tensors";
}
def CoreAI_BitwiseXorOp : CoreAI_P1aOp<"bitwise_xor",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise bitwise XOR of integer tensors";
}
def CoreAI_BroadcastInDimsOp : CoreAI_P1aOp<"broadcast_in_dims",
    (ins AnyType:$input, AnyType:$dim_sizes, AnyType:$axes), [Pure], (outs AnyType:$output)> {
  let summary = "Broadcasts the input's dims `axes` to the sizes `dim_sizes`";
  let description = [{
    `dim_sizes` (`ui32`) and `axes` (`si32`) are 1-D tensors of the same
    length. In the census example a 3x1 input becomes 3x4 with one-element
    `dim_sizes` and `axes`; the census data does not show their values.

    Example:

    ```mlir
    %2 = coreai.broadcast_in_dims %arg0, %0, %1 : (tensor<3x1xf32>, tensor<1xui32>, tensor<1xsi32>) -> tensor<3x4xf32>
    ```
  }];
}
def CoreAI_BroadcastShapesOp : CoreAI_P1aOp<"broadcast_shapes",
    (ins AnyType:$shape_1, AnyType:$shape_2), [Pure], (outs AnyType:$output)> {
  let summary = "The broadcast of two shapes given as 1-D ui32 tensors";
  let description = [{
    `shape_1` and `shape_2` are 1-D `ui32` shape tensors, which may differ in
    length; the result is a 1-D `ui32` shape tensor (of length 2 for inputs of
    lengths 2 and 1 in the census example).

    Example:

    ```mlir
    %2 = coreai.broadcast_shapes %0, %1 : (tensor<2xui32>, tensor<1xui32>) -> tensor<2xui32>
    ```
  }];
}
def CoreAI_BroadcastToOp : CoreAI_P1aOp<"broadcast_to",
    (ins AnyType:$input, AnyType:$shape), [Pure], (outs AnyType:$output)> {
  let summary = "Broadcasts the input to a shape given as a 1-D ui32 tensor";
  let description = [{
    `shape` is a 1-D `ui32` tensor; in the census example it has one entry
    per result dim and the result keeps the input's element type.

    Example:

    ```mlir
    %1 = coreai.broadcast_to %arg0, %0 : (tensor<4xf32>, tensor<2xui32>) -> tensor<3x4xf32>
    ```
  }];
}
def CoreAI_BuildSparseWithBitmaskOp : CoreAI_P1aOp<"build_sparse_with_bitmask",
    (ins AnyType:$values, AnyType:$bitmask), [Pure], (outs AnyType:$result)> {
  let summary = "A sparse tensor from its non-zero values and a bitmask";
  let description = [{
    `values` holds the `nnz` kept elements in row-major order; `bitmask` has
    the dense shape in `ui1` (1 = kept), stored as an LSB-first bit stream.
    The result is the dense shape with a sparse encoding whose `numNonZero`
    must equal `nnz` and the mask's popcount (Apple's runtime aborts
    otherwise). `sparse_with_bitmask_to_dense` expands it, pruned positions
    reading as 0.

    ```mlir
    %s = coreai.build_sparse_with_bitmask %v, %m : (tensor<512xf16>, tensor<32x32xui1>) -> tensor<32x32xf16, #enc>
    ```
  }];
}
def CoreAI_ConcatOp : CoreAI_P1aOp<"concat",
    (ins AnyType:$dimension, Variadic<AnyType>:$inputs), [Pure], (outs AnyType:$result)> {
  let summary = "Concatenates the inputs along `dimension`, the first operand";
}
def CoreAI_Conv3dOp : CoreAI_P1aOp<"conv3d",
    (ins AnyType:$input, AnyType:$weight, AnyType:$stride, AnyType:$dilation, AnyType:$groups), [Pure], (outs AnyType:$output)> {
  let summary = "3-D convolution, NCDHW input, weight [Cout, Cin/groups, kD, kH, kW]";
}
def CoreAI_ConvTranspose2dOp : CoreAI_P1aOp<"conv_transpose2d",
    (ins AnyType:$input, AnyType:$weight, AnyType:$stride, AnyType:$padding, AnyType:$dilation, AnyType:$output_pad, AnyType:$groups), [Pure], (outs AnyType:$output)> {
  let summary = "2-D transposed convolution";
  let description = [{
    `stride`, `padding`, `dilation` and `output_pad` are `tensor<2xui32>`,
    `groups` a `tensor<ui32>`. In the census example a 1x4x6x6 input and a
    4x3x3x3 weight give 1x3x8x8: the weight's dim 0 matches the input channels
    and its dim 1 the output channels.

    Example:

    ```mlir
    %5 = coreai.conv_transpose2d %arg0, %arg1, %0, %1, %2, %3, %4 : (tensor<1x4x6x6xf32>, tensor<4x3x3x3xf32>, tensor<2xui32>, tensor<2xui32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x3x8x8xf32>
    ```
  }];
}
def CoreAI_ConvTranspose3dOp : CoreAI_P1aOp<"conv_transpose3d",
    (ins AnyType:$input, AnyType:$weight, AnyType:$stride, AnyType:$padding, AnyType:$dilation, AnyType:$output_pad, AnyType:$groups), [Pure], (outs AnyType:$output)> {
  let summary = "3-D transposed convolution";
  let description = [{
    As `conv_transpose2d` with three spatial dims: `stride`, `padding`,
    `dilation` and `output_pad` are `tensor<3xui32>`, `groups` a
    `tensor<ui32>`.

    Example:

    ```mlir
    %5 = coreai.conv_transpose3d %arg0, %arg1, %0, %1, %2, %3, %4 : (tensor<1x4x6x6x6xf32>, tensor<4x3x3x3x3xf32>, tensor<3xui32>, tensor<3xui32>, tensor<3xui32>, tensor<3xui32>, tensor<ui32>) -> tensor<1x3x8x8x8xf32>
    ```
  }];
}
def CoreAI_CosOp : CoreAI_P2Op<"cos", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise cosine";
}
def CoreAI_CoshOp : CoreAI_P2Op<"cosh", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise hyperbolic cosine";
}
def CoreAI_CreateComplexOp : CoreAI_P1aOp<"create_complex",
    (ins AnyType:$real, AnyType:$imaginary), [Pure], (outs AnyType:$result)> {
  let summary = "A complex tensor from its real and imaginary parts";
  let description = [{
    `real` and `imaginary` have the same shape and float type; the result has
    that shape with `complex<...>` elements: `[1.0, 3.0]` and `[2.0, 4.0]`
    give `[1.0+2.0i, 3.0+4.0i]`.

    Example:

    ```mlir
    %0 = coreai.create_complex %arg0, %arg1 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xcomplex<f32>>
    ```
  }];
}
def CoreAI_BroadcastingAndOp : CoreAI_P1bOp<"decomposable.broadcasting_and",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise logical AND with broadcasting";
}
def CoreAI_BroadcastingBitwiseAndOp : CoreAI_P1bOp<"decomposable.broadcasting_bitwise_and",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise bitwise AND with broadcasting";
}
def CoreAI_BroadcastingBitwiseOrOp : CoreAI_P1bOp<"decomposable.broadcasting_bitwise_or",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise bitwise OR with broadcasting";
}
def CoreAI_BroadcastingBitwiseXorOp : CoreAI_P1bOp<"decomposable.broadcasting_bitwise_xor",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise bitwise XOR with broadcasting";
}
def CoreAI_BroadcastingDivideOp : CoreAI_P1bOp<"decomposable.broadcasting_divide",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise quotient with broadcasting";
}
def CoreAI_BroadcastingEqualOp : CoreAI_P1bOp<"decomposable.broadcasting_equal",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise equality with broadcasting, an i1 result";
}
def CoreAI_BroadcastingFloorDivideOp : CoreAI_P1bOp<"decomposable.broadcasting_floor_divide",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise floor division with broadcasting";
}
def CoreAI_BroadcastingGreaterOp : CoreAI_P1bOp<"decomposable.broadcasting_greater",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise input > other with broadcasting, an i1 result";
}
def CoreAI_BroadcastingMaximumOp : CoreAI_P1bOp<"decomposable.broadcasting_maximum",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise maximum with broadcasting";
}
def CoreAI_BroadcastingMinimumOp : CoreAI_P1bOp<"decomposable.broadcasting_minimum",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise minimum with broadcasting";
}
def CoreAI_BroadcastingModuloOp : CoreAI_P1bOp<"decomposable.broadcasting_modulo",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise remainder with broadcasting";
}
def CoreAI_BroadcastingMulOp : CoreAI_P1bOp<"decomposable.broadcasting_mul",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise product with broadcasting";
}
def CoreAI_BroadcastingNotEqualOp : CoreAI_P1bOp<"decomposable.broadcasting_not_equal",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise inequality with broadcasting, an i1 result";
}
def CoreAI_BroadcastingOrOp : CoreAI_P1bOp<"decomposable.broadcasting_or",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise logical OR with broadcasting";
}
def CoreAI_BroadcastingPowOp : CoreAI_P1bOp<"decomposable.broadcasting_pow",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise power with broadcasting";
}
def CoreAI_BroadcastingSubOp : CoreAI_P1bOp<"decomposable.broadcasting_sub",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise difference with broadcasting";
}
def CoreAI_BroadcastingWhereOp : CoreAI_P1bOp<"decomposable.broadcasting_where",
    (ins AnyType:$condition, AnyType:$a, AnyType:$b), [Pure], (outs AnyType:$results_)> {
  let summary = "Elementwise select between `a` and `b` with broadcasting";
  let description = [{
    As `where`, with `condition`, `a` and `b` broadcast to a common shape.

    Example:

    ```mlir
    %0 = coreai.decomposable.broadcasting_where %arg0, %arg1, %arg2 : (tensor<2x1xi1>, tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    ```
  }];
}
def CoreAI_BroadcastingXorOp : CoreAI_P1bOp<"decomposable.broadcasting_xor",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise logical XOR with broadcasting";
}
def CoreAI_DequantizeOp : CoreAI_P1bOp<"dequantize",
    (ins AnyType:$input, AnyType:$scale, AnyType:$offset1, AnyType:$offset2, AnyType:$axis), [Pure], (outs AnyType:$output)> {
  let summary = "Dequantizes the input with scale and offsets along an axis";
  let description = [{
    Operands: the quantized `input`, then `scale`, `offset1` and `offset2`
    (named as those of `blockwise_shift_scale`) and `axis`, a 0-D `si32`
    tensor. In the census example a 2x3 `si8` input takes 1-D scale and
    offsets of length 3, `offset1` in the input's element type, and gives a
    2x3 `f32` result. The census data gives no formula.

    Example:

    ```mlir
    %1 = coreai.dequantize %arg0, %arg1, %arg2, %arg3, %0 : (tensor<2x3xsi8>, tensor<3xf32>, tensor<3xsi8>, tensor<3xf32>, tensor<si32>) -> tensor<2x3xf32>
    ```
  }];
}
def CoreAI_DivideOp : CoreAI_P1aOp<"divide",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise quotient, x / y";
}
def CoreAI_EqualOp : CoreAI_P1aOp<"equal",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise input == other, an i1 result";
}
def CoreAI_ErfOp : CoreAI_P2Op<"erf", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise error function";
}
def CoreAI_ExpOp : CoreAI_P2Op<"exp", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise exponential";
}
def CoreAI_FloorDivideOp : CoreAI_P1aOp<"floor_divide",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise floor division of x by y";
  let description = [{
    `x`, `y` and the result have the same type (`tensor<4xf32>` in the census
    example); `decomposable.broadcasting_floor_divide` is the broadcasting form.
    How negative operands and zero divisors are handled is not shown by the
    census data.

    Example:

    ```mlir
    %0 = coreai.floor_divide %arg0, %arg1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
}
def CoreAI_GetShapeOp : CoreAI_P2Op<"get_shape", (ins AnyType:$input), (outs AnyType:$shape)> {
  let summary = "The shape of the input as a 1-D ui32 tensor";
  let description = [{
    The result `shape` is a 1-D `ui32` tensor with one entry per dim of
    `input`.

    Example:

    ```mlir
    %0 = coreai.get_shape %arg0 : tensor<3x2xf32> -> tensor<2xui32>
    ```
  }];
}
def CoreAI_GreaterOp : CoreAI_P1aOp<"greater",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise input > other, an i1 result";
}
def CoreAI_ImaginaryPartOp : CoreAI_P1aOp<"imaginary_part",
    (ins AnyType:$input), [Pure], (outs AnyType:$result)> {
  let summary = "The imaginary part of a complex tensor";
  let description = [{
    The result has the input's shape and the float type of its `complex<...>`
    elements. Unary, but with a parenthesised type.

    Example:

    ```mlir
    %0 = coreai.imaginary_part %arg0 : (tensor<2xcomplex<f32>>) -> tensor<2xf32>
    ```
  }];
}
def CoreAI_LogOp : CoreAI_P2Op<"log", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise logarithm";
}
def CoreAI_LutToDenseOp : CoreAI_P1aOp<"lut_to_dense",
    (ins AnyType:$indices, AnyType:$lut, AnyType:$axis), [Pure], (outs AnyType:$result)> {
  let summary = "Decodes palettized indices through look-up tables";
  let description = [{
    `indices` (`ui1|ui2|ui3|ui4|ui6|ui8`, stored as an LSB-first bit stream)
    select entries of `lut`, of rank(indices) + 2: the leading dims divide
    the index dims into groups, each with its own table of `P = 2^bits`
    entries of `V` elements. With `V > 1` each index stands for `V`
    consecutive elements along `axis` (a 0-D `tensor<si16>`, non-negative),
    so the result is the index shape with that dim times `V`, in the LUT's
    element type.

    ```mlir
    %w = coreai.lut_to_dense %i, %l, %x : (tensor<512x256xui4>, tensor<512x1x16x1xf32>, tensor<si16>) -> tensor<512x256xf32>
    ```
  }];
}
def CoreAI_LutToSparseWithBitmaskOp : CoreAI_P1aOp<"lut_to_sparse_with_bitmask",
    (ins AnyType:$indices, AnyType:$lut, AnyType:$axis), [Pure], (outs AnyType:$result)> {
  let summary = "Decodes palettized indices into a sparse tensor";
  let description = [{
    As `lut_to_dense`, with a sparse result: the palettized values of a
    sparse tensor's kept elements. (The weight transforms emit
    `lut_to_dense` on the kept values instead, then
    `build_sparse_with_bitmask`.)
  }];
}
def CoreAI_MaxPool2dOp : CoreAI_P1aOp<"max_pool_2d",
    (ins AnyType:$input, AnyType:$kernel_size, AnyType:$stride, AnyType:$dilation, AnyType:$ceil_mode), [Pure], (outs AnyType:$output)> {
  let summary = "2-D max pooling over the last two dims";
  let description = [{
    `kernel_size`, `stride` and `dilation` are `tensor<2xui32>` and
    `ceil_mode` a `tensor<i1>`; there is no padding operand.

    Example:

    ```mlir
    %4 = coreai.max_pool_2d %arg0, %0, %1, %2, %3 : (tensor<1x1x4x4xf32>, tensor<2xui32>, tensor<2xui32>, tensor<2xui32>, tensor<i1>) -> tensor<1x1x2x2xf32>
    ```
  }];
}
def CoreAI_MaxPool3dOp : CoreAI_P1aOp<"max_pool_3d",
    (ins AnyType:$input, AnyType:$kernel_size, AnyType:$stride, AnyType:$dilation, AnyType:$ceil_mode), [Pure], (outs AnyType:$output)> {
  let summary = "3-D max pooling over the last three dims";
  let description = [{
    `kernel_size`, `stride` and `dilation` are `tensor<3xui32>` and
    `ceil_mode` a `tensor<i1>`; there is no padding operand.

    Example:

    ```mlir
    %4 = coreai.max_pool_3d %arg0, %0, %1, %2, %3 : (tensor<1x1x4x4x4xf32>, tensor<3xui32>, tensor<3xui32>, tensor<3xui32>, tensor<i1>) -> tensor<1x1x2x2x2xf32>
    ```
  }];
}
def CoreAI_MaximumOp : CoreAI_P1aOp<"maximum",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise maximum";
}
def CoreAI_MinimumOp : CoreAI_P1aOp<"minimum",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise minimum";
}
def CoreAI_ModuloOp : CoreAI_P1aOp<"modulo",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise remainder of x divided by y";
  let description = [{
    `x`, `y` and the result have the same type (`tensor<4xf32>` in the census
    example); `decomposable.broadcasting_modulo` is the broadcasting form. The
    sign convention of the remainder is not shown by the census data.

    Example:

    ```mlir
    %0 = coreai.modulo %arg0, %arg1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
}
def CoreAI_MulOp : CoreAI_P1aOp<"mul",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise product";
}
def CoreAI_NonZeroOp : CoreAI_P2Op<"non_zero", (ins AnyType:$input), (outs AnyType:$result)> {
  let summary = "Indices of the non-zero elements of the input";
  let description = [{
    In the census example a 2x3 input gives `tensor<?x2xsi32>`: a dynamic
    number of rows of 2 indices. The verifier requires a signed integer index
    type.

    Example:

    ```mlir
    %0 = coreai.non_zero %arg0 : tensor<2x3xf32> -> tensor<?x2xsi32>
    ```
  }];
}
def CoreAI_NotOp : CoreAI_P2Op<"not", (ins AnyType:$x), (outs AnyType:$result)> {
  let summary = "Elementwise logical NOT of an i1 tensor";
}
def CoreAI_NotEqualOp : CoreAI_P1aOp<"not_equal",
    (ins AnyType:$input, AnyType:$other), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise input != other, an i1 result";
}
def CoreAI_OrOp : CoreAI_P1aOp<"or",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise logical OR of i1 tensors";
}
def CoreAI_PowOp : CoreAI_P1aOp<"pow",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise power, x raised to y";
}
def CoreAI_QuantizeOp : CoreAI_P1bOp<"quantize",
    (ins AnyType:$input, AnyType:$scale, AnyType:$offset1, AnyType:$offset2, AnyType:$axis), [Pure], (outs AnyType:$output)> {
  let summary = "Quantizes the input with scale and offsets along an axis";
  let description = [{
    Operands as for `dequantize`: `input`, `scale`, `offset1`, `offset2` and
    `axis` (0-D `si32`). In the census example a 2x3 `f32` input takes 1-D
    scale and offsets of length 3, `offset1` in `si8`, and gives a 2x3 `si8`
    result. The census data gives no formula.

    Example:

    ```mlir
    %1 = coreai.quantize %arg0, %arg1, %arg2, %arg3, %0 : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xsi8>, tensor<3xf32>, tensor<si32>) -> tensor<2x3xsi8>
    ```
  }];
}
def CoreAI_RangeOp : CoreAI_P1aOp<"range",
    (ins AnyType:$start, AnyType:$stop, AnyType:$step), [Pure], (outs AnyType:$output)> {
  let summary = "A 1-D tensor of values from `start` towards `stop` by `step`";
  let description = [{
    `start`, `stop` and `step` are 0-D tensors (`si32` in the census example);
    the result is 1-D with their element type. Whether `stop` is included is
    not shown by the census data.

    Example:

    ```mlir
    %3 = coreai.range %0, %1, %2 : (tensor<si32>, tensor<si32>, tensor<si32>) -> tensor<10xsi32>
    ```
  }];
}
def CoreAI_RealPartOp : CoreAI_P1aOp<"real_part",
    (ins AnyType:$input), [Pure], (outs AnyType:$real)> {
  let summary = "The real part of a complex tensor";
  let description = [{
    The result `real` has the input's shape and the float type of its
    `complex<...>` elements. Unary, but with a parenthesised type.

    Example:

    ```mlir
    %0 = coreai.real_part %arg0 : (tensor<2xcomplex<f32>>) -> tensor<2xf32>
    ```
  }];
}
def CoreAI_ReduceMaxOp : CoreAI_P1bOp<"reduce_max",
    (ins AnyType:$input, AnyType:$axes), [Pure], (outs AnyType:$output)> {
  let summary = "Maximum over the given axes, keeping them as size 1";
}
def CoreAI_ReduceMinOp : CoreAI_P1bOp<"reduce_min",
    (ins AnyType:$input, AnyType:$axes), [Pure], (outs AnyType:$output)> {
  let summary = "Minimum over the given axes, keeping them as size 1";
}
def CoreAI_ReduceProductOp : CoreAI_P1bOp<"reduce_product",
    (ins AnyType:$input, AnyType:$axes), [Pure], (outs AnyType:$output)> {
  let summary = "Product over the given axes";
}
def CoreAI_ReduceSumOp : CoreAI_P1bOp<"reduce_sum",
    (ins AnyType:$input, AnyType:$axes), [Pure], (outs AnyType:$output)> {
  let summary = "Sum over the given axes, keeping them as size 1";
}
def CoreAI_ReverseOp : CoreAI_P1aOp<"reverse",
    (ins AnyType:$input, AnyType:$dims), [Pure], (outs AnyType:$result)> {
  let summary = "Reverses the input along the given dims";
  let description = [{
    `dims` is a 1-D `si32` tensor of the dims to reverse (`[-1]` is accepted);
    the result has the input's type. `[1, 2, 3, 4, 5]` reversed along `[0]` is
    `[5, 4, 3, 2, 1]`.

    Example:

    ```mlir
    %1 = coreai.reverse %arg0, %0 : (tensor<2x3xf32>, tensor<1xsi32>) -> tensor<2x3xf32>
    ```
  }];
}
def CoreAI_RoundOp : CoreAI_P2Op<"round", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise rounding to an integral value";
}
def CoreAI_RsqrtOp : CoreAI_P2Op<"rsqrt", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise reciprocal square root, 1 / sqrt(x)";
}
def CoreAI_SigmoidOp : CoreAI_P1bOp<"sigmoid",
    (ins AnyType:$input), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise logistic sigmoid, 1 / (1 + exp(-x))";
}
def CoreAI_SiluOp : CoreAI_P1bOp<"silu",
    (ins AnyType:$input), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise SiLU, x * sigmoid(x)";
}
def CoreAI_SinOp : CoreAI_P2Op<"sin", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise sine";
}
def CoreAI_SinhOp : CoreAI_P2Op<"sinh", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise hyperbolic sine";
}
def CoreAI_SliceOp : CoreAI_P1aOp<"slice",
    (ins AnyType:$input, AnyType:$start_indices, AnyType:$end_indices, AnyType:$strides), [Pure], (outs AnyType:$output)> {
  let summary = "Strided slice of the input from `start_indices` to `end_indices`";
  let description = [{
    `start_indices`, `end_indices` and `strides` are 1-D `si32` tensors with
    one entry per input dim. The end is exclusive and strides may be negative:
    starts `[2]`, ends `[8]`, strides `[1]` take 6 of 10 elements, and starts
    `[7]`, ends `[0]`, strides `[-1]` take 7 of 8.

    Example:

    ```mlir
    %3 = coreai.slice %arg0, %0, %1, %2 : (tensor<10xf32>, tensor<1xsi32>, tensor<1xsi32>, tensor<1xsi32>) -> tensor<6xf32>
    ```
  }];
}
def CoreAI_SoftmaxOp : CoreAI_P1aOp<"softmax",
    (ins AnyType:$input, AnyType:$axis), [Pure], (outs AnyType:$output)> {
  let summary = "Softmax along an axis; the axis is a 0-D si32 tensor";
}
def CoreAI_SortOp : CoreAI_P1bOp<"sort",
    (ins AnyType:$input, AnyType:$dim, AnyType:$descending, AnyType:$stable), [Pure], (outs AnyType:$result)> {
  let summary = "Sorts the input along `dim`";
  let description = [{
    In the census example `dim` is a 0-D `si32` tensor, `descending` and
    `stable` are 0-D `i1` tensors, and the result has the input's type.
    `argsort` returns the indices instead.

    Example:

    ```mlir
    %3 = coreai.sort %arg0, %0, %1, %2 : (tensor<4xf32>, tensor<si32>, tensor<i1>, tensor<i1>) -> tensor<4xf32>
    ```
  }];
}
def CoreAI_SparseWithBitmaskToDenseOp : CoreAI_P2Op<"sparse_with_bitmask_to_dense", (ins AnyType:$input), (outs AnyType:$result)> {
  let summary = "Expands a bitmask sparse tensor to a dense one";
  let description = [{
    The result has the input's shape and element type without the sparse
    encoding; positions whose mask bit is 0 read as zero (code 0 for integer
    and FP8 values, which a following `blockwise_shift_scale` with a zero
    point of 0 decodes to 0).

    ```mlir
    %w = coreai.sparse_with_bitmask_to_dense %s : tensor<32x32xf16, #coreai.sparse_tensor_encoding<bitmask, numNonZero = 512, posWidth = 1, crdWidth = 1>> -> tensor<32x32xf16>
    ```
  }];
}
def CoreAI_SqrtOp : CoreAI_P2Op<"sqrt", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise square root";
}
def CoreAI_SubOp : CoreAI_P1aOp<"sub",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise difference, x - y";
}
def CoreAI_SumPool2dOp : CoreAI_P1aOp<"sum_pool_2d",
    (ins AnyType:$input, AnyType:$kernel_size, AnyType:$strides, AnyType:$dilation), [Pure], (outs AnyType:$output)> {
  let summary = "2-D sum pooling over the last two dims";
  let description = [{
    `kernel_size`, `strides` and `dilation` are `tensor<2xui32>`; there is no
    padding or ceil-mode operand.

    Example:

    ```mlir
    %3 = coreai.sum_pool_2d %arg0, %0, %1, %2 : (tensor<1x1x4x4xf32>, tensor<2xui32>, tensor<2xui32>, tensor<2xui32>) -> tensor<1x1x2x2xf32>
    ```
  }];
}
def CoreAI_SumPool3dOp : CoreAI_P1aOp<"sum_pool_3d",
    (ins AnyType:$input, AnyType:$kernel_size, AnyType:$strides, AnyType:$dilation), [Pure], (outs AnyType:$output)> {
  let summary = "3-D sum pooling over the last three dims";
  let description = [{
    `kernel_size`, `strides` and `dilation` are `tensor<3xui32>`; there is no
    padding or ceil-mode operand.

    Example:

    ```mlir
    %3 = coreai.sum_pool_3d %arg0, %0, %1, %2 : (tensor<1x1x4x4x4xf32>, tensor<3xui32>, tensor<3xui32>, tensor<3xui32>) -> tensor<1x1x2x2x2xf32>
    ```
  }];
}
def CoreAI_SymmetricQuantStatsOp : CoreAI_P1bOp<"symmetric_quantization_statistics",
    (ins AnyType:$input, AnyType:$range, AnyType:$axis), [Pure], (outs AnyType:$scale)> {
  let summary = "Symmetric quantization scale per index of `axis`";
  let description = [{
    `range` is a 2-element tensor `[min, max]` of the target values and `axis`
    a 0-D `si32` tensor. The result `scale` (`f32`) has one entry per index of
    `axis`, taken over the other dims. In Apple's example (range
    `[-128, 127]`, axis 1) a column holding -100 and 100 gets
    2 * max|x| / 255 = 200 / 255.

    Example:

    ```mlir
    %2 = coreai.symmetric_quantization_statistics %arg0, %0, %1 : (tensor<2x3xf32>, tensor<2xf32>, tensor<si32>) -> tensor<3xf32>
    ```
  }];
}
def CoreAI_TanOp : CoreAI_P2Op<"tan", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise tangent";
}
def CoreAI_TanhOp : CoreAI_P2Op<"tanh", (ins AnyType:$x), (outs AnyType:$output)> {
  let summary = "Elementwise hyperbolic tangent";
}
def CoreAI_TileOp : CoreAI_P1aOp<"tile",
    (ins AnyType:$input, AnyType:$dims), [Pure], (outs AnyType:$output)> {
  let summary = "Repeats the input along each dim the given number of times";
  let description = [{
    `dims` is a 1-D `ui32` tensor of repeat counts: `[1, 2, 3]` tiled by `[2]`
    is `[1, 2, 3, 1, 2, 3]`, and a 2x2 input tiled by `[2, 3]` is 4x6. With
    fewer counts than input dims they apply to the trailing dims (a 2x3 input
    tiled by `[2]` is 2x6).

    Example:

    ```mlir
    %1 = coreai.tile %arg0, %0 : (tensor<3xf32>, tensor<1xui32>) -> tensor<6xf32>
    ```
  }];
}
def CoreAI_WhereOp : CoreAI_P1aOp<"where",
    (ins AnyType:$condition, AnyType:$a, AnyType:$b), [Pure], (outs AnyType:$result)> {
  let summary = "Elementwise select between `a` and `b` by an i1 condition";
  let description = [{
    In the census example `condition` (`i1`), `a`, `b` and the result have
    the same shape, and the result has the element type of `a` and `b`.
    `decomposable.broadcasting_where` is the broadcasting form.

    Example:

    ```mlir
    %0 = coreai.where %arg0, %arg1, %arg2 : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
}
def CoreAI_XorOp : CoreAI_P1aOp<"xor",
    (ins AnyType:$x, AnyType:$y), [Pure], (outs AnyType:$output)> {
  let summary = "Elementwise logical XOR of i1 tensors";
}

//===----------------------------------------------------------------------===//
// Simple ops with named results, several results or typed operands
//===----------------------------------------------------------------------===//

def CoreAI_SplitOp : CoreAI_P1aOp<"split",
    (ins AnyType:$input, AnyType:$split_size_or_sections, AnyType:$dim), [Pure],
    (outs Variadic<AnyType>:$results_)> {
  let summary = "Splits the input along `dim` into pieces of one or several sizes";
  let description = [{
    `split_size_or_sections` is a 0-D `ui32` piece size or a 1-D `ui32` tensor
    of piece sizes; `dim` is a 0-D `si32` tensor. The census examples split a
    6x4 input into three 2x4 results (0-D size) and a 3x8 input into 3x2 and
    3x6 results (two sections).

    Example:

    ```mlir
    %2:3 = coreai.split %arg0, %0, %1 : (tensor<6x4xf32>, tensor<ui32>, tensor<si32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
    ```
  }];
}

def CoreAI_AsymmetricQuantStatsOp
    : CoreAI_P1bOp<"asymmetric_quantization_statistics",
                   (ins AnyType:$input, AnyType:$range, AnyType:$axis),
                   [Pure, DeclareOpInterfaceMethods<OpAsmOpInterface,
                                                    ["getAsmResultNames"]>],
                   (outs AnyType:$scale, AnyType:$zero_point)> {
  let summary = "Asymmetric quantization scale and zero point per index of `axis`";
  let description = [{
    `range` is a 2-element tensor `[min, max]` of the target values (`si8`,
    `ui8` or `f32` in Apple's examples) and `axis` a 0-D `si32` tensor. The
    results, one entry per index of `axis` taken over the other dims, are
    `scale` (`f32`) and `zero_point` in `range`'s element type (not rounded
    when that is a float). In Apple's example (range `[-128, 127]`, axis 1) a
    column holding -100 and 100 gets scale 200 / 255 and zero point 0, and one
    holding 1.57 and 10.5 gets scale 10.5 / 255 and zero point -128.

    Example:

    ```mlir
    %scale, %zero_point = coreai.asymmetric_quantization_statistics %arg0, %0, %1 : (tensor<2x3xf32>, tensor<2xsi8>, tensor<si32>) -> (tensor<3xf32>, tensor<3xsi8>)
    ```
  }];
}

def CoreAI_CastOp : CoreAI_P2toOp<"cast", (ins AnyType:$input),
                                  (outs AnyType:$output)> {
  let summary = "Converts a tensor to another element type";
  let description = [{
    Same shape; `f32 to f32` is legal. Apple's palettize reference wraps its
    float `blockwise_shift_scale` in casts; this project's transforms emit
    none.

    ```mlir
    %y = coreai.cast %x : tensor<4x8xf16> to tensor<4x8xf32>
    ```
  }];
}

def CoreAI_ImageToTensorOp : CoreAI_Op<"image_to_tensor", [Pure]> {
  let summary = "Converts an image to a tensor";
  let arguments = (ins CoreAI_ImageType:$source);
  let results = (outs AnyType:$result);
  // An image operand prints without `!coreai.image`.
  let assemblyFormat = "$source `:` type($source) `->` type($result) attr-dict";
}

def CoreAI_TensorToImageOp : CoreAI_Op<"tensor_to_image", [Pure]> {
  let summary = "Converts a tensor to an image";
  let arguments = (ins AnyType:$source);
  let results = (outs CoreAI_ImageType:$result);
  let assemblyFormat = "$source `:` type($source) `->` type($result) attr-dict";
}

//===----------------------------------------------------------------------===//
// Tokens and handles (ordered side effects: never Pure)
//===----------------------------------------------------------------------===//

def CoreAI_CreateTokenOp : CoreAI_Op<"create_token"> {
  let summary = "Creates a token that orders side effects";
  let results = (outs CoreAI_AnyToken:$token);
  let assemblyFormat = "`:` type($token) attr-dict";
}

def CoreAI_JoinTokenOp : CoreAI_P1aOp<"join_token",
    (ins AnyType:$in_token, Variadic<AnyType>:$rest_tokens), [],
    (outs AnyType:$token)> {
  let summary = "Joins one or more tokens into one";
  let description = [{
    `in_token` and the variadic `rest_tokens` are `!coreai.token`s; the result
    `token` is one `!coreai.token`. Apple's example joins the tokens of two
    `write_handle`s on a handle and passes the result to its `read_handle`.

    Example:

    ```mlir
    %0 = coreai.join_token %arg0, %arg1 : (!coreai.token, !coreai.token) -> !coreai.token
    ```
  }];
}

def CoreAI_ReadHandleOp : CoreAI_Op<"read_handle",
    [DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "Reads the value behind a handle";
  let description = [{
    ```mlir
    %output, %out_token = coreai.read_handle %arg0, %arg1 : (<tensor<4xf32>>, !coreai.token) -> (tensor<4xf32>, !coreai.token)
    ```
  }];
  let arguments = (ins CoreAI_HandleType:$handle, AnyType:$in_token);
  let results = (outs AnyType:$output, AnyType:$out_token);
  // The handle type prints without `!coreai.handle`.
  let assemblyFormat = [{
    $handle `,` $in_token `:` `(` type($handle) `,` type($in_token) `)` `->`
    `(` type($output) `,` type($out_token) `)` attr-dict
  }];
}

def CoreAI_WriteHandleOp : CoreAI_Op<"write_handle"> {
  let summary = "Writes a value behind a handle";
  let description = [{
    ```mlir
    %0 = coreai.write_handle %arg0, %arg1, %arg2 : (<tensor<4xf32>>, tensor<4xf32>, !coreai.token) -> !coreai.token
    ```
  }];
  let arguments = (ins CoreAI_HandleType:$handle, AnyType:$data,
                       AnyType:$in_token);
  let results = (outs AnyType:$out_token);
  let assemblyFormat = [{
    $handle `,` $data `,` $in_token `:` `(` type($handle) `,` type($data) `,`
    type($in_token) `)` `->` type($out_token) attr-dict
  }];
}

//===----------------------------------------------------------------------===//
// P3 / P3d: enums
//===----------------------------------------------------------------------===//

def CoreAI_GELUOp : CoreAI_P3Op<"gelu",
    (ins AnyType:$input,
         DefaultValuedAttr<CoreAI_ApproximateAttr,
                           "::coreai::Approximate::none">:$approximate),
    "(`approximate` `=` $approximate^)?", /*bareTypes=*/1> {
  let summary = "GELU; `approximate = <tanh>` is left out when none";
}

def CoreAI_ScanOp : CoreAI_P3Op<"scan",
    (ins AnyType:$input, AnyType:$axis, AnyType:$reverse, I32Attr:$scan_op),
    "`combiner` `=` custom<ScanCombiner>($scan_op)", 0, (outs AnyType:$result)> {
  let summary = "Cumulative sum/product/min/max along an axis";
  let description = [{
    `scan_op` is a plain `N : i32` (0 sum, 1 product, 2 min, 3 max), spelled
    `combiner = <sum>` in the custom form.
  }];
  let hasVerifier = 1;
}

def CoreAI_ScatterAlongAxisOp : CoreAI_P3Op<"scatter_along_axis",
    (ins AnyType:$input, AnyType:$indices, AnyType:$updates, AnyType:$axis,
         DefaultValuedAttr<CoreAI_ScatterModeAttr,
                           "::coreai::ScatterMode::update">:$scatter_mode),
    "(`scatter_mode` `=` $scatter_mode^)?"> {
  let summary = "Scatters updates along an axis; mode `update` is left out";
}

def CoreAI_InterpolateOp : CoreAI_P3dOp<"interpolate",
    (ins AnyType:$input, AnyType:$output_shape, AnyType:$scale, AnyType:$offset,
         CoreAI_InterpolationModeAttr:$interpolation_mode),
    (outs AnyType:$result)> {
  let summary = "Resamples the input to `output_shape`, a scale and offset per dim";
  let description = [{
    `output_shape` (`si32`), `scale` and `offset` (`f32`) are 1-D tensors with
    one entry per input dim; `interpolation_mode` is
    `#coreai.interpolation_mode<linear>` or `<nearest_neighbor>`, written in
    full in the attribute dictionary. Apple's example resizes 1x3x64x64 to
    1x3x128x128 with output_shape `[1, 3, 128, 128]`, scale
    `[1.0, 1.0, 2.0, 2.0]` and offset 0. The exact coordinate mapping is not
    given by the census data.

    Example:

    ```mlir
    %3 = coreai.interpolate %arg0, %0, %1, %2 {interpolation_mode = #coreai.interpolation_mode<linear>} : (tensor<4x4xf32>, tensor<2xsi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<8x8xf32>
    ```
  }];
}

def CoreAI_InterpolateCoordinatesOp : CoreAI_P3dOp<"interpolate_coordinates",
    (ins AnyType:$input, AnyType:$coords,
         CoreAI_InterpolationModeAttr:$interpolation_mode),
    (outs AnyType:$result)> {
  let summary = "Samples the input at the given coordinates";
  let description = [{
    `coords` is a float tensor; in the census example a 4x4 input sampled with
    5x2 `coords` gives 5 values, one per row. `interpolation_mode` is
    `#coreai.interpolation_mode<linear>` or `<nearest_neighbor>`, written in
    full in the attribute dictionary. The coordinate convention is not given by
    the census data.

    Example:

    ```mlir
    %0 = coreai.interpolate_coordinates %arg0, %arg1 {interpolation_mode = #coreai.interpolation_mode<nearest_neighbor>} : (tensor<4x4xf32>, tensor<5x2xf32>) -> tensor<5xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// P4: keyword forms
//===----------------------------------------------------------------------===//

def CoreAI_ExpandDimsOp : CoreAI_P4Op<"expand_dims",
    (ins AnyType:$input, AnyType:$axes), "$input `,` $axes"> {
  let summary = "Inserts size-1 dims at the given axes";
  let description = [{
    `axes` is a 1-D `si32` tensor of positions in the result; a negative axis
    counts from the end (`[-1]` on a 3x4 input gives 3x4x1). A 0-D input with
    axes `[0, 1]` gives 1x1. The result type follows `to`.

    Example:

    ```mlir
    %1 = coreai.expand_dims %arg0, %0 : (tensor<3x4xf32>, tensor<1xsi32>) to tensor<1x3x4xf32>
    ```
  }];
}
def CoreAI_ShrinkDimsOp : CoreAI_P4Op<"shrink_dims",
    (ins AnyType:$input, AnyType:$axes), "$input `,` $axes"> {
  let summary = "Removes the given size-1 dims";
  let description = [{
    `axes` is a 1-D `si32` tensor of size-1 dims of the input; a negative axis
    counts from the end (`[-1]` on a 3x4x1 input gives 3x4). Removing every dim
    gives a 0-D result. The result type follows `to`.

    Example:

    ```mlir
    %1 = coreai.shrink_dims %arg0, %0 : (tensor<1x3x4xf32>, tensor<1xsi32>) to tensor<3x4xf32>
    ```
  }];
}
def CoreAI_GatherAlongAxisOp : CoreAI_P4Op<"gather_along_axis",
    (ins AnyType:$input, AnyType:$indices, AnyType:$axis),
    "$input `at` $indices `along` $axis"> {
  let summary = "Gathers elements of the input at `indices` along `axis`";
  let description = [{
    In the census example `indices` is an `si32` tensor of the input's rank,
    `axis` a 0-D `si32` tensor, and the result has the shape of `indices` and
    the input's element type. The result type follows `to`.

    Example:

    ```mlir
    %1 = coreai.gather_along_axis %arg0 at %arg1 along %0 : (tensor<3x4xf32>, tensor<3x2xsi32>, tensor<si32>) to tensor<3x2xf32>
    ```
  }];
}

def CoreAI_SliceUpdateOp : CoreAI_Op<"slice_update", [Pure]> {
  let summary = "Writes `update` into a strided slice of the input";
  let description = [{
    The text order (input, update, starts, ends, strides) differs from the
    operand order, and the type list follows the text.
  }];
  let arguments = (ins AnyType:$input, AnyType:$start_indices,
                       AnyType:$end_indices, AnyType:$strides, AnyType:$update);
  let results = (outs AnyType:$output);
  let assemblyFormat = [{
    $input `with` $update `at` ` ` `(` $start_indices `,` $end_indices `,`
    $strides `)` `:` `(` type($input) `,` type($update) `,`
    type($start_indices) `,` type($end_indices) `,` type($strides) `)` `to`
    type($output) attr-dict
  }];
}

def CoreAI_Metal4KernelOp : CoreAI_Op<"metal4_kernel", [AttrSizedOperandSegments]> {
  let summary = "Runs a Metal 4 compute kernel";
  let arguments = (ins Variadic<AnyType>:$kernel_args, AnyType:$threads_per_grid,
                       AnyType:$threads_per_thread_group,
                       Variadic<AnyType>:$result_shapes,
                       StrAttr:$kernel_source, StrAttr:$kernel_name);
  let results = (outs Variadic<AnyType>:$outputs);
  let assemblyFormat = [{
    `kernel_args` `(` $kernel_args `)` `,` `threads_per_grid` $threads_per_grid
    `,` `threads_per_thread_group` $threads_per_thread_group `,`
    `result_shapes` `(` $result_shapes `)` attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// P5: regions and terminators
//===----------------------------------------------------------------------===//

def CoreAI_YieldOp : CoreAI_Op<"yield", [Pure, Terminator, ReturnLike,
    ParentOneOf<["IfOp", "WhileOp", "ReduceOp", "ReduceIndexOp", "ScatterNdOp",
                 "IsolatedGroupOp"]>]> {
  let summary = "Returns values from a region";
  let description = [{
    ```mlir
    coreai.yield %1, %2 : tensor<4xf32>, tensor<4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$args);
  let assemblyFormat = "($args^ `:` type($args))? attr-dict";
}

def CoreAI_ConditionOp : CoreAI_Op<"condition", [Pure, Terminator,
                                                 HasParent<"WhileOp">]> {
  let summary = "Ends the `before` region of a while: continue?, and values";
  let description = [{
    ```mlir
    coreai.condition %2, %arg2 : (tensor<i1>, tensor<si32>)
    ```
  }];
  let arguments = (ins AnyType:$condition, Variadic<AnyType>:$args);
  let assemblyFormat = "operands `:` `(` type(operands) `)` attr-dict";
}

def CoreAI_IfOp : CoreAI_Op<"if", [RecursiveMemoryEffects]> {
  let summary = "Runs one of two regions";
  let description = [{
    ```mlir
    %0 = coreai.if %arg0 {
      coreai.yield %a : tensor<4xf32>
    } else {
      coreai.yield %b : tensor<4xf32>
    } : tensor<i1> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins AnyType:$condition);
  let results = (outs Variadic<AnyType>:$results_);
  let regions = (region SizedRegion<1>:$thenRegion, AnyRegion:$elseRegion);
  let assemblyFormat = [{
    $condition $thenRegion (`else` $elseRegion^)? `:` type($condition) `->`
    type($results_) attr-dict
  }];
}

def CoreAI_WhileOp : CoreAI_Op<"while", [RecursiveMemoryEffects]> {
  let summary = "Loops while the `before` region's condition holds";
  let arguments = (ins Variadic<AnyType>:$inits);
  let results = (outs Variadic<AnyType>:$results_);
  let regions = (region SizedRegion<1>:$before, SizedRegion<1>:$after);
  let assemblyFormat = [{
    $inits $before `do` $after `:` `(` type($inits) `)` `->` `(`
    type($results_) `)` attr-dict
  }];
}

def CoreAI_ReduceOp : CoreAI_Op<"reduce", [RecursiveMemoryEffects]> {
  let summary = "Reduces over axes with the combiner in the region";
  let arguments = (ins AnyType:$input, AnyType:$axes, AnyType:$init_value);
  let results = (outs AnyType:$output);
  let regions = (region SizedRegion<1>:$reduction);
  let assemblyFormat = [{
    $input `,` $axes `,` `init` $init_value $reduction `:`
    functional-type(operands, results) attr-dict
  }];
}

def CoreAI_ReduceIndexOp : CoreAI_Op<"reduce_index", [RecursiveMemoryEffects]> {
  let summary = "Index of the element the region's comparison selects";
  let arguments = (ins AnyType:$input, AnyType:$axis, AnyType:$init_value,
                       AnyType:$init_index);
  let results = (outs AnyType:$output);
  let regions = (region SizedRegion<1>:$reduction);
  let assemblyFormat = [{
    $input `,` $axis `,` `init` $init_value `init_index` $init_index $reduction
    `:` functional-type(operands, results) attr-dict
  }];
}

def CoreAI_ScatterNdOp : CoreAI_Op<"scatter_nd", [RecursiveMemoryEffects]> {
  let summary = "Scatters updates at indices, combining with the region";
  let description = [{
    The text order (input, updates, indices) differs from the operand order.
  }];
  let arguments = (ins AnyType:$input, AnyType:$indices, AnyType:$updates);
  let results = (outs AnyType:$output);
  let regions = (region SizedRegion<1>:$update_fn);
  let assemblyFormat = [{
    $input `with` $updates `at` $indices $update_fn `:` `(` type($input) `,`
    type($updates) `,` type($indices) `)` `to` type($output) attr-dict
  }];
}

def CoreAI_IsolatedGroupOp : CoreAI_Op<"isolated_group",
    [IsolatedFromAbove, RecursiveMemoryEffects]> {
  let summary = "A group of ops handed to one delegate";
  let arguments = (ins Variadic<AnyType>:$inputs, StrAttr:$delegate_id,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let results = (outs Variadic<AnyType>:$outputs);
  let regions = (region SizedRegion<1>:$group);
  let assemblyFormat = [{
    `<` $delegate_id `>` `` `(` $inputs `)` attr-dict `:`
    functional-type($inputs, results) $group
  }];
}

//===----------------------------------------------------------------------===//
// P6: other bespoke forms
//===----------------------------------------------------------------------===//

def CoreAI_DelegateOp : CoreAI_Op<"delegate"> {
  let summary = "Runs a precompiled delegate on the inputs";
  let description = [{
    ```mlir
    %0 = coreai.delegate<"Interpreter">(%arg0) {resource = array<i8: 1, 2, 3>} : (tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$inputs, StrAttr:$delegate_id,
                       DenseI8ArrayAttr:$resource,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs,
                       OptionalAttr<AnyAttr>:$lifecycle,
                       OptionalAttr<DictionaryAttr>:$delegate_attrs);
  let results = (outs Variadic<AnyType>:$outputs);
  let assemblyFormat = [{
    `<` $delegate_id `>` `` `(` $inputs `)` attr-dict `:`
    functional-type($inputs, results)
  }];
}

def CoreAI_TargetSpecOp : CoreAI_Op<"target_spec"> {
  let summary = "Names the target a program is compiled for";
  let description = [{
    ```mlir
    coreai.target_spec{spec = <triple = "arm64-apple-ios", soc = "a17", delegateOptions = {}>, compilation = <partial>}
    ```
    Discardable attributes print inside the group, before its `}`.
  }];
  let arguments = (ins CoreAI_TargetSpecAttr:$spec,
                       DefaultValuedAttr<CoreAI_CompilationAttr,
                                         "::coreai::Compilation::full">:$compilation);
  let assemblyFormat = [{
    `{` `spec` `=` $spec `,` `compilation` `=` $compilation attr-dict `}`
  }];
}

#endif // COREAI_DIALECT_COREAI_IR_COREAIOPS_TD
