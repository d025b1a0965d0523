module {
  coreai.graph @census(%arg0: tensor<2x4xsi32>, %arg1: tensor<4xsi32>) {
    %0 = coreai.decomposable.broadcasting_bitwise_or %arg0, %arg1 : (tensor<2x4xsi32>, tensor<4xsi32>) -> tensor<2x4xsi32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x4xsi32>, %arg1: tensor<4xsi32>) {
    %0 = coreai.decomposable.broadcasting_bitwise_or %arg0, %arg1 attributes {census.tag = 7 : i32} : (tensor<2x4xsi32>, tensor<4xsi32>) -> tensor<2x4xsi32>
    coreai.output
  }
}
