module {
  coreai.graph @census() {
    coreai.target_spec{spec = <triple = "arm64-apple-ios", soc = "a17", delegateOptions = {}>, compilation = <partial>}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census() {
    coreai.target_spec{spec = <triple = "arm64-apple-ios", soc = "a17", delegateOptions = {}>, compilation = <partial> {census.tag = 7 : i32}}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census() {
    coreai.target_spec{spec = <triple = "", soc = "", delegateOptions = {}>, compilation = <full>}
    coreai.output
  }
}
