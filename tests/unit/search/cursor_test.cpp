#include <scout/search/cursor.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace scout::search {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
const CursorKeys kKeys{{std::string(kSecret)}, std::chrono::hours(24)};
// A fixed "now" (2026-12-01T00:00:00Z): cursors are stamped with it and aged against it.
const CursorClock::time_point kNow{std::chrono::seconds(1'796'083'200)};
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

CursorState sample_state() {
    CursorState state;
    state.query_fingerprint = query_fingerprint("keywords=usb cable&sort=price_asc");
    state.upstream_page = 3;
    state.offset = 17;
    state.seen_tail = {1005007437454071, 4000123456789, 1, INT64_MAX};
    return state;
}

bool is_url_safe(const std::string& text) {
    for (const char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

TEST(QueryFingerprint, IsShortStableHex) {
    const std::string a = query_fingerprint("keywords=usb");
    EXPECT_EQ(a.size(), 16u);
    EXPECT_EQ(a, query_fingerprint("keywords=usb"));
    EXPECT_NE(a, query_fingerprint("keywords=usc"));
    // SHA-256("") starts with e3b0c44298fc1c14.
    EXPECT_EQ(query_fingerprint(""), "e3b0c44298fc1c14");
}

struct RoundTripCase {
    std::string name;
    CursorState state;
};

class CursorRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(CursorRoundTrip, DecodesWhatWasEncoded) {
    const CursorState& state = GetParam().state;
    const std::string cursor = encode_cursor(state, kKeys, kNow);
    EXPECT_TRUE(is_url_safe(cursor)) << cursor;
    EXPECT_LE(cursor.size(), kMaxCursorLength);
    const auto decoded = decode_cursor(cursor, kKeys, state.query_fingerprint, kNow);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
    EXPECT_EQ(*decoded, state);
}

CursorState with(std::function<void(CursorState&)> change) {
    CursorState state = sample_state();
    change(state);
    return state;
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    CursorRoundTrip,
    ::testing::Values(
        RoundTripCase{"sample", sample_state()},
        RoundTripCase{"first_page", with([](CursorState& s) {
                          s.upstream_page = 1;
                          s.offset = 0;
                          s.seen_tail.clear();
                      })},
        RoundTripCase{
            "empty_fingerprint", with([](CursorState& s) { s.query_fingerprint.clear(); })},
        RoundTripCase{"max_fingerprint", with([](CursorState& s) {
                          s.query_fingerprint = std::string(kMaxFingerprintLength, '\xff');
                      })},
        RoundTripCase{"large_numbers", with([](CursorState& s) {
                          s.upstream_page = INT32_MAX;
                          s.offset = INT32_MAX;
                      })},
        RoundTripCase{"full_tail", with([](CursorState& s) {
                          s.seen_tail.assign(kMaxSeenTail, 1005007437454071);
                      })}
    ),
    [](const auto& param_info) { return param_info.param.name; }
);

TEST(Cursor, KeepsOnlyTheLastSeenIds) {
    CursorState state = sample_state();
    state.seen_tail.clear();
    for (std::int64_t id = 1; id <= 100; ++id) {
        state.seen_tail.push_back(id);
    }
    const auto decoded =
        decode_cursor(encode_cursor(state, kKeys, kNow), kKeys, state.query_fingerprint, kNow);
    ASSERT_TRUE(decoded.has_value());
    ASSERT_EQ(decoded->seen_tail.size(), kMaxSeenTail);
    EXPECT_EQ(decoded->seen_tail.front(), 100 - static_cast<std::int64_t>(kMaxSeenTail) + 1);
    EXPECT_EQ(decoded->seen_tail.back(), 100);
}

TEST(Cursor, RejectsAnotherQuery) {
    const CursorState state = sample_state();
    const auto decoded =
        decode_cursor(encode_cursor(state, kKeys, kNow), kKeys, query_fingerprint("other"), kNow);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.error(), cursor_errc::kWrongQuery);
}

TEST(Cursor, RejectsAnotherSecret) {
    const CursorState state = sample_state();
    const CursorKeys other_keys{{"another secret"}, kKeys.max_age};
    const auto decoded =
        decode_cursor(encode_cursor(state, kKeys, kNow), other_keys, state.query_fingerprint, kNow);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.error(), cursor_errc::kBadMac);
}

struct MalformedCase {
    std::string name;
    std::string cursor;
};

class CursorMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(CursorMalformed, IsRejected) {
    const auto decoded = decode_cursor(GetParam().cursor, kKeys, "fp", kNow);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.error(), cursor_errc::kMalformed);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    CursorMalformed,
    ::testing::Values(
        MalformedCase{"empty", ""},
        MalformedCase{"padding", "AAAA=="},
        MalformedCase{"standard_alphabet", "ab+/cdefghijklmnopqrstuvwxyz"},
        MalformedCase{"space", "abcd efgh"},
        MalformedCase{"non_ascii", "abc\xc3\xa9"},
        MalformedCase{"length_mod_4_is_1", "abcde"},
        MalformedCase{"too_short", "AAAAAAAA"},
        MalformedCase{"too_long", std::string(kMaxCursorLength + 4, 'A')},
        MalformedCase{"non_canonical_trailing_bits", "AB"}
    ),
    [](const auto& param_info) { return param_info.param.name; }
);

TEST(Cursor, EveryBitFlipIsRejected) {
    const CursorState state = sample_state();
    const std::string cursor = encode_cursor(state, kKeys, kNow);
    // Flip each character to every other alphabet character at a few positions, and each
    // position to one other character: never accepted.
    const std::string alphabet(kAlphabet);
    for (std::size_t i = 0; i < cursor.size(); ++i) {
        std::string tampered = cursor;
        tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
        const auto decoded = decode_cursor(tampered, kKeys, state.query_fingerprint, kNow);
        ASSERT_FALSE(decoded.has_value()) << "position " << i;
        EXPECT_TRUE(
            decoded.error() == cursor_errc::kBadMac || decoded.error() == cursor_errc::kMalformed
        ) << decoded.error().message();
    }
    for (const char c : alphabet) {
        std::string tampered = cursor;
        tampered[2] = c;
        if (tampered == cursor) {
            continue;
        }
        EXPECT_EQ(
            decode_cursor(tampered, kKeys, state.query_fingerprint, kNow).error(),
            cursor_errc::kBadMac
        );
    }
}

TEST(Cursor, TruncationsAndExtensionsAreRejected) {
    const CursorState state = sample_state();
    const std::string cursor = encode_cursor(state, kKeys, kNow);
    for (std::size_t n = 0; n < cursor.size(); ++n) {
        EXPECT_FALSE(
            decode_cursor(cursor.substr(0, n), kKeys, state.query_fingerprint, kNow).has_value()
        ) << n;
    }
    for (const std::string suffix : {"A", "AA", "AAA", "AAAA", "_-_-"}) {
        EXPECT_FALSE(
            decode_cursor(cursor + suffix, kKeys, state.query_fingerprint, kNow).has_value()
        );
    }
}

TEST(Cursor, RandomInputNeverCrashesOrPasses) {
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> length(0, 700);
    const std::string alphabet(kAlphabet);
    std::uniform_int_distribution<std::size_t> letter(0, alphabet.size() - 1);
    for (int round = 0; round < 3000; ++round) {
        std::string input;
        const int n = length(rng);
        const bool base64_only = round % 2 == 0;  // reach the MAC check as well as the decoder
        for (int i = 0; i < n; ++i) {
            input.push_back(base64_only ? alphabet[letter(rng)] : static_cast<char>(byte(rng)));
        }
        const auto decoded = decode_cursor(input, kKeys, "fp", kNow);
        EXPECT_FALSE(decoded.has_value());
    }
}

// Test-side codec so that payloads can be re-signed with the right secret: this reaches the
// checks behind the MAC (version, structure), which no tampering from outside can reach.
std::vector<std::uint8_t> b64_decode(const std::string& text) {
    std::vector<std::uint8_t> out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const auto pos = std::string_view(kAlphabet).find(c);
        buffer = (buffer << 6) | static_cast<std::uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

std::string b64_encode(const std::vector<std::uint8_t>& data) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const std::uint8_t b : data) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kAlphabet[(buffer >> bits) & 63]);
        }
    }
    if (bits > 0) {
        out.push_back(kAlphabet[(buffer << (6 - bits)) & 63]);
    }
    return out;
}

// Replaces the payload of `cursor` by `edit(payload)` and signs it again with kSecret.
std::string resign(
    const std::string& cursor, const std::function<void(std::vector<std::uint8_t>&)>& edit
) {
    std::vector<std::uint8_t> bytes = b64_decode(cursor);
    bytes.resize(bytes.size() - 16);
    edit(bytes);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int length = 0;
    HMAC(
        EVP_sha256(),
        kSecret.data(),
        static_cast<int>(kSecret.size()),
        bytes.data(),
        bytes.size(),
        mac.data(),
        &length
    );
    bytes.insert(bytes.end(), mac.begin(), mac.begin() + 16);
    return b64_encode(bytes);
}

TEST(Cursor, TestCodecMatchesTheRealOne) {
    const std::string cursor = encode_cursor(sample_state(), kKeys, kNow);
    EXPECT_EQ(b64_encode(b64_decode(cursor)), cursor);
    EXPECT_EQ(resign(cursor, [](auto&) {}), cursor);
}

TEST(Cursor, RejectsAGenuineCursorOfAnotherVersion) {
    // Version 1 had no issue time: such cursors would never expire, so they are refused.
    const CursorState state = sample_state();
    const std::string cursor =
        resign(encode_cursor(state, kKeys, kNow), [](auto& payload) { payload[0] = 1; });
    EXPECT_EQ(
        decode_cursor(cursor, kKeys, state.query_fingerprint, kNow).error(), cursor_errc::kVersion
    );
}

struct SignedPayloadCase {
    std::string name;
    std::function<void(std::vector<std::uint8_t>&)> edit;
};

class CursorSignedButMalformed : public ::testing::TestWithParam<SignedPayloadCase> {};

TEST_P(CursorSignedButMalformed, IsRejectedWithoutCrashing) {
    const CursorState state = sample_state();
    const std::string cursor = resign(encode_cursor(state, kKeys, kNow), GetParam().edit);
    const auto decoded = decode_cursor(cursor, kKeys, state.query_fingerprint, kNow);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.error(), cursor_errc::kMalformed) << decoded.error().message();
}

// Payload of sample_state(): [0]=2 version, [1]=3 page, [2]=17 offset, [3]=16 fingerprint
// length, [4..19] fingerprint, [20]=4 count, then the ids, then the issue time (5 bytes).
INSTANTIATE_TEST_SUITE_P(
    Table,
    CursorSignedButMalformed,
    ::testing::Values(
        SignedPayloadCase{"only_version", [](auto& p) { p.resize(1); }},
        SignedPayloadCase{"trailing_byte", [](auto& p) { p.push_back(0); }},
        SignedPayloadCase{"truncated_issue_time", [](auto& p) { p.pop_back(); }},
        SignedPayloadCase{"no_issue_time", [](auto& p) { p.resize(p.size() - 5); }},
        SignedPayloadCase{"page_zero", [](auto& p) { p[1] = 0; }},
        SignedPayloadCase{"fingerprint_too_long", [](auto& p) { p[3] = 200; }},
        SignedPayloadCase{"too_many_ids", [](auto& p) { p[20] = 33; }},
        SignedPayloadCase{
            "endless_varint",
            [](auto& p) {
                p.resize(1);
                p.insert(p.end(), 12, 0xFF);
            }},
        SignedPayloadCase{
            "page_beyond_int",
            [](auto& p) {
                p.erase(p.begin() + 1);
                const std::vector<std::uint8_t> big{0x80, 0x80, 0x80, 0x80, 0x08};  // 2^31
                p.insert(p.begin() + 1, big.begin(), big.end());
            }}
    ),
    [](const auto& param_info) { return param_info.param.name; }
);

TEST(Cursor, PreconditionsThrow) {
    CursorState state = sample_state();
    for (const CursorKeys& bad :
         {CursorKeys{{}, kKeys.max_age}, CursorKeys{{"k", ""}, kKeys.max_age}}) {
        EXPECT_THROW((void)encode_cursor(state, bad, kNow), std::invalid_argument);
        EXPECT_THROW((void)decode_cursor("AAAA", bad, "fp", kNow), std::invalid_argument);
    }
    state.upstream_page = 0;
    EXPECT_THROW((void)encode_cursor(state, kKeys, kNow), std::invalid_argument);
    state = sample_state();
    state.offset = -1;
    EXPECT_THROW((void)encode_cursor(state, kKeys, kNow), std::invalid_argument);
    state = sample_state();
    state.query_fingerprint.assign(kMaxFingerprintLength + 1, 'x');
    EXPECT_THROW((void)encode_cursor(state, kKeys, kNow), std::invalid_argument);
}

// ---- rotation and expiry -------------------------------------------------------------------

TEST(Cursor, EveryListedSecretVerifiesAndTheFirstSigns) {
    const CursorState state = sample_state();
    const CursorKeys old_keys{{"old-secret"}, kKeys.max_age};
    const CursorKeys rotated{{"new-secret", "old-secret"}, kKeys.max_age};
    const CursorKeys new_only{{"new-secret"}, kKeys.max_age};
    const auto& fp = state.query_fingerprint;

    // A cursor from before the rotation still works after it...
    const std::string old_cursor = encode_cursor(state, old_keys, kNow);
    ASSERT_TRUE(decode_cursor(old_cursor, rotated, fp, kNow).has_value());
    // ...and cursors issued after it are signed with the new secret only.
    const std::string new_cursor = encode_cursor(state, rotated, kNow);
    EXPECT_TRUE(decode_cursor(new_cursor, new_only, fp, kNow).has_value());
    EXPECT_EQ(decode_cursor(new_cursor, old_keys, fp, kNow).error(), cursor_errc::kBadMac);
    // Once the old secret is dropped, its cursors are refused.
    EXPECT_EQ(decode_cursor(old_cursor, new_only, fp, kNow).error(), cursor_errc::kBadMac);
}

TEST(Cursor, ExpiresAfterMaxAgeAndRefusesCursorsFromTheFuture) {
    const CursorState state = sample_state();
    const auto& fp = state.query_fingerprint;
    const CursorKeys keys{{std::string(kSecret)}, std::chrono::seconds(600)};
    const std::string cursor = encode_cursor(state, keys, kNow);

    EXPECT_TRUE(decode_cursor(cursor, keys, fp, kNow + std::chrono::seconds(600)).has_value());
    EXPECT_EQ(
        decode_cursor(cursor, keys, fp, kNow + std::chrono::seconds(601)).error(),
        cursor_errc::kExpired
    );
    // Another instance's clock may be a little behind, but not far.
    EXPECT_TRUE(decode_cursor(cursor, keys, fp, kNow - kMaxCursorClockSkew).has_value());
    EXPECT_EQ(
        decode_cursor(cursor, keys, fp, kNow - kMaxCursorClockSkew - std::chrono::seconds(1))
            .error(),
        cursor_errc::kExpired
    );
    EXPECT_EQ(boost::system::error_code(cursor_errc::kExpired).message(), "cursor has expired");
}

TEST(Cursor, AnIssueTimeBeyondInt64IsExpiredNotAnOverflow) {
    const CursorState state = sample_state();
    const std::string cursor = resign(encode_cursor(state, kKeys, kNow), [](auto& p) {
        p.resize(p.size() - 5);
        p.insert(p.end(), 9, 0xFF);  // 2^63 and above
        p.push_back(0x01);
    });
    EXPECT_EQ(
        decode_cursor(cursor, kKeys, state.query_fingerprint, kNow).error(), cursor_errc::kExpired
    );
}

TEST(RandomCursorSecret, Is256BitsOfHexAndDiffersEachTime) {
    const std::string a = random_cursor_secret();
    EXPECT_EQ(a.size(), 64U);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(a, random_cursor_secret());
}

TEST(CursorErrors, HaveMessagesAndCategory) {
    const boost::system::error_code ec = cursor_errc::kWrongQuery;
    EXPECT_EQ(&ec.category(), &cursor_category());
    EXPECT_EQ(ec.message(), "cursor belongs to a different query");
    EXPECT_STREQ(cursor_category().name(), "scout.cursor");
}

}  // namespace
}  // namespace scout::search
