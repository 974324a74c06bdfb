// Fuzz target: a cached /search response read back from Redis (the L2 value). The input is
// tried as a value found in Redis, and with a valid HMAC appended (as if written by an
// instance sharing the secret) so the fuzzer reaches the field checks behind it. A value that
// decodes re-encodes to the same bytes and carries only header-safe ETag and Content-Type.
#include <scout/cache/cached_response.hpp>
#include <scout/middleware/gzip.hpp>

#include "cache/digest.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using scout::cache::DecodeStatus;
using scout::fuzz::check;

constexpr std::string_view kKey = "search:v1:fuzz";
constexpr std::string_view kSecret = "fuzz-l2-secret";
constexpr std::size_t kMaxInflate = 1U << 20U;

void decode_and_check(std::string_view value) {
    const scout::cache::ValueBinding binding{kKey, kSecret};
    const auto decoded = scout::cache::decode(value, binding);
    check(decoded.value.has_value() == (decoded.status == DecodeStatus::kOk), "value iff kOk");
    check(!scout::cache::to_string(decoded.status).empty(), "status has a name");
    if (!decoded.value) {
        return;
    }
    const auto& response = *decoded.value;
    check(response.body != nullptr, "a decoded value has a body");
    check(scout::cache::is_safe_etag(response.etag), "ETag is header-safe");
    check(scout::cache::is_safe_content_type(response.content_type), "Content-Type is safe");
    check(response.expires_at >= response.fetched_at, "expires after it was fetched");
    check(response.bytes() >= response.body->size(), "bytes() counts the body");
    check(scout::cache::encode(response, binding) == value, "encode(decode(v)) == v");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    decode_and_check(input);

    std::string authentic(input);
    const auto mac = scout::cache::detail::hmac_sha256(kSecret, input);
    authentic.append(reinterpret_cast<const char*>(mac.data()), mac.size());
    decode_and_check(authentic);

    // The gzip body of a value is inflated only by clients, but the helper must hold anyway.
    if (const auto inflated = scout::middleware::gzip_decompress(input, kMaxInflate)) {
        check(inflated->size() <= kMaxInflate, "gzip_decompress respects max_out");
    }
    return 0;
}
