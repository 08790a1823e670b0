// expect: mote: layer input does not fit
// expect: ShapeCheck<mote::nn::LayerAt<1, mote::nn::DepthwiseConv2d<96,
// expect: mote::nn::Channels, 96, 144>
// The second layer expects 96 channels but the first produces 144: the error names the layer's
// position, the dimension and both numbers.
#include <cstdint>

#include "mote/nn/activation.h"
#include "mote/nn/conv2d.h"
#include "mote/nn/depthwise_conv2d.h"
#include "mote/nn/network.h"
#include "mote/nn/sequential.h"

using Bad =
    mote::nn::Sequential<mote::nn::Conv1x1<24, 144>, mote::nn::Relu6, mote::nn::Depthwise3x3<96>>;
mote::nn::Network<Bad, mote::Extents<1, 8, 8, 24>, std::int8_t> net;
