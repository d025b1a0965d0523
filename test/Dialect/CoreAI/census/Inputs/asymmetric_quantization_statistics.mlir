module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<2xsi8>
    %1 = "census.def"() : () -> tensor<si32>
    %scale, %zero_point = coreai.asymmetric_quantization_statistics %arg0, %0, %1 : (tensor<2x3xf32>, tensor<2xsi8>, tensor<si32>) -> (tensor<3xf32>, tensor<3xsi8>)
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<2x3xf32>) {
    %0 = "census.def"() : () -> tensor<2xsi8>
    %1 = "census.def"() : () -> tensor<si32>
    %scale, %zero_point = coreai.asymmetric_quantization_statistics %arg0, %0, %1 attributes {census.tag = 7 : i32} : (tensor<2x3xf32>, tensor<2xsi8>, tensor<si32>) -> (tensor<3xf32>, tensor<3xsi8>)
    coreai.output
  }
}
