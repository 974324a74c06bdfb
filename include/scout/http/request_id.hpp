// Request ids: the rule for accepting a client's X-Request-ID and the generator for new
// ones (128 random bits as 32 lower-case hex digits). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace scout::http {

inline constexpr std::size_t kMaxRequestIdLength = 128;

// 1-128 printable ASCII characters (0x20-0x7E), not starting or ending with a space.
bool is_acceptable_request_id(std::string_view id);

// A fresh random 128-bit id in hex (per-thread generator seeded from std::random_device).
std::string mint_request_id();

}  // namespace scout::http
