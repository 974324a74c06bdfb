#include <scout/search/cursor.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <stdexcept>

namespace scout::search {
namespace {

// 2: the issue time was added at the end; version-1 cursors (no expiry) are refused.
constexpr std::uint8_t kVersion = 2;
constexpr std::size_t kMacLength = 16;

// boost::system::error_category has a protected non-virtual destructor (categories are never
// deleted through a base pointer); GCC still warns about deriving from it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class CursorCategory final : public boost::system::error_category {
public:
    // A fixed id makes categories from different DSOs compare equal (Boost 1.81 feature).
    CursorCategory() noexcept : boost::system::error_category(0x5c0a7e1a2b3c4d60ULL) {}

    [[nodiscard]] const char* name() const noexcept override { return "scout.cursor"; }

    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<cursor_errc>(value)) {
            case cursor_errc::kMalformed:
                return "malformed cursor";
            case cursor_errc::kBadMac:
                return "cursor signature does not match";
            case cursor_errc::kWrongQuery:
                return "cursor belongs to a different query";
            case cursor_errc::kVersion:
                return "unsupported cursor version";
            case cursor_errc::kExpired:
                return "cursor has expired";
        }
        return "unknown cursor error";
    }
};
#pragma GCC diagnostic pop

using Bytes = std::vector<std::uint8_t>;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

std::string base64url_encode(const Bytes& data) {
    std::string out;
    out.reserve((data.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t v =
            (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back(kAlphabet[v & 63]);
    }
    const std::size_t rest = data.size() - i;
    if (rest == 1) {
        const std::uint32_t v = std::uint32_t{data[i]} << 16;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
    } else if (rest == 2) {
        const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
    }
    return out;
}

// Strict: URL-safe alphabet only, no padding, canonical (unused trailing bits zero).
std::optional<Bytes> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) {
        return std::nullopt;
    }
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const int v = base64_value(c);
        if (v < 0) {
            return std::nullopt;
        }
        buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((buffer >> bits) & 0xFF));
        }
    }
    if ((buffer & ((1u << bits) - 1)) != 0) {
        return std::nullopt;
    }
    return out;
}

void put_varint(Bytes& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(value | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(value));
}

class Reader {
public:
    Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    std::optional<std::uint8_t> byte() {
        if (pos_ >= size_) {
            return std::nullopt;
        }
        return data_[pos_++];
    }

    std::optional<std::uint64_t> varint() {
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const auto b = byte();
            if (!b) {
                return std::nullopt;
            }
            const std::uint64_t part = *b & 0x7Fu;
            if (shift == 63 && part > 1) {
                return std::nullopt;  // overflows 64 bits
            }
            value |= part << shift;
            if ((*b & 0x80) == 0) {
                return value;
            }
        }
        return std::nullopt;
    }

    std::optional<std::string> bytes(std::size_t n) {
        if (size_ - pos_ < n) {
            return std::nullopt;
        }
        std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
        pos_ += n;
        return out;
    }

    [[nodiscard]] bool at_end() const { return pos_ == size_; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

std::array<std::uint8_t, EVP_MAX_MD_SIZE> hmac_sha256(
    std::string_view secret, const std::uint8_t* data, std::size_t size
) {
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
    unsigned int length = 0;
    if (HMAC(
            EVP_sha256(),
            secret.data(),
            static_cast<int>(secret.size()),
            data,
            size,
            mac.data(),
            &length
        ) == nullptr ||
        length < kMacLength) {
        throw std::runtime_error("HMAC-SHA256 failed");  // only if OpenSSL itself is broken
    }
    return mac;
}

void require_secrets(const CursorKeys& keys) {
    if (keys.secrets.empty() ||
        std::any_of(keys.secrets.begin(), keys.secrets.end(), [](const std::string& secret) {
            return secret.empty();
        })) {
        throw std::invalid_argument("cursor keys: at least one secret, none empty");
    }
}

// Whether the MAC at `mac` signs `size` bytes at `data` under any of the secrets.
bool signed_by_any(
    const CursorKeys& keys, const std::uint8_t* data, std::size_t size, const std::uint8_t* mac
) {
    return std::any_of(keys.secrets.begin(), keys.secrets.end(), [&](const std::string& secret) {
        const auto expected = hmac_sha256(secret, data, size);
        return CRYPTO_memcmp(expected.data(), mac, kMacLength) == 0;
    });
}

std::int64_t unix_seconds(CursorClock::time_point time) {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

bool expired(std::uint64_t issued_s, const CursorKeys& keys, CursorClock::time_point now) {
    const std::int64_t now_s = unix_seconds(now);
    if (issued_s > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return true;
    }
    const auto age = now_s - static_cast<std::int64_t>(issued_s);
    return age > keys.max_age.count() || age < -kMaxCursorClockSkew.count();
}

std::optional<int> to_int(std::uint64_t value) {
    if (value > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
        return std::nullopt;
    }
    return static_cast<int>(value);
}

}  // namespace

const boost::system::error_category& cursor_category() noexcept {
    static const CursorCategory category;
    return category;
}

boost::system::error_code make_error_code(cursor_errc e) noexcept {
    return {static_cast<int>(e), cursor_category()};
}

std::string random_cursor_secret() {
    std::array<unsigned char, 32> key{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed: no random cursor secret");
    }
    constexpr std::string_view kHex = "0123456789abcdef";
    std::string out;
    for (const unsigned char b : key) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0x0F]);
    }
    return out;
}

std::string query_fingerprint(std::string_view canonical_query) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(
        reinterpret_cast<const unsigned char*>(canonical_query.data()),
        canonical_query.size(),
        digest.data()
    );
    constexpr std::string_view kHex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < 8; ++i) {
        out.push_back(kHex[digest[i] >> 4]);
        out.push_back(kHex[digest[i] & 0x0F]);
    }
    return out;
}

std::string encode_cursor(
    const CursorState& state, const CursorKeys& keys, CursorClock::time_point now
) {
    require_secrets(keys);
    if (state.upstream_page < 1 || state.offset < 0 ||
        state.query_fingerprint.size() > kMaxFingerprintLength || unix_seconds(now) < 0) {
        throw std::invalid_argument("encode_cursor: state out of range");
    }
    Bytes payload;
    payload.push_back(kVersion);
    put_varint(payload, static_cast<std::uint64_t>(state.upstream_page));
    put_varint(payload, static_cast<std::uint64_t>(state.offset));
    payload.push_back(static_cast<std::uint8_t>(state.query_fingerprint.size()));
    payload.insert(payload.end(), state.query_fingerprint.begin(), state.query_fingerprint.end());
    const std::size_t skip =
        state.seen_tail.size() > kMaxSeenTail ? state.seen_tail.size() - kMaxSeenTail : 0;
    put_varint(payload, state.seen_tail.size() - skip);
    for (std::size_t i = skip; i < state.seen_tail.size(); ++i) {
        put_varint(payload, static_cast<std::uint64_t>(state.seen_tail[i]));
    }
    put_varint(payload, static_cast<std::uint64_t>(unix_seconds(now)));
    const auto mac = hmac_sha256(keys.secrets.front(), payload.data(), payload.size());
    payload.insert(payload.end(), mac.begin(), mac.begin() + kMacLength);
    return base64url_encode(payload);
}

boost::system::result<CursorState> decode_cursor(
    std::string_view cursor,
    const CursorKeys& keys,
    std::string_view expected_fingerprint,
    CursorClock::time_point now
) {
    require_secrets(keys);
    if (cursor.empty() || cursor.size() > kMaxCursorLength) {
        return make_error_code(cursor_errc::kMalformed);
    }
    const auto bytes = base64url_decode(cursor);
    if (!bytes || bytes->size() < 1 + kMacLength) {
        return make_error_code(cursor_errc::kMalformed);
    }
    const std::size_t payload_size = bytes->size() - kMacLength;
    if (!signed_by_any(keys, bytes->data(), payload_size, bytes->data() + payload_size)) {
        return make_error_code(cursor_errc::kBadMac);
    }
    Reader reader(bytes->data(), payload_size);
    if (reader.byte() != kVersion) {
        return make_error_code(cursor_errc::kVersion);
    }
    CursorState state;
    const auto page = reader.varint();
    const auto offset = reader.varint();
    const auto fingerprint_length = reader.byte();
    if (!page || !offset || !fingerprint_length) {
        return make_error_code(cursor_errc::kMalformed);
    }
    const auto page_int = to_int(*page);
    const auto offset_int = to_int(*offset);
    auto fingerprint = reader.bytes(*fingerprint_length);
    const auto count = reader.varint();
    if (!page_int || *page_int < 1 || !offset_int || !fingerprint || !count ||
        *count > kMaxSeenTail) {
        return make_error_code(cursor_errc::kMalformed);
    }
    state.upstream_page = *page_int;
    state.offset = *offset_int;
    state.query_fingerprint = std::move(*fingerprint);
    state.seen_tail.reserve(*count);
    for (std::uint64_t i = 0; i < *count; ++i) {
        const auto id = reader.varint();
        if (!id) {
            return make_error_code(cursor_errc::kMalformed);
        }
        state.seen_tail.push_back(static_cast<std::int64_t>(*id));
    }
    const auto issued = reader.varint();
    if (!issued || !reader.at_end()) {
        return make_error_code(cursor_errc::kMalformed);
    }
    if (expired(*issued, keys, now)) {
        return make_error_code(cursor_errc::kExpired);
    }
    if (state.query_fingerprint != expected_fingerprint) {
        return make_error_code(cursor_errc::kWrongQuery);
    }
    return state;
}

}  // namespace scout::search
