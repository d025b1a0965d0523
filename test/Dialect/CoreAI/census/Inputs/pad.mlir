module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<4xui32>
    %1 = "census.def"() : () -> tensor<f32>
    %2 = coreai.pad %arg0, %0, %1 mode = <constant> : (tensor<2x3xf32>, tensor<4xui32>, tensor<f32>) -> tensor<4x5xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<4xui32>
    %1 = "census.def"() : () -> tensor<f32>
    %2 = coreai.pad %arg0, %0, %1 mode = <constant> : (tensor<2x3xf32>, tensor<4xui32>, tensor<f32>) -> tensor<4x5xf32> {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<4xui32>
    %1 = "census.def"() : () -> tensor<f32>
    %2 = coreai.pad %arg0, %0, %1 mode = <reflect> : (tensor<2x3xf32>, tensor<4xui32>, tensor<f32>) -> tensor<4x5xf32>
    coreai.output
  }
}
