module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.invoke @callee(%arg0)  : (tensor<4xf32>) -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.invoke @callee(%arg0)  {census.tag = 7 : i32} : (tensor<4xf32>) -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.invoke @callee(%arg0)  : (tensor<4xf32> {coreai.name = "a"}) -> (tensor<4xf32> {coreai.name = "r"})
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    coreai.invoke @callee(%arg0)  : (tensor<4xf32>) -> ()
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0:2 = coreai.invoke @callee(%arg0)  : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.invoke @callee<f32>(%arg0)  : (tensor<4xf32>) -> tensor<4xf32>
    coreai.output
  }
}
