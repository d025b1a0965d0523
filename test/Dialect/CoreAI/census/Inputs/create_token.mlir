module {
  coreai.graph @census() {
    %0 = coreai.create_token : !coreai.token
    coreai.output
  }
}

// -----
module {
  coreai.graph @census() {
    %0 = coreai.create_token : !coreai.token {census.tag = 7 : i32}
    coreai.output
  }
}
