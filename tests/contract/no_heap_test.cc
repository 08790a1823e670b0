// Contract: an inference call allocates nothing on the heap. operator new is replaced and
// malloc/calloc/realloc are wrapped at link time (-Wl,--wrap) to count every allocation made
// while the int8 and float MobileNetV2 blocks run. Built with -fno-exceptions -fno-rtti.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "mote/models/mobilenet_v2.h"
#include "mote/nn/network.h"
#include "mote/tensor/tensor.h"

namespace {
// Atomic, so that the compiler cannot cache it across a call it believes is the builtin malloc.
std::atomic<std::size_t> g_allocations{0};
}  // namespace

extern "C" {
void* __real_malloc(std::size_t);
void* __real_calloc(std::size_t, std::size_t);
void* __real_realloc(void*, std::size_t);
void* __wrap_malloc(std::size_t n) {
  ++g_allocations;
  return __real_malloc(n);
}
void* __wrap_calloc(std::size_t n, std::size_t size) {
  ++g_allocations;
  return __real_calloc(n, size);
}
void* __wrap_realloc(void* p, std::size_t n) {
  ++g_allocations;
  return __real_realloc(p, n);
}
}

void* operator new(std::size_t n) {
  ++g_allocations;
  void* p = std::malloc(n ? n : 1);
  if (p == nullptr) std::abort();
  return p;
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using Shape = mote::Extents<1, 14, 14, 16>;
using Block = mote::models::InvertedResidual<16, 16, 6, 1>;
using Strided = mote::models::InvertedResidual<16, 24, 6, 2>;
mote::nn::Network<Block, Shape, float> float_block;
mote::nn::Network<Block, Shape, std::int8_t> int8_block;
mote::nn::Network<Strided, Shape, std::int8_t> int8_strided;
mote::nn::Network<Strided, Shape, float> float_strided;
alignas(64) std::byte arena[256 * 1024];
mote::Tensor<float, Shape> fin, fout;
mote::Tensor<std::int8_t, Shape> qin, qout;
mote::Tensor<float, mote::Extents<1, 7, 7, 24>> fout2;
mote::Tensor<std::int8_t, mote::Extents<1, 7, 7, 24>> qout2;

int check(const char* what, std::size_t before) {
  if (g_allocations != before) {
    std::printf("FAIL: %s allocated %zu times\n", what, g_allocations.load() - before);
    return 1;
  }
  std::printf("ok: %s made no heap allocation\n", what);
  return 0;
}

}  // namespace

int main() {
  static_assert(decltype(float_block)::arena_bytes <= sizeof(arena) &&
                decltype(float_strided)::arena_bytes <= sizeof(arena));
  float_block.initialize(1);
  float_strided.initialize(2);
  for (std::size_t i = 0; i < fin.size(); ++i) fin.data()[i] = static_cast<float>(i % 7) - 3.0f;
  decltype(float_block)::Calibration cal{};
  decltype(float_strided)::Calibration cal2{};
  int failures = 0;

  auto expect_ok = [&](const char* what, mote::Status s) {
    if (s != mote::Status::kOk) {
      std::printf("FAIL: %s returned %s\n", what, mote::to_string(s));
      ++failures;
    }
  };
  std::size_t before = g_allocations;
  expect_ok("calibrate", float_block.calibrate(fin.view(), fout.view(), arena, cal));
  expect_ok("calibrate strided", float_strided.calibrate(fin.view(), fout2.view(), arena, cal2));
  expect_ok("quantize", int8_block.quantize_from(float_block, cal));
  expect_ok("quantize strided", int8_strided.quantize_from(float_strided, cal2));
  failures += check("calibration and quantization", before);

  before = g_allocations;
  expect_ok("float run", float_block.run(fin.view(), fout.view(), arena));
  failures += check("float inference", before);

  before = g_allocations;
  expect_ok("int8 run", int8_block.run(qin.view(), qout.view(), arena));
  expect_ok("int8 run strided", int8_strided.run(qin.view(), qout2.view(), arena));
  failures += check("int8 inference", before);

  // The counter works: a deliberate allocation is seen.
  before = g_allocations;
  void* volatile p = std::malloc(16);  // volatile: the pair must not be optimised away
  std::free(p);
  if (g_allocations == before) {
    std::printf("FAIL: the allocation counter saw nothing\n");
    ++failures;
  }
  return failures == 0 ? 0 : 1;
}
