module {
  coreai.graph @census(%arg0: !coreai.handle<tensor<4xf32>>, %arg1: tensor<4xf32>, %arg2: !coreai.token) {
    %0 = coreai.write_handle %arg0, %arg1, %arg2 : (<tensor<4xf32>>, tensor<4xf32>, !coreai.token) -> !coreai.token
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: !coreai.handle<tensor<4xf32>>, %arg1: tensor<4xf32>, %arg2: !coreai.token) {
    %0 = coreai.write_handle %arg0, %arg1, %arg2 : (<tensor<4xf32>>, tensor<4xf32>, !coreai.token) -> !coreai.token {census.tag = 7 : i32}
    coreai.output
  }
}
