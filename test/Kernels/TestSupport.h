//===- TestSupport.h - Shared pieces of the kernel tests ------------------===//
//
// The check macro and its counters, a platform-independent PRNG, names of
// the source types and a ParallelFor on plain threads, for the kernel test
// programs (each a binary of its own).
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TEST_KERNELS_TESTSUPPORT_H
#define COREAI_TEST_KERNELS_TESTSUPPORT_H

#include "coreai/Kernels/Quantize.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

static int gPassed = 0, gFailed = 0;
#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (cond) {                                                                \
      ++gPassed;                                                               \
    } else {                                                                   \
      ++gFailed;                                                               \
      if (gFailed <= 40) {                                                     \
        std::printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);           \
        std::printf(__VA_ARGS__);                                              \
        std::printf("\n");                                                     \
      }                                                                        \
    }                                                                          \
  } while (0)

/// splitmix64, with uniform, normal and integer draws.
struct Rng {
  uint64_t s;
  uint64_t next() {
    s += 0x9E3779B97F4A7C15ull;
    uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uni() { return (next() >> 11) * 0x1.0p-53; }
  double normal() {
    double u = uni() + 1e-300, v = uni();
    return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
  int range(int n) { return (int)(next() % (uint64_t)n); }
};

static inline const char *srcName(coreai::kernels::SrcType t) {
  static const char *n[] = {"f32", "f16", "bf16"};
  return n[(int)t];
}

/// A ParallelFor on `nThreads` fresh threads, with deliberately uneven
/// chunks.
static inline coreai::kernels::ParallelFor threadPool(int nThreads) {
  return [nThreads](size_t n,
                    const std::function<void(size_t, size_t)> &body) {
    std::vector<std::thread> ts;
    size_t begin = 0;
    for (int t = 0; t < nThreads && begin < n; ++t) {
      size_t end = t == nThreads - 1 ? n : begin + (n - begin) / 2 + 1;
      if (end > n)
        end = n;
      ts.emplace_back(body, begin, end);
      begin = end;
    }
    for (auto &t : ts)
      t.join();
  };
}

#endif // COREAI_TEST_KERNELS_TESTSUPPORT_H
