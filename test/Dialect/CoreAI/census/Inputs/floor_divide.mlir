module {
  coreai.graph @census(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) {
    %0 = coreai.floor_divide %arg0, %arg1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) {
    %0 = coreai.floor_divide %arg0, %arg1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
