// MobileNetV2 building blocks (Sandler et al. 2018) composed from nn/ layers.
#pragma once

#include <cstddef>
#include <type_traits>

#include "mote/nn/activation.h"
#include "mote/nn/conv2d.h"
#include "mote/nn/depthwise_conv2d.h"
#include "mote/nn/residual.h"
#include "mote/nn/sequential.h"

namespace mote::models {

namespace detail {
template <std::size_t In, std::size_t Out, std::size_t Expansion, int Stride>
struct InvertedResidualBody {
  static constexpr std::size_t kHidden = In * Expansion;
  // 1x1 expand + ReLU6 (absent when the expansion is 1), 3x3 depthwise + ReLU6, 1x1 linear
  // projection.
  using type = std::conditional_t<
      Expansion == 1,
      nn::Sequential<nn::Depthwise3x3<kHidden, Stride>, nn::Relu6, nn::Conv1x1<kHidden, Out>>,
      nn::Sequential<nn::Conv1x1<In, kHidden>, nn::Relu6, nn::Depthwise3x3<kHidden, Stride>,
                     nn::Relu6, nn::Conv1x1<kHidden, Out>>>;
};
}  // namespace detail

// The inverted residual block: In -> In * Expansion -> Out channels; the residual connection
// exists when the shape allows it (stride 1 and In == Out).
template <std::size_t In, std::size_t Out, std::size_t Expansion = 6, int Stride = 1>
using InvertedResidual = std::conditional_t<
    Stride == 1 && In == Out,
    nn::Residual<typename detail::InvertedResidualBody<In, Out, Expansion, Stride>::type>,
    typename detail::InvertedResidualBody<In, Out, Expansion, Stride>::type>;

}  // namespace mote::models
