// SHA-256, HMAC-SHA256, random and hex helpers shared by the ETag, cache-key, L2 value and
// lock code. Private to the cache area; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace scout::cache::detail {

using Sha256 = std::array<unsigned char, 32>;

// SHA-256 of `data` (OpenSSL libcrypto).
Sha256 sha256(std::string_view data);

// HMAC-SHA256 of `data` under `key` (OpenSSL libcrypto).
Sha256 hmac_sha256(std::string_view key, std::string_view data);

// `bytes` bytes from OpenSSL's CSPRNG as 2 * `bytes` lower-case hex digits. Throws
// std::runtime_error if the generator fails (not seeded).
std::string random_hex(std::size_t bytes);

// Appends `bytes` as lower-case hex.
void append_hex(std::string& out, std::span<const unsigned char> bytes);

}  // namespace scout::cache::detail
