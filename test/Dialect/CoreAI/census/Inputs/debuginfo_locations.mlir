#file = #debuginfo.file<filename = "f.py", directory = "", sha256Sum = "">
#loc = loc("f.py":3:0)
#compile_unit = #debuginfo.compile_unit<sourceLanguage = "DW_LANG_Python", file = #file, producer = "ODIE", optimized = false, flags = "">
#subprogram = #debuginfo.subprogram<compileUnit = #compile_unit, file = #file, name = "main", linkageName = "main"> : !debuginfo.unresolved<(tensor<4xf32>) -> tensor<4xf32>>
#loc1 = #debuginfo.location<#loc in #subprogram>
module {
  coreai.graph @main(%arg0: tensor<4xf32> loc(#loc1)) -> tensor<4xf32> {
    %0 = coreai.abs %arg0 : tensor<4xf32> -> tensor<4xf32> loc(#loc2)
    coreai.output %0 : tensor<4xf32> loc(#loc1)
  } loc(#loc1)
} loc(#loc1)
#metadata = #debuginfo.metadata<"op_id": {type = "coreai", value = 0 : ui64}>
#loc2 = #debuginfo.location<#loc in @main fused with [#loc1] metadata = [#metadata]>
