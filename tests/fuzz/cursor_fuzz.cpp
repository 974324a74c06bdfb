// Fuzz target: pagination cursor decoding. The input is tried twice: as a cursor as a client
// would send it, and as a payload signed with the right key (so the fuzzer reaches the checks
// behind the MAC). A decoded cursor must re-encode to one that decodes to the same state.
#include <scout/search/cursor.hpp>

#include "cache/digest.hpp"
#include "fuzz_check.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using scout::fuzz::check;
using scout::search::CursorClock;
using scout::search::CursorKeys;

constexpr std::string_view kSecret = "fuzz-cursor-secret-0123456789abcdef";
constexpr std::size_t kMacLength = 16;  // bytes of HMAC-SHA256 a cursor carries
// 2026-12-01T00:00:00Z: a fixed "now" keeps runs reproducible.
const CursorClock::time_point kNow{std::chrono::seconds(1'796'083'200)};

std::string base64url(std::string_view bytes) {
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : bytes) {
        acc = (acc << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kAlphabet[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0) {
        out += kAlphabet[(acc << (6 - bits)) & 0x3f];
    }
    return out;
}

std::string signed_cursor(std::string_view payload) {
    const auto mac = scout::cache::detail::hmac_sha256(kSecret, payload);
    std::string bytes(payload);
    bytes.append(reinterpret_cast<const char*>(mac.data()), kMacLength);
    return base64url(bytes);
}

void decode_and_round_trip(std::string_view cursor, const CursorKeys& keys) {
    // Expecting the empty fingerprint: a payload with an empty one decodes fully.
    const auto decoded = scout::search::decode_cursor(cursor, keys, "", kNow);
    if (!decoded) {
        check(!decoded.error().message().empty(), "cursor errors have a message");
        return;
    }
    const std::string again = scout::search::encode_cursor(*decoded, keys, kNow);
    const auto redecoded =
        scout::search::decode_cursor(again, keys, decoded->query_fingerprint, kNow);
    check(redecoded.has_value() && *redecoded == *decoded, "cursor round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const CursorKeys keys{{std::string(kSecret)}, std::chrono::hours(24)};
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    decode_and_round_trip(input, keys);
    decode_and_round_trip(signed_cursor(input), keys);
    return 0;
}
