//===- Dispatch.h - Instruction-set paths and the parallel runner ---------===//
//
// What every kernel family (quantize, palettize, sparsify, digests, hex)
// shares: the implementation paths a build and CPU can run, the one the
// kernels use, and the callback through which callers lend their threads.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_DISPATCH_H
#define COREAI_KERNELS_DISPATCH_H

#include <cstddef>
#include <functional>
#include <vector>

namespace coreai {
namespace kernels {

/// Runs body(begin, end) over chunks covering [0, n); the caller supplies one
/// backed by its thread pool. Results do not depend on the split.
using ParallelFor = std::function<void(
    size_t n, const std::function<void(size_t begin, size_t end)> &body)>;

/// Implementation paths. Scalar = the simple reference implementation (the
/// oracle of the tests); Generic = portable C++; the others use intrinsics.
enum class Isa { Scalar, Generic, AVX2, AVX512 };
const char *isaName(Isa);
/// True when this build has the path and the CPU can run it.
bool isIsaAvailable(Isa);
/// Paths this build + CPU can run, slowest first.
std::vector<Isa> availableIsas();
/// The path the kernels use. Defaults to the best available, or to
/// $COREAI_KERNELS_ISA (scalar|generic|avx2|avx512) when set and available.
Isa activeIsa();
/// Returns false (and changes nothing) when `isa` is not available.
bool setActiveIsa(Isa isa);

} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_DISPATCH_H
