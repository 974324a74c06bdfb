// The value a /search cache hit serves as is (body, gzip body, ETag ready: the hot-path rule),
// its L2 wire format, and the ETag helper that builds it (gzip: middleware/gzip.hpp). Cache area.
// Immutable once built and shared as std::shared_ptr<const CachedResponse>; the free functions are
// thread-safe.
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

// Whether `value` is within the last `percent` % of its freshness at `now`: time to fetch its
// successor so that it is replaced before it expires. False for percent <= 0 and for a value
// without a freshness period.
[[nodiscard]] bool in_refresh_window(
    const CachedResponse& value, std::chrono::system_clock::time_point now, int percent
);

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

// Leading tag of every encoded value. Change it (SC3, ...) whenever the layout changes: values
// written by older builds then decode as kMalformed and count as misses.
inline constexpr std::string_view kCachedResponseFormat = "SC2";

// Longest ETag and Content-Type a decoded value may carry (ours are 34 and 16 bytes).
inline constexpr std::size_t kMaxEtagBytes = 100;
inline constexpr std::size_t kMaxContentTypeBytes = 128;

// What a value is bound to. The shared tier is not trusted: anyone who can write to Redis
// could plant a value, or copy a genuine one under another key. A value therefore carries
// the key it was written under and an HMAC-SHA256 keyed by the secret all instances sharing
// the store have in common (cache.l2_secret).
struct ValueBinding {
    std::string_view key;     // the cache key (without the store's prefix)
    std::string_view secret;  // the HMAC key; never empty in Scout (see TieredCacheOptions)
};

// Layout (integers little-endian):
//   "SC2" | u8 flags (bit 0: gzip present; other bits zero) | i64 fetched_at ns since the
//   Unix epoch | i64 expires_at ns | u32 len + key | u32 len + etag | u32 len + content_type
//   | u32 len + body | [u32 len + gzip body] | 32-byte HMAC-SHA256(secret, everything before).
// Throws std::length_error if a field exceeds 4 GiB (a programmer error: bodies are capped
// long before that).
[[nodiscard]] std::string encode(const CachedResponse& response, ValueBinding binding);

enum class DecodeStatus {
    kOk,
    kMalformed,        // another tag, truncation, trailing bytes, bad lengths, flags or times
    kUnauthenticated,  // HMAC mismatch (other secret, tampering) or written under another key
    kUnsafeHeader,     // authentic, but an ETag or Content-Type not fit for a response header
};
[[nodiscard]] std::string_view to_string(DecodeStatus status);

struct Decoded {
    DecodeStatus status = DecodeStatus::kMalformed;
    std::optional<CachedResponse> value;  // set when status == kOk
};

// Checks, in this order: framing, the HMAC (constant-time), the key, the fields: times
// before the epoch, after year 2200 or expiring before being fetched are kMalformed; an ETag
// that is not a quoted strong validator of visible ASCII, or a Content-Type outside visible
// ASCII (and inner spaces) or too long, is kUnsafeHeader. Never reads out of bounds.
[[nodiscard]] Decoded decode(std::string_view encoded, ValueBinding binding);

// The header checks of decode(), on their own.
[[nodiscard]] bool is_safe_etag(std::string_view etag);
[[nodiscard]] bool is_safe_content_type(std::string_view content_type);

// ---- Helpers ------------------------------------------------------------------------------

// Strong ETag: the first 128 bits of SHA-256(body) as 32 lower-case hex digits, quoted.
[[nodiscard]] std::string strong_etag(std::string_view body);

}  // namespace scout::cache
