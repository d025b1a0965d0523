// quantize-weights, FP8 E5M2 per tensor with the scale in the weight's type (f32), on
// weights small enough to read. docs/spec/QUANTIZE_WEIGHTS.md, "The arithmetic":
// scale = (2*amax + 1e-6) / (2*57344) in f32 (amax = max |w| of the whole weight, fmax of
// E5M2 is 57344), codes clip(w / scale, -57344, 57344) cast to E5M2 with round to nearest
// even (2 mantissa bits: 4 steps per octave, e.g. 1, 1.25, 1.5, 1.75, 2). A max |w| of
// 57344 * 2^k (k >= -11) makes the scale exactly 2^k: the 1e-6 is below half an ulp of
// 2*amax and is lost. Zero point and offset2 are zeros; one scale, shaped 1x..x1.
// Each case: data, scale, zero point and offset2 constants feed a blockwise_shift_scale that
// replaces the float constant at its use; the float constant itself is gone.
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=fp8_e5m2 granularity=per_tensor weight-num-threshold=0' | FileCheck %s

// Through a transpose into a matmul. amax 57344, scale 1, codes w rounded:
// -53248 = -1.625 * 2^15 -> -1.5 * 2^15 = -49152 (tie), 1.125 -> 1, 1.375 -> 1.5,
// 1.625 -> 1.5, 1.875 -> 2 (ties), -3 -> -3.
// CHECK-LABEL: coreai.graph @linear
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}5.734400e+04, -4.915200e+04, 1.000000e+00, 1.500000e+00], [1.500000e+00, 2.000000e+00, -3.000000e+00, 0.000000e+00]]> : tensor<2x4xf8E5M2>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<1.000000e+00> : tensor<1x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x1xf8E5M2>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x4xf8E5M2>, tensor<1x1xf32>, tensor<1x1xf8E5M2>, tensor<1x1xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:  %[[P:.*]] = coreai.constant dense<[1, 0]> : tensor<2xui32>
// CHECK-NEXT:  %[[T:.*]] = coreai.transpose %[[W]], %[[P]] : (tensor<2x4xf32>, tensor<2xui32>) -> tensor<4x2xf32>
// CHECK-NEXT:  coreai.decomposable.broadcasting_batch_matmul %arg0, %[[T]] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x4xf32>
coreai.graph @linear(%arg0: tensor<1x4xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[57344.0, -53248.0, 1.125, 1.375], [1.625, 1.875, -3.0, 0.0]]> : tensor<2x4xf32>
  %1 = coreai.constant dense<[1, 0]> : tensor<2xui32>
  %2 = coreai.transpose %0, %1 : (tensor<2x4xf32>, tensor<2xui32>) -> tensor<4x2xf32>
  %3 = coreai.decomposable.broadcasting_batch_matmul %arg0, %2 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  coreai.output %3 : tensor<1x2xf32>
}

// -----
// conv2d weight, one scale for all of it: amax 7168 = 57344 * 2^-3, scale 0.125, codes 8*w:
// 1.125 -> 9 -> 8, 1.375 -> 11 -> 12 (ties), 100 -> 800 -> 768 (768 and 896 around it),
// -600 -> -4800 -> -5120 (4096 and 5120), 45 -> 360 -> 384 (320 and 384), 0.09375 -> 0.75.
// CHECK-LABEL: coreai.graph @conv
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[\[\[}}5.734400e+04, -8.000000e+00, 8.000000e+00], [1.200000e+01, 4.000000e+00, -2.000000e+00], [7.680000e+02, -5.120000e+03
// CHECK-SAME:    , 0.000000e+00]]], {{\[\[\[}}-5.734400e+04, 1.600000e+01, -2.400000e+01], [5.000000e-01, 7.500000e-01, 3.840000e+02], [-3.200000e+02
// CHECK-SAME:    , 5.600000e+01, 0.000000e+00]]]]> : tensor<2x1x3x3xf8E5M2>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<1.250000e-01> : tensor<1x1x1x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x1x1x1xf8E5M2>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x1x1x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x1x3x3xf8E5M2>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf8E5M2>, tensor<1x1x1x1xf32>) -> tensor<2x1x3x3xf32>
// CHECK-NEXT:  %[[ST:.*]] = coreai.constant dense<1> : tensor<2xui32>
// CHECK-NEXT:  %[[GR:.*]] = coreai.constant dense<1> : tensor<ui32>
// CHECK-NEXT:  coreai.conv2d %arg0, %[[W]], %[[ST]], %[[ST]], %[[GR]] : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<2x1x3x3xf32>
coreai.graph @conv(%arg0: tensor<1x1x4x4xf32>) -> (tensor<1x2x2x2xf32>) {
  %0 = coreai.constant dense<[[[[7168.0, -1.0, 1.125], [1.375, 0.5, -0.25], [100.0, -600.0, 0.0]]],
                             [[[-7168.0, 2.0, -3.0], [0.0625, 0.09375, 45.0], [-40.0, 7.0, 0.0]]]]> : tensor<2x1x3x3xf32>
  %1 = coreai.constant dense<1> : tensor<2xui32>
  %2 = coreai.constant dense<1> : tensor<ui32>
  %3 = coreai.conv2d %arg0, %0, %1, %1, %2 : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x2x2x2xf32>
  coreai.output %3 : tensor<1x2x2x2xf32>
}

// -----
// gather_nd table, one scale for all of it: amax 224 = 57344 * 2^-8, scale 2^-8, codes
// 256*w: 0.3 -> 76.8 -> 80 (64 and 80), 2.25 -> 576 -> 512 (tie of 512 and 640); the zero
// row stays 0.
// CHECK-LABEL: coreai.graph @embedding
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}5.734400e+04, -1.280000e+02, 8.000000e+01, 2.560000e+02], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]
// CHECK-SAME:    , [-5.734400e+04, 1.920000e+02, 2.560000e+03, 5.120000e+02]]> : tensor<3x4xf8E5M2>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<3.906250e-03> : tensor<1x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x1xf8E5M2>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<3x4xf8E5M2>, tensor<1x1xf32>, tensor<1x1xf8E5M2>, tensor<1x1xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:  coreai.gather_nd %[[W]] at %arg0 : (tensor<3x4xf32>, tensor<2x1xsi32>) to tensor<2x4xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<3x4xf32>
coreai.graph @embedding(%arg0: tensor<2x1xsi32>) -> (tensor<2x4xf32>) {
  %0 = coreai.constant dense<[[224.0, -0.5, 0.3, 1.0], [0.0, 0.0, 0.0, 0.0], [-224.0, 0.75, 10.0, 2.25]]> : tensor<3x4xf32>
  %1 = coreai.gather_nd %0 at %arg0 : (tensor<3x4xf32>, tensor<2x1xsi32>) to tensor<2x4xf32>
  coreai.output %1 : tensor<2x4xf32>
}

// -----
// The y of a batch_matmul, one scale for all of it: amax 1 is not 57344 * 2^k, so the 1e-6
// stays: scale (2 + 1e-6) / 114688 = 1.74386241E-5, just above 1/57344, and w / scale is
// just below 57344*w: 1 -> 57343.97 -> 57344, 0.5 -> 28672, 0.1 -> 5734.4 -> 6144 (5120 and
// 6144), -0.3 -> -17203.2 -> -16384 (16384 and 20480), 0.001 -> 57.3 -> 56 (56 and 64).
// CHECK-LABEL: coreai.graph @batch_matmul
// CHECK-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[\[}}5.734400e+04, -5.734400e+04], [2.867200e+04, 1.433600e+04], [6.144000e+03, -1.638400e+04], [5.600000e+01, 0.000000e+00]]> : tensor<4x2xf8E5M2>
// CHECK-NEXT:  %[[S:.*]] = coreai.constant dense<1.74386241E-5> : tensor<1x1xf32>
// CHECK-NEXT:  %[[Z:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x1xf8E5M2>
// CHECK-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x1xf32>
// CHECK-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<4x2xf8E5M2>, tensor<1x1xf32>, tensor<1x1xf8E5M2>, tensor<1x1xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:  coreai.batch_matmul %arg0, %[[W]] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:   coreai.constant {{.*}} : tensor<4x2xf32>
coreai.graph @batch_matmul(%arg0: tensor<1x4xf32>) -> (tensor<1x2xf32>) {
  %0 = coreai.constant dense<[[1.0, -1.0], [0.5, 0.25], [0.1, -0.3], [0.001, 0.0]]> : tensor<4x2xf32>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  coreai.output %1 : tensor<1x2xf32>
}
