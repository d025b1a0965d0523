module {
  coreai.graph @census(%arg0: tensor<2x1xi1>, %arg1: tensor<2x4xf32>, %arg2: tensor<4xf32>) {
    %0 = coreai.decomposable.broadcasting_where %arg0, %arg1, %arg2 : (tensor<2x1xi1>, tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x1xi1>, %arg1: tensor<2x4xf32>, %arg2: tensor<4xf32>) {
    %0 = coreai.decomposable.broadcasting_where %arg0, %arg1, %arg2 attributes {census.tag = 7 : i32} : (tensor<2x1xi1>, tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    coreai.output
  }
}
