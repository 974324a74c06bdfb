// Build version of Scout, set by CMake (project version).
#pragma once

#include <string_view>

namespace scout {

#ifndef SCOUT_VERSION
#define SCOUT_VERSION "0.0.0-dev"
#endif

inline constexpr std::string_view kVersion = SCOUT_VERSION;

}  // namespace scout
