#include <scout/cache/cached_response.hpp>
#include <scout/middleware/gzip.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

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

constexpr ValueBinding kBinding{"v1:search:0123456789abcdef", "test-l2-secret"};

// Replaces the trailing MAC so that a deliberately altered value gets past the authentication
// and exercises the structural checks (as someone holding the secret could).
std::string with_fixed_mac(std::string encoded, ValueBinding binding = kBinding) {
    encoded.resize(encoded.size() - 32);
    unsigned char mac[32];
    unsigned int size = 0;
    HMAC(
        EVP_sha256(),
        binding.secret.data(),
        static_cast<int>(binding.secret.size()),
        reinterpret_cast<const unsigned char*>(encoded.data()),
        encoded.size(),
        mac,
        &size
    );
    encoded.append(reinterpret_cast<const char*>(mac), size);
    return encoded;
}

bool decodes(std::string_view encoded, ValueBinding binding = kBinding) {
    return decode(encoded, binding).status == DecodeStatus::kOk;
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

TEST(CachedResponse, RefreshWindowIsTheLastPercentOfFreshness) {
    using std::chrono::seconds;
    CachedResponse value;
    value.fetched_at = std::chrono::system_clock::time_point(seconds(1'000));
    value.expires_at = value.fetched_at + seconds(300);
    const auto at = [&](int s) { return value.fetched_at + seconds(s); };
    EXPECT_FALSE(in_refresh_window(value, at(0), 10));
    EXPECT_FALSE(in_refresh_window(value, at(269), 10));
    EXPECT_TRUE(in_refresh_window(value, at(270), 10));
    EXPECT_TRUE(in_refresh_window(value, at(299), 10));
    EXPECT_TRUE(in_refresh_window(value, at(150), 50));
    EXPECT_FALSE(in_refresh_window(value, at(299), 0)) << "0 = off";
    EXPECT_FALSE(in_refresh_window(value, at(299), -5));
    EXPECT_TRUE(in_refresh_window(value, at(0), 1000)) << "over 100 means the whole period";
    value.expires_at = value.fetched_at;  // no freshness period: nothing to refresh ahead of
    EXPECT_FALSE(in_refresh_window(value, at(0), 10));
}

TEST(CachedResponse, EncodeDecodeRoundTripsWithAndWithoutGzip) {
    for (const bool with_gzip : {true, false}) {
        const CachedResponse original = sample(with_gzip);
        ASSERT_EQ(original.gzip_body != nullptr, with_gzip);
        const std::string encoded = encode(original, kBinding);
        EXPECT_EQ(encoded.substr(0, 3), "SC2");
        const Decoded decoded = decode(encoded, kBinding);
        ASSERT_EQ(decoded.status, DecodeStatus::kOk);
        ASSERT_TRUE(decoded.value.has_value());
        expect_same(original, *decoded.value);
    }
}

TEST(CachedResponse, RoundTripsABinaryBody) {
    CachedResponse original = make_cached_response(std::string("a\0b\xff", 4), "text/plain");
    const Decoded decoded = decode(encode(original, kBinding), kBinding);
    ASSERT_TRUE(decoded.value.has_value());
    EXPECT_EQ(*decoded.value->body, std::string("a\0b\xff", 4));
    EXPECT_EQ(decoded.value->gzip_body, nullptr);
    EXPECT_EQ(decoded.value->fetched_at, system_clock::time_point{});
}

TEST(CachedResponse, RejectsAValueOfAnotherSecretOrKey) {
    const std::string encoded = encode(sample(true), kBinding);
    EXPECT_EQ(
        decode(encoded, {kBinding.key, "another-secret"}).status, DecodeStatus::kUnauthenticated
    );
    // A genuine value copied under another key (e.g. a popular query's).
    const ValueBinding other_key{"v1:search:ffffffffffffffff", kBinding.secret};
    EXPECT_EQ(decode(encoded, other_key).status, DecodeStatus::kUnauthenticated);
    EXPECT_EQ(
        decode(with_fixed_mac(encoded, other_key), other_key).status, DecodeStatus::kUnauthenticated
    );
}

// What someone with write access to Redis but without the secret can plant: never accepted,
// whatever the headers or times.
TEST(CachedResponse, RejectsAForgedValueWithoutTheSecret) {
    CachedResponse forged = sample(false);
    forged.content_type = "application/json\r\nX-Injected: yes";
    forged.etag = "\"x\"\r\nSet-Cookie: planted=1; Path=/";
    forged.expires_at = system_clock::time_point(7'226'582'400s);  // 2199
    const std::string planted = encode(forged, {kBinding.key, ""});
    EXPECT_EQ(decode(planted, kBinding).status, DecodeStatus::kUnauthenticated);
}

// An authentic value (another instance with the secret, or the secret leaked) with headers
// that would split the response is still refused.
TEST(CachedResponse, RejectsUnsafeHeadersEvenWhenAuthentic) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"\"x\"\r\nSet-Cookie: planted=1", "application/json"},
        {"\"a b\"", "application/json"},
        {"W/\"weak\"", "application/json"},
        {"unquoted", "application/json"},
        {"\"" + std::string(kMaxEtagBytes, 'a') + "\"", "application/json"},
        {"\"ok\"", "application/json\r\nX-Injected: yes"},
        {"\"ok\"", "application/json\nX: y"},
        {"\"ok\"", ""},
        {"\"ok\"", " application/json"},
        {"\"ok\"", std::string(kMaxContentTypeBytes + 1, 'a')},
        {"\"ok\"", "application/json\x7f"},
    };
    for (const auto& [etag, content_type] : cases) {
        CachedResponse response = sample(false);
        response.etag = etag;
        response.content_type = content_type;
        EXPECT_EQ(decode(encode(response, kBinding), kBinding).status, DecodeStatus::kUnsafeHeader)
            << etag << " / " << content_type;
    }
    CachedResponse fine = sample(false);
    fine.content_type = "application/json; charset=utf-8";
    EXPECT_TRUE(decodes(encode(fine, kBinding)));
}

TEST(CachedResponse, RejectsAnotherFormatVersion) {
    std::string encoded = encode(sample(true), kBinding);
    encoded[2] = '1';  // "SC1": the layout before values were authenticated
    EXPECT_EQ(decode(with_fixed_mac(encoded), kBinding).status, DecodeStatus::kMalformed);
    EXPECT_EQ(decode("", kBinding).status, DecodeStatus::kMalformed);
    EXPECT_EQ(decode("SC2", kBinding).status, DecodeStatus::kMalformed);
}

TEST(CachedResponse, RejectsEveryTruncationAndTrailingBytes) {
    const std::string encoded = encode(sample(true), kBinding);
    for (std::size_t size = 0; size < encoded.size(); ++size) {
        ASSERT_FALSE(decodes(std::string_view(encoded).substr(0, size))) << size;
    }
    EXPECT_FALSE(decodes(encoded + "x"));
    EXPECT_FALSE(
        decodes(with_fixed_mac(encoded.substr(0, encoded.size() - 32) + "x" + std::string(32, 'M')))
    );
}

TEST(CachedResponse, RejectsEverySingleBitFlip) {
    CachedResponse small;
    small.body = std::make_shared<const std::string>("{\"products\":[]}");
    small.gzip_body = std::make_shared<const std::string>("gz");
    small.etag = strong_etag(*small.body);
    small.content_type = "application/json";
    const std::string encoded = encode(small, kBinding);
    ASSERT_TRUE(decodes(encoded));
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        for (unsigned bit = 0; bit < 8; ++bit) {
            std::string corrupt = encoded;
            corrupt[i] = static_cast<char>(static_cast<unsigned char>(corrupt[i]) ^ (1U << bit));
            ASSERT_FALSE(decodes(corrupt)) << "byte " << i << " bit " << bit;
        }
    }
}

TEST(CachedResponse, RejectsBadFlagsAndTimes) {
    CachedResponse response = sample(false);
    std::string encoded = encode(response, kBinding);
    encoded[3] = static_cast<char>(0x02);  // unknown flag
    EXPECT_EQ(decode(with_fixed_mac(encoded), kBinding).status, DecodeStatus::kMalformed);

    response.expires_at = response.fetched_at - 1s;  // expires before it was fetched
    EXPECT_EQ(decode(encode(response, kBinding), kBinding).status, DecodeStatus::kMalformed);

    response.fetched_at = system_clock::time_point(-1s);  // before the epoch
    response.expires_at = system_clock::time_point(1s);
    EXPECT_EQ(decode(encode(response, kBinding), kBinding).status, DecodeStatus::kMalformed);
}

TEST(CachedResponse, RandomAndMutatedInputsNeverDecodeOrCrash) {
    std::mt19937 rng(12345);
    std::uniform_int_distribution<std::size_t> size_dist(0, 300);
    for (int i = 0; i < 5000; ++i) {
        const std::string noise = random_bytes(rng, size_dist(rng));
        EXPECT_FALSE(decodes(noise));
        EXPECT_FALSE(decodes("SC2" + noise));
    }

    // Structural fuzzing: random byte changes with a valid MAC. Any outcome is fine as long
    // as nothing is read out of bounds (ASan) and what decodes re-encodes identically.
    const std::string encoded = encode(sample(true), kBinding);
    std::uniform_int_distribution<std::size_t> pos_dist(3, encoded.size() - 33);
    std::uniform_int_distribution<int> byte(0, 255);
    int decoded_count = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string mutated = encoded;
        const int changes = 1 + (i % 4);
        for (int c = 0; c < changes; ++c) {
            mutated[pos_dist(rng)] = static_cast<char>(byte(rng));
        }
        if (i % 3 == 0) {
            mutated.resize(mutated.size() - 32 - (static_cast<std::size_t>(i) % 50));
            mutated += std::string(32, 'M');
        }
        const std::string fixed = with_fixed_mac(mutated);
        const Decoded decoded = decode(fixed, kBinding);
        if (decoded.value) {
            ++decoded_count;
            EXPECT_EQ(encode(*decoded.value, kBinding), fixed);
        }
    }
    EXPECT_LT(decoded_count, 3000);
}

TEST(Gzip, RoundTripsAndShrinksJson) {
    const std::string body = json_body(15'000);
    const std::string gz = middleware::gzip_compress(body);
    ASSERT_GE(gz.size(), 18U);
    EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1FU);  // gzip magic
    EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8BU);
    EXPECT_LT(gz.size(), body.size() / 3);
    const auto back = middleware::gzip_decompress(gz, body.size());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, body);
}

TEST(Gzip, RoundTripsEmptyAndIncompressibleInput) {
    const auto empty = middleware::gzip_decompress(middleware::gzip_compress(""), 0);
    ASSERT_TRUE(empty.has_value());
    EXPECT_TRUE(empty->empty());

    std::mt19937 rng(7);
    const std::string noise = random_bytes(rng, 200'000);
    for (const int level : {0, 1, 9, -1}) {
        const auto back =
            middleware::gzip_decompress(middleware::gzip_compress(noise, level), noise.size());
        ASSERT_TRUE(back.has_value()) << level;
        EXPECT_EQ(*back, noise);
    }
}

TEST(Gzip, DecompressRejectsOversizeTruncatedTrailingAndGarbage) {
    const std::string body = json_body(20'000);
    const std::string gz = middleware::gzip_compress(body);
    EXPECT_FALSE(middleware::gzip_decompress(gz, body.size() - 1).has_value());
    EXPECT_FALSE(middleware::gzip_decompress(gz.substr(0, gz.size() - 1), body.size()).has_value());
    EXPECT_FALSE(middleware::gzip_decompress(gz.substr(0, gz.size() / 2), body.size()).has_value());
    EXPECT_FALSE(middleware::gzip_decompress(gz + "junk", body.size()).has_value());
    EXPECT_FALSE(middleware::gzip_decompress("", 100).has_value());
    EXPECT_FALSE(middleware::gzip_decompress(body, body.size()).has_value());
}

TEST(Gzip, RejectsInvalidLevel) {
    EXPECT_THROW((void)middleware::gzip_compress("x", 10), std::invalid_argument);
    EXPECT_THROW((void)middleware::gzip_compress("x", -2), std::invalid_argument);
}

TEST(Gzip, StreamsKeptPerThreadGiveTheSameBytesAsFreshOnesAcrossLevelsAndErrors) {
    // Each thread reuses one zlib stream per level: a stream used before (by a large input,
    // another level, a rejected level in between) must compress exactly as a fresh one does.
    std::mt19937 rng(11);
    const std::string small = json_body(1'500);
    const std::string large = json_body(300'000);
    const std::string noise = random_bytes(rng, 70'000);
    std::string fresh_small;
    std::thread([&] { fresh_small = middleware::gzip_compress(small, 6); }).join();
    for (int round = 0; round < 3; ++round) {
        for (const std::string* input : {&large, &noise, &small}) {
            for (const int level : {6, 1, 9, -1}) {
                const std::string gz = middleware::gzip_compress(*input, level);
                EXPECT_EQ(middleware::gzip_decompress(gz, input->size()), *input) << level;
            }
        }
        EXPECT_THROW((void)middleware::gzip_compress(small, 10), std::invalid_argument);
        EXPECT_EQ(middleware::gzip_compress(small, 6), fresh_small) << round;
        EXPECT_EQ(middleware::gzip_compress(small, -1), fresh_small) << round;
    }
}

TEST(Gzip, ResultCarriesNoSpareCapacity) {
    const std::string body = json_body(15'000);
    const std::string gz = middleware::gzip_compress(body);
    EXPECT_LT(gz.capacity(), gz.size() + 64);
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
    EXPECT_EQ(middleware::gzip_decompress(*big.gzip_body, body.size()), body);
    EXPECT_GT(big.bytes(), body.size() + big.gzip_body->size());

    const CachedResponse small = make_cached_response("{}", "application/json");
    EXPECT_EQ(small.gzip_body, nullptr);  // under the threshold

    std::mt19937 rng(3);
    const CachedResponse noise =
        make_cached_response(random_bytes(rng, 5000), "application/octet-stream");
    EXPECT_EQ(noise.gzip_body, nullptr);  // compression would not shrink it
    EXPECT_LT(small.bytes(), noise.bytes());
}

TEST(CachedResponse, KeepsABodyBuiltByAppendingAtItsSize) {
    std::string body = "[";
    while (body.size() < 15'000) {
        body += R"({"id":12345,"title":"a product title"},)";
    }
    body.back() = ']';
    body.reserve(body.size() * 2);  // as growth by doubling can leave it
    ASSERT_GT(body.capacity(), body.size() + 1'000);
    const std::size_t size = body.size();
    const CachedResponse page = make_cached_response(std::move(body), "application/json");
    EXPECT_LT(page.body->capacity(), size + 64);
    ASSERT_TRUE(page.gzip_body);
    EXPECT_LT(page.bytes(), size + page.gzip_body->size() + 512);
}

}  // namespace
}  // namespace scout::cache
