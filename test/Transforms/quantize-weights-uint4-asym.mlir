// quantize-weights, UINT4 asymmetric per block of 32 along the input axis (the default block
// size), on weights small enough to read. docs/spec/QUANTIZE_WEIGHTS.md, "The arithmetic":
// codes [0, 15]; per block lo = min(0, min w), hi = max(0, max w),
// scale = (hi - lo + 1e-6) / 15, zero point clip(round((0*hi - 15*lo) / (hi - lo + 1e-6))),
// codes clip(round(w / scale) + zero point, 0, 15), all in f32 with round half to even.
// For hi - lo = 15 * 2^k with k >= 2 the 1e-6 is lost and the scale is exactly 2^k.
// The zero points are a real tensor (offset1, ui4); offset2 is 0.
// Each case: data, scale, zero point and offset2 constants feed a blockwise_shift_scale that
// replaces the float constant at its use; the float constant itself is gone.
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=uint4 qscheme=asymmetric granularity=per_block weight-num-threshold=0' | FileCheck %s

// Through a transpose into a matmul: the output axis maps back to axis 0 and the input axis
// to axis 1, so each row of 32 is one block; the rest of each block is 0, coded as the zero
// point.
// Row 0: lo -20, hi 40: scale 60/15 = 4, zero point 300/60 = 5; codes round(w/4) + 5:
// 10 -> 2.5 -> 2 -> 7, -10 -> -2 -> 3, 2 -> 0.5 -> 0 -> 5, 6 -> 1.5 -> 2 -> 7, -6 -> 3.
// Row 1: lo -44, hi 76: scale 120/15 = 8, zero point 660/120 = 5.5 -> 6 (tie to even);
// 76 -> 9.5 -> 10 -> 16, clipped to 15; -44 -> -5.5 -> -6 -> 0; 2 -> 0.25 -> 6;
// 20 -> 2.5 -> 2 -> 8; -4 -> -0.5 -> 0 -> 6.
// CHECK-LABEL: coreai.graph @linear
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}15, 0, 7, 3, 5, 7, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]
// CHECK-SAME:    , [15, 0, 6, 6, 8, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]]> : tensor<2x32xui4>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}4.000000e+00], [8.000000e+00]]> : tensor<2x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<{{\[\[}}5], [6]]> : tensor<2x1xui4>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32xui4>, tensor<2x1xf32>, tensor<2x1xui4>, tensor<2x1xf32>) -> tensor<2x32xf32>
// CHECK-NEXT:  %[[P:.*]] = coreai.constant dense<[1, 0]> : tensor<2xui32>
// CHECK-NEXT:  %[[T:.*]] = coreai.transpose %[[W]], %[[P]] : (tensor<2x32xf32>, tensor<2xui32>) -> tensor<32x2xf32>
// CHECK-NEXT:  coreai.decomposable.broadcasting_batch_matmul %arg0, %[[T]] : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32xf32>
coreai.graph @linear(%arg0: tensor<1x32xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[40.0, -20.0, 10.0, -10.0, 2.0, 6.0, -6.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [76.0, -44.0, 0.0, 2.0, 20.0, -4.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x32xf32>
  %1 = coreai.constant dense<[1, 0]> : tensor<2xui32>
  %2 = coreai.transpose %0, %1 : (tensor<2x32xf32>, tensor<2xui32>) -> tensor<32x2xf32>
  %3 = coreai.decomposable.broadcasting_batch_matmul %arg0, %2 : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
  coreai.output %3 : tensor<1x2xf32>
}

// -----
// conv2d weight [Cout, Cin, 1, 1]: blocks of 32 input channels, one per output channel.
// Channel 0, all >= 0: lo 0, hi 60: scale 4, zero point 0; codes round(w/4): 1 -> 0,
// 2 -> 0.5 -> 0, 6 -> 1.5 -> 2, 10 -> 2.5 -> 2, 30 -> 7.5 -> 8, 0.5 -> 0, 45 -> 11.25 -> 11.
// Channel 1, all <= 0: lo -120, hi 0: scale 8, zero point 1800/120 = 15; codes
// round(w/8) + 15: -4 -> -0.5 -> 0 -> 15, -12 -> -1.5 -> -2 -> 13, -20 -> -2.5 -> -2 -> 13,
// -60 -> -7.5 -> -8 -> 7, -1 -> 15, -100 -> -12.5 -> -12 -> 3, -36 -> -4.5 -> -4 -> 11;
// 0 -> 15.
// CHECK-LABEL: coreai.graph @conv
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[\[\[}}15]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}2]], {{\[\[}}2]], {{\[\[}}8]], {{\[\[}}0]], {{\[\[}}11]]
// CHECK-SAME:    , {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]
// CHECK-SAME:    , {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]
// CHECK-SAME:    , {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]]
// CHECK-SAME:    , {{\[\[\[}}0]], {{\[\[}}15]], {{\[\[}}13]], {{\[\[}}13]], {{\[\[}}7]], {{\[\[}}15]], {{\[\[}}3]], {{\[\[}}11]]
// CHECK-SAME:    , {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]]
// CHECK-SAME:    , {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]]
// CHECK-SAME:    , {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]], {{\[\[}}15]]]]> : tensor<2x32x1x1xui4>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}8.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<{{\[\[\[\[}}0]]], {{\[\[\[}}15]]]]> : tensor<2x1x1x1xui4>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32x1x1xui4>, tensor<2x1x1x1xf32>, tensor<2x1x1x1xui4>, tensor<2x1x1x1xf32>) -> tensor<2x32x1x1xf32>
// CHECK-NEXT:  %[[ST:.*]] = coreai.constant dense<1> : tensor<2xui32>
// CHECK-NEXT:  %[[GR:.*]] = coreai.constant dense<1> : tensor<ui32>
// CHECK-NEXT:  coreai.conv2d %arg0, %[[W]], %[[ST]], %[[ST]], %[[GR]] : (tensor<1x32x2x2xf32>, tensor<2x32x1x1xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32x1x1xf32>
coreai.graph @conv(%arg0: tensor<1x32x2x2xf32>) -> (tensor<1x2x2x2xf32>) {
  %0 = coreai.constant dense<[[[[60.0]], [[1.0]], [[2.0]], [[6.0]], [[10.0]], [[30.0]], [[0.5]], [[45.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]],
                              [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]]],
                             [[[-120.0]], [[-4.0]], [[-12.0]], [[-20.0]], [[-60.0]], [[-1.0]], [[-100.0]], [[-36.0]],
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
// Row 0: all zero: lo = hi = 0, scale 1e-6 / 15 = 6.7e-8 (not zero), zero point 0 / 1e-6 = 0,
// codes 0.
// Row 1: lo -60, hi 180: scale 240/15 = 16, zero point 900/240 = 3.75 -> 4; codes
// round(w/16) + 4: 180 -> 11.25 -> 11 -> 15, -60 -> -3.75 -> -4 -> 0, 8 -> 0.5 -> 0 -> 4,
// 24 -> 1.5 -> 2 -> 6, -8 -> 4, 100 -> 6.25 -> 6 -> 10, 0.1 -> 4, -30 -> -1.875 -> -2 -> 2.
// CHECK-LABEL: coreai.graph @embedding
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
// CHECK-SAME:    , [15, 0, 4, 6, 4, 10, 4, 2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]]> : tensor<2x32xui4>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}6.6666665E-8], [1.600000e+01]]> : tensor<2x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<{{\[\[}}0], [4]]> : tensor<2x1xui4>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x32xui4>, tensor<2x1xf32>, tensor<2x1xui4>, tensor<2x1xf32>) -> tensor<2x32xf32>
// CHECK-NEXT:  coreai.gather_nd %[[W]] at %arg0 : (tensor<2x32xf32>, tensor<3x1xsi32>) to tensor<3x32xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x32xf32>
coreai.graph @embedding(%arg0: tensor<3x1xsi32>) -> (tensor<3x32xf32>) {
  %0 = coreai.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                             [180.0, -60.0, 8.0, 24.0, -8.0, 100.0, 0.1, -30.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                              0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x32xf32>
  %1 = coreai.gather_nd %0 at %arg0 : (tensor<2x32xf32>, tensor<3x1xsi32>) to tensor<3x32xf32>
  coreai.output %1 : tensor<3x32xf32>
}

// -----
// The y of a batch_matmul: output axis -1, input axis -2, so each column of 32 is one block.
// Column 0: lo -30, hi 30: scale 4, zero point 450/60 = 7.5 -> 8 (tie to even); codes
// round(w/4) + 8: 30 -> 7.5 -> 8 -> 16, clipped to 15; -30 -> -8 -> 0; 2 -> 0.5 -> 0 -> 8;
// -2 -> 8; 6 -> 1.5 -> 2 -> 10.
// Column 1: lo -16, hi 224: scale 16, zero point 240/240 = 1; codes round(w/16) + 1:
// 224 -> 15, -16 -> 0, 8 -> 0.5 -> 0 -> 1, 40 -> 2.5 -> 2 -> 3, 0 -> 1.
// CHECK-LABEL: coreai.graph @batch_matmul
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}15, 15], [0, 0], [8, 1], [8, 3], [10, 1], [8, 1], [8, 1], [8, 1]
// CHECK-SAME:    , [8, 1], [8, 1], [8, 1], [8, 1], [8, 1], [8, 1], [8, 1], [8, 1]
// CHECK-SAME:    , [8, 1], [8, 1], [8, 1], [8, 1], [8, 1], [8, 1], [8, 1], [8, 1]
// CHECK-SAME:    , [8, 1], [8, 1], [8, 1], [8, 1], [8, 1], [8, 1], [8, 1], [8, 1]]> : tensor<32x2xui4>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[\[}}4.000000e+00, 1.600000e+01]]> : tensor<1x2xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<{{\[\[}}8, 1]]> : tensor<1x2xui4>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x2xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<32x2xui4>, tensor<1x2xf32>, tensor<1x2xui4>, tensor<1x2xf32>) -> tensor<32x2xf32>
// CHECK-NEXT:  coreai.batch_matmul %arg0, %[[W]] : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<32x2xf32>
coreai.graph @batch_matmul(%arg0: tensor<1x32xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[30.0, 224.0], [-30.0, -16.0], [2.0, 8.0], [-2.0, 40.0],
                             [6.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]> : tensor<32x2xf32>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32>
  coreai.output %1 : tensor<1x2xf32>
}
