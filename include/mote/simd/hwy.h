// The one place outside *_hwy-inl.h files that includes Highway. Per-target kernel bodies
// include this; nothing else in mote does.
#pragma once

#include <hwy/highway.h>
