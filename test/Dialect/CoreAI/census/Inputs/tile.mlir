module {
  coreai.graph @census(%arg0: tensor<3xf32>) {
    %0 = "census.def"() : () -> tensor<1xui32>
    %1 = coreai.tile %arg0, %0 : (tensor<3xf32>, tensor<1xui32>) -> tensor<6xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3xf32>) {
    %0 = "census.def"() : () -> tensor<1xui32>
    %1 = coreai.tile %arg0, %0 : (tensor<3xf32>, tensor<1xui32>) -> tensor<6xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
