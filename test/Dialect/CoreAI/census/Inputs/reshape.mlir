module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = coreai.reshape %arg0, %0 : (tensor<2x3xf32>, tensor<2xui32>) -> tensor<3x2xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = coreai.reshape %arg0, %0 : (tensor<2x3xf32>, tensor<2xui32>) -> tensor<3x2xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
