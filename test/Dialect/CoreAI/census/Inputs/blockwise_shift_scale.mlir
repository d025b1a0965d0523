module {
  coreai.graph @census(%arg0: tensor<2x2xsi8>, %arg1: tensor<1x1xf32>, %arg2: tensor<1x1xsi8>, %arg3: tensor<1x1xf32>) {
    %0 = coreai.blockwise_shift_scale %arg0, %arg1, %arg2, %arg3 : (tensor<2x2xsi8>, tensor<1x1xf32>, tensor<1x1xsi8>, tensor<1x1xf32>) -> tensor<2x2xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x2xsi8>, %arg1: tensor<1x1xf32>, %arg2: tensor<1x1xsi8>, %arg3: tensor<1x1xf32>) {
    %0 = coreai.blockwise_shift_scale %arg0, %arg1, %arg2, %arg3 : (tensor<2x2xsi8>, tensor<1x1xf32>, tensor<1x1xsi8>, tensor<1x1xf32>) -> tensor<2x2xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
