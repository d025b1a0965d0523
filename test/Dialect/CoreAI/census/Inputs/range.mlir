module {
  coreai.graph @census() {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = "census.def"() : () -> tensor<si32>
    %2 = "census.def"() : () -> tensor<si32>
    %3 = coreai.range %0, %1, %2 : (tensor<si32>, tensor<si32>, tensor<si32>) -> tensor<10xsi32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census() {
    %0 = "census.def"() : () -> tensor<si32>
    %1 = "census.def"() : () -> tensor<si32>
    %2 = "census.def"() : () -> tensor<si32>
    %3 = coreai.range %0, %1, %2 : (tensor<si32>, tensor<si32>, tensor<si32>) -> tensor<10xsi32> {census.tag = 7 : i32}
    coreai.output
  }
}
