// expect: Shape
// A network input must be a static rank-4 NHWC shape.
#include "mote/nn/conv2d.h"
#include "mote/nn/network.h"

mote::nn::Network<mote::nn::Conv1x1<3, 8>, mote::Extents<8, 8, 3>, float> net;
