// expect: mote: Conv2d: the kernel does not fit the input
// A 5x5 VALID convolution cannot run on a 3x3 image.
#include "mote/nn/conv2d.h"
#include "mote/nn/network.h"
#include "mote/nn/sequential.h"

using Bad = mote::nn::Sequential<mote::nn::Conv2d<3, 8, 5, 1, mote::Padding::kValid>>;
mote::nn::Network<Bad, mote::Extents<1, 3, 3, 3>, float> net;
