module {
  coreai.graph @census(%arg0: tensor<2xcomplex<f32>>) {
    %0 = coreai.imaginary_part %arg0 : (tensor<2xcomplex<f32>>) -> tensor<2xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2xcomplex<f32>>) {
    %0 = coreai.imaginary_part %arg0 : (tensor<2xcomplex<f32>>) -> tensor<2xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
