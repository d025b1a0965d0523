//===- KernelsGeneric.cpp - Portable kernels ------------------------------===//
//
// Plain C++ (no intrinsics), written so compilers can vectorize the f32
// loops; the same math as quantizeOne()/foldOne() element by element.
//
//===----------------------------------------------------------------------===//
#include "KernelsInternal.h"

namespace coreai {
namespace kernels {
namespace detail {
namespace {

template <SrcType ST> inline float ld(const void *src, int64_t i) {
  return loadSrc(src, ST, i);
}

template <SrcType ST>
void statsGroupsT(const void *src, int64_t off, int64_t R, int64_t nGroups,
                  StatsPtrs s) {
  for (int64_t g = 0; g < nGroups; ++g) {
    const int64_t base = off + g * R;
    uint32_t amax = s.amaxBits[g];
    if (!s.mn) {
      for (int64_t i = 0; i < R; ++i) {
        uint32_t a = f2u(ld<ST>(src, base + i)) & 0x7fffffffu;
        amax = a > amax ? a : amax;
      }
    } else {
      float mn = s.mn[g], mx = s.mx[g];
      for (int64_t i = 0; i < R; ++i)
        foldOne(ld<ST>(src, base + i), amax, mn, mx);
      s.mn[g] = mn;
      s.mx[g] = mx;
    }
    s.amaxBits[g] = amax;
  }
}

template <SrcType ST>
void statsColumnsT(const void *src, int64_t off, int64_t n, StatsPtrs s) {
  if (!s.mn) {
    for (int64_t c = 0; c < n; ++c) {
      uint32_t a = f2u(ld<ST>(src, off + c)) & 0x7fffffffu;
      s.amaxBits[c] = a > s.amaxBits[c] ? a : s.amaxBits[c];
    }
  } else {
    for (int64_t c = 0; c < n; ++c)
      foldOne(ld<ST>(src, off + c), s.amaxBits[c], s.mn[c], s.mx[c]);
  }
}

template <SrcType ST>
void quantizeSegmentT(const void *src, int64_t off, int64_t n, int64_t R,
                      int64_t phase, const float *scale, const float *zp,
                      const QuantKind &k, uint8_t *codes) {
  int64_t i = 0, g = 0, p = phase;
  while (i < n) {
    int64_t len = R - p < n - i ? R - p : n - i;
    const float s = scale[g], z = zp[g];
    for (int64_t j = 0; j < len; ++j)
      codes[i + j] = quantizeOne(ld<ST>(src, off + i + j), s, z, k);
    i += len;
    ++g;
    p = 0;
  }
}

void statsGroups(const void *src, SrcType st, int64_t off, int64_t R,
                 int64_t nGroups, StatsPtrs s) {
  switch (st) {
  case SrcType::F32: return statsGroupsT<SrcType::F32>(src, off, R, nGroups, s);
  case SrcType::F16: return statsGroupsT<SrcType::F16>(src, off, R, nGroups, s);
  case SrcType::BF16:
    return statsGroupsT<SrcType::BF16>(src, off, R, nGroups, s);
  }
}

void statsColumns(const void *src, SrcType st, int64_t off, int64_t n,
                  StatsPtrs s) {
  switch (st) {
  case SrcType::F32: return statsColumnsT<SrcType::F32>(src, off, n, s);
  case SrcType::F16: return statsColumnsT<SrcType::F16>(src, off, n, s);
  case SrcType::BF16: return statsColumnsT<SrcType::BF16>(src, off, n, s);
  }
}

void quantizeSegment(const void *src, SrcType st, int64_t off, int64_t n,
                     int64_t R, int64_t phase, const float *scale,
                     const float *zp, const QuantKind &k, uint8_t *codes) {
  switch (st) {
  case SrcType::F32:
    return quantizeSegmentT<SrcType::F32>(src, off, n, R, phase, scale, zp, k,
                                          codes);
  case SrcType::F16:
    return quantizeSegmentT<SrcType::F16>(src, off, n, R, phase, scale, zp, k,
                                          codes);
  case SrcType::BF16:
    return quantizeSegmentT<SrcType::BF16>(src, off, n, R, phase, scale, zp, k,
                                           codes);
  }
}

const KernelTable kGeneric = {statsGroups, statsColumns, quantizeSegment,
                               nullptr, nullptr, nullptr, nullptr};

} // namespace

const KernelTable *genericKernels() { return &kGeneric; }

} // namespace detail
} // namespace kernels
} // namespace coreai
