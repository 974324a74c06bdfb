#include <scout/cache/cached_response.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

namespace scout::cache {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

std::string json_body(std::size_t approx_bytes) {
    std::string body = R"({"products":[)";
    for (int i = 0; body.size() < approx_bytes; ++i) {
        if (i > 0) {
            body += ',';
        }
        body += R"({"id":)" + std::to_string(1000 + i) + R"(,"title":"Wireless earbuds model )" +
                std::to_string(i) + R"(","price":")" + std::to_string(10 + i % 50) +
                R"(.99","currency":"USD"})";
    }
    body += "]}";
    return body;
}

std::string random_bytes(std::mt19937& rng, std::size_t size) {
    std::uniform_int_distribution<int> byte(0, 255);
    std::string out(size, '\0');
    for (char& c : out) {
        c = static_cast<char>(byte(rng));
    }
    return out;
}

CachedResponse sample(bool with_gzip) {
    CachedResponse response =
        make_cached_response(json_body(4000), "application/json", with_gzip ? 1 : SIZE_MAX);
    response.fetched_at = system_clock::time_point(1'700'000'000'123'456'789ns);
    response.expires_at = response.fetched_at + 60s;
    return response;
}

// Replaces the trailing CRC so that a deliberately altered value gets past the checksum and
// exercises the structural checks.
std::string with_fixed_crc(std::string encoded) {
    encoded.resize(encoded.size() - 4);
    const auto crc = static_cast<std::uint32_t>(crc32(
        crc32(0L, Z_NULL, 0),
        reinterpret_cast<const Bytef*>(encoded.data()),
        static_cast<uInt>(encoded.size())
    ));
    for (unsigned shift = 0; shift < 32; shift += 8) {
        encoded.push_back(static_cast<char>((crc >> shift) & 0xFFU));
    }
    return encoded;
}

void expect_same(const CachedResponse& a, const CachedResponse& b) {
    ASSERT_TRUE(a.body && b.body);
    EXPECT_EQ(*a.body, *b.body);
    ASSERT_EQ(a.gzip_body == nullptr, b.gzip_body == nullptr);
    if (a.gzip_body) {
        EXPECT_EQ(*a.gzip_body, *b.gzip_body);
    }
    EXPECT_EQ(a.etag, b.etag);
    EXPECT_EQ(a.content_type, b.content_type);
    EXPECT_EQ(a.fetched_at, b.fetched_at);
    EXPECT_EQ(a.expires_at, b.expires_at);
}

TEST(CachedResponse, EncodeDecodeRoundTripsWithAndWithoutGzip) {
    for (const bool with_gzip : {true, false}) {
        const CachedResponse original = sample(with_gzip);
        ASSERT_EQ(original.gzip_body != nullptr, with_gzip);
        const std::string encoded = encode(original);
        EXPECT_EQ(encoded.substr(0, 3), "SC1");
        const auto decoded = decode(encoded);
        ASSERT_TRUE(decoded.has_value());
        expect_same(original, *decoded);
    }
}

TEST(CachedResponse, RoundTripsBinaryAndEmptyFields) {
    CachedResponse original;
    original.body = std::make_shared<const std::string>(std::string("a\0b\xff", 4));
    const auto decoded = decode(encode(original));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded->body, std::string("a\0b\xff", 4));
    EXPECT_EQ(decoded->gzip_body, nullptr);
    EXPECT_TRUE(decoded->etag.empty());
    EXPECT_EQ(decoded->fetched_at, system_clock::time_point{});
}

TEST(CachedResponse, RejectsAnotherFormatVersion) {
    std::string encoded = encode(sample(true));
    encoded[2] = '2';  // "SC2": a future (or past) layout
    EXPECT_FALSE(decode(with_fixed_crc(encoded)).has_value());
    EXPECT_FALSE(decode("").has_value());
    EXPECT_FALSE(decode("SC1").has_value());
}

TEST(CachedResponse, RejectsEveryTruncationAndTrailingBytes) {
    const std::string encoded = encode(sample(true));
    for (std::size_t size = 0; size < encoded.size(); ++size) {
        ASSERT_FALSE(decode(std::string_view(encoded).substr(0, size)).has_value()) << size;
    }
    EXPECT_FALSE(decode(encoded + "x").has_value());
    EXPECT_FALSE(
        decode(with_fixed_crc(encoded.substr(0, encoded.size() - 4) + "x" + "CRC!")).has_value()
    );
}

TEST(CachedResponse, RejectsEverySingleBitFlip) {
    CachedResponse small;
    small.body = std::make_shared<const std::string>("{\"products\":[]}");
    small.gzip_body = std::make_shared<const std::string>("gz");
    small.etag = strong_etag(*small.body);
    small.content_type = "application/json";
    const std::string encoded = encode(small);
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        for (unsigned bit = 0; bit < 8; ++bit) {
            std::string corrupt = encoded;
            corrupt[i] = static_cast<char>(static_cast<unsigned char>(corrupt[i]) ^ (1U << bit));
            ASSERT_FALSE(decode(corrupt).has_value()) << "byte " << i << " bit " << bit;
        }
    }
}

TEST(CachedResponse, RejectsBadFlagsAndTimes) {
    CachedResponse response = sample(false);
    std::string encoded = encode(response);
    encoded[3] = static_cast<char>(0x02);  // unknown flag
    EXPECT_FALSE(decode(with_fixed_crc(encoded)).has_value());

    response.expires_at = response.fetched_at - 1s;  // expires before it was fetched
    EXPECT_FALSE(decode(encode(response)).has_value());

    response.fetched_at = system_clock::time_point(-1s);  // before the epoch
    response.expires_at = system_clock::time_point(1s);
    EXPECT_FALSE(decode(encode(response)).has_value());
}

TEST(CachedResponse, RandomAndMutatedInputsNeverDecodeOrCrash) {
    std::mt19937 rng(12345);
    std::uniform_int_distribution<std::size_t> size_dist(0, 300);
    for (int i = 0; i < 5000; ++i) {
        const std::string noise = random_bytes(rng, size_dist(rng));
        EXPECT_FALSE(decode(noise).has_value());
        EXPECT_FALSE(decode("SC1" + noise).has_value());
    }

    // Structural fuzzing: random byte changes with a valid checksum. Any outcome is fine as
    // long as nothing is read out of bounds (ASan) and what decodes re-encodes identically.
    const std::string encoded = encode(sample(true));
    std::uniform_int_distribution<std::size_t> pos_dist(3, encoded.size() - 5);
    std::uniform_int_distribution<int> byte(0, 255);
    int decoded_count = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string mutated = encoded;
        const int changes = 1 + (i % 4);
        for (int c = 0; c < changes; ++c) {
            mutated[pos_dist(rng)] = static_cast<char>(byte(rng));
        }
        if (i % 3 == 0) {
            mutated.resize(mutated.size() - 4 - (static_cast<std::size_t>(i) % 50));
            mutated += "CRC!";
        }
        const std::string fixed = with_fixed_crc(mutated);
        if (const auto decoded = decode(fixed)) {
            ++decoded_count;
            EXPECT_EQ(encode(*decoded), fixed);
        }
    }
    EXPECT_LT(decoded_count, 3000);
}

TEST(Gzip, RoundTripsAndShrinksJson) {
    const std::string body = json_body(15'000);
    const std::string gz = gzip_compress(body);
    ASSERT_GE(gz.size(), 18U);
    EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1FU);  // gzip magic
    EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8BU);
    EXPECT_LT(gz.size(), body.size() / 3);
    const auto back = gzip_decompress(gz, body.size());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, body);
}

TEST(Gzip, RoundTripsEmptyAndIncompressibleInput) {
    const auto empty = gzip_decompress(gzip_compress(""), 0);
    ASSERT_TRUE(empty.has_value());
    EXPECT_TRUE(empty->empty());

    std::mt19937 rng(7);
    const std::string noise = random_bytes(rng, 200'000);
    for (const int level : {0, 1, 9, -1}) {
        const auto back = gzip_decompress(gzip_compress(noise, level), noise.size());
        ASSERT_TRUE(back.has_value()) << level;
        EXPECT_EQ(*back, noise);
    }
}

TEST(Gzip, DecompressRejectsOversizeTruncatedTrailingAndGarbage) {
    const std::string body = json_body(20'000);
    const std::string gz = gzip_compress(body);
    EXPECT_FALSE(gzip_decompress(gz, body.size() - 1).has_value());
    EXPECT_FALSE(gzip_decompress(gz.substr(0, gz.size() - 1), body.size()).has_value());
    EXPECT_FALSE(gzip_decompress(gz.substr(0, gz.size() / 2), body.size()).has_value());
    EXPECT_FALSE(gzip_decompress(gz + "junk", body.size()).has_value());
    EXPECT_FALSE(gzip_decompress("", 100).has_value());
    EXPECT_FALSE(gzip_decompress(body, body.size()).has_value());
}

TEST(Gzip, RejectsInvalidLevel) {
    EXPECT_THROW((void)gzip_compress("x", 10), std::invalid_argument);
    EXPECT_THROW((void)gzip_compress("x", -2), std::invalid_argument);
}

TEST(StrongEtag, IsQuotedFirst128BitsOfSha256) {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    EXPECT_EQ(strong_etag("abc"), "\"ba7816bf8f01cfea414140de5dae2223\"");
    EXPECT_EQ(strong_etag(""), "\"e3b0c44298fc1c149afbf4c8996fb924\"");
    EXPECT_NE(strong_etag("abc"), strong_etag("abd"));
}

TEST(CachedResponse, MakeCachedResponseGzipsOnlyWhenWorthIt) {
    const std::string body = json_body(15'000);
    const CachedResponse big = make_cached_response(body, "application/json");
    ASSERT_TRUE(big.body);
    EXPECT_EQ(*big.body, body);
    EXPECT_EQ(big.etag, strong_etag(body));
    EXPECT_EQ(big.content_type, "application/json");
    ASSERT_TRUE(big.gzip_body);
    EXPECT_EQ(gzip_decompress(*big.gzip_body, body.size()), body);
    EXPECT_GT(big.bytes(), body.size() + big.gzip_body->size());

    const CachedResponse small = make_cached_response("{}", "application/json");
    EXPECT_EQ(small.gzip_body, nullptr);  // under the threshold

    std::mt19937 rng(3);
    const CachedResponse noise =
        make_cached_response(random_bytes(rng, 5000), "application/octet-stream");
    EXPECT_EQ(noise.gzip_body, nullptr);  // compression would not shrink it
    EXPECT_LT(small.bytes(), noise.bytes());
}

}  // namespace
}  // namespace scout::cache
