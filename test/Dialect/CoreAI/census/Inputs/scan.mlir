module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = "census.def"() : () -> tensor<ui32>
    %1 = "census.def"() : () -> tensor<i1>
    %2 = coreai.scan %arg0, %0, %1 combiner = <sum> : (tensor<4xf32>, tensor<ui32>, tensor<i1>) -> tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = "census.def"() : () -> tensor<ui32>
    %1 = "census.def"() : () -> tensor<i1>
    %2 = coreai.scan %arg0, %0, %1 combiner = <sum> : (tensor<4xf32>, tensor<ui32>, tensor<i1>) -> tensor<4xf32> {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32>) {
    %0 = "census.def"() : () -> tensor<ui32>
    %1 = "census.def"() : () -> tensor<i1>
    %2 = coreai.scan %arg0, %0, %1 combiner = <max> : (tensor<4xf32>, tensor<ui32>, tensor<i1>) -> tensor<4xf32>
    coreai.output
  }
}
