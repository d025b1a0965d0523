// quantize-weights, FP8 E4M3FN per block of 32 along the input axis with E8M0FNU (MX) scales,
// on weights small enough to read. docs/spec/QUANTIZE_WEIGHTS.md: with
// scale-dtype=fp8_e8m0fnu the power-of-two scale is chosen per block before the data: the
// smallest 2^e with amax <= 448 * 2^e (fmax of E4M3FN is 448; nothing clips), 2^-127 for an
// all-zero block; codes w / scale cast to E4M3FN with round to nearest even (3 mantissa
// bits: 8 steps per octave, e.g. 16 apart in [128, 256); subnormals are multiples of 2^-9).
// Zero point and offset2 are zeros.
// Each case: data, scale, zero point and offset2 constants feed a blockwise_shift_scale that
// replaces the float constant at its use; the float constant itself is gone.
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=fp8_e4m3fn granularity=per_block scale-dtype=fp8_e8m0fnu weight-num-threshold=0' | FileCheck %s

// Through a transpose into a matmul: the output axis maps back to axis 0 and the input axis
// to axis 1, so each row of 32 is one block; the rest of each block is 0.
// Row 0: amax 448, scale 1, codes w rounded: 432 -> 448 (tie of 416 and 448), -400 -> -384
// (tie of 384 and 416), 1.0625 -> 1 (tie), 1.1875 -> 1.25 (tie), 3 * 2^-10 -> 2^-8
// (subnormal tie), 100 -> 96 (tie of 96 and 104).
// Row 1: amax 449 > 448, scale 2, codes w/2: 449 -> 224.5 -> 224, 3 -> 1.5,
// -100 -> -50 -> -48 (tie of 48 and 52), 1 -> 0.5, -440 -> -220 -> -224.
// CHECK-LABEL: coreai.graph @linear
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}4.480000e+02, -3.840000e+02, 1.000000e+00, 1.250000e+00, 3.906250e-03, -3.000000e+00, 5.000000e-01, 9.600000e+01
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 4.480000e+02]
// CHECK-SAME:    , [2.240000e+02, 1.500000e+00, -4.800000e+01, 5.000000e-01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -2.240000e+02]]> : tensor<2x32xf8E4M3FN>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}1.000000e+00], [2.000000e+00]]> : tensor<2x1xf8E8M0FNU>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf8E4M3FN>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32xf8E4M3FN>, tensor<2x1xf8E8M0FNU>, tensor<2x1xf8E4M3FN>, tensor<2x1xf32>) -> tensor<2x32xf32>
// CHECK-NEXT:  %[[P:.*]] = coreai.constant dense<[1, 0]> : tensor<2xui32>
// CHECK-NEXT:  %[[T:.*]] = coreai.transpose %[[W]], %[[P]] : (tensor<2x32xf32>, tensor<2xui32>) -> tensor<32x2xf32>
// CHECK-NEXT:  coreai.decomposable.broadcasting_batch_matmul %arg0, %[[T]] : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32xf32>
coreai.graph @linear(%arg0: tensor<1x32xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[432.0, -400.0, 1.0625, 1.1875, 0.0029296875, -3.0, 0.5, 100.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 448.0],
                             [449.0, 3.0, -100.0, 1.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -440.0]]> : tensor<2x32xf32>
  %1 = coreai.constant dense<[1, 0]> : tensor<2xui32>
  %2 = coreai.transpose %0, %1 : (tensor<2x32xf32>, tensor<2xui32>) -> tensor<32x2xf32>
  %3 = coreai.decomposable.broadcasting_batch_matmul %arg0, %2 : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
  coreai.output %3 : tensor<1x2xf32>
}

// -----
// conv2d weight [Cout, Cin, 1, 1]: blocks of 32 input channels, one per output channel.
// Channel 0: amax 1.75 = 448 * 2^-8, scale 2^-8, codes 256*w: 1.7 -> 435.2 -> 448,
// 0.3 -> 76.8 -> 80, 2^-8 -> 1.
// Channel 1: amax 1.7578125 > 1.75, scale 2^-7, codes 128*w: 1.7578125 -> 225 -> 224,
// 0.01 -> 1.28 -> 1.25.
// CHECK-LABEL: coreai.graph @conv
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[\[\[}}4.480000e+02]], {{\[\[}}-2.560000e+02]], {{\[\[}}1.280000e+02]], {{\[\[}}1.000000e+00]], {{\[\[}}4.480000e+02]], {{\[\[}}8.000000e+01]], {{\[\[}}-3.200000e+01]], {{\[\[}}0.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]]
// CHECK-SAME:    , {{\[\[\[}}2.240000e+02]], {{\[\[}}-1.280000e+02]], {{\[\[}}6.400000e+01]], {{\[\[}}1.250000e+00]], {{\[\[}}-9.600000e+01]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]
// CHECK-SAME:    , {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]]]]> : tensor<2x32x1x1xf8E4M3FN>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[\[\[}}3.906250e-03]]], {{\[\[\[}}7.812500e-03]]]]> : tensor<2x1x1x1xf8E8M0FNU>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1x1x1xf8E4M3FN>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32x1x1xf8E4M3FN>, tensor<2x1x1x1xf8E8M0FNU>, tensor<2x1x1x1xf8E4M3FN>, tensor<2x1x1x1xf32>) -> tensor<2x32x1x1xf32>
// CHECK-NEXT:  %[[ST:.*]] = coreai.constant dense<1> : tensor<2xui32>
// CHECK-NEXT:  %[[GR:.*]] = coreai.constant dense<1> : tensor<ui32>
// CHECK-NEXT:  coreai.conv2d %arg0, %[[W]], %[[ST]], %[[ST]], %[[GR]] : (tensor<1x32x2x2xf32>, tensor<2x32x1x1xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32x1x1xf32>
coreai.graph @conv(%arg0: tensor<1x32x2x2xf32>) -> (tensor<1x2x2x2xf32>) {
  %0 = coreai.constant dense<[[[[1.75]], [[-1.0]], [[0.5]], [[0.00390625]], [[1.7]], [[0.3]], [[-0.125]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]]],
                             [[[1.7578125]], [[-1.0]], [[0.5]], [[0.01]], [[-0.75]], [[0.0]], [[0.0]], [[0.0]],
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
// Row 1: amax 28 = 448 * 2^-4, scale 2^-4, codes 16*w: 0.1 -> 1.6 -> 1.625,
// -27 -> -432 -> -448 (tie of 416 and 448).
// CHECK-LABEL: coreai.graph @embedding
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [4.480000e+02, -8.000000e+00, 1.625000e+00, 4.800000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00
// CHECK-SAME:    , 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -4.480000e+02]]> : tensor<2x32xf8E4M3FN>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}5.877470e-39], [6.250000e-02]]> : tensor<2x1xf8E8M0FNU>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf8E4M3FN>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32xf8E4M3FN>, tensor<2x1xf8E8M0FNU>, tensor<2x1xf8E4M3FN>, tensor<2x1xf32>) -> tensor<2x32xf32>
// CHECK-NEXT:  coreai.gather_nd %[[W]] at %arg0 : (tensor<2x32xf32>, tensor<3x1xsi32>) to tensor<3x32xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32xf32>
coreai.graph @embedding(%arg0: tensor<3x1xsi32>) -> (tensor<3x32xf32>) {
  %0 = coreai.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [28.0, -0.5, 0.1, 3.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -27.0]]> : tensor<2x32xf32>
  %1 = coreai.gather_nd %0 at %arg0 : (tensor<2x32xf32>, tensor<3x1xsi32>) to tensor<3x32xf32>
  coreai.output %1 : tensor<3x32xf32>
}

// -----
// The y of a batch_matmul: output axis -1, input axis -2, so each column of 32 is one block.
// Column 0: amax 0.875 = 448 * 2^-9, scale 2^-9 (printed 1.953130e-03), codes 512*w: 0.01 -> 5.12 -> 5,
// 0.2 -> 102.4 -> 104.
// Column 1: amax 3584 = 448 * 2^3, scale 8, codes w/8: -1000 -> -125 -> -128,
// 100 -> 12.5 -> 12 (tie), 1 -> 0.125.
// CHECK-LABEL: coreai.graph @batch_matmul
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}4.480000e+02, 4.480000e+02], [-2.560000e+02, -1.280000e+02], [5.000000e+00, 1.200000e+01], [1.040000e+02, 1.250000e-01]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]]> : tensor<32x2xf8E4M3FN>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}1.953130e-03, 8.000000e+00]]> : tensor<1x2xf8E8M0FNU>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x2xf8E4M3FN>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x2xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<32x2xf8E4M3FN>, tensor<1x2xf8E8M0FNU>, tensor<1x2xf8E4M3FN>, tensor<1x2xf32>) -> tensor<32x2xf32>
// CHECK-NEXT:  coreai.batch_matmul %arg0, %[[W]] : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<32x2xf32>
coreai.graph @batch_matmul(%arg0: tensor<1x32xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[0.875, 3584.0], [-0.5, -1000.0], [0.01, 100.0], [0.2, 1.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]> : tensor<32x2xf32>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
  coreai.output %1 : tensor<1x2xf32>
}
