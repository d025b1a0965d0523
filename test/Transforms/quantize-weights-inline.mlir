// quantize-weights on weights small enough to read (docs/spec/QUANTIZE_WEIGHTS.md: scale
// (2*amax + 1e-6) / (qmax - qmin) rounded to the weight's type first, codes w / scale
// rounded half to even and clipped).
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=int8 granularity=per_tensor weight-num-threshold=0' | FileCheck %s --check-prefix=TENSOR
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=int8 weight-num-threshold=0' | FileCheck %s --check-prefix=CHANNEL
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=int4 granularity=per_block block-size=4 weight-num-threshold=0' | FileCheck %s --check-prefix=BLOCK
// RUN: coreai-opt %s --split-input-file --quantize-weights='dtype=uint4 qscheme=asymmetric granularity=per_block block-size=4 weight-num-threshold=0' | FileCheck %s --check-prefix=ASYM

// max |w| = 127: the INT8 scale (254 + 1e-6) / 254 rounds to 1.0 in f32, so the codes
// are the weights rounded half to even (0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -3.5 -> -4).
// TENSOR-LABEL: coreai.graph @x_rows
// TENSOR-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[}}[1, -2, 3, -4, 5, -6, 7, -127], [127, 0, 0, 2, 2, -4, 0, 64]]> : tensor<2x8xsi8>
// TENSOR-NEXT:  %[[S:.*]] = coreai.constant dense<1.000000e+00> : tensor<1x1xf32>
// TENSOR-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<1x1xsi8>
// TENSOR-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x1xf32>
// TENSOR-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x8xsi8>, tensor<1x1xf32>, tensor<1x1xsi8>, tensor<1x1xf32>) -> tensor<2x8xf32>
// TENSOR-NEXT:  coreai.batch_matmul %[[W]], %arg0

// As the x of a matmul the output axis is 0: one scale per row, both 1.0 here.
// CHANNEL-LABEL: coreai.graph @x_rows
// CHANNEL-NEXT:  coreai.constant dense<{{\[}}[1, -2, 3, -4, 5, -6, 7, -127], [127, 0, 0, 2, 2, -4, 0, 64]]> : tensor<2x8xsi8>
// CHANNEL-NEXT:  coreai.constant dense<1.000000e+00> : tensor<2x1xf32>
coreai.graph @x_rows(%arg0: tensor<8x2xf32>) -> (tensor<2x2xf32>) {
  %0 = coreai.constant dense<[[1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -127.0], [127.0, 0.5, -0.5, 1.5, 2.5, -3.5, 0.0, 64.0]]> : tensor<2x8xf32>
  %1 = coreai.batch_matmul %0, %arg0 : (tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<2x2xf32>
  coreai.output %1 : tensor<2x2xf32>
}

// -----
// Blocks of 4 along the input axis. INT4: scale (2*amax + 1e-6) / 14, rounded to f32
// (amax 7 -> 1.00000012, amax 14 -> 2.00000024), so 2.5, 3.5 and 6.5 divide to just
// below .5 and round down; an all-zero block gets scale 1e-6 / 14.
// BLOCK-LABEL: coreai.graph @blocks
// BLOCK-NEXT:  coreai.constant dense<{{\[}}[7, -1, 2, 3, 7, -7, 0, 0], [-7, 6, 0, 1, 0, 0, 0, 0]]> : tensor<2x8xsi4>
// BLOCK-NEXT:  coreai.constant dense<{{\[}}[1.00000012, 2.00000024], [1.00000012, 7.14285732E-8]]> : tensor<2x2xf32>
// BLOCK-NEXT:  coreai.constant dense<0> : tensor<2x2xsi4>

// UINT4 asymmetric: scale (max - min) / 15, zero point round(-min / scale), codes
// w / scale + zero point clipped to [0, 15] (block [7, -1, 2.5, 3.5]: scale 8/15, zero
// point 2).
// ASYM-LABEL: coreai.graph @blocks
// ASYM-NEXT:  %[[D:.*]] = coreai.constant dense<{{\[}}[15, 0, 7, 9, 14, 0, 8, 7], [0, 15, 9, 9, 0, 0, 0, 0]]> : tensor<2x8xui4>
// ASYM-NEXT:  %[[S:.*]] = coreai.constant dense<{{\[}}[0.533333421, 1.86666679], [0.900000035, 6.6666665E-8]]> : tensor<2x2xf32>
// ASYM-NEXT:  %[[Z:.*]] = coreai.constant dense<{{\[}}[2, 7], [8, 0]]> : tensor<2x2xui4>
// ASYM-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<2x2xf32>
// ASYM-NEXT:  coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<2x8xui4>, tensor<2x2xf32>, tensor<2x2xui4>, tensor<2x2xf32>) -> tensor<2x8xf32>
coreai.graph @blocks(%arg0: tensor<8x2xf32>) -> (tensor<2x2xf32>) {
  %0 = coreai.constant dense<[[7.0, -1.0, 2.5, 3.5, 14.0, -14.0, 1.0, 0.0], [-7.0, 6.5, 0.5, 1.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x8xf32>
  %1 = coreai.batch_matmul %0, %arg0 : (tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<2x2xf32>
  coreai.output %1 : tensor<2x2xf32>
}
