// Peak int8 multiply-accumulate rate of one core: the ceiling each GEMM is reported against.
//
// Each loop is fixed-register inline assembly (the compiler can neither hoist nor spill it) with
// independent accumulators, more than latency x throughput, so only issue throughput limits it.
// Operations = 2 * MACs: one u8 x s8 product plus its addition into an int32 lane.
//   vpdpbusd zmm: 64 products summed 4 by 4 into 16 int32 = 64 MACs = 128 ops per instruction.
//   vpmaddubsw + vpmaddwd(ones) + vpaddd zmm: the exact pre-VNNI sequence, 64 MACs per triple.
//   vpmaddwd + vpaddd: 16 int16 MACs per ymm pair, 32 per zmm (operands widened beforehand).
//   The ymm forms do half of the zmm ones.
// Only registers 0-15 are used, so the file needs no -mavx512 flag; the CPU is checked at run
// time before any of these run.
#include <benchmark/benchmark.h>
#include <cpuid.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

constexpr std::int64_t kLoopsPerIteration = 1 << 16;

// 12 accumulators (zmm0-11) fed by the constant zmm12 (u8) and zmm13 (s8).
void loop_vpdpbusd_zmm(std::int64_t loops) {
  asm volatile(
      "vpternlogd $0xff, %%zmm12, %%zmm12, %%zmm12\n\t"
      "vpabsb %%zmm12, %%zmm13\n\t"
      ".irp r, 0,1,2,3,4,5,6,7,8,9,10,11\n\t"
      "vpxord %%zmm\\r, %%zmm\\r, %%zmm\\r\n\t"
      ".endr\n"
      "1:\n\t"
      ".irp r, 0,1,2,3,4,5,6,7,8,9,10,11\n\t"
      "vpdpbusd %%zmm13, %%zmm12, %%zmm\\r\n\t"
      ".endr\n\t"
      "dec %[loops]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [loops] "+r"(loops)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "cc");
}

// AVX-VNNI (VEX-encoded vpdpbusd on ymm), 12 accumulators (ymm0-11). "%{vex%}" is how extended
// asm writes the literal prefix {vex}.
void loop_vpdpbusd_ymm_vex(std::int64_t loops) {
  asm volatile(
      "vpcmpeqb %%ymm12, %%ymm12, %%ymm12\n\t"
      "vpabsb %%ymm12, %%ymm13\n\t"
      ".irp r, 0,1,2,3,4,5,6,7,8,9,10,11\n\t"
      "vpxor %%ymm\\r, %%ymm\\r, %%ymm\\r\n\t"
      ".endr\n"
      "1:\n\t"
      ".irp r, 0,1,2,3,4,5,6,7,8,9,10,11\n\t"
      "%{vex%} vpdpbusd %%ymm13, %%ymm12, %%ymm\\r\n\t"
      ".endr\n\t"
      "dec %[loops]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [loops] "+r"(loops)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "cc");
}

// 6 accumulators (zmm0-5), 6 temporaries (zmm6-11), u8 zmm12, s8 zmm13, int16 ones zmm14:
//   t = maddubs(u8, s8) (pairs summed to int16), t = madd(t, 1) (to int32), acc += t.
void loop_vpmaddubsw_vpmaddwd_zmm(std::int64_t loops) {
  asm volatile(
      "vpternlogd $0xff, %%zmm12, %%zmm12, %%zmm12\n\t"
      "vpabsb %%zmm12, %%zmm13\n\t"
      "vpabsw %%zmm12, %%zmm14\n\t"
      ".irp r, 0,1,2,3,4,5\n\t"
      "vpxord %%zmm\\r, %%zmm\\r, %%zmm\\r\n\t"
      ".endr\n"
      ".macro mote_triple acc, tmp\n\t"
      "vpmaddubsw %%zmm13, %%zmm12, %%zmm\\tmp\n\t"
      "vpmaddwd %%zmm14, %%zmm\\tmp, %%zmm\\tmp\n\t"
      "vpaddd %%zmm\\tmp, %%zmm\\acc, %%zmm\\acc\n\t"
      ".endm\n"
      "1:\n\t"
      "mote_triple 0, 6\n\t"
      "mote_triple 1, 7\n\t"
      "mote_triple 2, 8\n\t"
      "mote_triple 3, 9\n\t"
      "mote_triple 4, 10\n\t"
      "mote_triple 5, 11\n\t"
      "dec %[loops]\n\t"
      "jnz 1b\n\t"
      ".purgem mote_triple\n\t"
      "vzeroupper\n\t"
      : [loops] "+r"(loops)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "xmm14", "cc");
}

// AVX2: the same sequence on ymm, same register plan.
void loop_vpmaddubsw_vpmaddwd_ymm(std::int64_t loops) {
  asm volatile(
      "vpcmpeqb %%ymm12, %%ymm12, %%ymm12\n\t"
      "vpabsb %%ymm12, %%ymm13\n\t"
      "vpabsw %%ymm12, %%ymm14\n\t"
      ".irp r, 0,1,2,3,4,5\n\t"
      "vpxor %%ymm\\r, %%ymm\\r, %%ymm\\r\n\t"
      ".endr\n"
      ".macro mote_triple acc, tmp\n\t"
      "vpmaddubsw %%ymm13, %%ymm12, %%ymm\\tmp\n\t"
      "vpmaddwd %%ymm14, %%ymm\\tmp, %%ymm\\tmp\n\t"
      "vpaddd %%ymm\\tmp, %%ymm\\acc, %%ymm\\acc\n\t"
      ".endm\n"
      "1:\n\t"
      "mote_triple 0, 6\n\t"
      "mote_triple 1, 7\n\t"
      "mote_triple 2, 8\n\t"
      "mote_triple 3, 9\n\t"
      "mote_triple 4, 10\n\t"
      "mote_triple 5, 11\n\t"
      "dec %[loops]\n\t"
      "jnz 1b\n\t"
      ".purgem mote_triple\n\t"
      "vzeroupper\n\t"
      : [loops] "+r"(loops)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "xmm14", "cc");
}

// The exact widening path: int16 x int16 products summed in pairs to int32 (vpmaddwd), then
// accumulated (vpaddd); operands sign-extended to int16 beforehand (not counted here). 16 MACs per
// vpmaddwd ymm, 32 per zmm. 6 accumulators (0-5), temporaries 6-11, operands 12 and 13.
void loop_vpmaddwd_zmm(std::int64_t loops) {
  asm volatile(
      "vpternlogd $0xff, %%zmm12, %%zmm12, %%zmm12\n\t"
      "vpabsw %%zmm12, %%zmm13\n\t"
      ".irp r, 0,1,2,3,4,5\n\t"
      "vpxord %%zmm\\r, %%zmm\\r, %%zmm\\r\n\t"
      ".endr\n\t"
      ".macro mote_pair acc, tmp\n\t"
      "vpmaddwd %%zmm13, %%zmm12, %%zmm\\tmp\n\t"
      "vpaddd %%zmm\\tmp, %%zmm\\acc, %%zmm\\acc\n\t"
      ".endm\n"
      "1:\n\t"
      "mote_pair 0, 6\n\t"
      "mote_pair 1, 7\n\t"
      "mote_pair 2, 8\n\t"
      "mote_pair 3, 9\n\t"
      "mote_pair 4, 10\n\t"
      "mote_pair 5, 11\n\t"
      "dec %[loops]\n\t"
      "jnz 1b\n\t"
      ".purgem mote_pair\n\t"
      "vzeroupper\n\t"
      : [loops] "+r"(loops)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "cc");
}

void loop_vpmaddwd_ymm(std::int64_t loops) {
  asm volatile(
      "vpcmpeqb %%ymm12, %%ymm12, %%ymm12\n\t"
      "vpabsw %%ymm12, %%ymm13\n\t"
      ".irp r, 0,1,2,3,4,5\n\t"
      "vpxor %%ymm\\r, %%ymm\\r, %%ymm\\r\n\t"
      ".endr\n\t"
      ".macro mote_pair acc, tmp\n\t"
      "vpmaddwd %%ymm13, %%ymm12, %%ymm\\tmp\n\t"
      "vpaddd %%ymm\\tmp, %%ymm\\acc, %%ymm\\acc\n\t"
      ".endm\n"
      "1:\n\t"
      "mote_pair 0, 6\n\t"
      "mote_pair 1, 7\n\t"
      "mote_pair 2, 8\n\t"
      "mote_pair 3, 9\n\t"
      "mote_pair 4, 10\n\t"
      "mote_pair 5, 11\n\t"
      "dec %[loops]\n\t"
      "jnz 1b\n\t"
      ".purgem mote_pair\n\t"
      "vzeroupper\n\t"
      : [loops] "+r"(loops)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "cc");
}

// AVX-VNNI is CPUID leaf 7, sub-leaf 1, EAX bit 4; the ymm state is enabled where AVX2 runs.
bool has_avx_vnni() {
  unsigned eax = 0;
  unsigned ebx = 0;
  unsigned ecx = 0;
  unsigned edx = 0;
  if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (eax & (1u << 4)) != 0 && __builtin_cpu_supports("avx2");
}

void run_peak(benchmark::State& state, void (*loop)(std::int64_t), bool supported,
              const char* missing, double ops_per_loop) {
  if (!supported) {
    state.SkipWithError(missing);
    return;
  }
  for (auto _ : state) loop(kLoopsPerIteration);
  state.counters["GOPS"] = benchmark::Counter(ops_per_loop * kLoopsPerIteration / 1e9,
                                              benchmark::Counter::kIsIterationInvariantRate);
}

// Reads `bytes` (a multiple of 128) once: 4 independent 256-bit XOR chains, two loads a cycle
// at most, so the memory hierarchy is the limit.
void stream_read_ymm(const std::uint8_t* p, std::size_t bytes) {
  asm volatile(
      "vpxor %%ymm0, %%ymm0, %%ymm0\n"
      "vpxor %%ymm1, %%ymm1, %%ymm1\n"
      "vpxor %%ymm2, %%ymm2, %%ymm2\n"
      "vpxor %%ymm3, %%ymm3, %%ymm3\n"
      "1:\n"
      "vpxor (%[p]), %%ymm0, %%ymm0\n"
      "vpxor 32(%[p]), %%ymm1, %%ymm1\n"
      "vpxor 64(%[p]), %%ymm2, %%ymm2\n"
      "vpxor 96(%[p]), %%ymm3, %%ymm3\n"
      "add $128, %[p]\n"
      "sub $128, %[n]\n"
      "jnz 1b\n"
      "vzeroupper\n"
      : [p] "+r"(p), [n] "+r"(bytes)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "memory", "cc");
}

// The ceiling of an M = 1 GEMM: its weights (K x N bytes) stream through the cache hierarchy
// once per call, and each byte is worth 2 operations. 1,280,000 bytes is 1x1280x1000; the
// counter GOPS = 2 x bytes / time is the most any GEMV over those weights can reach.
void run_stream(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  if (!__builtin_cpu_supports("avx2")) {
    state.SkipWithError("CPU has no AVX2");
    return;
  }
  auto* p = static_cast<std::uint8_t*>(std::aligned_alloc(64, bytes));
  std::memset(p, 1, bytes);
  for (auto _ : state) stream_read_ymm(p, bytes);
  std::free(p);
  state.counters["GBps"] = benchmark::Counter(static_cast<double>(bytes) / 1e9,
                                              benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GOPS"] = benchmark::Counter(2.0 * static_cast<double>(bytes) / 1e9,
                                              benchmark::Counter::kIsIterationInvariantRate);
}

void register_peaks() {
  benchmark::RegisterBenchmark("peak/stream_read", run_stream)->Arg(1280000)->Arg(640000);
  // Per loop: 12 vpdpbusd = 12 x 64 MACs; 6 triples = 6 x 64 MACs (zmm), halves for ymm.
  benchmark::RegisterBenchmark("peak/vpdpbusd_zmm", run_peak, loop_vpdpbusd_zmm,
                               __builtin_cpu_supports("avx512vnni"), "CPU has no AVX-512 VNNI",
                               2.0 * 12 * 64);
  benchmark::RegisterBenchmark("peak/vpmaddubsw_vpmaddwd_zmm", run_peak,
                               loop_vpmaddubsw_vpmaddwd_zmm, __builtin_cpu_supports("avx512bw"),
                               "CPU has no AVX-512BW", 2.0 * 6 * 64);
  benchmark::RegisterBenchmark("peak/vpmaddubsw_vpmaddwd_ymm", run_peak,
                               loop_vpmaddubsw_vpmaddwd_ymm, __builtin_cpu_supports("avx2"),
                               "CPU has no AVX2", 2.0 * 6 * 32);
  // vpmaddubsw saturates a pair sum above 32767 (255 * 127 * 2 does): exact only when one
  // operand has 7 bits. These pairs are the exact int16 path, 6 x 32 (zmm) or 6 x 16 MACs a loop.
  benchmark::RegisterBenchmark("peak/vpmaddwd_zmm", run_peak, loop_vpmaddwd_zmm,
                               __builtin_cpu_supports("avx512bw"), "CPU has no AVX-512BW",
                               2.0 * 6 * 32);
  benchmark::RegisterBenchmark("peak/vpmaddwd_ymm", run_peak, loop_vpmaddwd_ymm,
                               __builtin_cpu_supports("avx2"), "CPU has no AVX2", 2.0 * 6 * 16);
  benchmark::RegisterBenchmark("peak/vpdpbusd_ymm_vex", run_peak, loop_vpdpbusd_ymm_vex,
                               has_avx_vnni(), "CPU has no AVX-VNNI (VEX vpdpbusd): skipped",
                               2.0 * 12 * 32);
}

}  // namespace

int main(int argc, char** argv) {
  register_peaks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
