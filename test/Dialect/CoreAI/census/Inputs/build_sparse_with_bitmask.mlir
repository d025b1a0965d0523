module {
  coreai.graph @census(%arg0: tensor<3xf32>, %arg1: tensor<2x3xui1>) {
    %0 = coreai.build_sparse_with_bitmask %arg0, %arg1 : (tensor<3xf32>, tensor<2x3xui1>) -> tensor<2x3xf32, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<3xf32>, %arg1: tensor<2x3xui1>) {
    %0 = coreai.build_sparse_with_bitmask %arg0, %arg1 : (tensor<3xf32>, tensor<2x3xui1>) -> tensor<2x3xf32, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>> {census.tag = 7 : i32}
    coreai.output
  }
}
