module {
  coreai.graph @census(%arg0: tensor<3x1xf32>) {
    %0 = "census.def"() : () -> tensor<1xui32>
    %1 = "census.def"() : () -> tensor<1xsi32>
    %2 = coreai.broadcast_in_dims %arg0, %0, %1 : (tensor<3x1xf32>, tensor<1xui32>, tensor<1xsi32>) -> tensor<3x4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3x1xf32>) {
    %0 = "census.def"() : () -> tensor<1xui32>
    %1 = "census.def"() : () -> tensor<1xsi32>
    %2 = coreai.broadcast_in_dims %arg0, %0, %1 : (tensor<3x1xf32>, tensor<1xui32>, tensor<1xsi32>) -> tensor<3x4xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
