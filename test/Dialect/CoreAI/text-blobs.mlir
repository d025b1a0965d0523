// The blob hex of text programs goes through our codec, not MLIR's parser
// and printer (COREAI_TEXT_BLOBS=mlir makes coreai-opt leave it to MLIR):
// the output is byte for byte MLIR's, for blobs of any size and alignment,
// in both print forms, read from text or bytecode, quantized or not.
// RUN: coreai-opt %S/Inputs/text-blobs.mlir -o %t.fast
// RUN: env COREAI_TEXT_BLOBS=mlir coreai-opt %S/Inputs/text-blobs.mlir -o %t.mlir
// RUN: %compare %t.mlir %t.fast
// RUN: FileCheck %s --input-file=%t.fast
// RUN: coreai-opt %S/Inputs/text-blobs.mlir --mlir-print-op-generic -o %t.generic.fast
// RUN: env COREAI_TEXT_BLOBS=mlir coreai-opt %S/Inputs/text-blobs.mlir --mlir-print-op-generic -o %t.generic.mlir
// RUN: %compare %t.generic.mlir %t.generic.fast
// RUN: coreai-opt %fixtures/emb.mlir --emit-bytecode -o %t.mlirbc
// RUN: coreai-opt %t.mlirbc -o %t.bc.fast
// RUN: env COREAI_TEXT_BLOBS=mlir coreai-opt %t.mlirbc -o %t.bc.mlir
// RUN: %compare %t.bc.mlir %t.bc.fast
// RUN: coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=int4 granularity=per_block' -o %t.q.fast
// RUN: env COREAI_TEXT_BLOBS=mlir coreai-opt %fixtures/linear.mlir --quantize-weights='dtype=int4 granularity=per_block' -o %t.q.mlir
// RUN: %compare %t.q.mlir %t.q.fast
// RUN: coreai-opt %fixtures/cnn.generic.mlir --verify-each=false --quantize-weights=dtype=int8 --mlir-print-op-generic -o %t.qg.fast
// RUN: env COREAI_TEXT_BLOBS=mlir coreai-opt %fixtures/cnn.generic.mlir --verify-each=false --quantize-weights=dtype=int8 --mlir-print-op-generic -o %t.qg.mlir
// RUN: %compare %t.qg.mlir %t.qg.fast

// Inputs/text-blobs.mlir: blob data of 0 to 65 bytes, alignments 1 to 128.
// MLIR reads an empty blob as one of alignment 0 and prints it so.
// CHECK:      {-#
// CHECK-NEXT:   dialect_resources: {
// CHECK-NEXT:     builtin: {
// CHECK-NEXT:       b15: "0x020000000F34597EA3C8ED12375C81A6CBF015",
// CHECK-NEXT:       b17: "0x0400000011365B80A5CAEF14395E83A8CDF2173C61",
// CHECK-NEXT:       b3: "0x8000000003284D",
// CHECK-NEXT:       b31: "0x080000001F44698EB3D8FD22476C91B6DB00254A6F94B9DE03284D7297BCE1062B5075",
// CHECK-NEXT:       b33: "0x1000000021466B90B5DAFF24496E93B8DD02274C7196BBE0052A4F7499BEE3082D52779CC1",
// CHECK-NEXT:       b64: "0x2000000040658AAFD4F91E43688DB2D7FC21466B90B5DAFF24496E93B8DD02274C7196BBE0052A4F7499BEE3082D52779CC1E60B30557A9FC4E90E33587DA2C7EC11365B",
// CHECK-NEXT:       b65: "0x4000000041668BB0D5FA1F44698EB3D8FD22476C91B6DB00254A6F94B9DE03284D7297BCE1062B50759ABFE4092E53789DC2E70C31567BA0C5EA0F34597EA3C8ED12375C81",
// Comments of the input file are not printed, and must not hold the
// digits: the checks of the input text would read them as a blob.
// CHECK-NEXT:       empty: "0x00000000",
// CHECK-NEXT:       one: "0x0100000001"
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: #-}
