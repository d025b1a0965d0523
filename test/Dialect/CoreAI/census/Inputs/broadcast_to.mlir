module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = coreai.broadcast_to %arg0, %0 : (tensor<4xf32>, tensor<2xui32>) -> tensor<3x4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = coreai.broadcast_to %arg0, %0 : (tensor<4xf32>, tensor<2xui32>) -> tensor<3x4xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
