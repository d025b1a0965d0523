module {
  coreai.graph @census(%arg0: tensor<4x4xf32>, %arg1: tensor<5x2xf32>) {
    %0 = coreai.interpolate_coordinates %arg0, %arg1 {interpolation_mode = #coreai.interpolation_mode<nearest_neighbor>} : (tensor<4x4xf32>, tensor<5x2xf32>) -> tensor<5xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4x4xf32>, %arg1: tensor<5x2xf32>) {
    %0 = coreai.interpolate_coordinates %arg0, %arg1 {census.tag = 7 : i32, interpolation_mode = #coreai.interpolation_mode<nearest_neighbor>} : (tensor<4x4xf32>, tensor<5x2xf32>) -> tensor<5xf32>
    coreai.output
  }
}
