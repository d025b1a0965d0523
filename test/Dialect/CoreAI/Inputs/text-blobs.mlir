// Blob data of 0-65 bytes, alignments 1 to 128 (text-blobs.mlir).
module {
  "test.uses"() {empty = dense_resource<empty> : tensor<0xi8>, one = dense_resource<one> : tensor<1xi8>, b15 = dense_resource<b15> : tensor<15xi8>, b17 = dense_resource<b17> : tensor<17xi8>, b31 = dense_resource<b31> : tensor<31xi8>, b33 = dense_resource<b33> : tensor<33xi8>, b64 = dense_resource<b64> : tensor<64xi8>, b65 = dense_resource<b65> : tensor<65xi8>, b3 = dense_resource<b3> : tensor<3xi8>} : () -> ()
}

{-#
  dialect_resources: {
    builtin: {
      empty: "0x10000000",
      one: "0x0100000001",
      b15: "0x020000000F34597EA3C8ED12375C81A6CBF015",
      b17: "0x0400000011365B80A5CAEF14395E83A8CDF2173C61",
      b31: "0x080000001F44698EB3D8FD22476C91B6DB00254A6F94B9DE03284D7297BCE1062B5075",
      b33: "0x1000000021466B90B5DAFF24496E93B8DD02274C7196BBE0052A4F7499BEE3082D52779CC1",
      b64: "0x2000000040658AAFD4F91E43688DB2D7FC21466B90B5DAFF24496E93B8DD02274C7196BBE0052A4F7499BEE3082D52779CC1E60B30557A9FC4E90E33587DA2C7EC11365B",
      b65: "0x4000000041668BB0D5FA1F44698EB3D8FD22476C91B6DB00254A6F94B9DE03284D7297BCE1062B50759ABFE4092E53789DC2E70C31567BA0C5EA0F34597EA3C8ED12375C81",
      b3: "0x8000000003284D"
    }
  }
#-}
