module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = "census.def"() : () -> tensor<i1>
    %2 = "census.def"() : () -> tensor<i1>
    %3 = coreai.sort %arg0, %0, %1, %2 : (tensor<4xf32>, tensor<si32>, tensor<i1>, tensor<i1>) -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = "census.def"() : () -> tensor<i1>
    %2 = "census.def"() : () -> tensor<i1>
    %3 = coreai.sort %arg0, %0, %1, %2 attributes {census.tag = 7 : i32} : (tensor<4xf32>, tensor<si32>, tensor<i1>, tensor<i1>) -> tensor<4xf32>
    coreai.output
  }
}
