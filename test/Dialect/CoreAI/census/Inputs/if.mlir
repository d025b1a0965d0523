module {
  coreai.graph @census(%arg0: tensor<i1>, %arg1: tensor<4xf32>) {
    %0 = coreai.if %arg0 {
      %1 = coreai.add %arg1, %arg1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      coreai.yield %1 : tensor<4xf32>
    } else {
      %1 = coreai.sub %arg1, %arg1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      coreai.yield %1 : tensor<4xf32>
    } : tensor<i1> -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<i1>, %arg1: tensor<4xf32>) {
    %0 = coreai.if %arg0 {
      %1 = coreai.add %arg1, %arg1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      coreai.yield %1 : tensor<4xf32>
    } else {
      %1 = coreai.sub %arg1, %arg1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      coreai.yield %1 : tensor<4xf32>
    } : tensor<i1> -> tensor<4xf32> {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<i1>, %arg1: tensor<4xf32>) {
    %0:2 = coreai.if %arg0 {
      coreai.yield %arg1, %arg1 : tensor<4xf32>, tensor<4xf32>
    } else {
      coreai.yield %arg1, %arg1 : tensor<4xf32>, tensor<4xf32>
    } : tensor<i1> -> tensor<4xf32>, tensor<4xf32>
    coreai.output
  }
}
