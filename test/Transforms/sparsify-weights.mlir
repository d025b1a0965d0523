// The IR of docs/spec/SPARSIFY_WEIGHTS.md §5 on a weight small enough to read: 4x8, the x
// of a matmul (output axis 0, input axis 1), magnitudes 1..32 (element k has |w| = k + 1),
// so the pruned elements are the first ones in row-major order.
// RUN: coreai-opt %s --split-input-file --sparsify-weights='target-sparsity=0.25 weight-num-threshold=0' | FileCheck %s --check-prefix=PLAIN
// RUN: coreai-opt %s --split-input-file --sparsify-weights='target-sparsity=none n-m-ratio=1,4 weight-num-threshold=0' | FileCheck %s --check-prefix=NM
// RUN: coreai-opt %s --split-input-file --sparsify-weights='target-sparsity=0.5 block-size=2 weight-num-threshold=0' | FileCheck %s --check-prefix=BLOCK
// RUN: coreai-opt %s --split-input-file --sparsify-weights='target-sparsity=0.5 quantize-dtype=int8 weight-num-threshold=0' | FileCheck %s --check-prefix=INT8
// RUN: coreai-opt %s --split-input-file --sparsify-weights='target-sparsity=0.5 quantize-dtype=uint8 weight-num-threshold=0' | FileCheck %s --check-prefix=UINT8
// RUN: coreai-opt %s --split-input-file --sparsify-weights='target-sparsity=0.5 palettize-nbits=1 weight-num-threshold=0' | FileCheck %s --check-prefix=LUT

// A: floor(32 * 0.25) = 8 smallest pruned: the first row; numNonZero = 24 values.
// PLAIN-LABEL: coreai.graph @ramp
// PLAIN-NEXT:  %[[V:.*]] = coreai.constant dense<[9.000000e+00, -1.000000e+01, {{.*}}, -3.200000e+01]> : tensor<24xf32>
// PLAIN-NEXT:  %[[M:.*]] = coreai.constant dense<{{\[}}[false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true], {{.*}}]> : tensor<4x8xui1>
// PLAIN-NEXT:  %[[S:.*]] = coreai.build_sparse_with_bitmask %[[V]], %[[M]] : (tensor<24xf32>, tensor<4x8xui1>) -> tensor<4x8xf32, #coreai.sparse_tensor_encoding<bitmask, numNonZero = 24, posWidth = 1, crdWidth = 1>>
// PLAIN-NEXT:  %[[W:.*]] = coreai.sparse_with_bitmask_to_dense %[[S]] : tensor<4x8xf32, #coreai.sparse_tensor_encoding<bitmask, numNonZero = 24, posWidth = 1, crdWidth = 1>> -> tensor<4x8xf32>
// PLAIN-NEXT:  coreai.batch_matmul %[[W]], %arg0

// n:m: the smallest of every 4 along the input axis: columns 0 and 4 of every row.
// NM-LABEL: coreai.graph @ramp
// NM:       coreai.constant dense<{{\[}}[false, true, true, true, false, true, true, true], [false, true, true, true, false, true, true, true], {{.*}}> : tensor<4x8xui1>
// NM:       numNonZero = 24

// Blocks of 2 along the output axis (rows 0-1 and 2-3 of each column): 16 blocks, the 8
// with the smallest sum of squares (rows 0-1) pruned.
// BLOCK-LABEL: coreai.graph @ramp
// BLOCK:       coreai.constant dense<{{\[}}[false, false, false, false, false, false, false, false], [false, false, false, false, false, false, false, false], [true, true, true, true, true, true, true, true], [true, true, true, true, true, true, true, true]]> : tensor<4x8xui1>
// BLOCK:       numNonZero = 16

// B: INT8 codes of the kept values, one scale (2 * 32 + 1e-6) / 254, densified then decoded.
// INT8-LABEL: coreai.graph @ramp
// INT8-NEXT:  %[[V:.*]] = coreai.constant dense<[{{.*}}]> : tensor<16xsi8>
// INT8-NEXT:  %[[S:.*]] = coreai.constant dense<0.251968503> : tensor<1x1xf32>
// INT8-NEXT:  %[[Z:.*]] = coreai.constant dense<0> : tensor<1x1xsi8>
// INT8-NEXT:  %[[M:.*]] = coreai.constant dense<{{.*}}> : tensor<4x8xui1>
// INT8-NEXT:  %[[P:.*]] = coreai.build_sparse_with_bitmask %[[V]], %[[M]] : (tensor<16xsi8>, tensor<4x8xui1>) -> tensor<4x8xsi8, #coreai.sparse_tensor_encoding<bitmask, numNonZero = 16, posWidth = 1, crdWidth = 1>>
// INT8-NEXT:  %[[D:.*]] = coreai.sparse_with_bitmask_to_dense %[[P]]
// INT8-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1x1xf32>
// INT8-NEXT:  %[[W:.*]] = coreai.blockwise_shift_scale %[[D]], %[[S]], %[[Z]], %[[O]] : (tensor<4x8xsi8>, tensor<1x1xf32>, tensor<1x1xsi8>, tensor<1x1xf32>) -> tensor<4x8xf32>

// C: UINT8 codes decoded before sparsifying, so pruned positions read 0.
// UINT8-LABEL: coreai.graph @ramp
// UINT8-NEXT:  %[[V:.*]] = coreai.constant dense<[{{.*}}]> : tensor<16xui8>
// UINT8-NEXT:  %[[S:.*]] = coreai.constant dense<0.251968503> : tensor<1xf32>
// UINT8-NEXT:  %[[Z:.*]] = coreai.constant dense<127> : tensor<1xui8>
// UINT8-NEXT:  %[[O:.*]] = coreai.constant dense<0.000000e+00> : tensor<1xf32>
// UINT8-NEXT:  %[[F:.*]] = coreai.blockwise_shift_scale %[[V]], %[[S]], %[[Z]], %[[O]] : (tensor<16xui8>, tensor<1xf32>, tensor<1xui8>, tensor<1xf32>) -> tensor<16xf32>
// UINT8-NEXT:  %[[M:.*]] = coreai.constant dense<{{.*}}> : tensor<4x8xui1>
// UINT8-NEXT:  coreai.build_sparse_with_bitmask %[[F]], %[[M]] : (tensor<16xf32>, tensor<4x8xui1>)

// D: one 2-entry LUT over the kept values.
// LUT-LABEL: coreai.graph @ramp
// LUT-NEXT:  %[[I:.*]] = coreai.constant dense<[{{.*}}]> : tensor<16xui1>
// LUT-NEXT:  %[[L:.*]] = coreai.constant dense<{{.*}}> : tensor<1x2x1xf32>
// LUT-NEXT:  %[[X:.*]] = coreai.constant dense<0> : tensor<si16>
// LUT-NEXT:  %[[F:.*]] = coreai.lut_to_dense %[[I]], %[[L]], %[[X]] : (tensor<16xui1>, tensor<1x2x1xf32>, tensor<si16>) -> tensor<16xf32>
// LUT-NEXT:  %[[M:.*]] = coreai.constant dense<{{.*}}> : tensor<4x8xui1>
// LUT-NEXT:  coreai.build_sparse_with_bitmask %[[F]], %[[M]]
coreai.graph @ramp(%arg0: tensor<8x2xf32>) -> (tensor<4x2xf32>) {
  %0 = coreai.constant dense<[[1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -8.0], [9.0, -10.0, 11.0, -12.0, 13.0, -14.0, 15.0, -16.0], [17.0, -18.0, 19.0, -20.0, 21.0, -22.0, 23.0, -24.0], [25.0, -26.0, 27.0, -28.0, 29.0, -30.0, 31.0, -32.0]]> : tensor<4x8xf32>
  %1 = coreai.batch_matmul %0, %arg0 : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
  coreai.output %1 : tensor<4x2xf32>
}
