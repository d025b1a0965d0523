module {
  coreai.graph @census(%arg0: tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>) {
    %0 = "census.def"() : () -> tensor<3xui32>
    %1 = "census.def"() : () -> tensor<3xui32>
    %2 = "census.def"() : () -> tensor<1xui32>
    %3 = coreai.metal4_kernel kernel_args(%arg0), threads_per_grid %0, threads_per_thread_group %1, result_shapes(%2) {kernel_name = "k", kernel_source = "kernel void k() {}"} : (tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>, tensor<3xui32>, tensor<3xui32>, tensor<1xui32>) -> tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>) {
    %0 = "census.def"() : () -> tensor<3xui32>
    %1 = "census.def"() : () -> tensor<3xui32>
    %2 = "census.def"() : () -> tensor<1xui32>
    %3 = coreai.metal4_kernel kernel_args(%arg0), threads_per_grid %0, threads_per_thread_group %1, result_shapes(%2) {census.tag = 7 : i32, kernel_name = "k", kernel_source = "kernel void k() {}"} : (tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>, tensor<3xui32>, tensor<3xui32>, tensor<1xui32>) -> tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>
    coreai.output
  }
}

// -----
module {
  coreai.graph @census(%arg0: tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>, %arg1: tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>) {
    %0 = "census.def"() : () -> tensor<3xui32>
    %1 = "census.def"() : () -> tensor<3xui32>
    %2 = "census.def"() : () -> tensor<1xui32>
    %3 = coreai.metal4_kernel kernel_args(%arg0, %arg1), threads_per_grid %0, threads_per_thread_group %1, result_shapes(%2) {kernel_name = "k", kernel_source = "src"} : (tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>, tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>, tensor<3xui32>, tensor<3xui32>, tensor<1xui32>) -> tensor<4xf32, #coreaix.hw_constraints<MTLBuffer, alignments: [16x16], interleave: [1]>>
    coreai.output
  }
}
