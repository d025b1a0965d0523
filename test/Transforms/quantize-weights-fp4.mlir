// quantize-weights, FP4 E2M1FN per block of 32 along the input axis with E8M0FNU scales
// (MXFP4), on weights small enough to read. docs/spec/QUANTIZE_WEIGHTS.md: FP4 always has an
// E8M0FNU scale, chosen per block before the data: the smallest power of two 2^e with
// amax <= 6 * 2^e (fmax of E2M1FN is 6; nothing clips), 2^-127 for an all-zero block; codes
// w / scale cast to E2M1FN with round to nearest even. E2M1FN values: 0, 0.5, 1, 1.5, 2, 3,
// 4, 6 and their negatives; at a tie the even one is the one with mantissa bit 0
// (0, 1, 2, 4 against 0.5, 1.5, 3, 6). Below 256 elements the data is a dense list of
// values. Zero point and offset2 are zeros.
// Each case: data, scale, zero point and offset2 constants feed a blockwise_shift_scale that
// replaces the float constant at its use; the float constant itself is gone.
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=fp4_e2m1fn granularity=per_block weight-num-threshold=0' | FileCheck %s

// Through a transpose into a matmul: the output axis maps back to axis 0 and the input axis
// to axis 1, so each row of 32 is one block; the rest of each block is 0.
// Row 0: amax 6, scale 1, codes w rounded: 0.25 -> 0, 0.75 -> 1, 1.25 -> 1, 1.75 -> 2,
// 2.5 -> 2, 3.5 -> 4, 5 -> 4 (ties), 4.5 -> 4.
// Row 1: amax 6.5 > 6, scale 2, codes w/2: 6.5 -> 3.25 -> 3, -1 -> -0.5, -3 -> -1.5,
// 4.5 -> 2.25 -> 2, 0.75 -> 0.375 -> 0.5, -0.4 -> -0.2 -> -0 (the cast keeps the sign),
// 5 -> 2.5 -> 2 (tie).
// CHECK-LABEL: coreai.graph @linear
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00, 4.000000e+00, 4.000000e+00, -6.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00]
// CHECK-SAME:    , [3.000000e+00, -5.000000e-01, 1.000000e+00, -1.500000e+00, 2.000000e+00, 5.000000e-01, -0.000000e+00, -3.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 2.000000e+00]]> : tensor<2x32xf4E2M1FN>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}1.000000e+00], [2.000000e+00]]> : tensor<2x1xf8E8M0FNU>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf4E2M1FN>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32xf4E2M1FN>, tensor<2x1xf8E8M0FNU>, tensor<2x1xf4E2M1FN>, tensor<2x1xf32>) -> tensor<2x32xf32>
// CHECK-NEXT:  %[[P:.*]] = coreai.constant dense<[1, 0]> : tensor<2xui32>
// CHECK-NEXT:  %[[T:.*]] = coreai.transpose %[[W]], %[[P]] : (tensor<2x32xf32>, tensor<2xui32>) -> tensor<32x2xf32>
// CHECK-NEXT:  coreai.decomposable.broadcasting_batch_matmul %arg0, %[[T]] : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32xf32>
coreai.graph @linear(%arg0: tensor<1x32xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5.0, -6.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.5],
                             [6.5, -1.0, 2.0, -3.0, 4.5, 0.75, -0.4, -6.5,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0]]> : tensor<2x32xf32>
  %1 = coreai.constant dense<[1, 0]> : tensor<2xui32>
  %2 = coreai.transpose %0, %1 : (tensor<2x32xf32>, tensor<2xui32>) -> tensor<32x2xf32>
  %3 = coreai.decomposable.broadcasting_batch_matmul %arg0, %2 : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
  coreai.output %3 : tensor<1x2xf32>
}

// -----
// conv2d weight [Cout, Cin, 1, 1]: blocks of 32 input channels, one per output channel.
// Channel 0: amax 3 = 6 * 2^-1, scale 0.5, codes 2*w: 1.25 -> 2.5 -> 2, -2.25 -> -4.5 -> -4,
// 0.1 -> 0.2 -> 0.
// Channel 1: amax 0.75 = 6 * 2^-3, scale 0.125, codes 8*w: 0.03125 -> 0.25 -> 0,
// 0.3125 -> 2.5 -> 2, 0.4375 -> 3.5 -> 4, -0.625 -> -5 -> -4 (ties).
// CHECK-LABEL: coreai.graph @conv
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[\[\[}}6.000000e+00]], {{\[\[}}-3.000000e+00]], {{\[\[}}1.500000e+00]], {{\[\[}}5.000000e-01]], {{\[\[}}2.000000e+00]], {{\[\[}}-4.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}-6.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]]
// CHECK-SAME:    , {{\[\[\[}}6.000000e+00]], {{\[\[}}5.000000e-01]], {{\[\[}}0.000000e+00]], {{\[\[}}-1.500000e+00]], {{\[\[}}2.000000e+00]], {{\[\[}}4.000000e+00]], {{\[\[}}-4.000000e+00]], {{\[\[}}-6.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]]]> : tensor<2x32x1x1xf4E2M1FN>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[\[\[}}5.000000e-01]]], {{\[\[\[}}1.250000e-01]]]]> : tensor<2x1x1x1xf8E8M0FNU>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1x1x1xf4E2M1FN>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32x1x1xf4E2M1FN>, tensor<2x1x1x1xf8E8M0FNU>, tensor<2x1x1x1xf4E2M1FN>, tensor<2x1x1x1xf32>) -> tensor<2x32x1x1xf32>
// CHECK-NEXT:  %[[ST:.*]] = coreai.constant dense<1> : tensor<2xui32>
// CHECK-NEXT:  %[[GR:.*]] = coreai.constant dense<1> : tensor<ui32>
// CHECK-NEXT:  coreai.conv2d %arg0, %[[W]], %[[ST]], %[[ST]], %[[GR]] : (tensor<1x32x2x2xf32>, tensor<2x32x1x1xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32x1x1xf32>
coreai.graph @conv(%arg0: tensor<1x32x2x2xf32>) -> (tensor<1x2x2x2xf32>) {
  %0 = coreai.constant dense<[[[[3.0]], [[-1.5]], [[0.75]], [[0.25]], [[1.25]], [[-2.25]], [[0.1]], [[-3.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]]],
                             [[[0.75]], [[0.0625]], [[0.03125]], [[-0.1875]], [[0.3125]], [[0.4375]], [[-0.625]], [[-0.75]],
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
// Row 0: all zero: scale 2^-127 (printed 5.877470e-39), codes 0.
// Row 1: amax 24 = 6 * 2^2, scale 4, codes w/4: -20 -> -5 -> -4, 14 -> 3.5 -> 4 (ties),
// 1 -> 0.25 -> 0.
// CHECK-LABEL: coreai.graph @embedding
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [6.000000e+00, -3.000000e+00, 2.000000e+00, 1.500000e+00, 5.000000e-01, 0.000000e+00, -4.000000e+00, 4.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x32xf4E2M1FN>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}5.877470e-39], [4.000000e+00]]> : tensor<2x1xf8E8M0FNU>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf4E2M1FN>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32xf4E2M1FN>, tensor<2x1xf8E8M0FNU>, tensor<2x1xf4E2M1FN>, tensor<2x1xf32>) -> tensor<2x32xf32>
// CHECK-NEXT:  coreai.gather_nd %[[W]] at %arg0 : (tensor<2x32xf32>, tensor<3x1xsi32>) to tensor<3x32xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32xf32>
coreai.graph @embedding(%arg0: tensor<3x1xsi32>) -> (tensor<3x32xf32>) {
  %0 = coreai.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [24.0, -12.0, 8.0, 6.0, 2.0, 1.0, -20.0, 14.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x32xf32>
  %1 = coreai.gather_nd %0 at %arg0 : (tensor<2x32xf32>, tensor<3x1xsi32>) to tensor<3x32xf32>
  coreai.output %1 : tensor<3x32xf32>
}

// -----
// The y of a batch_matmul: output axis -1, input axis -2, so each column of 32 is one block.
// Column 0: amax 1.5 = 6 * 2^-2, scale 0.25, codes 4*w: 0.3 -> 1.2 -> 1.
// Column 1: amax 96 = 6 * 2^4, scale 16, codes w/16: 40 -> 2.5 -> 2 (tie).
// CHECK-LABEL: coreai.graph @batch_matmul
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}6.000000e+00, 6.000000e+00], [-3.000000e+00, 3.000000e+00], [1.500000e+00, -2.000000e+00], [5.000000e-01, 5.000000e-01]
// CHECK-SAME:    , [1.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]]> : tensor<32x2xf4E2M1FN>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}2.500000e-01, 1.600000e+01]]> : tensor<1x2xf8E8M0FNU>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x2xf4E2M1FN>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x2xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<32x2xf4E2M1FN>, tensor<1x2xf8E8M0FNU>, tensor<1x2xf4E2M1FN>, tensor<1x2xf32>) -> tensor<32x2xf32>
// CHECK-NEXT:  coreai.batch_matmul %arg0, %[[W]] : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<32x2xf32>
coreai.graph @batch_matmul(%arg0: tensor<1x32xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[1.5, 96.0], [-0.75, 48.0], [0.375, -32.0], [0.125, 8.0],
                             [0.3, 40.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]> : tensor<32x2xf32>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
  coreai.output %1 : tensor<1x2xf32>
}
