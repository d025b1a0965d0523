module {
  coreai.graph @census(%arg0: !coreai.image<<k24RGB> x 4 : i64 x 4 : i64>) {
    %0 = coreai.image_to_tensor %arg0 : <<k24RGB> x 4 : i64 x 4 : i64> -> tensor<4x4x3xui8>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: !coreai.image<<k24RGB> x 4 : i64 x 4 : i64>) {
    %0 = coreai.image_to_tensor %arg0 : <<k24RGB> x 4 : i64 x 4 : i64> -> tensor<4x4x3xui8> {census.tag = 7 : i32}
    coreai.output
  }
}
