// quantize-weights, INT4 symmetric per block of 32 along the input axis, on weights small
// enough to read. docs/spec/QUANTIZE_WEIGHTS.md, "The arithmetic": symmetric INT4 codes are
// [-7, 7]; per block scale = (2*amax + 1e-6) / 14 in f32 (amax = max |w| of the block),
// codes w / scale rounded half to even and clipped, zero point 0. For amax = 7 * 2^k with
// k >= 2 the 1e-6 is below half an ulp of 2*amax and the scale is exactly 2^k.
// Each case: data, scale, zero point and offset2 constants feed a blockwise_shift_scale that
// replaces the float constant at its use; the float constant itself is gone.
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=int4 granularity=per_block block-size=32 weight-num-threshold=0' | FileCheck %s

// Through a transpose into a matmul: the output axis maps back to axis 0 and the input axis
// to axis 1, so each row of 32 is one block; the rest of each block is 0.
// Row 0: amax 28, scale 4: -10 -> -2.5 -> -2, 14 -> 3.5 -> 4, -6 -> -1.5 -> -2, 2 -> 0.5 -> 0,
// 26 -> 6.5 -> 6, 1.9 -> 0, -2.1 -> -1, -28 -> -7.
// Row 1: amax 56, scale 8: 4, 12, ..., 52 divide to the ties 0.5 ... 6.5 -> 0, 2, 2, 4, 4, 6, 6.
// CHECK-LABEL: coreai.graph @linear
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}7, -2, 4, -2, 0, 6, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -7]
// CHECK-SAME:    , [-7, 0, 2, 2, 4, 4, 6, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]]> : tensor<2x32xsi4>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}4.000000e+00], [8.000000e+00]]> : tensor<2x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<2x1xsi4>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32xsi4>, tensor<2x1xf32>, tensor<2x1xsi4>, tensor<2x1xf32>) -> tensor<2x32xf32>
// CHECK-NEXT:  %[[P:.*]] = coreai.constant dense<[1, 0]> : tensor<2xui32>
// CHECK-NEXT:  %[[T:.*]] = coreai.transpose %[[W]], %[[P]] : (tensor<2x32xf32>, tensor<2xui32>) -> tensor<32x2xf32>
// CHECK-NEXT:  coreai.decomposable.broadcasting_batch_matmul %arg0, %[[T]] : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32xf32>
coreai.graph @linear(%arg0: tensor<1x32xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[28.0, -10.0, 14.0, -6.0, 2.0, 26.0, 1.9, -2.1,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -28.0],
                             [-56.0, 4.0, 12.0, 20.0, 28.0, 36.0, 44.0, 52.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 56.0]]> : tensor<2x32xf32>
  %1 = coreai.constant dense<[1, 0]> : tensor<2xui32>
  %2 = coreai.transpose %0, %1 : (tensor<2x32xf32>, tensor<2xui32>) -> tensor<32x2xf32>
  %3 = coreai.decomposable.broadcasting_batch_matmul %arg0, %2 : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
  coreai.output %3 : tensor<1x2xf32>
}

// -----
// conv2d weight [Cout, Cin, 1, 1]: blocks of 32 input channels, one per output channel.
// Channel 0: amax 112, scale 16: -8 -> 0, 24 -> 2, -40 -> -2 (ties), 100 -> 6.25 -> 6,
// -7.9 -> 0, 50 -> 3.125 -> 3.
// Channel 1: amax 7: 14 + 1e-6 rounds up in f32 and the scale is 1.00000012, so each x.5
// divides to just below the tie and rounds towards 0: 3.5 -> 3, -2.5 -> -2, 0.5 -> 0,
// -6.5 -> -6, 1.5 -> 1, 4.5 -> 4, -5.5 -> -5.
// CHECK-LABEL: coreai.graph @conv
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[\[\[}}7]], {{\[\[}}0]], {{\[\[}}2]], {{\[\[}}-2]], {{\[\[}}6]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}3]]
// CHECK-SAME:    , {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]
// CHECK-SAME:    , {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]
// CHECK-SAME:    , {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]]
// CHECK-SAME:    , {{\[\[\[}}7]], {{\[\[}}3]], {{\[\[}}-2]], {{\[\[}}0]], {{\[\[}}-6]], {{\[\[}}1]], {{\[\[}}4]], {{\[\[}}-5]]
// CHECK-SAME:    , {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]
// CHECK-SAME:    , {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]
// CHECK-SAME:    , {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]]]> : tensor<2x32x1x1xsi4>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[\[\[}}1.600000e+01]]], {{\[\[\[}}1.00000012]]]]> : tensor<2x1x1x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<2x1x1x1xsi4>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32x1x1xsi4>, tensor<2x1x1x1xf32>, tensor<2x1x1x1xsi4>, tensor<2x1x1x1xf32>) -> tensor<2x32x1x1xf32>
// CHECK-NEXT:  %[[ST:.*]] = coreai.constant dense<1> : tensor<2xui32>
// CHECK-NEXT:  %[[GR:.*]] = coreai.constant dense<1> : tensor<ui32>
// CHECK-NEXT:  coreai.conv2d %arg0, %[[W]], %[[ST]], %[[ST]], %[[GR]] : (tensor<1x32x2x2xf32>, tensor<2x32x1x1xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32x1x1xf32>
coreai.graph @conv(%arg0: tensor<1x32x2x2xf32>) -> (tensor<1x2x2x2xf32>) {
  %0 = coreai.constant dense<[[[[112.0]], [[-8.0]], [[24.0]], [[-40.0]], [[100.0]], [[0.1]], [[-7.9]], [[50.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]]],
                             [[[7.0]], [[3.5]], [[-2.5]], [[0.5]], [[-6.5]], [[1.5]], [[4.5]], [[-5.5]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]]]]> : tensor<2x32x1x1xf32>
  %1 = coreai.constant dense<1> : tensor<2xui32>
  %2 = coreai.constant dense<1> : tensor<ui32>
  %3 = coreai.conv2d %arg0, %0, %1, %1, %2 : (tensor<1x32x2x2xf32>, tensor<2x32x1x1xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
  coreai.output %3 : tensor<1x2x2x2xf32>
}

// -----
// gather_nd table: one block per row of 32.
// Row 0: all zero: scale 1e-6 / 14 = 7.14e-8 (not zero), codes 0.
// Row 1: amax 28, scale 4: 18 -> 4.5 -> 4, 22 -> 5.5 -> 6, 3 -> 0.75 -> 1, 5 -> 1.25 -> 1,
// 1 -> 0.25 -> 0.
// CHECK-LABEL: coreai.graph @embedding
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
// CHECK-SAME:    , [-7, 4, 6, 1, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]> : tensor<2x32xsi4>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}7.14285732E-8], [4.000000e+00]]> : tensor<2x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<2x1xsi4>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32xsi4>, tensor<2x1xf32>, tensor<2x1xsi4>, tensor<2x1xf32>) -> tensor<2x32xf32>
// CHECK-NEXT:  coreai.gather_nd %[[W]] at %arg0 : (tensor<2x32xf32>, tensor<3x1xsi32>) to tensor<3x32xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32xf32>
coreai.graph @embedding(%arg0: tensor<3x1xsi32>) -> (tensor<3x32xf32>) {
  %0 = coreai.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [-28.0, 18.0, 22.0, 3.0, -3.0, 5.0, 0.0, 1.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x32xf32>
  %1 = coreai.gather_nd %0 at %arg0 : (tensor<2x32xf32>, tensor<3x1xsi32>) to tensor<3x32xf32>
  coreai.output %1 : tensor<3x32xf32>
}

// -----
// The y of a batch_matmul: output axis -1, input axis -2, so each column of 32 is one block.
// Column 0: amax 28, scale 4: -14 -> -3.5 -> -4, 6 -> 1.5 -> 2, -1 -> 0, 0.5 -> 0.
// Column 1: amax 224, scale 32: 16 -> 0, 48 -> 2, 80 -> 2, 112 -> 4 (ties).
// CHECK-LABEL: coreai.graph @batch_matmul
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}7, -7], [-4, 0], [2, 2], [0, 2], [0, 4], [0, 0], [0, 0], [0, 0]
// CHECK-SAME:    , [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]
// CHECK-SAME:    , [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]
// CHECK-SAME:    , [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]> : tensor<32x2xsi4>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}4.000000e+00, 3.200000e+01]]> : tensor<1x2xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<1x2xsi4>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x2xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<32x2xsi4>, tensor<1x2xf32>, tensor<1x2xsi4>, tensor<1x2xf32>) -> tensor<32x2xf32>
// CHECK-NEXT:  coreai.batch_matmul %arg0, %[[W]] : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<32x2xf32>
coreai.graph @batch_matmul(%arg0: tensor<1x32xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[28.0, -224.0], [-14.0, 16.0], [6.0, 48.0], [-1.0, 80.0],
                             [0.5, 112.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]> : tensor<32x2xf32>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
  coreai.output %1 : tensor<1x2xf32>
}
