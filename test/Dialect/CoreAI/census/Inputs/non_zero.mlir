module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = coreai.non_zero %arg0 : tensor<2x3xf32> -> tensor<?x2xsi32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = coreai.non_zero %arg0 : tensor<2x3xf32> -> tensor<?x2xsi32> {census.tag = 7 : i32}
    coreai.output
  }
}
