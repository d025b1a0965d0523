module {
  coreai.graph @census(%arg0: !coreai.token, %arg1: !coreai.token) {
    %0 = coreai.join_token %arg0, %arg1 : (!coreai.token, !coreai.token) -> !coreai.token
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: !coreai.token, %arg1: !coreai.token) {
    %0 = coreai.join_token %arg0, %arg1 : (!coreai.token, !coreai.token) -> !coreai.token {census.tag = 7 : i32}
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: !coreai.token) {
    %0 = coreai.join_token %arg0 : (!coreai.token) -> !coreai.token
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: !coreai.token, %arg1: !coreai.token, %arg2: !coreai.token) {
    %0 = coreai.join_token %arg0, %arg1, %arg2 : (!coreai.token, !coreai.token, !coreai.token) -> !coreai.token
    coreai.output
  }
}
