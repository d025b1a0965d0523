module {
  coreai.graph @census(%arg0: tensor<6x2xui2, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>>, %arg1: tensor<2x1x4x1xf16>) {
    %0 = "census.def"() : () -> tensor<si16>
    %1 = coreai.lut_to_sparse_with_bitmask %arg0, %arg1, %0 : (tensor<6x2xui2, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>>, tensor<2x1x4x1xf16>, tensor<si16>) -> tensor<6x2xf16, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<6x2xui2, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>>, %arg1: tensor<2x1x4x1xf16>) {
    %0 = "census.def"() : () -> tensor<si16>
    %1 = coreai.lut_to_sparse_with_bitmask %arg0, %arg1, %0 : (tensor<6x2xui2, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>>, tensor<2x1x4x1xf16>, tensor<si16>) -> tensor<6x2xf16, #coreai.sparse_tensor_encoding<bitmask, posWidth = 1, crdWidth = 1>> {census.tag = 7 : i32}
    coreai.output
  }
}
