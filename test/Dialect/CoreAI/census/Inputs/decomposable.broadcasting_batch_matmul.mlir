module {
  coreai.graph @census(%arg0: tensor<2x3x4xf32>, %arg1: tensor<4x5xf32>) {
    %0 = coreai.decomposable.broadcasting_batch_matmul %arg0, %arg1 : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3x4xf32>, %arg1: tensor<4x5xf32>) {
    %0 = coreai.decomposable.broadcasting_batch_matmul %arg0, %arg1 attributes {census.tag = 7 : i32} : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
    coreai.output
  }
}
