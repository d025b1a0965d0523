module {
  coreai.graph @census(%arg0: tensor<3x4xf32>, %arg1: tensor<3x2xsi32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.gather_along_axis %arg0 at %arg1 along %0 : (tensor<3x4xf32>, tensor<3x2xsi32>, tensor<si32>) to tensor<3x2xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3x4xf32>, %arg1: tensor<3x2xsi32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.gather_along_axis %arg0 at %arg1 along %0 : (tensor<3x4xf32>, tensor<3x2xsi32>, tensor<si32>) to tensor<3x2xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
