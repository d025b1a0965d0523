"builtin.module"() ({
  "coreai.graph"() <{arg_attrs = [{coreai.name = "x"}], function_type = (tensor<4x8xf32>) -> tensor<4x8xf32>, param_decls = #param.decl.array<[]>, res_attrs = [{coreai.name = "getitem"}], sym_name = "main"}> ({
  ^bb0(%arg0: tensor<4x8xf32>):
    %0 = "coreai.constant"() <{value = dense<> : tensor<0xui32>}> : () -> tensor<0xui32>
    %1 = "coreai.constant"() <{value = dense<2.000000e+00> : tensor<f32>}> : () -> tensor<f32>
    %2 = "coreai.constant"() <{value = dense<0.000000e+00> : tensor<f32>}> : () -> tensor<f32>
    %3 = "coreai.constant"() <{value = dense<[1, 0]> : tensor<2xui32>}> : () -> tensor<2xui32>
    %4 = "coreai.constant"() <{value = dense<[[-0.00264699059, 0.189661443, -0.290990382, -0.260193735, -0.136172622, 0.0948079451, -0.00700501679, 0.280328751], [-0.0313757583, 0.0935546681, -0.106848456, -0.069496356, -0.337766707, -0.234152079, -0.145742878, 0.0130968802], [0.139772102, 0.212140083, -0.239688367, -0.153959364, 0.128416643, 0.293586463, -0.0727613494, 0.26456815], [-0.0569869205, 0.0374109335, 0.320134193, -3.279810e-01, -0.222575262, -0.0895074307, -0.137815088, 0.305470407], [-0.229166105, -0.162752241, -0.247006699, -0.331124306, -0.206383422, 0.303913802, 0.157762021, 0.171357617], [0.0185939241, -0.181260988, 0.0598158166, -0.330110937, -0.255465746, -0.182267368, 0.223070249, 0.20729585], [-0.156799167, -0.0127570499, 0.226118848, 0.351479113, 0.140319034, 0.0477625355, 0.237052709, -0.208173066], [0.0658825636, -0.274111897, -0.24504295, -0.182639867, 0.159973383, 0.142185166, -0.209428236, 0.106810987]]> : tensor<8x8xf32>}> : () -> tensor<8x8xf32>
    %5 = "coreai.constant"() <{value = dense<[0.194090918, -0.0446245782, 0.0134992143, 0.081919983, 0.219336241, 0.339479864, -0.272456557, -0.12956661]> : tensor<8xf32>}> : () -> tensor<8xf32>
    %6 = "coreai.constant"() <{value = dense<[0, 1]> : tensor<2xsi32>}> : () -> tensor<2xsi32>
    %7 = "coreai.reduce_sum"(%arg0, %6) : (tensor<4x8xf32>, tensor<2xsi32>) -> tensor<1x1xf32>
    %8 = "coreai.decomposable.broadcasting_greater"(%7, %2) : (tensor<1x1xf32>, tensor<f32>) -> tensor<1x1xi1>
    %9 = "coreai.reshape"(%8, %0) : (tensor<1x1xi1>, tensor<0xui32>) -> tensor<i1>
    %10 = "coreai.if"(%9) ({
      %13 = "coreai.transpose"(%4, %3) : (tensor<8x8xf32>, tensor<2xui32>) -> tensor<8x8xf32>
      %14 = "coreai.decomposable.broadcasting_batch_matmul"(%arg0, %13) : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
      %15 = "coreai.decomposable.broadcasting_add"(%14, %5) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
      %16 = "coreai.relu"(%15) : (tensor<4x8xf32>) -> tensor<4x8xf32>
      "coreai.yield"(%16) : (tensor<4x8xf32>) -> ()
    }, {
      %11 = "coreai.sigmoid"(%arg0) : (tensor<4x8xf32>) -> tensor<4x8xf32>
      %12 = "coreai.decomposable.broadcasting_mul"(%11, %1) : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
      "coreai.yield"(%12) : (tensor<4x8xf32>) -> ()
    }) : (tensor<i1>) -> tensor<4x8xf32>
    "coreai.output"(%10) : (tensor<4x8xf32>) -> ()
  }) {__coreai_pure__} : () -> ()
}) : () -> ()
