//===- Quantize.cpp - Layout planning, parameters, dispatch ---------------===//
//
// The tensor is viewed in memory order as rows of S elements, each row made
// of G groups of R contiguous elements; consecutive groups of a row belong to
// consecutive grid cells. The outer dims (after merging) map each row to a
// "block row" (K rows share the same G blocks). Work is cut into units that
// each own whole blocks; when a unit's input fits in cache, statistics,
// parameters and quantize+pack run fused on it, otherwise the three steps run
// as separate parallel passes. Each block is computed by exactly one worker,
// and min/max reductions are exact, so results never depend on the split.
//
//===----------------------------------------------------------------------===//
#include "DigestInternal.h"
#include "KernelsInternal.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace coreai {
namespace kernels {

using namespace detail;

void detail::runParallel(const ParallelFor &pf, size_t n,
                         const std::function<void(size_t, size_t)> &body) {
  if (n == 0)
    return;
  if (pf && n > 1)
    pf(n, body);
  else
    body(0, n);
}

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

//===----------------------------------------------------------------------===//
// ISA selection
//===----------------------------------------------------------------------===//

const char *isaName(Isa isa) {
  switch (isa) {
  case Isa::Scalar: return "scalar";
  case Isa::Generic: return "generic";
  case Isa::AVX2: return "avx2";
  case Isa::AVX512: return "avx512";
  }
  return "?";
}

static bool isaSupported(Isa isa) {
  switch (isa) {
  case Isa::Scalar:
  case Isa::Generic:
    return true;
  case Isa::AVX2:
#if defined(__x86_64__)
    return avx2Kernels() && __builtin_cpu_supports("avx2") &&
           __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#else
    return false;
#endif
  case Isa::AVX512:
#if defined(__x86_64__)
    return avx512Kernels() && __builtin_cpu_supports("avx512f") &&
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
    if (isaSupported(i))
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
      if (!std::strcmp(env, isaName(i)) && isaSupported(i))
        best = i;
  }
  gActiveIsa.store((int)best, std::memory_order_relaxed);
  return best;
}

bool setActiveIsa(Isa isa) {
  if (!isaSupported(isa))
    return false;
  gActiveIsa.store((int)isa, std::memory_order_relaxed);
  return true;
}

static const KernelTable *kernelsFor(Isa isa) {
  switch (isa) {
  case Isa::AVX2: return avx2Kernels();
  case Isa::AVX512: return avx512Kernels();
  default: return genericKernels();
  }
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

//===----------------------------------------------------------------------===//
// Per-block parameters (scalar, shared by every fast path)
//===----------------------------------------------------------------------===//

namespace {

enum : int { kBadNonFinite = 1, kBadOverflow = 2 };

struct ParamCtx {
  QuantParams p;
  QTypeInfo info;
  QuantKind k;
  bool asym;
  float fmaxMant; // fmax = fmaxMant * 2^fmaxExp, fmaxMant in [0.5, 1)
  int fmaxExp;
  uint32_t fmaxMantBits; // mantissa field of fmaxMant
  uint8_t *scaleOut;
  uint8_t *zpCodes; // asymmetric only (one byte per block)
  float splatZp;
};

/// Parameters of blocks [b0, b0+n) from their stats (indexed 0..n).
/// Writes the stored scale bytes and zero point codes at global positions.
int computeParams(const ParamCtx &c, StatsPtrs st, int64_t n, int64_t b0,
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
    if (c.p.scaleType == ScaleType::F8E8M0FNU) {
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
      if (c.k.isFloat)
        s = (twoAmax + eps) / (2.f * c.k.fmax);
      else if (!c.asym)
        s = (twoAmax + eps) / (c.k.hi - c.k.lo);
      else {
        lo = st.mn[i] < 0.f ? st.mn[i] : 0.f; // min(0, min w), never -0
        hi = st.mx[i] > 0.f ? st.mx[i] : 0.f;
        s = (hi - lo + eps) / (c.k.hi - c.k.lo);
      }
      // Round the scale to its stored type first; quantize with that value.
      if (c.p.scaleType == ScaleType::F32) {
        if (s < 0x1p-126f)
          s = 0x1p-126f;
        std::memcpy(c.scaleOut + 4 * b, &s, 4);
      } else {
        uint16_t h;
        if (c.p.scaleType == ScaleType::F16) {
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
      if (c.asym) {
        const float qmin = c.k.lo, qmax = c.k.hi;
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
    if (!c.asym)
      zpF[i] = c.splatZp;
  }
  return bad;
}

/// The layout seen as rows; see the file comment.
struct Plan {
  int64_t N = 1;
  std::vector<int64_t> os, ob, og; // outer dims: size, block, grid
  int64_t S = 1, R = 1, G = 1;     // last (merged) dim
  int64_t K = 1, NBR = 1, numRows = 1;

  void build(const BlockLayout &l) {
    std::vector<std::pair<int64_t, int64_t>> d;
    for (size_t i = 0; i < l.shape.size(); ++i) {
      if (l.shape[i] == 1)
        continue;
      std::pair<int64_t, int64_t> cur{l.shape[i], l.blockShape[i]};
      // (s0,b0),(s1,b1) merge when b0 == 1 or b1 == s1: block b0*b1.
      if (!d.empty() && (d.back().second == 1 || cur.second == cur.first)) {
        d.back().first *= cur.first;
        d.back().second *= cur.second;
      } else {
        d.push_back(cur);
      }
    }
    if (d.empty())
      d.push_back({1, 1});
    S = d.back().first;
    R = d.back().second;
    G = S / R;
    d.pop_back();
    N = S;
    for (auto &x : d) {
      os.push_back(x.first);
      ob.push_back(x.second);
      og.push_back(x.first / x.second);
      K *= x.second;
      NBR *= x.first / x.second;
      numRows *= x.first;
      N *= x.first;
    }
  }
  size_t m() const { return os.size(); }

  /// Row index of the t-th row (row-major over the block) of block row br.
  int64_t rowOf(int64_t br, int64_t t) const {
    if (m() <= 1)
      return br * K + t;
    int64_t row = 0, mul = 1;
    for (size_t i = os.size(); i-- > 0;) {
      int64_t q = br % og[i], u = t % ob[i];
      br /= og[i];
      t /= ob[i];
      row += (q * ob[i] + u) * mul;
      mul *= os[i];
    }
    return row;
  }
  int64_t blockRowOf(int64_t r) const {
    if (m() <= 1)
      return r / K;
    int64_t br = 0, mul = 1;
    for (size_t i = os.size(); i-- > 0;) {
      int64_t x = r % os[i];
      r /= os[i];
      br += (x / ob[i]) * mul;
      mul *= og[i];
    }
    return br;
  }
};

constexpr int64_t kUnitBytes = 128 * 1024; // input bytes per fused unit
constexpr int64_t kMaxFused = 384 * 1024;  // largest fused unit (stays in L2)
constexpr int64_t kStage = 4096;           // codes staged before packing
constexpr int64_t kPassElems = 64 * 1024;  // elements per task, two-pass mode

struct Runner {
  const void *src;
  SrcType st;
  int esz;
  const KernelTable *kt;
  Plan plan;
  ParamCtx pc;
  uint8_t *data;
  std::atomic<int> bad{0};
  /// When digests are wanted: chunks hashed as units finish them.
  ChunkDigester *dataDigest = nullptr, *scaleDigest = nullptr;

  /// Blocks [g0, g1) of a single-row plan (m() == 0, g0 * R * bits byte
  /// aligned) are written: their data and scale bytes are final.
  void groupsDone(int64_t g0, int64_t g1) {
    if (!dataDigest)
      return;
    const int bits = pc.k.bits;
    const size_t ssz = scaleBytes(pc.p.scaleType, 1);
    dataDigest->done((size_t)(g0 * plan.R * bits / 8),
                     g1 == plan.G ? packedDataBytes(pc.p.qtype, plan.N)
                                  : (size_t)(g1 * plan.R * bits / 8));
    scaleDigest->done((size_t)g0 * ssz, (size_t)g1 * ssz);
  }

  /// Quantize + pack elements [off, off+n) (in one row); element i is in
  /// group (phase+i)/R of sc/zp. Sequential calls may share bytes.
  void emit(int64_t off, int64_t n, int64_t phase, const float *sc,
            const float *zp) {
    const int64_t R = plan.R;
    if (pc.k.bits == 8) {
      kt->quantizeSegment(src, st, off, n, R, phase, sc, zp, pc.k, data + off);
      return;
    }
    uint8_t stage[kStage];
    for (int64_t j = 0; j < n; j += kStage) {
      int64_t len = n - j < kStage ? n - j : kStage;
      int64_t p = phase + j;
      kt->quantizeSegment(src, st, off + j, len, R, p % R, sc + p / R,
                          zp + p / R, pc.k, stage);
      packCodes(stage, off + j, len, pc.k.bits, data);
    }
  }

  void foldRow(int64_t off, int64_t nGroups, StatsPtrs s) {
    if (plan.R == 1)
      kt->statsColumns(src, st, off, nGroups, s);
    else
      kt->statsGroups(src, st, off, plan.R, nGroups, s);
  }

  struct Local {
    std::vector<uint32_t> amax;
    std::vector<float> mn, mx, sc, zp;
    StatsPtrs reset(int64_t n, bool asym) {
      amax.assign(n, 0u);
      if (asym) {
        mn.assign(n, 0.f);
        mx.assign(n, 0.f);
      }
      sc.resize(n);
      zp.resize(n);
      return {amax.data(), asym ? mn.data() : nullptr,
              asym ? mx.data() : nullptr};
    }
  };

  /// Fused unit: block rows [br0, br1), groups [cg0, cg1) of each.
  void fusedUnit(int64_t br0, int64_t br1, int64_t cg0, int64_t cg1,
                 Local &L) {
    const int64_t nG = cg1 - cg0, R = plan.R, S = plan.S;
    for (int64_t br = br0; br < br1; ++br) {
      if (bad.load(std::memory_order_relaxed))
        return;
      StatsPtrs s = L.reset(nG, pc.asym);
      for (int64_t t = 0; t < plan.K; ++t)
        foldRow(plan.rowOf(br, t) * S + cg0 * R, nG, s);
      int b = computeParams(pc, s, nG, br * plan.G + cg0, L.sc.data(),
                            L.zp.data());
      if (b) {
        bad.fetch_or(b);
        return;
      }
      for (int64_t t = 0; t < plan.K; ++t)
        emit(plan.rowOf(br, t) * S + cg0 * R, nG * R, 0, L.sc.data(),
             L.zp.data());
    }
  }

  FusedArgs fusedArgs() const {
    FusedArgs a;
    a.k = pc.k;
    a.scaleType = pc.p.scaleType;
    a.denom = pc.k.isFloat ? 2.f * pc.k.fmax : pc.k.hi - pc.k.lo;
    a.zp = pc.splatZp;
    a.e8m0Bias = 126 + pc.fmaxExp;
    a.fmaxMantBits = pc.fmaxMantBits;
    a.data = data;
    a.scaleOut = pc.scaleOut;
    return a;
  }

  /// Single-pass kernels (symmetric, 8/4-bit) for the two common layouts:
  /// contiguous blocks of R % 32 == 0 elements (per-channel, per-block along
  /// the last axis) and K x 1 column blocks of a matrix (a matmul's y
  /// operand). Returns false when neither applies.
  bool runFused(const ParallelFor &pf) {
    const Plan &P = plan;
    if (pc.asym || (pc.k.bits != 8 && pc.k.bits != 4))
      return false;
    const FusedArgs a = fusedArgs();
    // (A block bigger than L2 keeps the parallel two-pass path.)
    if (kt->fusedGroups && P.m() == 0 && P.R % 32 == 0 &&
        P.R * esz <= kMaxFused) {
      // ~kUnitBytes of whole blocks per unit, a multiple of the kernel's
      // batch of 8 small blocks.
      const int64_t gpu =
          std::max<int64_t>(8, kUnitBytes / (P.R * esz) / 8 * 8);
      const int64_t units = (P.G + gpu - 1) / gpu;
      runParallel(pf, units, [&](size_t b, size_t e) {
        for (size_t u = b; u < e; ++u) {
          if (bad.load(std::memory_order_relaxed))
            return;
          const int64_t g0 = u * gpu, n = std::min<int64_t>(P.G - g0, gpu);
          if (kt->fusedGroups(src, st, g0, n, P.R, a))
            bad.fetch_or(kBadOverflow);
          else
            groupsDone(g0, g0 + n);
        }
      });
      return true;
    }
    if (kt->fusedColumns && P.m() == 1 && P.R == 1 &&
        (P.S * pc.k.bits) % 8 == 0 && P.K * 256 * esz > kMaxFused) {
      // Tall column blocks (e.g. per-channel of a matmul's y operand): whole
      // rows in three passes: column maxima of bands of rows (partial per
      // band), parameters, then quantize row by row.
      const int64_t NB = P.NBR * P.S;
      const int64_t bpb = std::min<int64_t>(P.K, (16 + P.NBR - 1) / P.NBR);
      const int64_t rpb = (P.K + bpb - 1) / bpb;
      std::vector<uint32_t> part(P.NBR * bpb * P.S, 0u);
      runParallel(pf, P.NBR * bpb, [&](size_t b, size_t e) {
        for (size_t u = b; u < e; ++u) {
          const int64_t br = u / bpb, t0 = (u % bpb) * rpb;
          StatsPtrs s{part.data() + u * P.S, nullptr, nullptr};
          for (int64_t t = t0; t < std::min(P.K, t0 + rpb); ++t)
            kt->statsColumns(src, st, (br * P.K + t) * P.S, P.S, s);
        }
      });
      std::vector<uint32_t> amax(NB, 0u);
      for (int64_t br = 0; br < P.NBR; ++br)
        for (int64_t j = 0; j < bpb; ++j) {
          const uint32_t *p = part.data() + (br * bpb + j) * P.S;
          uint32_t *d = amax.data() + br * P.S;
          for (int64_t c = 0; c < P.S; ++c)
            d[c] = std::max(d[c], p[c]);
        }
      std::vector<float> q(NB);
      const int64_t bpt = 8192; // blocks per params task (multiple of 8)
      runParallel(pf, (NB + bpt - 1) / bpt, [&](size_t b, size_t e) {
        for (size_t u = b; u < e; ++u) {
          const int64_t b0 = u * bpt, n = std::min<int64_t>(NB - b0, bpt);
          if (kt->fusedParams(amax.data() + b0, n, b0, q.data() + b0, a))
            bad.fetch_or(kBadOverflow);
        }
      });
      if (bad.load())
        return true;
      const int64_t rpt = std::max<int64_t>(1, kUnitBytes / (P.S * esz));
      runParallel(pf, (P.numRows + rpt - 1) / rpt, [&](size_t b, size_t e) {
        for (int64_t r = b * rpt; r < std::min<int64_t>(P.numRows, e * rpt);
             ++r)
          kt->fusedQuantize(src, st, r * P.S, P.S, q.data() + (r / P.K) * P.S,
                            a);
      });
      return true;
    }
    if (kt->fusedColumns && P.m() == 1 && P.R == 1 &&
        (P.S * pc.k.bits) % 8 == 0) {
      // Units: one block row x a run of columns (a multiple of 32) of about
      // kUnitBytes, so the second sweep reads from L2; at least kMinCols
      // columns, so tall blocks still read rows in long runs (prefetch, TLB)
      // rather than 4096 rows x 128 bytes.
      constexpr int64_t kMinCols = 256;
      const int64_t cw = std::min<int64_t>(
          (P.S + 31) / 32 * 32,
          std::max<int64_t>(kMinCols, kUnitBytes / (P.K * esz) / 32 * 32));
      const int64_t cpr = (P.S + cw - 1) / cw;
      runParallel(pf, P.NBR * cpr, [&](size_t b, size_t e) {
        for (size_t u = b; u < e; ++u) {
          if (bad.load(std::memory_order_relaxed))
            return;
          const int64_t br = u / cpr, c0 = (u % cpr) * cw;
          if (kt->fusedColumns(src, st, P.S, P.K, br, c0,
                               std::min<int64_t>(P.S - c0, cw), a))
            bad.fetch_or(kBadOverflow);
        }
      });
      return true;
    }
    return false;
  }

  void run(const ParallelFor &pf) {
    const Plan &P = plan;
    const int64_t NB = P.NBR * P.G;
    const bool rowAligned = P.m() == 0 || (P.S * pc.k.bits) % 8 == 0;
    const int64_t slabBytes = P.K * P.S * esz;
    if (runFused(pf))
      return;
    // m == 0 is one row: units are runs of >= 8 groups (byte aligned).
    if (P.m() == 0 && 8 * P.R * esz <= kMaxFused) {
      int64_t gpu = std::max<int64_t>(8, (kUnitBytes / (P.R * esz)) / 8 * 8);
      int64_t units = (P.G + gpu - 1) / gpu;
      runParallel(pf, units, [&](size_t b, size_t e) {
        Local L;
        for (size_t u = b; u < e; ++u) {
          const int64_t g0 = u * gpu, g1 = std::min<int64_t>(P.G, g0 + gpu);
          fusedUnit(0, 1, g0, g1, L);
          groupsDone(g0, g1);
        }
      });
      return;
    }
    if (P.m() >= 1 && slabBytes <= kMaxFused && (P.m() == 1 || rowAligned)) {
      // Whole block rows; a unit starts on a byte boundary (8 slabs).
      int64_t spu = std::max<int64_t>(1, kUnitBytes / slabBytes);
      if (!rowAligned)
        spu = (spu + 7) / 8 * 8;
      int64_t units = (P.NBR + spu - 1) / spu;
      runParallel(pf, units, [&](size_t b, size_t e) {
        Local L;
        for (size_t u = b; u < e; ++u)
          fusedUnit(u * spu, std::min<int64_t>(P.NBR, (u + 1) * spu), 0, P.G,
                    L);
      });
      return;
    }
    if (P.m() >= 1 && rowAligned && P.K * 8 * P.R * esz <= kMaxFused) {
      // Column chunks of >= 8 groups over all K rows: each row segment
      // starts on a byte boundary.
      int64_t gpu =
          std::max<int64_t>(8, (kUnitBytes / (P.K * P.R * esz)) / 8 * 8);
      int64_t cpr = (P.G + gpu - 1) / gpu;
      runParallel(pf, P.NBR * cpr, [&](size_t b, size_t e) {
        Local L;
        for (size_t u = b; u < e; ++u) {
          int64_t br = u / cpr, c = u % cpr;
          fusedUnit(br, br + 1, c * gpu, std::min<int64_t>(P.G, (c + 1) * gpu),
                    L);
        }
      });
      return;
    }

    // Two passes: statistics of every block, then parameters, then
    // quantize over byte-aligned flat ranges.
    std::vector<uint32_t> amax(NB, 0u);
    std::vector<float> mn, mx;
    if (pc.asym) {
      mn.assign(NB, 0.f);
      mx.assign(NB, 0.f);
    }
    auto statsAt = [&](std::vector<uint32_t> &a, std::vector<float> &lo,
                       std::vector<float> &hi, int64_t i) -> StatsPtrs {
      return {a.data() + i, pc.asym ? lo.data() + i : nullptr,
              pc.asym ? hi.data() + i : nullptr};
    };
    if (P.m() == 0) {
      // Big contiguous groups: partial stats per piece, then combine.
      int64_t pieces = (P.R + kPassElems - 1) / kPassElems;
      std::vector<uint32_t> pa(P.G * pieces, 0u);
      std::vector<float> pmn, pmx;
      if (pc.asym) {
        pmn.assign(P.G * pieces, 0.f);
        pmx.assign(P.G * pieces, 0.f);
      }
      runParallel(pf, P.G * pieces, [&](size_t b, size_t e) {
        for (size_t t = b; t < e; ++t) {
          int64_t g = t / pieces, p = t % pieces;
          int64_t len = std::min<int64_t>(kPassElems, P.R - p * kPassElems);
          kt->statsGroups(src, st, g * P.R + p * kPassElems, len, 1,
                          statsAt(pa, pmn, pmx, t));
        }
      });
      for (int64_t g = 0; g < P.G; ++g)
        for (int64_t p = 0; p < pieces; ++p) {
          int64_t t = g * pieces + p;
          amax[g] = std::max(amax[g], pa[t]);
          if (pc.asym) {
            mn[g] = std::min(mn[g], pmn[t]);
            mx[g] = std::max(mx[g], pmx[t]);
          }
        }
    } else {
      // Tasks own (block row, run of groups): no partial results needed.
      int64_t gpt = std::max<int64_t>(1, kPassElems / (P.K * P.R));
      int64_t cpr = (P.G + gpt - 1) / gpt;
      runParallel(pf, P.NBR * cpr, [&](size_t b, size_t e) {
        for (size_t u = b; u < e; ++u) {
          int64_t br = u / cpr, c = u % cpr;
          int64_t g0 = c * gpt, g1 = std::min<int64_t>(P.G, g0 + gpt);
          StatsPtrs s = statsAt(amax, mn, mx, br * P.G + g0);
          for (int64_t t = 0; t < P.K; ++t)
            foldRow(P.rowOf(br, t) * P.S + g0 * P.R, g1 - g0, s);
        }
      });
    }
    std::vector<float> sc(NB), zp(NB);
    const int64_t bpt = 4096;
    runParallel(pf, (NB + bpt - 1) / bpt, [&](size_t b, size_t e) {
      for (size_t u = b; u < e; ++u) {
        int64_t b0 = u * bpt, n = std::min<int64_t>(NB - b0, bpt);
        int r = computeParams(pc, statsAt(amax, mn, mx, b0), n, b0,
                              sc.data() + b0, zp.data() + b0);
        if (r)
          bad.fetch_or(r);
      }
    });
    if (bad.load())
      return;
    runParallel(pf, (P.N + kPassElems - 1) / kPassElems,
                [&](size_t b, size_t e) {
                  for (size_t u = b; u < e; ++u) {
                    int64_t a = u * kPassElems;
                    int64_t end = std::min<int64_t>(P.N, a + kPassElems);
                    int64_t r = a / P.S, c = a % P.S;
                    while (a < end) {
                      int64_t seg = std::min(P.S - c, end - a);
                      int64_t base = P.blockRowOf(r) * P.G + c / P.R;
                      emit(a, seg, c % P.R, sc.data() + base, zp.data() + base);
                      a += seg;
                      ++r;
                      c = 0;
                    }
                  }
                });
  }
};

} // namespace

QuantResult quantizeWithIsa(Isa isa, const void *src, SrcType st,
                            const BlockLayout &layout, const QuantParams &p,
                            void *dataOut, void *scaleOut, void *zeroPointOut,
                            const ParallelFor &parallelFor,
                            OutputDigests *digests) {
  // Digesters of the two outputs (once the layout is known to be valid).
  std::unique_ptr<ChunkDigester> dataDigest, scaleDigest;
  auto makeDigesters = [&] {
    if (!digests)
      return;
    ChunkHashFn hash = chunkHashForIsa(isa);
    dataDigest = std::make_unique<ChunkDigester>(
        (const uint8_t *)dataOut,
        packedDataBytes(p.qtype, layout.numElements()), hash);
    scaleDigest = std::make_unique<ChunkDigester>(
        (const uint8_t *)scaleOut, scaleBytes(p.scaleType, layout.numBlocks()),
        hash);
  };
  auto finishDigests = [&] {
    if (!digests)
      return;
    digests->data = dataDigest->finish(parallelFor);
    digests->scale = scaleDigest->finish(parallelFor);
  };

  if (isa == Isa::Scalar) {
    QuantResult r = quantizeReference(src, st, layout, p, dataOut, scaleOut,
                                      zeroPointOut);
    if (r.status == Status::Ok) {
      makeDigesters();
      finishDigests();
    }
    return r;
  }
  if (!layout.isValid() || !isValidParams(p) || !src || !dataOut ||
      !scaleOut || !isaSupported(isa))
    return {Status::InvalidArgument, -1};

  Runner r;
  r.src = src;
  r.st = st;
  r.esz = srcElemSize(st);
  r.kt = kernelsFor(isa);
  r.plan.build(layout);
  r.data = (uint8_t *)dataOut;
  ParamCtx &c = r.pc;
  c.p = p;
  c.info = qtypeInfo(p.qtype);
  c.k = makeQuantKind(p.qtype, p.scheme);
  c.asym = p.scheme == Scheme::Asymmetric;
  c.fmaxMant = c.info.isFloat ? std::frexp(c.info.fmax, &c.fmaxExp) : 0.f;
  c.fmaxMantBits = f2u(c.fmaxMant) & 0x7fffffu;
  c.scaleOut = (uint8_t *)scaleOut;
  c.splatZp = (float)splatZeroPointCode(p);
  const int64_t NB = r.plan.NBR * r.plan.G;
  std::vector<uint8_t> zpCodes(c.asym ? NB : 0);
  c.zpCodes = zpCodes.data();

  makeDigesters();
  r.dataDigest = dataDigest.get();
  r.scaleDigest = scaleDigest.get();

  r.run(parallelFor);

  // Any failure: a NaN/Inf anywhere wins (as in the reference), whichever
  // unit failed first and whatever the others skipped.
  int bad = r.bad.load();
  if (bad) {
    for (int64_t i = 0; i < r.plan.N; ++i)
      if ((f2u(loadSrc(src, st, i)) & 0x7f800000u) == 0x7f800000u)
        return {Status::NonFinite, i};
  }
  if (bad)
    return {Status::Overflow, -1};
  if (zeroPointOut) {
    if (c.asym)
      packCodes(zpCodes.data(), 0, NB, c.k.bits, (uint8_t *)zeroPointOut);
    else
      fillPacked((uint8_t *)zeroPointOut, NB, splatZeroPointCode(p), c.k.bits);
  }
  finishDigests();
  return {Status::Ok, -1};
}

QuantResult quantize(const void *src, SrcType st, const BlockLayout &layout,
                     const QuantParams &p, void *dataOut, void *scaleOut,
                     void *zeroPointOut, const ParallelFor &parallelFor,
                     OutputDigests *digests) {
  return quantizeWithIsa(activeIsa(), src, st, layout, p, dataOut, scaleOut,
                         zeroPointOut, parallelFor, digests);
}

} // namespace kernels
} // namespace coreai
