module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.isolated_group<"Interpreter">(%arg0) : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%arg1: tensor<4xf32>):
      %1 = coreai.relu %arg1 : (tensor<4xf32>) -> tensor<4xf32>
      coreai.yield %1 : tensor<4xf32>
    }
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.isolated_group<"Interpreter">(%arg0) {census.tag = 7 : i32} : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%arg1: tensor<4xf32>):
      %1 = coreai.relu %arg1 : (tensor<4xf32>) -> tensor<4xf32>
      coreai.yield %1 : tensor<4xf32>
    }
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.isolated_group<"Interpreter">(%arg0) {arg_attrs = [{coreai.name = "a"}], res_attrs = [{coreai.name = "r"}]} : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%arg1: tensor<4xf32>):
      %1 = coreai.relu %arg1 : (tensor<4xf32>) -> tensor<4xf32>
      coreai.yield %1 : tensor<4xf32>
    }
    coreai.output
  }
}
