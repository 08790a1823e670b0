// int8 GEMM of the peers found at configure time, named gemm/<peer>/<M>x<K>x<N>.
#include "harness.h"

int main(int argc, char** argv) {
  mote::bench::register_gemm_peers();
  return mote::bench::run_benchmarks(argc, argv);
}
