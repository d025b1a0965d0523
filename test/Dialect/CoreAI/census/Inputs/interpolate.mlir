module {
  coreai.graph @census(%arg0: tensor<4x4xf32>) {
    %0 = "census.def"() : () -> tensor<2xsi32>
    %1 = "census.def"() : () -> tensor<2xf32>
    %2 = "census.def"() : () -> tensor<2xf32>
    %3 = coreai.interpolate %arg0, %0, %1, %2 {interpolation_mode = #coreai.interpolation_mode<linear>} : (tensor<4x4xf32>, tensor<2xsi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<8x8xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4x4xf32>) {
    %0 = "census.def"() : () -> tensor<2xsi32>
    %1 = "census.def"() : () -> tensor<2xf32>
    %2 = "census.def"() : () -> tensor<2xf32>
    %3 = coreai.interpolate %arg0, %0, %1, %2 {census.tag = 7 : i32, interpolation_mode = #coreai.interpolation_mode<linear>} : (tensor<4x4xf32>, tensor<2xsi32>, tensor<2xf32>, tensor<2xf32>) -> tensor<8x8xf32>
    coreai.output
  }
}
