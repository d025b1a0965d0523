// Candidates that cannot be quantized are skipped with a warning on the constant (location,
// type, reason) and left as they were; disagreeing users warn and fall back to axes 0 / 1.
// RUN: coreai-opt %s --split-input-file --verify-diagnostics --quantize-weights='dtype=int4 granularity=per_block weight-num-threshold=0'
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=int4 granularity=per_block weight-num-threshold=0' 2>/dev/null | FileCheck %s

// The input axis (33) is not divisible by the block size 32.
// CHECK-LABEL: coreai.graph @nondivisible
// CHECK: coreai.constant dense<1.000000e+00> : tensor<96x33xf32>
// CHECK-NOT: blockwise_shift_scale
coreai.graph @nondivisible(%arg0: tensor<33x4xf32>) -> (tensor<96x4xf32>) {
  // expected-warning @+1 {{'tensor<96x33xf32>' weight: dim 1 (33) is not divisible by the block size 32}}
  %0 = coreai.constant dense<1.0> : tensor<96x33xf32>
  %1 = coreai.batch_matmul %0, %arg0 : (tensor<96x33xf32>, tensor<33x4xf32>) -> tensor<96x4xf32>
  coreai.output %1 : tensor<96x4xf32>
}

// -----
// As y of a matmul the input axis is -2: 33 rows, not divisible.
// CHECK-LABEL: coreai.graph @nondivisible_y
// CHECK-NOT: blockwise_shift_scale
coreai.graph @nondivisible_y(%arg0: tensor<4x33xf16>) -> (tensor<4x64xf16>) {
  // expected-warning @+1 {{'tensor<33x64xf16>' weight: dim 0 (33) is not divisible by the block size 32}}
  %0 = coreai.constant dense<2.0> : tensor<33x64xf16>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<4x33xf16>, tensor<33x64xf16>) -> tensor<4x64xf16>
  coreai.output %1 : tensor<4x64xf16>
}

// -----
// CHECK-LABEL: coreai.graph @nan
// CHECK-NOT: blockwise_shift_scale
coreai.graph @nan(%arg0: tensor<4x64xf32>) -> (tensor<4x64xf32>) {
  // expected-warning @+1 {{'tensor<64x64xf32>'}}
  %0 = coreai.constant dense<0x7FC00000> : tensor<64x64xf32>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<4x64xf32>, tensor<64x64xf32>) -> tensor<4x64xf32>
  coreai.output %1 : tensor<4x64xf32>
}

// -----
// CHECK-LABEL: coreai.graph @inf
// CHECK-NOT: blockwise_shift_scale
coreai.graph @inf(%arg0: tensor<4x64xbf16>) -> (tensor<4x64xbf16>) {
  // expected-warning @+1 {{'tensor<64x64xbf16>'}}
  %0 = coreai.constant dense<0xFF80> : tensor<64x64xbf16>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<4x64xbf16>, tensor<64x64xbf16>) -> tensor<4x64xbf16>
  coreai.output %1 : tensor<4x64xbf16>
}

// -----
// gather_nd wants output axis 0, the matmul (weight as y) output axis 1: warn, use 0 / 1.
// CHECK-LABEL: coreai.graph @disagree
// CHECK: coreai.blockwise_shift_scale {{.*}} : (tensor<64x128xsi4>, tensor<64x4xf32>, tensor<64x4xsi4>, tensor<64x4xf32>) -> tensor<64x128xf32>
coreai.graph @disagree(%arg0: tensor<2x1xsi32>, %arg1: tensor<4x64xf32>) -> (tensor<2x128xf32>, tensor<4x128xf32>) {
  // expected-warning @+1 {{'tensor<64x128xf32>' weight: its users disagree on the output and input axes}}
  %0 = coreai.constant dense<0.5> : tensor<64x128xf32>
  %1 = coreai.gather_nd %0 at %arg0 : (tensor<64x128xf32>, tensor<2x1xsi32>) to tensor<2x128xf32>
  %2 = coreai.batch_matmul %arg1, %0 : (tensor<4x64xf32>, tensor<64x128xf32>) -> tensor<4x128xf32>
  coreai.output %1, %2 : tensor<2x128xf32>, tensor<4x128xf32>
}

// -----
// Not candidates: no warning, nothing changes.
// CHECK-LABEL: coreai.graph @silent
// CHECK-NOT: blockwise_shift_scale
coreai.graph @silent(%arg0: tensor<4x64xf32>) -> (tensor<64x64xf32>) {
  %0 = coreai.constant dense<1.0> : tensor<64x64xf32>
  %1 = coreai.relu %0 : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %2 = coreai.constant dense<3> : tensor<64x64xsi32>
  %3 = coreai.constant dense<1.0> : tensor<96x33xf32>
  coreai.output %1 : tensor<64x64xf32>
}
