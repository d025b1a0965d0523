module {
  coreai.graph @census(%arg0: !coreai.handle<tensor<4xf32>>, %arg1: !coreai.token) {
    %output, %out_token = coreai.read_handle %arg0, %arg1 : (<tensor<4xf32>>, !coreai.token) -> (tensor<4xf32>, !coreai.token)
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: !coreai.handle<tensor<4xf32>>, %arg1: !coreai.token) {
    %output, %out_token = coreai.read_handle %arg0, %arg1 : (<tensor<4xf32>>, !coreai.token) -> (tensor<4xf32>, !coreai.token) {census.tag = 7 : i32}
    coreai.output
  }
}
