module {
  coreai.graph @census(%arg0: tensor<10xf32>) {
    %0 = "census.def"() : () -> tensor<1xsi32>
    %1 = "census.def"() : () -> tensor<1xsi32>
    %2 = "census.def"() : () -> tensor<1xsi32>
    %3 = coreai.slice %arg0, %0, %1, %2 : (tensor<10xf32>, tensor<1xsi32>, tensor<1xsi32>, tensor<1xsi32>) -> tensor<6xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<10xf32>) {
    %0 = "census.def"() : () -> tensor<1xsi32>
    %1 = "census.def"() : () -> tensor<1xsi32>
    %2 = "census.def"() : () -> tensor<1xsi32>
    %3 = coreai.slice %arg0, %0, %1, %2 : (tensor<10xf32>, tensor<1xsi32>, tensor<1xsi32>, tensor<1xsi32>) -> tensor<6xf32> {census.tag = 7 : i32}
    coreai.output
  }
}
