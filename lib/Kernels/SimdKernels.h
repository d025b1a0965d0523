//===- SimdKernels.h - Quantize kernels of the x86 SIMD paths ---*- C++ -*-===//
//
// Templates over a vector traits class V (vector width V::W and the primitive
// operations; Avx2Vec.h, KernelsAVX512.cpp), instantiated by the translation
// unit of each path with that path's ISA flags. Everything has internal
// linkage, so no instantiation leaks into another path at link time. The
// math is exactly that of quantizeOne()/foldOne() in KernelsInternal.h, lane
// by lane; tails use those scalar functions.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELS_SIMDKERNELS_H
#define COREAI_KERNELS_SIMDKERNELS_H

#include "KernelsInternal.h"

namespace coreai {
namespace kernels {
namespace detail {
namespace {

// Mode: 0 = integer, else the FP type's mantissa bits (3 e4m3fn, 2 e5m2, 1 e2m1).
template <class V, int Mode, bool Mul = false>
static inline typename V::VI quantizeVec(typename V::VF x, typename V::VF s,
                                         typename V::VF z, const QuantKind &k) {
  typedef typename V::VF VF;
  typedef typename V::VI VI;
  // A true division, or with Mul a product by the exact reciprocal of a
  // power-of-two scale.
  VF y = Mul ? V::mul(x, s) : V::div(x, s);
  if (Mode == 0) {
    VF q = V::add(V::roundEven(y), z);
    q = V::minf(V::maxf(q, V::setf(k.lo)), V::setf(k.hi));
    return V::andi(V::cvt(q), V::seti((int)k.mask));
  } else {
    constexpr int sh = 23 - Mode;
    VI yb = V::asInt(y);
    VI sign = V::template srli<31>(yb);
    VF a = V::minf(V::asFloat(V::andi(yb, V::seti(0x7fffffff))), V::setf(k.fmax));
    VI ab = V::asInt(a);
    // Subnormal range: the FPU rounds a + magic to the subnormal step.
    VI sub = V::subi(V::asInt(V::add(a, V::setf(k.magic))),
                     V::seti((int)f2u(k.magic)));
    // Normal range: round the f32 mantissa to Mode bits, half to even.
    VI odd = V::andi(V::template srli<sh>(ab), V::seti(1));
    VI norm = V::subi(
        V::template srli<sh>(V::addi(V::addi(ab, V::seti((1 << (sh - 1)) - 1)), odd)),
        V::seti((int)k.rebias));
    VI code = V::selectLt(ab, V::seti((int)k.minNormalBits), sub, norm);
    return V::ori(code, V::template slli<Mode == 1 ? 3 : 7>(sign));
  }
}

template <class V, SrcType ST>
static inline typename V::VF loadV(const void *src, int64_t i) {
  if (ST == SrcType::F32)
    return V::loadF32((const float *)src + i);
  if (ST == SrcType::F16)
    return V::loadF16((const uint16_t *)src + i);
  return V::loadBF16((const uint16_t *)src + i);
}

template <class V, SrcType ST, bool Asym>
static void statsGroupsT(const void *src, int64_t off, int64_t R,
                         int64_t nGroups, StatsPtrs s) {
  typedef typename V::VF VF;
  typedef typename V::VI VI;
  const VI absMask = V::seti(0x7fffffff);
  for (int64_t g = 0; g < nGroups; ++g) {
    const int64_t base = off + g * R;
    uint32_t amax = s.amaxBits[g];
    float mn = Asym ? s.mn[g] : 0.f, mx = Asym ? s.mx[g] : 0.f;
    int64_t i = 0;
    if (R >= V::W) {
      VI va = V::seti(0);
      VF vmn = V::setf(0.f), vmx = V::setf(0.f);
      for (; i + V::W <= R; i += V::W) {
        VF x = loadV<V, ST>(src, base + i);
        va = V::maxi(va, V::andi(V::asInt(x), absMask));
        if (Asym) {
          vmn = V::minf(x, vmn);
          vmx = V::maxf(x, vmx);
        }
      }
      uint32_t a = V::hmaxi(va);
      amax = a > amax ? a : amax;
      if (Asym) {
        float l = V::hminf(vmn), h = V::hmaxf(vmx);
        mn = l < mn ? l : mn;
        mx = h > mx ? h : mx;
      }
    }
    for (; i < R; ++i)
      foldOne(loadSrc(src, ST, base + i), amax, mn, mx);
    s.amaxBits[g] = amax;
    if (Asym) {
      s.mn[g] = mn;
      s.mx[g] = mx;
    }
  }
}

template <class V, SrcType ST, bool Asym>
static void statsColumnsT(const void *src, int64_t off, int64_t n,
                          StatsPtrs s) {
  typedef typename V::VF VF;
  typedef typename V::VI VI;
  const VI absMask = V::seti(0x7fffffff);
  int64_t c = 0;
  for (; c + V::W <= n; c += V::W) {
    VF x = loadV<V, ST>(src, off + c);
    VI a = V::loadI((const int32_t *)s.amaxBits + c);
    V::storeI((int32_t *)s.amaxBits + c,
              V::maxi(a, V::andi(V::asInt(x), absMask)));
    if (Asym) {
      V::storeF(s.mn + c, V::minf(x, V::loadF32(s.mn + c)));
      V::storeF(s.mx + c, V::maxf(x, V::loadF32(s.mx + c)));
    }
  }
  for (; c < n; ++c) {
    float mn = Asym ? s.mn[c] : 0.f, mx = Asym ? s.mx[c] : 0.f;
    foldOne(loadSrc(src, ST, off + c), s.amaxBits[c], mn, mx);
    if (Asym) {
      s.mn[c] = mn;
      s.mx[c] = mx;
    }
  }
}

template <class V, SrcType ST, int Mode>
static void quantizeSegmentT(const void *src, int64_t off, int64_t n,
                             int64_t R, int64_t phase, const float *scale,
                             const float *zp, const QuantKind &k,
                             uint8_t *codes) {
  if (R == 1) { // one block per element: vectorize across columns
    int64_t i = 0;
    for (; i + V::W <= n; i += V::W)
      V::storeCodes(codes + i,
                    quantizeVec<V, Mode>(loadV<V, ST>(src, off + i),
                                      V::loadF32(scale + i),
                                      V::loadF32(zp + i), k));
    for (; i < n; ++i)
      codes[i] = quantizeOne(loadSrc(src, ST, off + i), scale[i], zp[i], k);
    return;
  }
  int64_t i = 0, g = 0, p = phase;
  while (i < n) {
    const int64_t len = R - p < n - i ? R - p : n - i;
    const float sc = scale[g], z = zp[g];
    int64_t j = 0;
    if (len >= V::W) {
      const typename V::VF vs = V::setf(sc), vz = V::setf(z);
      for (; j + V::W <= len; j += V::W)
        V::storeCodes(codes + i + j,
                      quantizeVec<V, Mode>(loadV<V, ST>(src, off + i + j), vs, vz, k));
    }
    for (; j < len; ++j)
      codes[i + j] = quantizeOne(loadSrc(src, ST, off + i + j), sc, z, k);
    i += len;
    ++g;
    p = 0;
  }
}

template <class V, SrcType ST>
static void statsGroupsS(const void *src, int64_t off, int64_t R, int64_t nG,
                         StatsPtrs s) {
  if (s.mn)
    statsGroupsT<V, ST, true>(src, off, R, nG, s);
  else
    statsGroupsT<V, ST, false>(src, off, R, nG, s);
}

template <class V>
static void statsGroupsK(const void *src, SrcType st, int64_t off, int64_t R,
                         int64_t nG, StatsPtrs s) {
  switch (st) {
  case SrcType::F32: return statsGroupsS<V, SrcType::F32>(src, off, R, nG, s);
  case SrcType::F16: return statsGroupsS<V, SrcType::F16>(src, off, R, nG, s);
  case SrcType::BF16: return statsGroupsS<V, SrcType::BF16>(src, off, R, nG, s);
  }
}

template <class V, SrcType ST>
static void statsColumnsS(const void *src, int64_t off, int64_t n,
                          StatsPtrs s) {
  if (s.mn)
    statsColumnsT<V, ST, true>(src, off, n, s);
  else
    statsColumnsT<V, ST, false>(src, off, n, s);
}

template <class V>
static void statsColumnsK(const void *src, SrcType st, int64_t off, int64_t n,
                          StatsPtrs s) {
  switch (st) {
  case SrcType::F32: return statsColumnsS<V, SrcType::F32>(src, off, n, s);
  case SrcType::F16: return statsColumnsS<V, SrcType::F16>(src, off, n, s);
  case SrcType::BF16: return statsColumnsS<V, SrcType::BF16>(src, off, n, s);
  }
}

template <class V, SrcType ST>
static void quantizeSegmentS(const void *src, int64_t off, int64_t n,
                             int64_t R, int64_t phase, const float *scale,
                             const float *zp, const QuantKind &k,
                             uint8_t *codes) {
  if (!k.isFloat)
    quantizeSegmentT<V, ST, 0>(src, off, n, R, phase, scale, zp, k, codes);
  else if (k.mantBits == 3)
    quantizeSegmentT<V, ST, 3>(src, off, n, R, phase, scale, zp, k, codes);
  else if (k.mantBits == 2)
    quantizeSegmentT<V, ST, 2>(src, off, n, R, phase, scale, zp, k, codes);
  else
    quantizeSegmentT<V, ST, 1>(src, off, n, R, phase, scale, zp, k, codes);
}

template <class V>
static void quantizeSegmentK(const void *src, SrcType st, int64_t off,
                             int64_t n, int64_t R, int64_t phase,
                             const float *scale, const float *zp,
                             const QuantKind &k, uint8_t *codes) {
  switch (st) {
  case SrcType::F32:
    return quantizeSegmentS<V, SrcType::F32>(src, off, n, R, phase, scale, zp, k,
                                          codes);
  case SrcType::F16:
    return quantizeSegmentS<V, SrcType::F16>(src, off, n, R, phase, scale, zp, k,
                                          codes);
  case SrcType::BF16:
    return quantizeSegmentS<V, SrcType::BF16>(src, off, n, R, phase, scale, zp, k,
                                           codes);
  }
}

} // namespace
} // namespace detail
} // namespace kernels
} // namespace coreai

#endif // COREAI_KERNELS_SIMDKERNELS_H
