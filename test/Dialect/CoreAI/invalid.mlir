// Verifier rules of the coreai ops, one case per split.
// RUN: coreai-opt --split-input-file --verify-diagnostics %s

// -----
// An unknown op of the coreai dialect is an error, not an unregistered op.
coreai.graph @g() {
  // expected-error @+1 {{unregistered operation 'coreai.frobnicate'}}
  "coreai.frobnicate"() : () -> ()
  coreai.output
}

// -----
coreai.graph @g() {
  // expected-error @+1 {{dense_resource blob 'missing' is missing from the program's resources}}
  %0 = coreai.constant dense_resource<missing> : tensor<4xf32>
  coreai.output
}

// -----
coreai.graph @g() {
  // expected-error @+1 {{dense_resource blob 'b' holds 8 bytes but 'tensor<4xf32>' needs 16}}
  %0 = coreai.constant dense_resource<b> : tensor<4xf32>
  coreai.output
}
{-#
  dialect_resources: {
    builtin: {
      b: "0x040000000000000000000000"
    }
  }
#-}

// -----
// si4: two elements per byte, so 5 elements need 3 bytes.
coreai.graph @g() {
  // expected-error @+1 {{dense_resource blob 'b' holds 5 bytes but 'tensor<5xsi4>' needs 3}}
  %0 = coreai.constant dense_resource<b> : tensor<5xsi4>
  coreai.output
}
{-#
  dialect_resources: {
    builtin: {
      b: "0x040000000000000000"
    }
  }
#-}

// -----
// si2: four elements per byte, so 8 elements need 2 bytes.
coreai.graph @g() {
  // expected-error @+1 {{dense_resource blob 'b' holds 8 bytes but 'tensor<8xsi2>' needs 2}}
  %0 = coreai.constant dense_resource<b> : tensor<8xsi2>
  coreai.output
}
{-#
  dialect_resources: {
    builtin: {
      b: "0x040000000000000000000000"
    }
  }
#-}

// -----
coreai.graph @g(%d: tensor<2x2xsi8>, %s: tensor<1x1xf32>, %z: tensor<1x1xsi8>, %o: tensor<1x1xf32>) {
  // expected-error @+1 {{result must be a ranked tensor}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xsi8>, tensor<1x1xf32>, tensor<1x1xsi8>, tensor<1x1xf32>) -> tensor<*xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<2x2xi4>, %s: tensor<1x1xf32>, %z: tensor<1x1xi4>, %o: tensor<1x1xf32>) {
  // expected-error @+1 {{data element type 'i4' is not supported}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xi4>, tensor<1x1xf32>, tensor<1x1xi4>, tensor<1x1xf32>) -> tensor<2x2xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<2x2xsi8>, %s: tensor<1x1xf32>, %z: tensor<1x1xui8>, %o: tensor<1x1xf32>) {
  // expected-error @+1 {{offset1 element type must match the data's ('si8')}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xsi8>, tensor<1x1xf32>, tensor<1x1xui8>, tensor<1x1xf32>) -> tensor<2x2xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<2x2xsi8>, %s: tensor<1x1xf32>, %z: tensor<1x2xsi8>, %o: tensor<1x1xf32>) {
  // expected-error @+1 {{scale, offset1 and offset2 must have the same shape}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xsi8>, tensor<1x1xf32>, tensor<1x2xsi8>, tensor<1x1xf32>) -> tensor<2x2xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<2x2xsi8>, %s: tensor<1x1xf32>, %z: tensor<1x1xsi8>, %o: tensor<1x2xf32>) {
  // expected-error @+1 {{scale, offset1 and offset2 must have the same shape}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xsi8>, tensor<1x1xf32>, tensor<1x1xsi8>, tensor<1x2xf32>) -> tensor<2x2xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<2x2xsi8>, %s: tensor<1x1xf32>, %z: tensor<1x1xsi8>, %o: tensor<1x1xf32>) {
  // expected-error @+1 {{result element type must match offset2's}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xsi8>, tensor<1x1xf32>, tensor<1x1xsi8>, tensor<1x1xf32>) -> tensor<2x2xf16>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<2x2xsi8>, %s: tensor<1x1xf32>, %z: tensor<1x1xsi8>, %o: tensor<1x1xf32>) {
  // expected-error @+1 {{result shape must match the data shape}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xsi8>, tensor<1x1xf32>, tensor<1x1xsi8>, tensor<1x1xf32>) -> tensor<2x1xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<2x2xsi8>, %s: tensor<2xf32>, %z: tensor<2xsi8>, %o: tensor<2xf32>) {
  // expected-error @+1 {{scale must have the rank of the data}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xsi8>, tensor<2xf32>, tensor<2xsi8>, tensor<2xf32>) -> tensor<2x2xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<3x2xsi8>, %s: tensor<2x1xf32>, %z: tensor<2x1xsi8>, %o: tensor<2x1xf32>) {
  // expected-error @+1 {{data dim 0 (3) is not divisible by the scale dim (2)}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<3x2xsi8>, tensor<2x1xf32>, tensor<2x1xsi8>, tensor<2x1xf32>) -> tensor<3x2xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<2x2xf8E4M3FN>, %s: tensor<1x1xf32>, %z: tensor<1x1xf8E4M3FN>, %o: tensor<1x1xf32>) {
  // expected-error @+1 {{offset1 must be a constant zero for 'f8E4M3FN' data}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xf8E4M3FN>, tensor<1x1xf32>, tensor<1x1xf8E4M3FN>, tensor<1x1xf32>) -> tensor<2x2xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<2x2xf4E2M1FN>, %s: tensor<1x1xf32>, %o: tensor<1x1xf32>) {
  %z = coreai.constant dense<0.000000e+00> : tensor<1x1xf4E2M1FN>
  // expected-error @+1 {{scale element type 'f32' is not supported for f4E2M1FN data}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xf4E2M1FN>, tensor<1x1xf32>, tensor<1x1xf4E2M1FN>, tensor<1x1xf32>) -> tensor<2x2xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<2x2xf8E5M2>, %s: tensor<1x1xf8E4M3FN>, %o: tensor<1x1xf32>) {
  %z = coreai.constant dense<0.000000e+00> : tensor<1x1xf8E5M2>
  // expected-error @+1 {{scale element type 'f8E4M3FN' is not supported for 'f8E5M2' data}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<2x2xf8E5M2>, tensor<1x1xf8E4M3FN>, tensor<1x1xf8E5M2>, tensor<1x1xf32>) -> tensor<2x2xf32>
  coreai.output
}

// -----
coreai.graph @g(%d: tensor<*xsi8>, %s: tensor<1x1xf32>, %z: tensor<1x1xsi8>, %o: tensor<1x1xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of any type values}}
  %0 = coreai.blockwise_shift_scale %d, %s, %z, %o : (tensor<*xsi8>, tensor<1x1xf32>, tensor<1x1xsi8>, tensor<1x1xf32>) -> tensor<2x2xf32>
  coreai.output
}

// -----
// expected-error @+1 {{graphs marked 'externalize' must not be private}}
coreai.graph private externalize @g(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  coreai.output %arg0 : tensor<4xf32>
}

// -----
// expected-error @+1 {{has 1 block arguments but its type has 2 inputs}}
"coreai.graph"() <{function_type = (tensor<4xf32>, tensor<4xf32>) -> (), param_decls = #param.decl.array<[]>, sym_name = "g"}> ({
^bb0(%arg0: tensor<4xf32>):
  "coreai.output"() : () -> ()
}) : () -> ()

// -----
// expected-error @+1 {{block argument #0 has type 'tensor<4xf16>' but the graph type says 'tensor<4xf32>'}}
"coreai.graph"() <{function_type = (tensor<4xf32>) -> (), param_decls = #param.decl.array<[]>, sym_name = "g"}> ({
^bb0(%arg0: tensor<4xf16>):
  "coreai.output"() : () -> ()
}) : () -> ()

// -----
// expected-error @+1 {{expects one arg_attrs entry per input}}
"coreai.graph"() <{arg_attrs = [{}, {}], function_type = (tensor<4xf32>) -> (), param_decls = #param.decl.array<[]>, sym_name = "g"}> ({
^bb0(%arg0: tensor<4xf32>):
  "coreai.output"() : () -> ()
}) : () -> ()

// -----
// expected-error @+1 {{expects one res_attrs entry per result}}
"coreai.graph"() <{res_attrs = [{}, {}], function_type = (tensor<4xf32>) -> (), param_decls = #param.decl.array<[]>, sym_name = "g"}> ({
^bb0(%arg0: tensor<4xf32>):
  "coreai.output"() : () -> ()
}) : () -> ()

// -----
coreai.graph @g(%arg0: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{operand types ('tensor<4xf32>') do not match the results of the graph ('tensor<4xf16>')}}
  coreai.output %arg0 : tensor<4xf32>
}

// -----
coreai.graph @g(%arg0: tensor<4xf32>) {
  // expected-error @+1 {{must be the last operation in the parent block}}
  coreai.output
  "census.after"() : () -> ()
}

// -----
// Operand counts come from ODS.
coreai.graph @g(%arg0: tensor<4xf32>) {
  // expected-error @+1 {{expected 2 operands, but found 3}}
  %0 = "coreai.add"(%arg0, %arg0, %arg0) : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  coreai.output
}

// -----
coreai.graph @g(%arg0: tensor<4xf32>) {
  // expected-error @+1 {{requires one result}}
  "coreai.abs"(%arg0) : (tensor<4xf32>) -> ()
  coreai.output
}

// -----
coreai.graph @g(%arg0: tensor<4xf32>, %arg1: tensor<ui32>, %arg2: tensor<i1>) {
  // expected-error @+1 {{scan_op must be 0 (sum), 1 (product), 2 (min) or 3 (max) as an i32}}
  %0 = "coreai.scan"(%arg0, %arg1, %arg2) <{scan_op = 4 : i32}> : (tensor<4xf32>, tensor<ui32>, tensor<i1>) -> tensor<4xf32>
  coreai.output
}

// -----
coreai.graph @g(%arg0: tensor<4xf32>, %arg1: tensor<ui32>, %arg2: tensor<i1>) {
  // expected-error @+1 {{unknown scan combiner 'mean'}}
  %0 = coreai.scan %arg0, %arg1, %arg2 combiner = <mean> : (tensor<4xf32>, tensor<ui32>, tensor<i1>) -> tensor<4xf32>
  coreai.output
}

// -----
coreai.graph @g(%arg0: tensor<4xf32>) {
  // expected-error @+1 {{expects parent op to be one of}}
  coreai.yield %arg0 : tensor<4xf32>
}

// -----
coreai.graph @g(%arg0: tensor<i1>) {
  "coreai.if"(%arg0) ({
    // expected-error @+1 {{expects parent op 'coreai.while'}}
    coreai.condition %arg0 : (tensor<i1>)
  }, {
  }) : (tensor<i1>) -> ()
  coreai.output
}

// -----
coreai.graph @g(%arg0: tensor<4xf32>, %arg1: !coreai.token) {
  // expected-error @+1 {{operand #0 must be}}
  %0:2 = "coreai.read_handle"(%arg0, %arg1) : (tensor<4xf32>, !coreai.token) -> (tensor<4xf32>, !coreai.token)
  coreai.output
}

// -----
coreai.graph @g() {
  // expected-error @+1 {{result #0 must be coreai token}}
  %0 = "coreai.create_token"() : () -> tensor<f32>
  coreai.output
}

// -----
coreai.graph @g(%arg0: tensor<i1>, %arg1: tensor<4xf32>) {
  // expected-error @+1 {{region #0 ('thenRegion') failed to verify constraint: region with 1 blocks}}
  "coreai.if"(%arg0) ({
  }, {
  }) : (tensor<i1>) -> ()
  coreai.output
}

// -----
coreai.graph @g(%arg0: tensor<4xf32>) {
  // expected-error @+1 {{'coreai.isolated_group' op requires attribute 'delegate_id'}}
  %0 = "coreai.isolated_group"(%arg0) ({
  ^bb0(%a: tensor<4xf32>):
    coreai.yield %a : tensor<4xf32>
  }) : (tensor<4xf32>) -> tensor<4xf32>
  coreai.output
}
