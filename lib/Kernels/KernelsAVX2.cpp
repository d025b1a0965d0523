//===- KernelsAVX2.cpp - AVX2 + FMA + F16C kernels ------------------------===//
// Compiled with -mavx2 -mfma -mf16c (see CMakeLists.txt); only called after
// a run-time CPU check.
//===----------------------------------------------------------------------===//
#include "KernelsInternal.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__F16C__)
#include "Avx2Vec.h"
#include "FusedKernels.h"
#include "SimdKernels.h"

namespace coreai {
namespace kernels {
namespace detail {

const KernelTable *avx2Kernels() {
  static const KernelTable table = simdKernelTable<Avx2Vec>();
  return &table;
}

} // namespace detail
} // namespace kernels
} // namespace coreai

#else
namespace coreai {
namespace kernels {
namespace detail {
const KernelTable *avx2Kernels() { return nullptr; }
} // namespace detail
} // namespace kernels
} // namespace coreai
#endif
