module {
  coreai.graph @census(%arg0: tensor<4xi1>, %arg1: tensor<4xi1>) {
    %0 = coreai.xor %arg0, %arg1 : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xi1>, %arg1: tensor<4xi1>) {
    %0 = coreai.xor %arg0, %arg1 : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1> {census.tag = 7 : i32}
    coreai.output
  }
}
