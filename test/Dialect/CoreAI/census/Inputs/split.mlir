module {
  coreai.graph @census(%arg0: tensor<6x4xf32>) {
    %0 = "census.def"() : () -> tensor<ui32>
    %1 = "census.def"() : () -> tensor<si32>
    %2:3 = coreai.split %arg0, %0, %1 : (tensor<6x4xf32>, tensor<ui32>, tensor<si32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>)
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<6x4xf32>) {
    %0 = "census.def"() : () -> tensor<ui32>
    %1 = "census.def"() : () -> tensor<si32>
    %2:3 = coreai.split %arg0, %0, %1 : (tensor<6x4xf32>, tensor<ui32>, tensor<si32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3x8xf32>) {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = "census.def"() : () -> tensor<si32>
    %2:2 = coreai.split %arg0, %0, %1 : (tensor<3x8xf32>, tensor<2xui32>, tensor<si32>) -> (tensor<3x2xf32>, tensor<3x6xf32>)
    coreai.output
  }
}
