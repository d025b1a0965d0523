module {
  coreai.graph @census() -> tensor<4xf32> {
    %0 = "census.def"() : () -> tensor<4xf32>
    coreai.output %0 : tensor<4xf32>
  }
}

// -----
module {
  coreai.graph @census() -> tensor<4xf32> {
    %0 = "census.def"() : () -> tensor<4xf32>
    coreai.output %0 : tensor<4xf32> {census.tag = 7 : i32}
  }
}

// -----
module {
  coreai.graph @census() {
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
    coreai.output %arg0, %arg1 : tensor<4xf32>, tensor<4xf32>
  }
}
