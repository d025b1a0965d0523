module {
  coreai.graph @census(%arg0: tensor<3x4xf32>, %arg1: tensor<3x2xsi32>, %arg2: tensor<3x2xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.scatter_along_axis %arg0, %arg1, %arg2, %0 scatter_mode = <add> : (tensor<3x4xf32>, tensor<3x2xsi32>, tensor<3x2xf32>, tensor<si32>) -> tensor<3x4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3x4xf32>, %arg1: tensor<3x2xsi32>, %arg2: tensor<3x2xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.scatter_along_axis %arg0, %arg1, %arg2, %0 scatter_mode = <add> : (tensor<3x4xf32>, tensor<3x2xsi32>, tensor<3x2xf32>, tensor<si32>) -> tensor<3x4xf32> {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3x4xf32>, %arg1: tensor<3x2xsi32>, %arg2: tensor<3x2xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = coreai.scatter_along_axis %arg0, %arg1, %arg2, %0 : (tensor<3x4xf32>, tensor<3x2xsi32>, tensor<3x2xf32>, tensor<si32>) -> tensor<3x4xf32>
    coreai.output
  }
}
