module {
  coreai.graph @census(%arg0: tensor<4xf32>, %arg1: tensor<si32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1:2 = coreai.while %0, %arg0 {
    ^bb0(%arg2: tensor<si32>, %arg3: tensor<4xf32>):
      %2 = coreai.not_equal %arg2, %arg1 : (tensor<si32>, tensor<si32>) -> tensor<i1>
      coreai.condition %2, %arg2, %arg3 : (tensor<i1>, tensor<si32>, tensor<4xf32>)
    } do {
    ^bb0(%arg2: tensor<si32>, %arg3: tensor<4xf32>):
      %2 = coreai.constant dense<1> : tensor<si32>
      %3 = coreai.add %arg2, %2 : (tensor<si32>, tensor<si32>) -> tensor<si32>
      %4 = coreai.add %arg3, %arg3 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      coreai.yield %3, %4 : tensor<si32>, tensor<4xf32>
    } : (tensor<si32>, tensor<4xf32>) -> (tensor<si32>, tensor<4xf32>)
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>, %arg1: tensor<si32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1:2 = coreai.while %0, %arg0 {
    ^bb0(%arg2: tensor<si32>, %arg3: tensor<4xf32>):
      %2 = coreai.not_equal %arg2, %arg1 : (tensor<si32>, tensor<si32>) -> tensor<i1>
      coreai.condition %2, %arg2, %arg3 : (tensor<i1>, tensor<si32>, tensor<4xf32>)
    } do {
    ^bb0(%arg2: tensor<si32>, %arg3: tensor<4xf32>):
      %2 = coreai.constant dense<1> : tensor<si32>
      %3 = coreai.add %arg2, %2 : (tensor<si32>, tensor<si32>) -> tensor<si32>
      %4 = coreai.add %arg3, %arg3 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      coreai.yield %3, %4 : tensor<si32>, tensor<4xf32>
    } : (tensor<si32>, tensor<4xf32>) -> (tensor<si32>, tensor<4xf32>) {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<si32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.while %0 {
    ^bb0(%arg1: tensor<si32>):
      %2 = coreai.greater %arg0, %arg1 : (tensor<si32>, tensor<si32>) -> tensor<i1>
      coreai.condition %2, %arg1 : (tensor<i1>, tensor<si32>)
    } do {
    ^bb0(%arg1: tensor<si32>):
      %2 = coreai.constant dense<1> : tensor<si32>
      %3 = coreai.add %arg1, %2 : (tensor<si32>, tensor<si32>) -> tensor<si32>
      coreai.yield %3 : tensor<si32>
    } : (tensor<si32>) -> (tensor<si32>)
    coreai.output
  }
}
