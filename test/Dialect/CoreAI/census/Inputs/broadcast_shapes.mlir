module {
  coreai.graph @census() {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = "census.def"() : () -> tensor<1xui32>
    %2 = coreai.broadcast_shapes %0, %1 : (tensor<2xui32>, tensor<1xui32>) -> tensor<2xui32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census() {
    %0 = "census.def"() : () -> tensor<2xui32>
    %1 = "census.def"() : () -> tensor<1xui32>
    %2 = coreai.broadcast_shapes %0, %1 : (tensor<2xui32>, tensor<1xui32>) -> tensor<2xui32> {census.tag = 7 : i32}
    coreai.output
  }
}
