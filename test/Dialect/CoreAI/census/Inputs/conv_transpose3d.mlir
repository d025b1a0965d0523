module {
  coreai.graph @census(%arg0: tensor<1x4x6x6x6xf32>, %arg1: tensor<4x3x3x3x3xf32>) {
    %0 = "census.def"() : () -> tensor<3xui32>
    %1 = "census.def"() : () -> tensor<3xui32>
    %2 = "census.def"() : () -> tensor<3xui32>
    %3 = "census.def"() : () -> tensor<3xui32>
    %4 = "census.def"() : () -> tensor<ui32>
    %5 = coreai.conv_transpose3d %arg0, %arg1, %0, %1, %2, %3, %4 : (tensor<1x4x6x6x6xf32>, tensor<4x3x3x3x3xf32>, tensor<3xui32>, tensor<3xui32>, tensor<3xui32>, tensor<3xui32>, tensor<ui32>) -> tensor<1x3x8x8x8xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<1x4x6x6x6xf32>, %arg1: tensor<4x3x3x3x3xf32>) {
    %0 = "census.def"() : () -> tensor<3xui32>
    %1 = "census.def"() : () -> tensor<3xui32>
    %2 = "census.def"() : () -> tensor<3xui32>
    %3 = "census.def"() : () -> tensor<3xui32>
    %4 = "census.def"() : () -> tensor<ui32>
    %5 = coreai.conv_transpose3d %arg0, %arg1, %0, %1, %2, %3, %4 : (tensor<1x4x6x6x6xf32>, tensor<4x3x3x3x3xf32>, tensor<3xui32>, tensor<3xui32>, tensor<3xui32>, tensor<3xui32>, tensor<ui32>) -> tensor<1x3x8x8x8xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
