module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.cast %arg0 : tensor<4xf32> to tensor<4xsi32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.cast %arg0 : tensor<4xf32> to tensor<4xsi32> {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = coreai.cast %arg0 : tensor<4xf32> to tensor<4xi1>
    coreai.output
  }
}
