module {
  coreai.graph @census(%arg0: tensor<4x3xf32>, %arg1: tensor<2x1xsi32>) {
    %0 = coreai.gather_nd %arg0 at %arg1 : (tensor<4x3xf32>, tensor<2x1xsi32>) to tensor<2x3xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4x3xf32>, %arg1: tensor<2x1xsi32>) {
    %0 = coreai.gather_nd %arg0 at %arg1 : (tensor<4x3xf32>, tensor<2x1xsi32>) to tensor<2x3xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
