// Error codes returned by entry points that take run-time shapes or outside data.
#pragma once

#include <cstdint>

namespace mote {

// kOk or the reason a call was rejected. A rejected call has changed nothing.
enum class [[nodiscard]] Status : std::uint8_t{
    kOk = 0,
    kShapeMismatch,    // extents of arguments do not agree with each other or the layer
    kInvalidArgument,  // a parameter is out of its domain (scale <= 0, zero point out of range)
    kCorruptData,      // a weight blob fails its size, magic or checksum test
    kOutOfMemory,      // an arena or caller buffer is too small
    kUnsupported,      // valid, but not implemented for this configuration
};

constexpr bool ok(Status s) {
  return s == Status::kOk;
}

constexpr const char* to_string(Status s) {
  switch (s) {
    case Status::kOk:
      return "ok";
    case Status::kShapeMismatch:
      return "shape mismatch";
    case Status::kInvalidArgument:
      return "invalid argument";
    case Status::kCorruptData:
      return "corrupt data";
    case Status::kOutOfMemory:
      return "out of memory";
    case Status::kUnsupported:
      return "unsupported";
  }
  return "unknown status";
}

}  // namespace mote
