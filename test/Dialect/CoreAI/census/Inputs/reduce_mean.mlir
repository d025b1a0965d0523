module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<1xsi32>
    %1 = coreai.reduce_mean %arg0, %0 : (tensor<2x3xf32>, tensor<1xsi32>) -> tensor<1x3xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<1xsi32>
    %1 = coreai.reduce_mean %arg0, %0 attributes {census.tag = 7 : i32} : (tensor<2x3xf32>, tensor<1xsi32>) -> tensor<1x3xf32>
    coreai.output
  }
}
