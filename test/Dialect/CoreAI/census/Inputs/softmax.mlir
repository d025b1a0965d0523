module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.softmax %arg0, %0 : (tensor<2x3xf32>, tensor<si32>) -> tensor<2x3xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.softmax %arg0, %0 : (tensor<2x3xf32>, tensor<si32>) -> tensor<2x3xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
