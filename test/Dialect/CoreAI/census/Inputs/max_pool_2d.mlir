module {
  coreai.graph @census(%arg0: tensor<1x1x4x4xf32>) {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = "census.def"() : () -> tensor<2xui32>
    %2 = "census.def"() : () -> tensor<2xui32>
    %3 = "census.def"() : () -> tensor<i1>
    %4 = coreai.max_pool_2d %arg0, %0, %1, %2, %3 : (tensor<1x1x4x4xf32>, tensor<2xui32>, tensor<2xui32>, tensor<2xui32>, tensor<i1>) -> tensor<1x1x2x2xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<1x1x4x4xf32>) {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = "census.def"() : () -> tensor<2xui32>
    %2 = "census.def"() : () -> tensor<2xui32>
    %3 = "census.def"() : () -> tensor<i1>
    %4 = coreai.max_pool_2d %arg0, %0, %1, %2, %3 : (tensor<1x1x4x4xf32>, tensor<2xui32>, tensor<2xui32>, tensor<2xui32>, tensor<i1>) -> tensor<1x1x2x2xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
