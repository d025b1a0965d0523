module {
  coreai.graph @census(%arg0: tensor<4x4x3xui8>) {
    %0 = coreai.tensor_to_image %arg0 : tensor<4x4x3xui8> -> <<k24RGB> x 4 : i64 x 4 : i64>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4x4x3xui8>) {
    %0 = coreai.tensor_to_image %arg0 : tensor<4x4x3xui8> -> <<k24RGB> x 4 : i64 x 4 : i64> {census.tag = 7 : i32}
    coreai.output
  }
}
