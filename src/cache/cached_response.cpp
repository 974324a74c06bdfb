#include <scout/cache/cached_response.hpp>
#include <scout/middleware/gzip.hpp>

#include "cache/digest.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <limits>
#include <new>
#include <stdexcept>
#include <utility>

namespace scout::cache {
namespace {

using std::chrono::nanoseconds;
using std::chrono::system_clock;

constexpr std::uint8_t kFlagGzip = 0x01;
// Times outside [epoch, ~2200-01-01] are rejected on decode: nothing legitimate is there, and
// the bound keeps every later time_point computation far from overflow.
constexpr std::int64_t kMaxTimeNs = 7'258'118'400'000'000'000;

constexpr std::size_t kMacBytes = 32;  // HMAC-SHA256
// Bytes of the fixed part: tag, flags, two times, four lengths, MAC.
constexpr std::size_t kMinEncodedSize = 3 + 1 + 8 + 8 + 4 + 4 + 4 + 4 + kMacBytes;

void put_u32(std::string& out, std::uint32_t value) {
    for (unsigned shift = 0; shift < 32; shift += 8) {
        out.push_back(static_cast<char>((value >> shift) & 0xFFU));
    }
}

void put_i64(std::string& out, std::int64_t value) {
    const auto bits = static_cast<std::uint64_t>(value);
    for (unsigned shift = 0; shift < 64; shift += 8) {
        out.push_back(static_cast<char>((bits >> shift) & 0xFFU));
    }
}

void put_field(std::string& out, std::string_view field) {
    if (field.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("CachedResponse field larger than 4 GiB");
    }
    put_u32(out, static_cast<std::uint32_t>(field.size()));
    out.append(field);
}

std::int64_t to_ns(system_clock::time_point at) {
    return std::chrono::duration_cast<nanoseconds>(at.time_since_epoch()).count();
}

system_clock::time_point from_ns(std::int64_t ns) {
    return system_clock::time_point(
        std::chrono::duration_cast<system_clock::duration>(nanoseconds(ns))
    );
}

// Bounds-checked cursor over an encoded value; every read fails cleanly at the end.
class Reader {
public:
    explicit Reader(std::string_view data) : data_(data) {}

    bool u8(std::uint8_t& value) {
        if (data_.empty()) {
            return false;
        }
        value = static_cast<std::uint8_t>(data_.front());
        data_.remove_prefix(1);
        return true;
    }

    bool u32(std::uint32_t& value) {
        if (data_.size() < 4) {
            return false;
        }
        value = 0;
        for (unsigned i = 0; i < 4; ++i) {
            value |= static_cast<std::uint32_t>(static_cast<unsigned char>(data_[i])) << (8 * i);
        }
        data_.remove_prefix(4);
        return true;
    }

    bool i64(std::int64_t& value) {
        if (data_.size() < 8) {
            return false;
        }
        std::uint64_t bits = 0;
        for (unsigned i = 0; i < 8; ++i) {
            bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[i])) << (8 * i);
        }
        data_.remove_prefix(8);
        value = static_cast<std::int64_t>(bits);
        return true;
    }

    bool field(std::string_view& value) {
        std::uint32_t size = 0;
        if (!u32(size) || data_.size() < size) {
            return false;
        }
        value = data_.substr(0, size);
        data_.remove_prefix(size);
        return true;
    }

    [[nodiscard]] bool empty() const { return data_.empty(); }

private:
    std::string_view data_;
};

}  // namespace

bool in_refresh_window(
    const CachedResponse& value, std::chrono::system_clock::time_point now, int percent
) {
    const auto fresh_for = value.expires_at - value.fetched_at;
    if (percent <= 0 || fresh_for <= std::chrono::system_clock::duration::zero()) {
        return false;
    }
    return now >= value.expires_at - fresh_for * std::min(percent, 100) / 100;
}

std::size_t CachedResponse::bytes() const {
    std::size_t total = sizeof(CachedResponse) + etag.capacity() + content_type.capacity();
    if (body) {
        total += sizeof(std::string) + body->capacity();
    }
    if (gzip_body) {
        total += sizeof(std::string) + gzip_body->capacity();
    }
    return total;
}

CachedResponse make_cached_response(
    std::string body, std::string content_type, std::size_t gzip_min_bytes, int gzip_level
) {
    CachedResponse response;
    // A rendered body is built by appending and may have up to twice its size in capacity;
    // the cache keeps it for minutes, so it keeps only its size (a 15.7 KB page had 31 KB).
    body.shrink_to_fit();
    response.etag = strong_etag(body);
    response.content_type = std::move(content_type);
    if (!body.empty() && body.size() >= gzip_min_bytes) {
        std::string gzipped = middleware::gzip_compress(body, gzip_level);
        if (gzipped.size() < body.size()) {
            response.gzip_body = std::make_shared<const std::string>(std::move(gzipped));
        }
    }
    response.body = std::make_shared<const std::string>(std::move(body));
    return response;
}

std::string encode(const CachedResponse& response, ValueBinding binding) {
    const std::string_view body =
        response.body ? std::string_view(*response.body) : std::string_view();
    const bool has_gzip = response.gzip_body != nullptr;
    std::string out;
    out.reserve(
        kMinEncodedSize + binding.key.size() + response.etag.size() + response.content_type.size() +
        body.size() + (has_gzip ? 4 + response.gzip_body->size() : 0)
    );
    out.append(kCachedResponseFormat);
    out.push_back(static_cast<char>(has_gzip ? kFlagGzip : 0));
    put_i64(out, to_ns(response.fetched_at));
    put_i64(out, to_ns(response.expires_at));
    put_field(out, binding.key);
    put_field(out, response.etag);
    put_field(out, response.content_type);
    put_field(out, body);
    if (has_gzip) {
        put_field(out, *response.gzip_body);
    }
    const detail::Sha256 mac = detail::hmac_sha256(binding.secret, out);
    out.append(reinterpret_cast<const char*>(mac.data()), mac.size());
    return out;
}

std::string_view to_string(DecodeStatus status) {
    switch (status) {
        case DecodeStatus::kOk:
            return "ok";
        case DecodeStatus::kMalformed:
            return "malformed";
        case DecodeStatus::kUnauthenticated:
            return "unauthenticated";
        case DecodeStatus::kUnsafeHeader:
            return "unsafe header";
    }
    return "unknown";
}

bool is_safe_etag(std::string_view etag) {
    // A strong entity-tag (RFC 9110 8.8.3): DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E.
    if (etag.size() < 2 || etag.size() > kMaxEtagBytes || etag.front() != '"' ||
        etag.back() != '"') {
        return false;
    }
    const std::string_view inner = etag.substr(1, etag.size() - 2);
    return std::all_of(inner.begin(), inner.end(), [](char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x7E);
    });
}

bool is_safe_content_type(std::string_view content_type) {
    // Visible ASCII, and spaces inside (parameters): nothing that could end the header line.
    if (content_type.empty() || content_type.size() > kMaxContentTypeBytes ||
        content_type.front() == ' ' || content_type.back() == ' ') {
        return false;
    }
    return std::all_of(content_type.begin(), content_type.end(), [](char c) {
        return c >= 0x20 && c <= 0x7E;
    });
}

Decoded decode(std::string_view encoded, ValueBinding binding) {
    if (encoded.size() < kMinEncodedSize ||
        encoded.substr(0, kCachedResponseFormat.size()) != kCachedResponseFormat) {
        return {};
    }
    const std::string_view signed_part = encoded.substr(0, encoded.size() - kMacBytes);
    const detail::Sha256 mac = detail::hmac_sha256(binding.secret, signed_part);
    if (CRYPTO_memcmp(mac.data(), encoded.data() + signed_part.size(), kMacBytes) != 0) {
        return {DecodeStatus::kUnauthenticated, std::nullopt};
    }

    Reader in(signed_part.substr(kCachedResponseFormat.size()));
    std::uint8_t flags = 0;
    std::int64_t fetched_ns = 0;
    std::int64_t expires_ns = 0;
    std::string_view key;
    std::string_view etag;
    std::string_view content_type;
    std::string_view body;
    std::string_view gzip;
    if (!in.u8(flags) || (flags & ~kFlagGzip) != 0 || !in.i64(fetched_ns) || !in.i64(expires_ns) ||
        !in.field(key) || !in.field(etag) || !in.field(content_type) || !in.field(body)) {
        return {};
    }
    if ((flags & kFlagGzip) != 0 && !in.field(gzip)) {
        return {};
    }
    if (!in.empty() || fetched_ns < 0 || fetched_ns > kMaxTimeNs || expires_ns < fetched_ns ||
        expires_ns > kMaxTimeNs) {
        return {};
    }
    if (key != binding.key) {
        return {DecodeStatus::kUnauthenticated, std::nullopt};  // a genuine value, moved
    }
    if (!is_safe_etag(etag) || !is_safe_content_type(content_type)) {
        return {DecodeStatus::kUnsafeHeader, std::nullopt};
    }

    CachedResponse response;
    response.body = std::make_shared<const std::string>(body);
    if ((flags & kFlagGzip) != 0) {
        response.gzip_body = std::make_shared<const std::string>(gzip);
    }
    response.etag = etag;
    response.content_type = content_type;
    response.fetched_at = from_ns(fetched_ns);
    response.expires_at = from_ns(expires_ns);
    return {DecodeStatus::kOk, std::move(response)};
}

std::string strong_etag(std::string_view body) {
    std::string etag;
    etag.reserve(34);
    etag.push_back('"');
    const detail::Sha256 digest = detail::sha256(body);
    detail::append_hex(etag, std::span(digest).first(16));
    etag.push_back('"');
    return etag;
}

}  // namespace scout::cache
