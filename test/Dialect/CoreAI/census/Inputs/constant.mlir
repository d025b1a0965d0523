module {
  coreai.graph @census() {
    %0 = coreai.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census() {
    %0 = coreai.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32> {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census() {
    %0 = coreai.constant dense<0.000000e+00> : tensor<4xf32>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census() {
    %0 = coreai.constant dense_resource<blob1> : tensor<4xf32>
    coreai.output
  }
}

{-#
  dialect_resources: {
    builtin: {
      blob1: "0x0400000000000000000000000000000000000000"
    }
  }
#-}

// -----
module {
  coreai.graph @census() {
    %0 = coreai.constant dense<true> : tensor<i1>
    coreai.output
  }
}
