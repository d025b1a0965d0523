module {
  coreai.graph @census(%arg0: tensor<2x3xf32>, %arg1: tensor<1x3xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.concat %0, %arg0, %arg1 : (tensor<si32>, tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xf32>, %arg1: tensor<1x3xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.concat %0, %arg0, %arg1 : (tensor<si32>, tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32> {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<1x3xf32>, %arg1: tensor<1x3xf32>, %arg2: tensor<1x3xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.concat %0, %arg0, %arg1, %arg2 : (tensor<si32>, tensor<1x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
    coreai.output
  }
}
