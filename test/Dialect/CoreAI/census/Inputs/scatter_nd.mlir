module {
  coreai.graph @census(%arg0: tensor<8xf32>, %arg1: tensor<4x1xsi32>, %arg2: tensor<4xf32>) {
    %0 = coreai.scatter_nd %arg0 with %arg2 at %arg1 {
    ^bb0(%arg3: tensor<f32>, %arg4: tensor<f32>):
      coreai.yield %arg4 : tensor<f32>
    } : (tensor<8xf32>, tensor<4xf32>, tensor<4x1xsi32>) to tensor<8xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<8xf32>, %arg1: tensor<4x1xsi32>, %arg2: tensor<4xf32>) {
    %0 = coreai.scatter_nd %arg0 with %arg2 at %arg1 {
    ^bb0(%arg3: tensor<f32>, %arg4: tensor<f32>):
      coreai.yield %arg4 : tensor<f32>
    } : (tensor<8xf32>, tensor<4xf32>, tensor<4x1xsi32>) to tensor<8xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
