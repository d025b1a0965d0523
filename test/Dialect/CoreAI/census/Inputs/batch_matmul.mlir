module {
  coreai.graph @census(%arg0: tensor<3x4xf32>, %arg1: tensor<4x5xf32>) {
    %0 = coreai.batch_matmul %arg0, %arg1 : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3x4xf32>, %arg1: tensor<4x5xf32>) {
    %0 = coreai.batch_matmul %arg0, %arg1 : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
