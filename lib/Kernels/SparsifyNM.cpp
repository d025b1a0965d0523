//===- SparsifyNM.cpp - n:m sparsity: counts and the choice per group ----===//
//
// The selection of n:m (Sparsify.h): a group is m consecutive indices along
// the input axis. Planning only counts: one pass over the weight counts the
// zeros per group, which gives each chunk's number of values (zeros are the
// first pruned, and a kept zero stores nothing). The choice within a group
// is made while writing (nmKeepRows): an element is pruned when fewer than
// n (the tail rule for the last group) elements of its group come before it
// in (|w|, index) order.
//
//===----------------------------------------------------------------------===//
#include "SparsifyInternal.h"
#include "KernelsInternal.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

namespace coreai {
namespace kernels {

using namespace detail;

namespace {

/// The number of zero keys among w[0, n); `bad` is set when a key is at
/// least `badKey` (a NaN or Inf).
template <class U>
int64_t scanKeys(const U *__restrict w, int64_t n, uint32_t badKey,
                 bool &bad) {
  // Keys and badKey fit the signed type: signed compares, which SSE2 has
  // for 16 and 32 bits, vectorize this loop on every target.
  using S = std::make_signed_t<U>;
  constexpr U magMask = (U)(sizeof(U) == 4 ? 0x7fffffffu : 0x7fffu);
  const S badS = (S)badKey;
  int64_t zeros = 0;
  S over = 0;
  for (int64_t i0 = 0; i0 < n; i0 += 4096) {
    const int64_t len = std::min<int64_t>(4096, n - i0);
    S z = 0; // at most 4096 per piece
    for (int64_t i = 0; i < len; ++i) {
      const S key = (S)(w[i0 + i] & magMask);
      z += key == 0;
      over |= key >= badS;
    }
    zeros += z;
  }
  bad = over != 0;
  return zeros;
}

template <class U>
QuantResult selectNMOf(SparsityPlanState &s, const ParallelFor &pf) {
  makeRowChunks(s);
  const uint8_t *src = (const uint8_t *)s.src;
  const int64_t nc = (int64_t)s.chunks.size();
  const int64_t In = s.In, C = s.C, m = s.width, Cg = s.rowsPerFibre;
  const uint32_t badKey = nonFiniteKey(s.st);
  std::vector<uint8_t> bad((size_t)nc, 0);
  runParallel(pf, (size_t)nc, [&](size_t b, size_t e) {
    std::vector<int64_t> zc;
    for (size_t c = b; c < e; ++c) {
      SparseChunk &ch = s.chunks[c];
      // Zeros and NaN/Inf of the chunk, in one sweep.
      bool isBad = false;
      const int64_t zeros = scanKeys((const U *)(const void *)src + ch.begin,
                                     ch.end - ch.begin, badKey, isBad);
      bad[c] = isBad;
      int64_t count = 0;
      if (zeros == 0) {
        // Tail rows are those with u % Cg == Cg - 1 (when C % m != 0).
        const int64_t rows = ch.rowEnd - ch.rowBegin;
        const int64_t tails =
            C % m ? ch.rowEnd / Cg - ch.rowBegin / Cg : 0;
        const int64_t r = C % m;
        count = ((rows - tails) * (m - s.nFull) + tails * (r - s.nTail)) * In;
        ch.numNonZero = count;
        continue;
      }
      // Rows are consecutive in memory: walk them with a running position.
      constexpr U magMask = (U)(sizeof(U) == 4 ? 0x7fffffffu : 0x7fffu);
      const U *w = (const U *)(const void *)src + ch.begin;
      for (int64_t u = ch.rowBegin, j = u % Cg; u < ch.rowEnd; ++u) {
        const int64_t c0 = j * m, mEff = std::min(C, c0 + m) - c0;
        const int64_t nP = mEff == m ? s.nFull : s.nTail;
        // A group with z zeros prunes them first: max(0, nP - z) nonzero
        // elements go.
        if (In == 1) {
          int64_t z = 0;
          for (int64_t q = 0; q < mEff; ++q)
            z += (w[q] & magMask) == 0;
          count += (mEff - z) - std::max<int64_t>(0, nP - z);
        } else {
          zc.assign((size_t)In, 0);
          for (int64_t q = 0; q < mEff; ++q)
            for (int64_t i = 0; i < In; ++i)
              zc[i] += (w[q * In + i] & magMask) == 0;
          for (int64_t i = 0; i < In; ++i)
            count += (mEff - zc[i]) - std::max<int64_t>(0, nP - zc[i]);
        }
        w += mEff * In;
        if (++j == Cg)
          j = 0;
      }
      ch.numNonZero = count;
    }
  });
  if (QuantResult r = nonFiniteResult(s, bad); r.status != Status::Ok)
    return r;
  finishChunks(s);
  return {Status::Ok, -1};
}

/// Keep flags of one row (mEff x In keys): an element is pruned when fewer
/// than nP elements of its group come before it in (key, index) order.
void keepRow(const uint32_t *k, int64_t mEff, int64_t In, int64_t nP,
             uint8_t *keep, std::vector<uint64_t> &tmp) {
  if (nP <= 0 || nP >= mEff) {
    std::memset(keep, nP <= 0 ? 1 : 0, (size_t)(mEff * In));
    return;
  }
  if (mEff <= 32) {
    for (int64_t j = 0; j < mEff; ++j) {
      const uint32_t *kj = k + j * In;
      uint8_t *out = keep + j * In;
      for (int64_t i = 0; i < In; ++i) {
        int64_t rank = 0;
        for (int64_t q = 0; q < j; ++q)
          rank += k[q * In + i] <= kj[i];
        for (int64_t q = j + 1; q < mEff; ++q)
          rank += k[q * In + i] < kj[i];
        out[i] = rank >= nP;
      }
    }
    return;
  }
  // Long groups: the nP smallest (key, index) pairs by selection.
  tmp.resize((size_t)mEff);
  for (int64_t i = 0; i < In; ++i) {
    for (int64_t j = 0; j < mEff; ++j)
      tmp[j] = (uint64_t)k[j * In + i] << 32 | (uint64_t)j;
    std::nth_element(tmp.begin(), tmp.begin() + nP, tmp.end());
    for (int64_t j = 0; j < mEff; ++j)
      keep[j * In + i] = 1;
    for (int64_t q = 0; q < nP; ++q)
      keep[(int64_t)(uint32_t)tmp[q] * In + i] = 0;
  }
}

/// Keep flags of `groups` consecutive full groups of M elements (In == 1).
template <int M>
void keepGroups(const uint32_t *k, int64_t groups, int64_t nP, uint8_t *keep) {
  for (int64_t g = 0; g < groups; ++g) {
    const uint32_t *kg = k + g * M;
    for (int j = 0; j < M; ++j) {
      int rank = 0;
      for (int q = 0; q < M; ++q)
        rank += q < j ? kg[q] <= kg[j] : q > j ? kg[q] < kg[j] : 0;
      keep[g * M + j] = rank >= nP;
    }
  }
}

} // namespace

void nmKeepRows(const SparsityPlanState &s, int64_t u0, int64_t u1,
                std::vector<uint32_t> &keys, uint8_t *keep) {
  const int64_t In = s.In, C = s.C, m = s.width, Cg = s.rowsPerFibre;
  auto rowStart = [&](int64_t u) { return ((u / Cg) * C + (u % Cg) * m) * In; };
  const int64_t x0 = rowStart(u0);
  const int64_t x1 = u1 == s.O * Cg ? s.N : rowStart(u1);
  keys.resize((size_t)(x1 - x0));
  uint32_t *__restrict kd = keys.data();
  if (s.st == SrcType::F32) {
    const uint32_t *__restrict w = (const uint32_t *)s.src + x0;
    for (int64_t x = 0; x < x1 - x0; ++x)
      kd[x] = w[x] & 0x7fffffffu;
  } else {
    const uint16_t *__restrict w = (const uint16_t *)s.src + x0;
    for (int64_t x = 0; x < x1 - x0; ++x)
      kd[x] = w[x] & 0x7fffu;
  }
  const bool hasTail = C % m != 0;
  std::vector<uint64_t> tmp;
  int64_t u = u0;
  while (u < u1) {
    const int64_t xs = rowStart(u) - x0;
    if (In == 1 && (m == 2 || m == 4 || m == 8) && s.nFull > 0 &&
        s.nFull < m) {
      // A run of full groups of the same fibre.
      const int64_t fullEnd = (u / Cg + 1) * Cg - (hasTail ? 1 : 0);
      const int64_t runEnd = std::min(u1, fullEnd);
      if (runEnd > u) {
        const int64_t g = runEnd - u;
        if (m == 2)
          keepGroups<2>(keys.data() + xs, g, s.nFull, keep + xs);
        else if (m == 4)
          keepGroups<4>(keys.data() + xs, g, s.nFull, keep + xs);
        else
          keepGroups<8>(keys.data() + xs, g, s.nFull, keep + xs);
        u = runEnd;
        continue;
      }
    }
    const int64_t c0 = (u % Cg) * m;
    const int64_t mEff = std::min(C, c0 + m) - c0;
    keepRow(keys.data() + xs, mEff, In, mEff == m ? s.nFull : s.nTail,
            keep + xs, tmp);
    ++u;
  }
}

QuantResult selectNM(SparsityPlanState &s, const ParallelFor &pf) {
  return s.st == SrcType::F32 ? selectNMOf<uint32_t>(s, pf)
                              : selectNMOf<uint16_t>(s, pf);
}

} // namespace kernels
} // namespace coreai
