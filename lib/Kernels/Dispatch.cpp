//===- Dispatch.cpp - Instruction-set paths and the parallel runner -------===//
#include "KernelsInternal.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace coreai {
namespace kernels {

void detail::runParallel(const ParallelFor &pf, size_t n,
                         const std::function<void(size_t, size_t)> &body) {
  if (n == 0)
    return;
  if (pf && n > 1)
    pf(n, body);
  else
    body(0, n);
}

const char *isaName(Isa isa) {
  switch (isa) {
  case Isa::Scalar: return "scalar";
  case Isa::Generic: return "generic";
  case Isa::AVX2: return "avx2";
  case Isa::AVX512: return "avx512";
  }
  return "?";
}

bool isIsaAvailable(Isa isa) {
  switch (isa) {
  case Isa::Scalar:
  case Isa::Generic:
    return true;
  case Isa::AVX2:
#if defined(__x86_64__)
    return detail::avx2Kernels() && __builtin_cpu_supports("avx2") &&
           __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
    return false;
#endif
  case Isa::AVX512:
#if defined(__x86_64__)
    return detail::avx512Kernels() && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("f16c");
#else
    return false;
#endif
  }
  return false;
}

std::vector<Isa> availableIsas() {
  std::vector<Isa> v;
  for (Isa i : {Isa::Scalar, Isa::Generic, Isa::AVX2, Isa::AVX512})
    if (isIsaAvailable(i))
      v.push_back(i);
  return v;
}

static std::atomic<int> gActiveIsa{-1};

Isa activeIsa() {
  int v = gActiveIsa.load(std::memory_order_relaxed);
  if (v >= 0)
    return (Isa)v;
  Isa best = availableIsas().back();
  if (const char *env = std::getenv("COREAI_KERNELS_ISA")) {
    for (Isa i : {Isa::Scalar, Isa::Generic, Isa::AVX2, Isa::AVX512})
      if (!std::strcmp(env, isaName(i)) && isIsaAvailable(i))
        best = i;
  }
  gActiveIsa.store((int)best, std::memory_order_relaxed);
  return best;
}

bool setActiveIsa(Isa isa) {
  if (!isIsaAvailable(isa))
    return false;
  gActiveIsa.store((int)isa, std::memory_order_relaxed);
  return true;
}

} // namespace kernels
} // namespace coreai
