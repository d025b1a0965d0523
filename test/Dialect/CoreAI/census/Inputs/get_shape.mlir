module {
  coreai.graph @census(%arg0: tensor<3x2xf32>) {
    %0 = coreai.get_shape %arg0 : tensor<3x2xf32> -> tensor<2xui32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3x2xf32>) {
    %0 = coreai.get_shape %arg0 : tensor<3x2xf32> -> tensor<2xui32> {census.tag = 7 : i32}
    coreai.output
  }
}
