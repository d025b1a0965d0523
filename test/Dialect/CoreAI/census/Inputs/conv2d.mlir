module {
  coreai.graph @census(%arg0: tensor<1x3x8x8xf32>, %arg1: tensor<4x3x3x3xf32>) {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = "census.def"() : () -> tensor<2xui32>
    %2 = "census.def"() : () -> tensor<ui32>
    %3 = coreai.conv2d %arg0, %arg1, %0, %1, %2 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x4x6x6xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<1x3x8x8xf32>, %arg1: tensor<4x3x3x3xf32>) {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = "census.def"() : () -> tensor<2xui32>
    %2 = "census.def"() : () -> tensor<ui32>
    %3 = coreai.conv2d %arg0, %arg1, %0, %1, %2 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<2xui32>, tensor<2xui32>, tensor<ui32>) -> tensor<1x4x6x6xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
