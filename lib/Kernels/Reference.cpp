//===- Reference.cpp - Scalar reference quantization (the oracle) ---------===//
//
// Deliberately simple: one element at a time, block index from the
// multi-index, no layout tricks. Every fast path must match it bit for bit.
//
//===----------------------------------------------------------------------===//
#include "KernelsInternal.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <cstring>
#include <vector>

namespace coreai {
namespace kernels {
namespace detail {
namespace {

float refLoad(const void *src, SrcType t, int64_t i) {
  if (t == SrcType::F32) {
    float f;
    std::memcpy(&f, (const char *)src + 4 * i, 4);
    return f;
  }
  uint16_t h;
  std::memcpy(&h, (const char *)src + 2 * i, 2);
  if (t == SrcType::BF16) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  // IEEE half, decoded from its fields.
  int sign = h >> 15, e = (h >> 10) & 31, m = h & 1023;
  double v;
  if (e == 31)
    v = m ? NAN : INFINITY;
  else if (e == 0)
    v = std::ldexp((double)m, -24);
  else
    v = std::ldexp((double)(1024 + m), e - 25);
  return (float)(sign ? -v : v);
}

// Nearest FP code to y (|y| <= fmax), ties to the even code: find the two
// neighbouring non-negative code values around |y| in a table.
unsigned refEncodeFp(float y, const QTypeInfo &info) {
  static std::vector<double> tables[3];
  const int which = info.bits == 4 ? 0 : info.mantBits == 3 ? 1 : 2;
  static std::once_flag once[3];
  std::call_once(once[which], [&] {
    for (unsigned c = 0; c < (1u << (info.bits - 1)); ++c) {
      double v = fpCodeValue(c, info);
      if (!(v == v) || std::isinf(v))
        break;
      tables[which].push_back(v); // increasing with the code
    }
  });
  const std::vector<double> &t = tables[which];
  bool neg = std::signbit(y);
  double a = std::fabs((double)y);
  unsigned n = 1u << (info.bits - 1);
  unsigned hi = (unsigned)(std::lower_bound(t.begin(), t.end(), a) - t.begin());
  unsigned best;
  if (hi >= t.size())
    best = (unsigned)t.size() - 1; // beyond fmax (not reached: clipped)
  else if (t[hi] == a || hi == 0)
    best = hi;
  else {
    unsigned lo = hi - 1;
    double dl = a - t[lo], dh = t[hi] - a;
    best = dl < dh ? lo : dh < dl ? hi : ((lo & 1) ? hi : lo);
  }
  return best | (neg ? n : 0u);
}

// RNE to bf16 bits.
uint16_t refToBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  uint32_t trunc = u >> 16, rem = u & 0xffff;
  if (rem > 0x8000 || (rem == 0x8000 && (trunc & 1)))
    ++trunc;
  return (uint16_t)trunc;
}

uint16_t refToF16(float f) {
  _Float16 h = (_Float16)f; // the compiler's correctly rounded conversion
  uint16_t u;
  std::memcpy(&u, &h, 2);
  return u;
}

} // namespace

QuantResult quantizeReference(const void *src, SrcType st,
                              const BlockLayout &layout, const QuantParams &p,
                              void *dataOut, void *scaleOut,
                              void *zeroPointOut) {
  if (!layout.isValid() || !isValidParams(p) || !src || !dataOut || !scaleOut)
    return {Status::InvalidArgument, -1};
  const QTypeInfo info = qtypeInfo(p.qtype);
  const int64_t n = layout.numElements();
  const int64_t nb = layout.numBlocks();
  const size_t rank = layout.shape.size();
  std::vector<int64_t> grid = layout.gridShape();

  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(refLoad(src, st, i)))
      return {Status::NonFinite, i};

  // Block of each element, from its multi-index.
  std::vector<int64_t> blockOf(n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t rem = i, b = 0, mul = 1;
    for (size_t d = rank; d-- > 0;) {
      int64_t x = rem % layout.shape[d];
      rem /= layout.shape[d];
      b += (x / layout.blockShape[d]) * mul;
      mul *= grid[d];
    }
    blockOf[i] = b;
  }

  // Per-block statistics.
  std::vector<float> amax(nb, 0.f), mn(nb, 0.f), mx(nb, 0.f);
  for (int64_t i = 0; i < n; ++i) {
    float w = refLoad(src, st, i);
    int64_t b = blockOf[i];
    amax[b] = std::fmax(amax[b], std::fabs(w));
    mn[b] = std::fmin(mn[b], w);
    mx[b] = std::fmax(mx[b], w);
  }

  const float eps = 1e-6f;
  const bool asym = p.scheme == Scheme::Asymmetric;
  float qmin = (float)info.qmin, qmax = (float)info.qmax;
  if (!info.isFloat && !asym) {
    if (info.isSigned)
      qmin += 1.f;
    else
      qmax -= 1.f;
  }
  std::vector<float> scale(nb), zp(nb, 0.f);
  std::vector<uint8_t> zpCodes(nb, 0);
  for (int64_t b = 0; b < nb; ++b) {
    float twoAmax = 2.f * amax[b];
    if (std::isinf(twoAmax))
      return {Status::Overflow, -1};
    float s;
    if (p.scaleType == ScaleType::F8E8M0FNU) {
      // Smallest e with amax <= fmax * 2^e, clamped to [-127, 127].
      int e = -127;
      while (e < 127 && (double)amax[b] > (double)info.fmax * std::ldexp(1.0, e))
        ++e;
      s = std::ldexp(1.0f, e);
      ((uint8_t *)scaleOut)[b] = (uint8_t)(e + 127);
    } else {
      if (info.isFloat)
        s = (twoAmax + eps) / (2.f * info.fmax);
      else if (!asym)
        s = (twoAmax + eps) / (qmax - qmin);
      else
        s = (mx[b] - mn[b] + eps) / (qmax - qmin);
      // Round to the stored type; zero/subnormal -> smallest normal.
      if (p.scaleType == ScaleType::F32) {
        if (s < 0x1p-126f)
          s = 0x1p-126f;
        std::memcpy((char *)scaleOut + 4 * b, &s, 4);
      } else {
        uint16_t h;
        if (p.scaleType == ScaleType::F16) {
          h = refToF16(s);
          if ((h & 0x7c00) == 0)
            h = 0x0400;
          if ((h & 0x7c00) == 0x7c00)
            return {Status::Overflow, -1};
          s = refLoad(&h, SrcType::F16, 0);
        } else {
          h = refToBf16(s);
          if ((h & 0x7f80) == 0)
            h = 0x0080;
          if ((h & 0x7f80) == 0x7f80)
            return {Status::Overflow, -1};
          s = refLoad(&h, SrcType::BF16, 0);
        }
        std::memcpy((char *)scaleOut + 2 * b, &h, 2);
      }
    }
    scale[b] = s;
    if (asym) {
      float hi = mx[b], lo = mn[b];
      float z = (qmin * hi - qmax * lo) / (hi - lo + eps);
      if (std::isnan(z)) // inf - inf for |w| ~ 1e36+: evaluate in double
        z = (float)(((double)qmin * hi - (double)qmax * lo) /
                    ((double)hi - lo + eps));
      z = std::nearbyint(z);
      z = std::fmin(std::fmax(z, qmin), qmax);
      zp[b] = z;
      zpCodes[b] = intCode((int)z, info.bits);
    } else if (!info.isFloat && !info.isSigned) {
      zp[b] = (float)(info.qmax / 2);
      zpCodes[b] = (uint8_t)(info.qmax / 2);
    }
  }

  std::vector<uint8_t> codes(n);
  for (int64_t i = 0; i < n; ++i) {
    float w = refLoad(src, st, i);
    int64_t b = blockOf[i];
    float y = w / scale[b];
    if (info.isFloat) {
      y = std::fmin(std::fmax(y, -info.fmax), info.fmax);
      if (y == 0.f) // keep the sign of zero (fmin/fmax may not)
        y = std::signbit(w / scale[b]) ? -0.f : 0.f;
      codes[i] = (uint8_t)refEncodeFp(y, info);
    } else {
      float q = std::nearbyint(y) + zp[b];
      q = std::fmin(std::fmax(q, qmin), qmax);
      codes[i] = intCode((int)q, info.bits);
    }
  }
  std::memset(dataOut, 0, packedDataBytes(p.qtype, n));
  packCodes(codes.data(), 0, n, info.bits, (uint8_t *)dataOut);
  if (zeroPointOut) {
    std::memset(zeroPointOut, 0, packedDataBytes(p.qtype, nb));
    packCodes(zpCodes.data(), 0, nb, info.bits, (uint8_t *)zeroPointOut);
  }
  return {Status::Ok, -1};
}

} // namespace detail
} // namespace kernels
} // namespace coreai
