module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.delegate<"Interpreter">(%arg0) {resource = array<i8: 1, 2, 3>} : (tensor<4xf32>) -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.delegate<"Interpreter">(%arg0) {census.tag = 7 : i32, resource = array<i8: 1, 2, 3>} : (tensor<4xf32>) -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.delegate<"BNNS">(%arg0) {arg_attrs = [{udml.intent = #udml.intent<in>}], delegate_attrs = {k = "v"}, lifecycle = #udml.lifecycle<init>, res_attrs = [{udml.intent = #udml.intent<out>}], resource = array<i8>} : (tensor<4xf32>) -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census() {
    coreai.delegate<"X">() {resource = array<i8: 0>} : () -> ()
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) {
    %0:2 = coreai.delegate<"X">(%arg0, %arg1) {resource = array<i8: 0>} : (tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
    coreai.output
  }
}
