// quantize-weights, INT8 symmetric per channel (the default granularity), on weights small
// enough to read. docs/spec/QUANTIZE_WEIGHTS.md, "The arithmetic": per output channel
// scale = (2*amax + 1e-6) / 254 in f32 (amax = max |w|), codes w / scale rounded half to
// even and clipped to [-127, 127], zero point 0. A max |w| of 127 * 2^k (k >= -2) makes the
// scale exactly 2^k: the 1e-6 is below half an ulp of 2*amax and is lost.
// Each case: data, scale, zero point and offset2 constants feed a blockwise_shift_scale that
// replaces the float constant at its use; the float constant itself is gone.
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=int8 weight-num-threshold=0' | FileCheck %s

// Through a transpose into a matmul: the output axis maps back to axis 0, one scale per row.
// Row 0: amax 127, scale 1: -0.5 -> 0, 1.5 -> 2, -2.5 -> -2 (ties to even).
// Row 1: amax 63.5, scale 0.5: codes 2*w: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2.
// CHECK-LABEL: coreai.graph @linear
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}127, 0, 2, -2], [-127, 0, 2, 2]]> : tensor<2x4xsi8>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}1.000000e+00], [5.000000e-01]]> : tensor<2x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<2x1xsi8>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x4xsi8>, tensor<2x1xf32>, tensor<2x1xsi8>, tensor<2x1xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:  %[[P:.*]] = coreai.constant dense<[1, 0]> : tensor<2xui32>
// CHECK-NEXT:  %[[T:.*]] = coreai.transpose %[[W]], %[[P]] : (tensor<2x4xf32>, tensor<2xui32>) -> tensor<4x2xf32>
// CHECK-NEXT:  coreai.decomposable.broadcasting_batch_matmul %arg0, %[[T]] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x4xf32>
coreai.graph @linear(%arg0: tensor<1x4xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[127.0, -0.5, 1.5, -2.5], [-63.5, 0.25, 0.75, 1.25]]> : tensor<2x4xf32>
  %1 = coreai.constant dense<[1, 0]> : tensor<2xui32>
  %2 = coreai.transpose %0, %1 : (tensor<2x4xf32>, tensor<2xui32>) -> tensor<4x2xf32>
  %3 = coreai.decomposable.broadcasting_batch_matmul %arg0, %2 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  coreai.output %3 : tensor<1x2xf32>
}

// -----
// conv2d weight [Cout, Cin, kH, kW]: one scale per output channel (axis 0).
// Channel 0: amax 254, scale 2: codes w/2 (-1.5 -> -2, 1.5 -> 2, 2.5 -> 2, 3.5 -> 4, +-0.5 -> 0).
// Channel 1: amax 31.75, scale 0.25: codes 4*w (0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -4.4 -> -4,
// 0.4 -> 0, -3.5 -> -4).
// CHECK-LABEL: coreai.graph @conv
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[\[\[}}127, -2, 2], [2, -2, 4], [0, 0, 0]]], {{\[\[\[}}-127, 0, 2], [2, 4, -4], [40, 0, -4]]]]> : tensor<2x1x3x3xsi8>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}2.500000e-01]]]]> : tensor<2x1x1x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<2x1x1x1xsi8>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x1x3x3xsi8>, tensor<2x1x1x1xf32>, tensor<2x1x1x1xsi8>, tensor<2x1x1x1xf32>) -> tensor<2x1x3x3xf32>
// CHECK-NEXT:  %[[ST:.*]] = coreai.constant dense<1> : tensor<2xui32>
// CHECK-NEXT:  %[[GR:.*]] = coreai.constant dense<1> : tensor<ui32>
// CHECK-NEXT:  coreai.conv2d %arg0, %[[W]], %[[ST]], %[[ST]], %[[GR]] : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x1x3x3xf32>
coreai.graph @conv(%arg0: tensor<1x1x4x4xf32>) -> (tensor<1x2x2x2xf32>) {
  %0 = coreai.constant dense<[[[[254.0, -3.0, 3.0], [5.0, -5.0, 7.0], [1.0, -1.0, 0.0]]],
                             [[[-31.75, 0.125, 0.375], [0.625, 1.0, -1.1], [10.0, 0.1, -0.875]]]]> : tensor<2x1x3x3xf32>
  %1 = coreai.constant dense<1> : tensor<2xui32>
  %2 = coreai.constant dense<1> : tensor<ui32>
  %3 = coreai.conv2d %arg0, %0, %1, %1, %2 : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
  coreai.output %3 : tensor<1x2x2x2xf32>
}

// -----
// gather_nd table: one scale per row (axis 0).
// Row 0: amax 127, scale 1: 64.5 -> 64 (tie to even), -0.5 -> 0.
// Row 1: all zero: scale 1e-6 / 254 = 3.937e-9 (not zero), codes 0.
// Row 2: amax 1: scale (2 + 1e-6) / 254 = 0.00787401944, just above 1/127, so w / scale is
// just below 127*w: 1 -> 126.99994 -> 127, -0.5 -> -63.49997 -> -63 (no tie), 0.25 -> 32,
// 0.125 -> 15.87499 -> 16.
// CHECK-LABEL: coreai.graph @embedding
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}127, -127, 64, 0], [0, 0, 0, 0], [127, -63, 32, 16]]> : tensor<3x4xsi8>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}1.000000e+00], [3.93700805E-9], [0.00787401944]]> : tensor<3x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<3x1xsi8>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<3x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<3x4xsi8>, tensor<3x1xf32>, tensor<3x1xsi8>, tensor<3x1xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:  coreai.gather_nd %[[W]] at %arg0 : (tensor<3x4xf32>, tensor<2x1xsi32>) to tensor<2x4xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<3x4xf32>
coreai.graph @embedding(%arg0: tensor<2x1xsi32>) -> (tensor<2x4xf32>) {
  %0 = coreai.constant dense<[[127.0, -127.0, 64.5, -0.5], [0.0, 0.0, 0.0, 0.0], [1.0, -0.5, 0.25, 0.125]]> : tensor<3x4xf32>
  %1 = coreai.gather_nd %0 at %arg0 : (tensor<3x4xf32>, tensor<2x1xsi32>) to tensor<2x4xf32>
  coreai.output %1 : tensor<2x4xf32>
}

// -----
// The y of a batch_matmul: the output axis is -1, one scale per column.
// Column 0: amax 127, scale 1: -3.5 -> -4, 0.5 -> 0.
// Column 1: amax 508, scale 4: codes w/4: -2 -> -0.5 -> 0, 6 -> 1.5 -> 2.
// CHECK-LABEL: coreai.graph @batch_matmul
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}127, 127], [-4, 0], [0, 2]]> : tensor<3x2xsi8>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00]]> : tensor<1x2xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<1x2xsi8>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x2xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<3x2xsi8>, tensor<1x2xf32>, tensor<1x2xsi8>, tensor<1x2xf32>) -> tensor<3x2xf32>
// CHECK-NEXT:  coreai.batch_matmul %arg0, %[[W]] : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<3x2xf32>
coreai.graph @batch_matmul(%arg0: tensor<1x3xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[127.0, 508.0], [-3.5, -2.0], [0.5, 6.0]]> : tensor<3x2xf32>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  coreai.output %1 : tensor<1x2xf32>
}
