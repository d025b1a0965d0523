module {
  coreai.graph @census(%arg0: tensor<3x4xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.argmax %arg0, %0 : (tensor<3x4xf32>, tensor<si32>) -> tensor<3x1xui32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3x4xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.argmax %arg0, %0 attributes {census.tag = 7 : i32} : (tensor<3x4xf32>, tensor<si32>) -> tensor<3x1xui32>
    coreai.output
  }
}
