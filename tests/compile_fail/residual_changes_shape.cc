// expect: mote: Residual: the body must keep the input shape
// expect: (Channels, 24, 32>|Extents<1, 8, 8, 24>, mote::Extents<1, 8, 8, 32>)
// A residual connection around a body that changes 24 channels to 32 cannot add.
#include "mote/nn/conv2d.h"
#include "mote/nn/network.h"
#include "mote/nn/residual.h"
#include "mote/nn/sequential.h"

using Bad = mote::nn::Residual<mote::nn::Sequential<mote::nn::Conv1x1<24, 32>>>;
mote::nn::Network<Bad, mote::Extents<1, 8, 8, 24>, float> net;
