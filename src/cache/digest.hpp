// SHA-256 and hex helpers shared by the ETag and cache-key code. Private to the cache area;
// thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace scout::cache::detail {

using Sha256 = std::array<unsigned char, 32>;

// SHA-256 of `data` (OpenSSL libcrypto).
Sha256 sha256(std::string_view data);

// Appends the first `count` bytes of `digest` as lower-case hex.
void append_hex(std::string& out, const Sha256& digest, std::size_t count);

}  // namespace scout::cache::detail
