module {
  coreai.graph @census(%arg0: tensor<2x3xf32, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>>) {
    %0 = coreai.sparse_with_bitmask_to_dense %arg0 : tensor<2x3xf32, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>> -> tensor<2x3xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xf32, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>>) {
    %0 = coreai.sparse_with_bitmask_to_dense %arg0 : tensor<2x3xf32, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>> -> tensor<2x3xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
