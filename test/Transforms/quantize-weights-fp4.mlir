// quantize-weights: FP4 E2M1FN per block of 32, E8M0FNU scales (MXFP4).
// Data / scale / offset1 / offset2 constants feed a blockwise_shift_scale of the
// weight's type that replaces the float constant (which is erased) at every use.

// RUN: coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=fp4_e2m1fn granularity=per_block' | FileCheck %s --check-prefix=LINEAR
// RUN: coreai-opt %fixtures/cnn.mlir --quantize-weights='dtype=fp4_e2m1fn granularity=per_block' | FileCheck %s --check-prefix=CNN
// RUN: coreai-opt %fixtures/emb.mlir --quantize-weights='dtype=fp4_e2m1fn granularity=per_block' | FileCheck %s --check-prefix=EMB
// RUN: coreai-opt %fixtures/batch_matmul.mlir --quantize-weights='dtype=fp4_e2m1fn granularity=per_block' | FileCheck %s --check-prefix=BMM

// LINEAR-LABEL: coreai.graph @main
// LINEAR-NOT: coreai.constant {{.*}} : tensor<32x2048xf32>
// LINEAR: %[[D0:.+]] = coreai.constant dense_resource<{{.+}}> : tensor<32x2048xf4E2M1FN>
// LINEAR-NEXT: %[[S0:.+]] = coreai.constant dense_resource<{{.+}}> : tensor<32x64xf8E8M0FNU>
// LINEAR-NEXT: %[[Z0:.+]] = coreai.constant dense<0.000000e+00> : tensor<32x64xf4E2M1FN>
// LINEAR-NEXT: %[[O0:.+]] = coreai.constant dense<0.000000e+00> : tensor<32x64xf32>
// LINEAR-NEXT: %[[W0:.+]] = coreai.blockwise_shift_scale %[[D0]], %[[S0]], %[[Z0]], %[[O0]] : (tensor<32x2048xf4E2M1FN>, tensor<32x64xf8E8M0FNU>, tensor<32x64xf4E2M1FN>, tensor<32x64xf32>) -> tensor<32x2048xf32>
// LINEAR: = coreai.transpose %[[W0]], %{{[0-9]+}} :
// LINEAR-NOT: coreai.constant {{.*}} : tensor<32x2048xf32>

// CNN-LABEL: coreai.graph @main
// CNN-NOT: coreai.constant {{.*}} : tensor<64x32x3x3xf32>
// CNN: %[[D0:.+]] = coreai.constant dense_resource<{{.+}}> : tensor<64x32x3x3xf4E2M1FN>
// CNN-NEXT: %[[S0:.+]] = coreai.constant dense<{{.+}}> : tensor<64x1x1x1xf8E8M0FNU>
// CNN-NEXT: %[[Z0:.+]] = coreai.constant dense<0.000000e+00> : tensor<64x1x1x1xf4E2M1FN>
// CNN-NEXT: %[[O0:.+]] = coreai.constant dense<0.000000e+00> : tensor<64x1x1x1xf32>
// CNN-NEXT: %[[W0:.+]] = coreai.blockwise_shift_scale %[[D0]], %[[S0]], %[[Z0]], %[[O0]] : (tensor<64x32x3x3xf4E2M1FN>, tensor<64x1x1x1xf8E8M0FNU>, tensor<64x1x1x1xf4E2M1FN>, tensor<64x1x1x1xf32>) -> tensor<64x32x3x3xf32>
// CNN: = coreai.conv2d %{{[0-9]+}}, %[[W0]], %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}} :
// CNN-NOT: coreai.constant {{.*}} : tensor<64x32x3x3xf32>

// EMB-LABEL: coreai.graph @main
// EMB-NOT: coreai.constant {{.*}} : tensor<1000x64xf32>
// EMB-NOT: coreai.constant {{.*}} : tensor<128x64xf32>
// EMB: %[[D0:.+]] = coreai.constant dense_resource<{{.+}}> : tensor<1000x64xf4E2M1FN>
// EMB-NEXT: %[[S0:.+]] = coreai.constant dense_resource<{{.+}}> : tensor<1000x2xf8E8M0FNU>
// EMB-NEXT: %[[Z0:.+]] = coreai.constant dense<0.000000e+00> : tensor<1000x2xf4E2M1FN>
// EMB-NEXT: %[[O0:.+]] = coreai.constant dense<0.000000e+00> : tensor<1000x2xf32>
// EMB-NEXT: %[[W0:.+]] = coreai.blockwise_shift_scale %[[D0]], %[[S0]], %[[Z0]], %[[O0]] : (tensor<1000x64xf4E2M1FN>, tensor<1000x2xf8E8M0FNU>, tensor<1000x2xf4E2M1FN>, tensor<1000x2xf32>) -> tensor<1000x64xf32>
// EMB: %[[D1:.+]] = coreai.constant dense_resource<{{.+}}> : tensor<128x64xf4E2M1FN>
// EMB-NEXT: %[[S1:.+]] = coreai.constant dense_resource<{{.+}}> : tensor<128x2xf8E8M0FNU>
// EMB-NEXT: %[[Z1:.+]] = coreai.constant dense<0.000000e+00> : tensor<128x2xf4E2M1FN>
// EMB-NEXT: %[[O1:.+]] = coreai.constant dense<0.000000e+00> : tensor<128x2xf32>
// EMB-NEXT: %[[W1:.+]] = coreai.blockwise_shift_scale %[[D1]], %[[S1]], %[[Z1]], %[[O1]] : (tensor<128x64xf4E2M1FN>, tensor<128x2xf8E8M0FNU>, tensor<128x2xf4E2M1FN>, tensor<128x2xf32>) -> tensor<128x64xf32>
// EMB: = coreai.gather_nd %[[W0]] at %{{[0-9]+}} :
// EMB: = coreai.transpose %[[W1]], %{{[0-9]+}} :
// EMB-NOT: coreai.constant {{.*}} : tensor<1000x64xf32>
// EMB-NOT: coreai.constant {{.*}} : tensor<128x64xf32>

// BMM-LABEL: coreai.graph @main
// BMM-NOT: coreai.constant {{.*}} : tensor<128x64xf32>
// BMM: %[[D0:.+]] = coreai.constant dense_resource<{{.+}}> : tensor<128x64xf4E2M1FN>
// BMM-NEXT: %[[S0:.+]] = coreai.constant dense_resource<{{.+}}> : tensor<4x64xf8E8M0FNU>
// BMM-NEXT: %[[Z0:.+]] = coreai.constant dense<0.000000e+00> : tensor<4x64xf4E2M1FN>
// BMM-NEXT: %[[O0:.+]] = coreai.constant dense<0.000000e+00> : tensor<4x64xf32>
// BMM-NEXT: %[[W0:.+]] = coreai.blockwise_shift_scale %[[D0]], %[[S0]], %[[Z0]], %[[O0]] : (tensor<128x64xf4E2M1FN>, tensor<4x64xf8E8M0FNU>, tensor<4x64xf4E2M1FN>, tensor<4x64xf32>) -> tensor<128x64xf32>
// BMM: = coreai.batch_matmul %arg0, %[[W0]] :
// BMM-NOT: coreai.constant {{.*}} : tensor<128x64xf32>
