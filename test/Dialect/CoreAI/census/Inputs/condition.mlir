module {
  coreai.graph @census(%arg0: tensor<f32>, %arg1: tensor<f32>, %arg2: tensor<si32>, %arg3: tensor<4xf32>) {
    %0 = "census.def"() : () -> tensor<f32>
    %1 = "census.def"() : () -> tensor<f32>
    %2 = "census.def"() : () -> tensor<i1>
    %3:2 = coreai.while %arg2, %arg3 {
    ^bb0(%arg4: tensor<si32>, %arg5: tensor<4xf32>):
      coreai.condition %2, %arg2, %arg3 : (tensor<i1>, tensor<si32>, tensor<4xf32>)
    } do {
    ^bb0(%arg4: tensor<si32>, %arg5: tensor<4xf32>):
      coreai.yield %arg4, %arg5 : tensor<si32>, tensor<4xf32>
    } : (tensor<si32>, tensor<4xf32>) -> (tensor<si32>, tensor<4xf32>)
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<f32>, %arg1: tensor<f32>, %arg2: tensor<si32>, %arg3: tensor<4xf32>) {
    %0 = "census.def"() : () -> tensor<f32>
    %1 = "census.def"() : () -> tensor<f32>
    %2 = "census.def"() : () -> tensor<i1>
    %3:2 = coreai.while %arg2, %arg3 {
    ^bb0(%arg4: tensor<si32>, %arg5: tensor<4xf32>):
      coreai.condition %2, %arg2, %arg3 : (tensor<i1>, tensor<si32>, tensor<4xf32>) {census.tag = 7 : i32}
    } do {
    ^bb0(%arg4: tensor<si32>, %arg5: tensor<4xf32>):
      coreai.yield %arg4, %arg5 : tensor<si32>, tensor<4xf32>
    } : (tensor<si32>, tensor<4xf32>) -> (tensor<si32>, tensor<4xf32>)
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<f32>, %arg1: tensor<si32>) {
    %0 = "census.def"() : () -> tensor<f32>
    %1 = "census.def"() : () -> tensor<f32>
    %2 = "census.def"() : () -> tensor<i1>
    %3 = coreai.while %arg1 {
    ^bb0(%arg2: tensor<si32>):
      coreai.condition %2, %arg1 : (tensor<i1>, tensor<si32>)
    } do {
    ^bb0(%arg2: tensor<si32>):
      coreai.yield %arg2 : tensor<si32>
    } : (tensor<si32>) -> (tensor<si32>)
    coreai.output
  }
}
