//===- QuantizeParams.cpp - Per-block scales and zero points --------------===//
//
// The quantizations quantize() accepts, the sizes of their outputs, and the
// scalar parameter math (QuantizeParams.h).
//
//===----------------------------------------------------------------------===//
#include "QuantizeParams.h"

#include <cmath>
#include <cstring>

namespace coreai {
namespace kernels {

using namespace detail;

bool BlockLayout::isValid() const {
  if (shape.size() != blockShape.size() || shape.size() > 64)
    return false;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] < 1 || blockShape[i] < 1 || blockShape[i] > shape[i] ||
        shape[i] % blockShape[i])
      return false;
  return true;
}

size_t packedDataBytes(QType t, int64_t n) {
  return (size_t)packedBytesForBits(qtypeBits(t), n);
}

size_t scaleBytes(ScaleType t, int64_t nb) {
  switch (t) {
  case ScaleType::F32: return (size_t)nb * 4;
  case ScaleType::F16:
  case ScaleType::BF16: return (size_t)nb * 2;
  case ScaleType::F8E8M0FNU: return (size_t)nb;
  }
  return 0;
}

bool isValidParams(const QuantParams &p) {
  switch (p.qtype) {
  case QType::F4E2M1FN:
    return p.scheme == Scheme::Symmetric &&
           p.scaleType == ScaleType::F8E8M0FNU;
  case QType::F8E4M3FN:
  case QType::F8E5M2:
    return p.scheme == Scheme::Symmetric;
  default:
    return p.scaleType != ScaleType::F8E8M0FNU;
  }
}

bool isSplatZeroPoint(const QuantParams &p) {
  return p.scheme != Scheme::Asymmetric;
}

uint8_t splatZeroPointCode(const QuantParams &p) {
  QTypeInfo info = qtypeInfo(p.qtype);
  if (info.isFloat || info.isSigned || p.scheme == Scheme::Asymmetric)
    return 0;
  return (uint8_t)(info.qmax / 2); // unsigned symmetric: qmax // 2
}

Status encodeFloatCodes(QType t, const float *in, size_t n, uint8_t *out) {
  QuantKind k = makeQuantKind(t, Scheme::Symmetric);
  if (!k.isFloat)
    return Status::InvalidArgument;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(in[i]) && t != QType::F4E2M1FN)
      out[i] = t == QType::F8E4M3FN ? 0x7f : 0x7e; // ml_dtypes' NaN codes
    else
      out[i] = encodeFp(in[i], k);
  }
  return Status::Ok;
}

detail::ParamContext::ParamContext(const QuantParams &p, void *scaleOut,
                           uint8_t *zpCodes)
    : params(p), info(qtypeInfo(p.qtype)), kind(makeQuantKind(p.qtype, p.scheme)),
      asymmetric(p.scheme == Scheme::Asymmetric), fmaxMant(0.f), fmaxExp(0),
      scaleOut((uint8_t *)scaleOut), zpCodes(zpCodes),
      splatZp((float)splatZeroPointCode(p)) {
  if (info.isFloat)
    fmaxMant = std::frexp(info.fmax, &fmaxExp);
  fmaxMantBits = f2u(fmaxMant) & 0x7fffffu;
}

FusedArgs detail::ParamContext::fusedArgs(uint8_t *dataOut) const {
  FusedArgs a;
  a.k = kind;
  a.scaleType = params.scaleType;
  a.denom = kind.isFloat ? 2.f * kind.fmax : kind.hi - kind.lo;
  a.zp = splatZp;
  a.e8m0Bias = 126 + fmaxExp;
  a.fmaxMantBits = fmaxMantBits;
  a.data = dataOut;
  a.scaleOut = scaleOut;
  return a;
}

int detail::computeParams(const ParamContext &c, StatsPtrs st, int64_t n, int64_t b0,
                  float *scaleF, float *zpF) {
  const float eps = 1e-6f;
  int bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t b = b0 + i;
    if (st.amaxBits[i] >= 0x7f800000u) {
      bad |= kBadNonFinite;
      continue;
    }
    const float amax = u2f(st.amaxBits[i]);
    const float twoAmax = 2.f * amax;
    if (twoAmax == INFINITY) {
      bad |= kBadOverflow;
      continue;
    }
    float s;
    if (c.params.scaleType == ScaleType::F8E8M0FNU) {
      // Smallest e with amax <= fmax*2^e, exactly: amax = m*2^k with m in
      // [0.5,1), fmax = fm*2^fe; e = k-fe if m <= fm, else k-fe+1.
      const uint32_t ab = st.amaxBits[i];
      int e = -127;
      if (ab >= 0x00800000u) { // normal: k = E - 126, compare mantissa bits
        e = (int)(ab >> 23) - 126 - c.fmaxExp +
            ((ab & 0x7fffffu) <= c.fmaxMantBits ? 0 : 1);
      } else if (ab != 0) { // subnormal amax
        int k;
        float m = std::frexp(amax, &k);
        e = k - c.fmaxExp + (m <= c.fmaxMant ? 0 : 1);
      }
      e = e < -127 ? -127 : e > 127 ? 127 : e;
      // 2^e exactly (2^-127 is an f32 subnormal).
      s = e >= -126 ? u2f((uint32_t)(e + 127) << 23) : u2f(0x00400000u);
      c.scaleOut[b] = (uint8_t)(e + 127);
    } else {
      float hi = 0.f, lo = 0.f;
      if (c.kind.isFloat)
        s = (twoAmax + eps) / (2.f * c.kind.fmax);
      else if (!c.asymmetric)
        s = (twoAmax + eps) / (c.kind.hi - c.kind.lo);
      else {
        lo = st.mn[i] < 0.f ? st.mn[i] : 0.f; // min(0, min w), never -0
        hi = st.mx[i] > 0.f ? st.mx[i] : 0.f;
        s = (hi - lo + eps) / (c.kind.hi - c.kind.lo);
      }
      // Round the scale to its stored type first; quantize with that value.
      if (c.params.scaleType == ScaleType::F32) {
        if (s < 0x1p-126f)
          s = 0x1p-126f;
        std::memcpy(c.scaleOut + 4 * b, &s, 4);
      } else {
        uint16_t h;
        if (c.params.scaleType == ScaleType::F16) {
          h = floatToHalf(s);
          if ((h & 0x7c00u) == 0) // zero/subnormal -> smallest normal
            h = 0x0400;
          if ((h & 0x7c00u) == 0x7c00u) {
            bad |= kBadOverflow;
            continue;
          }
          s = halfToFloat(h);
        } else {
          h = floatToBf16(s);
          if ((h & 0x7f80u) == 0)
            h = 0x0080;
          if ((h & 0x7f80u) == 0x7f80u) {
            bad |= kBadOverflow;
            continue;
          }
          s = bf16ToFloat(h);
        }
        std::memcpy(c.scaleOut + 2 * b, &h, 2);
      }
      if (c.asymmetric) {
        const float qmin = c.kind.lo, qmax = c.kind.hi;
        float z = (qmin * hi - qmax * lo) / (hi - lo + eps);
        if (z != z) // inf - inf for |w| ~ 1e36+: evaluate in double
          z = (float)(((double)qmin * hi - (double)qmax * lo) /
                      ((double)hi - lo + eps));
        z = roundEven(z);
        z = z < qmin ? qmin : z > qmax ? qmax : z;
        zpF[i] = z;
        c.zpCodes[b] = intCode((int)z, c.info.bits);
      }
    }
    scaleF[i] = s;
    if (!c.asymmetric)
      zpF[i] = c.splatZp;
  }
  return bad;
}

} // namespace kernels
} // namespace coreai
