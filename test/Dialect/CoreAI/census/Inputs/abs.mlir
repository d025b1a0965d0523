module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.abs %arg0 : tensor<4xf32> -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.abs %arg0 : tensor<4xf32> -> tensor<4xf32> {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<f32>) {
    %0 = coreai.abs %arg0 : tensor<f32> -> tensor<f32>
    coreai.output
  }
}
