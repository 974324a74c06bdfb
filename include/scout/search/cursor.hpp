// Opaque, authenticated pagination cursors for /search: where the next page starts (upstream
// page + offset), bound to one query by its fingerprint, stamped with its issue time, signed
// with HMAC-SHA256 under a rotating list of keys. Search area; pure functions, thread-safe.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace scout::search {

// NOLINTNEXTLINE(readability-identifier-naming): named like std::errc.
enum class cursor_errc {
    kMalformed = 1,  // not a cursor: bad characters, length, encoding or payload
    kBadMac,         // a cursor, but not one this service signed with this secret (tampered)
    kWrongQuery,     // a genuine cursor of a different query
    kVersion,        // a genuine cursor of a payload version this build does not read
    kExpired,        // a genuine cursor older than CursorKeys::max_age (or from the future)
};

const boost::system::error_category& cursor_category() noexcept;
boost::system::error_code make_error_code(cursor_errc e) noexcept;

inline constexpr std::size_t kMaxSeenTail = 32;           // ids kept by encode_cursor
inline constexpr std::size_t kMaxFingerprintLength = 64;  // bytes
inline constexpr std::size_t kMaxCursorLength = 1024;     // characters accepted by decode

struct CursorState {
    std::string query_fingerprint;        // query_fingerprint() of the canonical query parameters
    int upstream_page = 1;                // upstream page to fetch next (>= 1)
    int offset = 0;                       // products of that page already returned (>= 0)
    std::vector<std::int64_t> seen_tail;  // last ids returned, to suppress repeats when
                                          // upstream pages shift (at most kMaxSeenTail)

    bool operator==(const CursorState&) const = default;
};

using CursorClock = std::chrono::system_clock;  // issue times must agree across instances

// How cursors are signed and checked: built once from the configuration.
struct CursorKeys {
    std::vector<std::string> secrets;  // HMAC keys: the first signs, every one verifies, so a
                                       // new key goes first and the old one stays a while
    std::chrono::seconds max_age{std::chrono::hours(24)};  // older cursors are kExpired
};

// A cursor issued up to this far in the future (another instance's clock) is still accepted.
inline constexpr std::chrono::seconds kMaxCursorClockSkew{300};

// A fresh 256-bit key from the OpenSSL CSPRNG, as 64 hex characters; for a process that was
// given no key (cursors then die with the process). Throws std::runtime_error if RAND_bytes
// fails.
std::string random_cursor_secret();

// Lower-case hex of the first 8 bytes of SHA-256(canonical_query): 16 characters.
std::string query_fingerprint(std::string_view canonical_query);

// URL-safe base64 without padding of: version byte, varint page, varint offset, fingerprint
// (length-prefixed), varint count + varint ids, varint issue time (`now`, Unix seconds), then
// the first 16 bytes of HMAC-SHA256(keys.secrets[0], everything before). Only the last
// kMaxSeenTail ids of seen_tail are kept. Preconditions (std::invalid_argument otherwise):
// at least one secret and none empty, upstream_page >= 1, offset >= 0, fingerprint at most
// kMaxFingerprintLength bytes, `now` after 1970.
std::string encode_cursor(
    const CursorState& state, const CursorKeys& keys, CursorClock::time_point now
);

// Checks, in order: characters/length/base64 (kMalformed), MAC under any of the secrets with
// a constant-time compare (kBadMac), version (kVersion), payload structure (kMalformed), age
// against keys.max_age and kMaxCursorClockSkew (kExpired), fingerprint equal to
// `expected_fingerprint` (kWrongQuery). Never throws or reads out of bounds on any input.
// Precondition: as encode_cursor for the secrets (std::invalid_argument otherwise).
boost::system::result<CursorState> decode_cursor(
    std::string_view cursor,
    const CursorKeys& keys,
    std::string_view expected_fingerprint,
    CursorClock::time_point now
);

}  // namespace scout::search

namespace boost::system {
template <>
struct is_error_code_enum<scout::search::cursor_errc> : std::true_type {};
}  // namespace boost::system
