// Candidates that cannot be sparsified are skipped with a warning on the constant
// (location, type, reason) and left as they were.
// RUN: coreai-opt %s --split-input-file --verify-diagnostics --sparsify-weights='target-sparsity=none n-m-ratio=2,4 weight-num-threshold=0'

// The input axis (3) is shorter than 2 * m.
coreai.graph @narrow(%arg0: tensor<3x2xf32>) -> (tensor<64x2xf32>) {
  // expected-warning @+1 {{not sparsified: 'tensor<64x3xf32>' weight: m > channel / 2 is not applicable for n:m pruning: m = 4, channel = 3 (dim 1)}}
  %0 = coreai.constant dense<1.0> : tensor<64x3xf32>
  %1 = coreai.batch_matmul %0, %arg0 : (tensor<64x3xf32>, tensor<3x2xf32>) -> tensor<64x2xf32>
  coreai.output %1 : tensor<64x2xf32>
}

// -----
coreai.graph @nan(%arg0: tensor<2x64xf16>) -> (tensor<2x64xf16>) {
  // expected-warning @+1 {{not sparsified: 'tensor<64x64xf16>' weight: it holds NaN or Inf (first at element 0)}}
  %0 = coreai.constant dense<0x7E00> : tensor<64x64xf16>
  %1 = coreai.batch_matmul %arg0, %0 : (tensor<2x64xf16>, tensor<64x64xf16>) -> tensor<2x64xf16>
  coreai.output %1 : tensor<2x64xf16>
}

// -----
coreai.graph @rank1(%arg0: tensor<2x1xsi32>) -> (tensor<2xf32>) {
  // expected-warning @+1 {{not sparsified: 'tensor<300xf32>' weight: n:m pruning needs a weight of rank 2 or more}}
  %0 = coreai.constant dense<1.0> : tensor<300xf32>
  %1 = coreai.gather_nd %0 at %arg0 : (tensor<300xf32>, tensor<2x1xsi32>) to tensor<2xf32>
  coreai.output %1 : tensor<2xf32>
}
