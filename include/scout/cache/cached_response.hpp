// The value a /search cache hit serves as is (body, gzip body, ETag ready: the hot-path rule),
// its L2 wire format, and the gzip / ETag helpers that build it. Cache area. Immutable once
// built and shared as std::shared_ptr<const CachedResponse>; the free functions are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace scout::cache {

struct CachedResponse {
    std::shared_ptr<const std::string> body;       // identity-encoded bytes, never null when built
    std::shared_ptr<const std::string> gzip_body;  // gzip of body; null when not worth it
    std::string etag;          // strong ETag of `body` (quoted). A gzip representation needs its
                               // own validator: the compression middleware derives it.
    std::string content_type;  // e.g. "application/json"
    std::chrono::system_clock::time_point fetched_at{};  // when the upstream data was fetched
    std::chrono::system_clock::time_point expires_at{};  // end of freshness (set by TieredCache)

    // Memory this value keeps alive, for the L1 byte budget.
    [[nodiscard]] std::size_t bytes() const;
};

// Builds a response ready to cache: strong ETag of `body`, and a gzip copy when the body has
// at least `gzip_min_bytes` and compression actually makes it smaller. Times are left at the
// epoch (TieredCache::put fills them).
CachedResponse make_cached_response(
    std::string body,
    std::string content_type,
    std::size_t gzip_min_bytes = 1024,
    int gzip_level = 6
);

// ---- L2 wire format -----------------------------------------------------------------------

// Leading tag of every encoded value. Change it (SC2, ...) whenever the layout changes: values
// written by older builds then decode to nullopt and count as misses.
inline constexpr std::string_view kCachedResponseFormat = "SC1";

// Layout (integers little-endian):
//   "SC1" | u8 flags (bit 0: gzip present; other bits zero) | i64 fetched_at ns since the
//   Unix epoch | i64 expires_at ns | u32 len + etag | u32 len + content_type | u32 len + body
//   | [u32 len + gzip body] | u32 CRC-32 of everything before it.
// Throws std::length_error if a field exceeds 4 GiB (a programmer error: bodies are capped
// long before that).
[[nodiscard]] std::string encode(const CachedResponse& response);

// nullopt for anything that is not a complete value of this format: other tag, truncation,
// trailing bytes, bad lengths or flags, checksum mismatch, times before the epoch, after
// year 2200 or expiring before being fetched. Never reads out of bounds.
[[nodiscard]] std::optional<CachedResponse> decode(std::string_view encoded);

// ---- Helpers ------------------------------------------------------------------------------

// gzip (RFC 1952) of `data` at zlib `level` 0-9 (or -1 for zlib's default). Throws
// std::invalid_argument for another level, std::bad_alloc when zlib runs out of memory.
[[nodiscard]] std::string gzip_compress(std::string_view data, int level = 6);

// The data inside one complete gzip member; nullopt if the input is corrupt, truncated, has
// trailing bytes, or would inflate to more than `max_out` bytes.
[[nodiscard]] std::optional<std::string> gzip_decompress(
    std::string_view gzip, std::size_t max_out
);

// Strong ETag: the first 128 bits of SHA-256(body) as 32 lower-case hex digits, quoted.
[[nodiscard]] std::string strong_etag(std::string_view body);

}  // namespace scout::cache
