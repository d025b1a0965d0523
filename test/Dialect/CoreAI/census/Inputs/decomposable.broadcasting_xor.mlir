module {
  coreai.graph @census(%arg0: tensor<2x4xi1>, %arg1: tensor<4xi1>) {
    %0 = coreai.decomposable.broadcasting_xor %arg0, %arg1 : (tensor<2x4xi1>, tensor<4xi1>) -> tensor<2x4xi1>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x4xi1>, %arg1: tensor<4xi1>) {
    %0 = coreai.decomposable.broadcasting_xor %arg0, %arg1 attributes {census.tag = 7 : i32} : (tensor<2x4xi1>, tensor<4xi1>) -> tensor<2x4xi1>
    coreai.output
  }
}
