// Minimal Cortex-M start-up for qemu's mps2-an386 (M4) and mps3-an547 (M55) with semihosting:
// a vector table at address 0 whose reset handler enables the FPU and enters newlib's rdimon
// crt0 (_start: stack and heap from semihosting, .bss cleared, constructors, main, and main's
// return value passed to the host as qemu's exit status).
#include <cstdint>

extern "C" void _start();

extern "C" [[noreturn]] void Reset_Handler() {
#if defined(__ARM_FP)
  // CPACR: full access to coprocessors 10 and 11 (the FPU) before any float instruction.
  *reinterpret_cast<volatile std::uint32_t*>(0xE000ED88) |= 0xFu << 20;
  __asm volatile("dsb\n isb");
#endif
  _start();
  for (;;) {
  }
}

extern "C" [[noreturn]] void Fault_Handler() {
  for (;;) {
  }
}

// Initial stack pointer (crt0 then sets the real one), reset, NMI, HardFault. extern "C" gives
// the array external linkage, and the link keeps it with -u vectors despite --gc-sections.
extern "C" __attribute__((section(".vectors"), used)) void (*const vectors[4])() = {
    reinterpret_cast<void (*)()>(0x20008000), Reset_Handler, Fault_Handler, Fault_Handler};
