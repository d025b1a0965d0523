module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<1xsi32>
    %1 = "census.def"() : () -> tensor<f32>
    %2 = coreai.reduce %arg0, %0, init %1 {
    ^bb0(%arg1: tensor<f32>, %arg2: tensor<f32>):
      %3 = coreai.add %arg1, %arg2 : (tensor<f32>, tensor<f32>) -> tensor<f32>
      coreai.yield %3 : tensor<f32>
    } : (tensor<2x3xf32>, tensor<1xsi32>, tensor<f32>) -> tensor<1x3xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<1xsi32>
    %1 = "census.def"() : () -> tensor<f32>
    %2 = coreai.reduce %arg0, %0, init %1 {
    ^bb0(%arg1: tensor<f32>, %arg2: tensor<f32>):
      %3 = coreai.add %arg1, %arg2 : (tensor<f32>, tensor<f32>) -> tensor<f32>
      coreai.yield %3 : tensor<f32>
    } : (tensor<2x3xf32>, tensor<1xsi32>, tensor<f32>) -> tensor<1x3xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
