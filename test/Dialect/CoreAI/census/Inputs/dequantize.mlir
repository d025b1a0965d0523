module {
  coreai.graph @census(%arg0: tensor<2x3xsi8>, %arg1: tensor<3xf32>, %arg2: tensor<3xsi8>, %arg3: tensor<3xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.dequantize %arg0, %arg1, %arg2, %arg3, %0 : (tensor<2x3xsi8>, tensor<3xf32>, tensor<3xsi8>, tensor<3xf32>, tensor<si32>) -> tensor<2x3xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xsi8>, %arg1: tensor<3xf32>, %arg2: tensor<3xsi8>, %arg3: tensor<3xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.dequantize %arg0, %arg1, %arg2, %arg3, %0 attributes {census.tag = 7 : i32} : (tensor<2x3xsi8>, tensor<3xf32>, tensor<3xsi8>, tensor<3xf32>, tensor<si32>) -> tensor<2x3xf32>
    coreai.output
  }
}
