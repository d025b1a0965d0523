module {
  coreai.graph @census(%arg0: tensor<3x1xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = "census.def"() : () -> tensor<f32>
    %2 = "census.def"() : () -> tensor<ui32>
    %3 = coreai.reduce_index %arg0, %0, init %1 init_index %2 {
    ^bb0(%arg1: tensor<f32>, %arg2: tensor<f32>):
      %4 = coreai.greater %arg2, %arg1 : (tensor<f32>, tensor<f32>) -> tensor<i1>
      coreai.yield %4 : tensor<i1>
    } : (tensor<3x1xf32>, tensor<si32>, tensor<f32>, tensor<ui32>) -> tensor<1x1xui32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3x1xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = "census.def"() : () -> tensor<f32>
    %2 = "census.def"() : () -> tensor<ui32>
    %3 = coreai.reduce_index %arg0, %0, init %1 init_index %2 {
    ^bb0(%arg1: tensor<f32>, %arg2: tensor<f32>):
      %4 = coreai.greater %arg2, %arg1 : (tensor<f32>, tensor<f32>) -> tensor<i1>
      coreai.yield %4 : tensor<i1>
    } : (tensor<3x1xf32>, tensor<si32>, tensor<f32>, tensor<ui32>) -> tensor<1x1xui32> {census.tag = 7 : i32}
    coreai.output
  }
}
