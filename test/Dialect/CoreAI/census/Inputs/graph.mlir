module {
  coreai.graph private noinline @callee(%arg0: tensor<4xf32> {coreai.name = "input"}) -> (tensor<4xf32> {coreai.name = "output"}) attributes {__coreai_pure__, composite_decl = #coreai.composite_declaration<"layer_norm" = {input_names = ["input"], op_attrs = {axes = [0 : si64], eps = 9.99999974E-6 : f32, version = 1 : si64}, output_names = ["output"]}>, template_op = "layer_norm"} {
    %0 = coreai.relu %arg0 : (tensor<4xf32>) -> tensor<4xf32>
    coreai.output %0 : tensor<4xf32>
  }
}

// -----
module {
  coreai.graph private noinline @callee(%arg0: tensor<4xf32> {coreai.name = "input"}) -> (tensor<4xf32> {coreai.name = "output"}) attributes {__coreai_pure__, census.tag = 7 : i32, composite_decl = #coreai.composite_declaration<"layer_norm" = {input_names = ["input"], op_attrs = {axes = [0 : si64], eps = 9.99999974E-6 : f32, version = 1 : si64}, output_names = ["output"]}>, template_op = "layer_norm"} {
    %0 = coreai.relu %arg0 : (tensor<4xf32>) -> tensor<4xf32>
    coreai.output %0 : tensor<4xf32>
  }
}

// -----
module {
  coreai.graph @g(%arg0: tensor<4xf32>) {
    coreai.output
  }
}

// -----
module {
  coreai.graph externalize @g(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    coreai.output %arg0 : tensor<4xf32>
  }
}

// -----
module {
  coreai.graph private @g(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
    coreai.output %arg0, %arg1 : tensor<4xf32>, tensor<4xf32>
  }
}

// -----
module {
  coreai.graph noinline @g() {
    coreai.output
  }
}

// -----
module {
  coreai.graph @g(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> (tensor<4xf32> {coreai.name = "a"}, tensor<4xf32> {coreai.name = "b"}) {
    coreai.output %arg0, %arg1 : tensor<4xf32>, tensor<4xf32>
  }
}

// -----
module {
  coreai.graph @g<T: !param.type, U: !param.type>(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    coreai.output %arg0 : tensor<4xf32>
  }
}

// -----
module {
  coreai.graph externalize noinline @g(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    coreai.output %arg0 : tensor<4xf32>
  }
}
