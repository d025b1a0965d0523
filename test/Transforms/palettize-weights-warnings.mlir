// Candidates that cannot be palettized are skipped with a warning on the constant
// (location, type, reason) and left as they were.
// RUN: coreai-opt %s --split-input-file --verify-diagnostics --palettize-weights='granularity=per_grouped_channel group-size=16 cluster-dim=2 weight-num-threshold=0'
// RUN: coreai-opt %s --split-input-file --palettize-weights='granularity=per_grouped_channel group-size=16 cluster-dim=2 weight-num-threshold=0' 2>/dev/null | FileCheck %s

// 24 output channels (the y of a matmul: axis 1) are not divisible by the group size.
// CHECK-LABEL: coreai.graph @group_size
// CHECK: coreai.constant dense<1.000000e+00> : tensor<8x24xf32>
// CHECK-NOT: lut_to_dense
coreai.graph @group_size(%arg0: tensor<4x8xf32>) -> (tensor<4x24xf32>) {
  // expected-warning @+1 {{not palettized: 'tensor<8x24xf32>' weight: dim 1 (24) is not divisible by the group size 16}}
  %0 = coreai.constant dense<1.0> : tensor<8x24xf32>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<4x8xf32>, tensor<8x24xf32>) -> tensor<4x24xf32>
  coreai.output %1 : tensor<4x24xf32>
}

// -----
// conv2d with 4 groups: 16 output channels, 4 per conv group; fine for pairs.
// 48 output channels in 16 conv groups: 3 per conv group, which pairs would straddle.
// CHECK-LABEL: coreai.graph @conv_groups
// CHECK: coreai.lut_to_dense {{.*}} -> tensor<16x2x1x1xf32>
// CHECK: coreai.constant dense<2.000000e+00> : tensor<48x1x1x1xf32>
coreai.graph @conv_groups(%arg0: tensor<1x8x4x4xf32>, %arg1: tensor<1x16x4x4xf32>) -> (tensor<1x16x4x4xf32>, tensor<1x48x4x4xf32>) {
  %s = coreai.constant dense<1> : tensor<2xui32>
  %g4 = coreai.constant dense<4> : tensor<ui32>
  %g16 = coreai.constant dense<16> : tensor<ui32>
  %0 = coreai.constant dense<1.0> : tensor<16x2x1x1xf32>
  %1 = coreai.conv2d %arg0, %0, %s, %s, %g4 : (tensor<1x8x4x4xf32>, tensor<16x2x1x1xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x16x4x4xf32>
  // expected-warning @+1 {{the cluster_dim 2 is invalid for its conv2d with 16 groups}}
  %2 = coreai.constant dense<2.0> : tensor<48x1x1x1xf32>
  %3 = coreai.conv2d %arg1, %2, %s, %s, %g16 : (tensor<1x16x4x4xf32>, tensor<48x1x1x1xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x48x4x4xf32>
  coreai.output %1, %3 : tensor<1x16x4x4xf32>, tensor<1x48x4x4xf32>
}

// -----
// CHECK-LABEL: coreai.graph @nan
// CHECK-NOT: lut_to_dense
coreai.graph @nan(%arg0: tensor<4x64xf16>) -> (tensor<4x64xf16>) {
  // expected-warning @+1 {{not palettized: 'tensor<64x64xf16>' weight: it holds NaN or Inf (first at element 0)}}
  %0 = coreai.constant dense<0x7E00> : tensor<64x64xf16>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<4x64xf16>, tensor<64x64xf16>) -> tensor<4x64xf16>
  coreai.output %1 : tensor<4x64xf16>
}

// -----
// A scalar has no output axis.
// CHECK-LABEL: coreai.graph @scalar
// CHECK-NOT: lut_to_dense
coreai.graph @scalar(%arg0: tensor<2x1xsi32>) -> (tensor<2xf32>) {
  // expected-warning @+1 {{not palettized: 'tensor<f32>' weight: a scalar has no axis to palettize along}}
  %0 = coreai.constant dense<1.0> : tensor<f32>
  %1 = coreai.gather_nd %0 at %arg0 : (tensor<f32>, tensor<2x1xsi32>) to tensor<2xf32>
  coreai.output %1 : tensor<2xf32>
}
