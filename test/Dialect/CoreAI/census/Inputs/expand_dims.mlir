module {
  coreai.graph @census(%arg0: tensor<3x4xf32>) {
    %0 = "census.def"() : () -> tensor<1xsi32>
    %1 = coreai.expand_dims %arg0, %0 : (tensor<3x4xf32>, tensor<1xsi32>) to tensor<1x3x4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3x4xf32>) {
    %0 = "census.def"() : () -> tensor<1xsi32>
    %1 = coreai.expand_dims %arg0, %0 : (tensor<3x4xf32>, tensor<1xsi32>) to tensor<1x3x4xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
