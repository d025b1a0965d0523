module {
  coreai.graph @census(%arg0: tensor<2xf32>, %arg1: tensor<2xf32>) {
    %0 = coreai.create_complex %arg0, %arg1 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xcomplex<f32>>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2xf32>, %arg1: tensor<2xf32>) {
    %0 = coreai.create_complex %arg0, %arg1 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xcomplex<f32>> {census.tag = 7 : i32}
    coreai.output
  }
}
