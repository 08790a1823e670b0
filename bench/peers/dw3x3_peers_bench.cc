// Depthwise 3x3 of the peers found at configure time, named dw3x3/<peer>/<H>x<W>x<C>s<stride>.
#include "harness.h"

int main(int argc, char** argv) {
  mote::bench::register_dw3x3_peers();
  return mote::bench::run_benchmarks(argc, argv);
}
