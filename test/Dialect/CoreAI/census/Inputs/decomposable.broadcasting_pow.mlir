module {
  coreai.graph @census(%arg0: tensor<2x4xf32>, %arg1: tensor<4xf32>) {
    %0 = coreai.decomposable.broadcasting_pow %arg0, %arg1 : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x4xf32>, %arg1: tensor<4xf32>) {
    %0 = coreai.decomposable.broadcasting_pow %arg0, %arg1 attributes {census.tag = 7 : i32} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    coreai.output
  }
}
