//===- kernels_bench.cpp - Throughput of the quantization kernels ---------===//
//
// 8 x 4096x4096 N(0, 0.02) weights (f32, then f16): quantize time (median of
// 5) single-threaded and with 2 threads (with the output digests the pass
// names blobs by), against a single-threaded memcpy of
// the same input bytes into an already-touched buffer. As in the
// QuantizeWeights pass: integer scales are stored in the weight's type (f32
// or f16), and the 2-thread ParallelFor cuts [0, n) into 4 * threads chunks
// that the threads take in turn.
//   coreai-kernels-bench [numTensors=8] [dim=4096] [config name filter]
// First lines: the chunk hash of the output digests in cache, then the hex
// encoding and decoding of blob text (bytes per second), in cache and on a
// 256 MB blob with 1 and 2 threads.
// COREAI_KERNELS_ISA=scalar|generic|avx2|avx512 forces a path.
//
//===----------------------------------------------------------------------===//
#include "coreai/Kernels/Digest.h"
#include "coreai/Kernels/Hex.h"
#include "coreai/Kernels/Quantize.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

using namespace coreai::kernels;

static double nowMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

template <class F> static double medianMs(F &&f, int reps = 5) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    double a = nowMs();
    f();
    t.push_back(nowMs() - a);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

static ParallelFor threads(int n) {
  return [n](size_t count, const std::function<void(size_t, size_t)> &body) {
    const size_t chunks = std::min<size_t>(count, 4 * n);
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i; (i = next.fetch_add(1)) < chunks;)
        body(count * i / chunks, count * (i + 1) / chunks);
    };
    std::vector<std::thread> ts;
    for (int t = 1; t < n; ++t)
      ts.emplace_back(worker);
    worker();
    for (auto &t : ts)
      t.join();
  };
}

int main(int argc, char **argv) {
  const int nt = argc > 1 ? std::atoi(argv[1]) : 8;
  const int64_t dim = argc > 2 ? std::atoll(argv[2]) : 4096;
  const int64_t per = dim * dim, total = per * nt;
  std::printf("path: %s; %d x %lldx%lld weights (%.1f M params)\n",
              isaName(activeIsa()), nt, (long long)dim, (long long)dim,
              total / 1e6);

  {
    // The chunk hash of the output digests, one thread, on a chunk in cache.
    std::vector<uint8_t> chunk(kDigestChunk);
    for (size_t i = 0; i < chunk.size(); ++i)
      chunk[i] = (uint8_t)(i * 131 + (i >> 9));
    const int reps = 4000;
    volatile uint64_t sink = 0;
    double ms = medianMs([&] {
      uint64_t h = 0;
      for (int r = 0; r < reps; ++r)
        h += chunkHash(chunk.data(), chunk.size(), (uint64_t)r);
      sink = h;
    });
    (void)sink;
    std::printf("chunk hash (output digests), 1 thread, in cache: %.1f GB/s\n",
                reps * (double)kDigestChunk / ms / 1e6);
  }

  {
    // Hex of blob text: a chunk in cache, then a large blob in memory.
    std::vector<uint8_t> bytes(size_t(256) << 20);
    for (size_t i = 0; i < bytes.size(); ++i)
      bytes[i] = (uint8_t)(i * 131 + (i >> 9));
    std::vector<char> digits(2 * bytes.size());
    std::vector<uint8_t> back(bytes.size());
    const int reps = 2000;
    double enc = medianMs([&] {
      for (int r = 0; r < reps; ++r)
        encodeHex(bytes.data(), kHexChunk, digits.data());
    });
    double dec = medianMs([&] {
      for (int r = 0; r < reps; ++r)
        decodeHex(digits.data(), kHexChunk, back.data());
    });
    std::printf("hex, 1 thread, in cache: encode %.1f GB/s, decode %.1f GB/s\n",
                reps * (double)kHexChunk / enc / 1e6,
                reps * (double)kHexChunk / dec / 1e6);
    for (int n : {1, 2}) {
      ParallelFor pf = n > 1 ? threads(n) : ParallelFor();
      encodeHex(bytes.data(), bytes.size(), digits.data(), pf); // touch
      decodeHex(digits.data(), bytes.size(), back.data(), pf);
      enc = medianMs(
          [&] { encodeHex(bytes.data(), bytes.size(), digits.data(), pf); });
      dec = medianMs(
          [&] { decodeHex(digits.data(), bytes.size(), back.data(), pf); });
      std::printf("hex, %d thread(s), 256 MB blob: encode %.1f GB/s, decode "
                  "%.1f GB/s\n",
                  n, bytes.size() / enc / 1e6, bytes.size() / dec / 1e6);
    }
  }

  std::vector<float> w32(total);
  std::mt19937 gen(42);
  std::normal_distribution<float> nd(0.f, 0.02f);
  for (auto &x : w32)
    x = nd(gen);
  std::vector<uint16_t> w16(total);
  for (int64_t i = 0; i < total; ++i) {
    _Float16 h = (_Float16)w32[i];
    std::memcpy(&w16[i], &h, 2);
  }

  // y: the weight is a matmul's y operand [in, out], blocks along axis -2.
  struct Config {
    const char *name;
    QuantParams p;
    bool perChannel, y;
  };
  const QuantParams i8{QType::SI8, Scheme::Symmetric, ScaleType::F32},
      i4{QType::SI4, Scheme::Symmetric, ScaleType::F32},
      f4{QType::F4E2M1FN, Scheme::Symmetric, ScaleType::F8E8M0FNU},
      f8{QType::F8E4M3FN, Scheme::Symmetric, ScaleType::F8E8M0FNU};
  const Config configs[] = {
      {"INT8 per-channel", i8, true, false},
      {"INT4 per-block32 sym", i4, false, false},
      {"FP4 per-block32", f4, false, false},
      {"FP8E4M3+E8M0 per-block32", f8, false, false},
      {"y: INT8 per-channel", i8, true, true},
      {"y: INT4 per-block32 sym", i4, false, true},
      {"y: FP4 per-block32", f4, false, true},
      {"y: FP8E4M3+E8M0 per-blk32", f8, false, true},
  };
  // Optional third argument: run only configs whose name contains it.
  const char *only = argc > 3 ? argv[3] : nullptr;

  const ParallelFor two = threads(2);
  std::printf("%-6s %-27s %10s %10s %10s %8s %8s\n", "src", "config", "1T ms",
              "2T ms", "memcpy ms", "1T/cpy", "2T/cpy");
  for (SrcType st : {SrcType::F32, SrcType::F16}) {
    const size_t esz = st == SrcType::F32 ? 4 : 2;
    const char *src = st == SrcType::F32 ? (const char *)w32.data()
                                         : (const char *)w16.data();
    std::vector<char> dst(total * esz, 1); // touched
    double cpy = medianMs([&] { std::memcpy(dst.data(), src, total * esz); });
    for (const Config &c : configs) {
      if (only && !std::strstr(c.name, only))
        continue;
      const int64_t b = c.perChannel ? dim : 32;
      QuantParams p = c.p;
      if (st == SrcType::F16 && p.scaleType == ScaleType::F32)
        p.scaleType = ScaleType::F16;
      BlockLayout l = c.y ? BlockLayout{{dim, dim}, {b, 1}}
                          : BlockLayout{{dim, dim}, {1, b}};
      std::vector<uint8_t> data(packedDataBytes(p.qtype, per) * nt, 1);
      std::vector<uint8_t> scale(scaleBytes(p.scaleType, l.numBlocks()) * nt, 1);
      std::vector<uint8_t> zp(packedDataBytes(p.qtype, l.numBlocks()) * nt, 1);
      OutputDigests digests; // as the pass asks for them (blob names)
      auto runAll = [&](const ParallelFor &pf) {
        for (int t = 0; t < nt; ++t) {
          QuantResult r = quantize(
              src + t * per * esz, st, l, p,
              data.data() + t * packedDataBytes(p.qtype, per),
              scale.data() + t * scaleBytes(p.scaleType, l.numBlocks()),
              zp.data() + t * packedDataBytes(p.qtype, l.numBlocks()), pf,
              &digests);
          if (r.status != Status::Ok) {
            std::printf("quantize failed: %d\n", (int)r.status);
            std::exit(1);
          }
        }
      };
      double t1 = medianMs([&] { runAll(nullptr); });
      double t2 = medianMs([&] { runAll(two); });
      std::printf("%-6s %-27s %10.1f %10.1f %10.1f %8.2f %8.2f\n",
                  st == SrcType::F32 ? "f32" : "f16", c.name, t1, t2, cpy,
                  t1 / cpy, t2 / cpy);
    }
  }
  return 0;
}
