module {
  coreai.graph @census(%arg0: tensor<4xsi32>, %arg1: tensor<4xsi32>) {
    %0 = coreai.bitwise_or %arg0, %arg1 : (tensor<4xsi32>, tensor<4xsi32>) -> tensor<4xsi32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xsi32>, %arg1: tensor<4xsi32>) {
    %0 = coreai.bitwise_or %arg0, %arg1 : (tensor<4xsi32>, tensor<4xsi32>) -> tensor<4xsi32> {census.tag = 7 : i32}
    coreai.output
  }
}
