// quantize-weights, INT2 symmetric per channel, on weights small enough to read.
// docs/spec/QUANTIZE_WEIGHTS.md, "The arithmetic": symmetric INT2 drops the code -2, so the
// codes are [-1, 1]; per output channel scale = (2*amax + 1e-6) / 2 in f32 (amax = max |w|),
// codes w / scale rounded half to even and clipped, zero point 0. For amax >= 16 the 1e-6
// is below half an ulp of 2*amax and the scale is exactly amax; |w| = scale / 2 is a tie
// that rounds to 0.
// Each case: data, scale, zero point and offset2 constants feed a blockwise_shift_scale that
// replaces the float constant at its use; the float constant itself is gone.
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=int2 granularity=per_channel weight-num-threshold=0' | FileCheck %s

// Through a transpose into a matmul: the output axis maps back to axis 0, one scale per row.
// Row 0: scale 16: -8 -> -0.5 -> 0 (tie), 8.5 -> 0.53 -> 1, -7.5 -> -0.47 -> 0.
// Row 1: scale 32: 16 -> 0.5 -> 0 (tie), -16.5 -> -0.52 -> -1, 4 -> 0.
// CHECK-LABEL: coreai.graph @linear
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}1, 0, 1, 0], [-1, 0, -1, 0]]> : tensor<2x4xsi2>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}1.600000e+01], [3.200000e+01]]> : tensor<2x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<2x1xsi2>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x4xsi2>, tensor<2x1xf32>, tensor<2x1xsi2>, tensor<2x1xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:  %[[P:.*]] = coreai.constant dense<[1, 0]> : tensor<2xui32>
// CHECK-NEXT:  %[[T:.*]] = coreai.transpose %[[W]], %[[P]] : (tensor<2x4xf32>, tensor<2xui32>) -> tensor<4x2xf32>
// CHECK-NEXT:  coreai.decomposable.broadcasting_batch_matmul %arg0, %[[T]] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x4xf32>
coreai.graph @linear(%arg0: tensor<1x4xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[16.0, -8.0, 8.5, -7.5], [-32.0, 16.0, -16.5, 4.0]]> : tensor<2x4xf32>
  %1 = coreai.constant dense<[1, 0]> : tensor<2xui32>
  %2 = coreai.transpose %0, %1 : (tensor<2x4xf32>, tensor<2xui32>) -> tensor<4x2xf32>
  %3 = coreai.decomposable.broadcasting_batch_matmul %arg0, %2 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  coreai.output %3 : tensor<1x2xf32>
}

// -----
// conv2d weight [Cout, Cin, kH, kW]: one scale per output channel (axis 0).
// Channel 0: amax 1: 2 + 1e-6 rounds up in f32, scale (2 + 1e-6) / 2 = 1.00000048, so +-0.5
// divide to just below a tie and round to 0; 0.51, 0.75 -> 1, -0.6 -> -1, -0.25 -> 0.
// Channel 1: scale 64: 32, -32 -> 0 (ties), 33 -> 1, -33 -> -1, 31 -> 0.
// CHECK-LABEL: coreai.graph @conv
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[\[\[}}1, -1, 0], [0, 1, 0], [1, -1, 0]]], {{\[\[\[}}1, 0, 0], [1, -1, 0], [-1, 0, 0]]]]> : tensor<2x1x3x3xsi2>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[\[\[}}1.00000048]]], {{\[\[\[}}6.400000e+01]]]]> : tensor<2x1x1x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<2x1x1x1xsi2>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x1x3x3xsi2>, tensor<2x1x1x1xf32>, tensor<2x1x1x1xsi2>, tensor<2x1x1x1xf32>) -> tensor<2x1x3x3xf32>
// CHECK-NEXT:  %[[ST:.*]] = coreai.constant dense<1> : tensor<2xui32>
// CHECK-NEXT:  %[[GR:.*]] = coreai.constant dense<1> : tensor<ui32>
// CHECK-NEXT:  coreai.conv2d %arg0, %[[W]], %[[ST]], %[[ST]], %[[GR]] : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x1x3x3xf32>
coreai.graph @conv(%arg0: tensor<1x1x4x4xf32>) -> (tensor<1x2x2x2xf32>) {
  %0 = coreai.constant dense<[[[[1.0, -1.0, 0.5], [-0.5, 0.75, -0.25], [0.51, -0.6, 0.0]]],
                             [[[64.0, 32.0, -32.0], [33.0, -33.0, 0.0], [-64.0, 31.0, 0.0]]]]> : tensor<2x1x3x3xf32>
  %1 = coreai.constant dense<1> : tensor<2xui32>
  %2 = coreai.constant dense<1> : tensor<ui32>
  %3 = coreai.conv2d %arg0, %0, %1, %1, %2 : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
  coreai.output %3 : tensor<1x2x2x2xf32>
}

// -----
// gather_nd table: one scale per row (axis 0).
// Row 0: scale 16: 4 -> 0.25 -> 0, 12 -> 0.75 -> 1.
// Row 1: all zero: scale 1e-6 / 2 = 5e-7 (not zero), codes 0.
// Row 2: scale 128: 64 -> 0 (tie), 65 -> 1, -100 -> -0.78 -> -1.
// CHECK-LABEL: coreai.graph @embedding
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}1, -1, 0, 1], [0, 0, 0, 0], [-1, 0, 1, -1]]> : tensor<3x4xsi2>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}1.600000e+01], [5.000000e-07], [1.280000e+02]]> : tensor<3x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<3x1xsi2>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<3x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<3x4xsi2>, tensor<3x1xf32>, tensor<3x1xsi2>, tensor<3x1xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:  coreai.gather_nd %[[W]] at %arg0 : (tensor<3x4xf32>, tensor<2x1xsi32>) to tensor<2x4xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<3x4xf32>
coreai.graph @embedding(%arg0: tensor<2x1xsi32>) -> (tensor<2x4xf32>) {
  %0 = coreai.constant dense<[[16.0, -16.0, 4.0, 12.0], [0.0, 0.0, 0.0, 0.0], [-128.0, 64.0, 65.0, -100.0]]> : tensor<3x4xf32>
  %1 = coreai.gather_nd %0 at %arg0 : (tensor<3x4xf32>, tensor<2x1xsi32>) to tensor<2x4xf32>
  coreai.output %1 : tensor<2x4xf32>
}

// -----
// The y of a batch_matmul: the output axis is -1, one scale per column.
// Column 0: scale 16: -8 -> 0 (tie), 9 -> 0.56 -> 1.
// Column 1: scale 256: 128 -> 0 (tie), 129 -> 1, -127 -> 0.
// CHECK-LABEL: coreai.graph @batch_matmul
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}1, -1], [0, 0], [1, 1], [0, 0]]> : tensor<4x2xsi2>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}1.600000e+01, 2.560000e+02]]> : tensor<1x2xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<1x2xsi2>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x2xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<4x2xsi2>, tensor<1x2xf32>, tensor<1x2xsi2>, tensor<1x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:  coreai.batch_matmul %arg0, %[[W]] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<4x2xf32>
coreai.graph @batch_matmul(%arg0: tensor<1x4xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[16.0, -256.0], [-8.0, 128.0], [9.0, 129.0], [0.0, -127.0]]> : tensor<4x2xf32>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  coreai.output %1 : tensor<1x2xf32>
}
