module {
  coreai.graph @census() {
    %0 = "census.def"() : () -> tensor<f32>
    %1 = "census.def"() : () -> tensor<4xf32>
    %2 = "census.def"() : () -> tensor<i1>
    %3 = coreai.if %2 {
      coreai.yield %1 : tensor<4xf32>
    } else {
      coreai.yield %1 : tensor<4xf32>
    } : tensor<i1> -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census() {
    %0 = "census.def"() : () -> tensor<f32>
    %1 = "census.def"() : () -> tensor<4xf32>
    %2 = "census.def"() : () -> tensor<i1>
    %3 = coreai.if %2 {
      coreai.yield %1 : tensor<4xf32> {census.tag = 7 : i32}
    } else {
      coreai.yield %1 : tensor<4xf32> {census.tag = 7 : i32}
    } : tensor<i1> -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<f32>, %arg1: tensor<4xf32>) {
    %0 = "census.def"() : () -> tensor<i1>
    %1:2 = coreai.if %0 {
      coreai.yield %arg1, %arg1 : tensor<4xf32>, tensor<4xf32>
    } else {
      coreai.yield %arg1, %arg1 : tensor<4xf32>, tensor<4xf32>
    } : tensor<i1> -> tensor<4xf32>, tensor<4xf32>
    coreai.output
  }
}
