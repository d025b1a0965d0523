"builtin.module"() ({
  "coreai.graph"() <{arg_attrs = [{coreai.name = "x"}], function_type = (tensor<4x8xf32>) -> tensor<4x8xf32>, param_decls = #param.decl.array<[]>, res_attrs = [{coreai.name = "getitem_1"}], sym_name = "main"}> ({
  ^bb0(%arg0: tensor<4x8xf32>):
    %0 = "coreai.constant"() <{value = dense<1.000000e+00> : tensor<f32>}> : () -> tensor<f32>
    %1 = "coreai.constant"() <{value = dense<2.000000e+00> : tensor<f32>}> : () -> tensor<f32>
    %2 = "coreai.constant"() <{value = dense<1> : tensor<si32>}> : () -> tensor<si32>
    %3 = "coreai.constant"() <{value = dense<3> : tensor<si32>}> : () -> tensor<si32>
    %4 = "coreai.constant"() <{value = dense<0> : tensor<si32>}> : () -> tensor<si32>
    %5:2 = "coreai.while"(%4, %arg0) ({
    ^bb0(%arg3: tensor<si32>, %arg4: tensor<4x8xf32>):
      %9 = "coreai.decomposable.broadcasting_greater"(%3, %arg3) : (tensor<si32>, tensor<si32>) -> tensor<i1>
      "coreai.condition"(%9, %arg3, %arg4) : (tensor<i1>, tensor<si32>, tensor<4x8xf32>) -> ()
    }, {
    ^bb0(%arg1: tensor<si32>, %arg2: tensor<4x8xf32>):
      %6 = "coreai.decomposable.broadcasting_add"(%arg1, %2) : (tensor<si32>, tensor<si32>) -> tensor<si32>
      %7 = "coreai.decomposable.broadcasting_mul"(%arg2, %1) : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
      %8 = "coreai.decomposable.broadcasting_add"(%7, %0) : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
      "coreai.yield"(%6, %8) : (tensor<si32>, tensor<4x8xf32>) -> ()
    }) : (tensor<si32>, tensor<4x8xf32>) -> (tensor<si32>, tensor<4x8xf32>)
    "coreai.output"(%5#1) : (tensor<4x8xf32>) -> ()
  }) {__coreai_pure__} : () -> ()
}) : () -> ()
