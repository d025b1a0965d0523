module {
  coreai.graph @census(%arg0: tensor<6x2xui2>, %arg1: tensor<2x1x4x1xf16>) {
    %0 = "census.def"() : () -> tensor<si16>
    %1 = coreai.lut_to_dense %arg0, %arg1, %0 : (tensor<6x2xui2>, tensor<2x1x4x1xf16>, tensor<si16>) -> tensor<6x2xf16>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<6x2xui2>, %arg1: tensor<2x1x4x1xf16>) {
    %0 = "census.def"() : () -> tensor<si16>
    %1 = coreai.lut_to_dense %arg0, %arg1, %0 : (tensor<6x2xui2>, tensor<2x1x4x1xf16>, tensor<si16>) -> tensor<6x2xf16> {census.tag = 7 : i32}
    coreai.output
  }
}
