#include <scout/log/log.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <regex>
#include <string>

namespace scout::log {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kTs = "2026-11-28T21:30:00.123Z";

std::string json_quoted(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

// Encodes a code point as UTF-8 (test helper, no validation).
std::string utf8(char32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
}

const std::string kFffd = "\xEF\xBF\xBD";

TEST(RenderJson, WritesFixedKeysFirstThenRequestIdThenFieldsInOrder) {
    const std::string line = render_json(
        kTs,
        Level::kInfo,
        "http",
        "request done",
        {{"status", 200}, {"request_id", "r-1"}, {"path", "/search"}}
    );
    EXPECT_EQ(
        line,
        R"({"ts":"2026-11-28T21:30:00.123Z","level":"info","logger":"http",)"
        R"("msg":"request done","request_id":"r-1","status":200,"path":"/search"})"
    );
}

TEST(RenderJson, OmitsRequestIdWhenNotGiven) {
    const std::string line = render_json(kTs, Level::kWarn, "cache", "miss", {{"key", "k"}});
    EXPECT_EQ(
        line,
        R"({"ts":"2026-11-28T21:30:00.123Z","level":"warn","logger":"cache",)"
        R"("msg":"miss","key":"k"})"
    );
    EXPECT_EQ(line.find("request_id"), std::string::npos);
}

TEST(RenderJson, IntegersStayExactIntegers) {
    const std::int64_t min = std::numeric_limits<std::int64_t>::min();
    const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    const std::string line = render_json(
        kTs, Level::kInfo, "t", "m", {{"min", min}, {"max", max}, {"small", -7}, {"u8", 'A'}}
    );
    EXPECT_NE(line.find(R"("min":-9223372036854775808)"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("max":18446744073709551615)"), std::string::npos) << line;
    const auto json = nlohmann::json::parse(line);
    ASSERT_TRUE(json["min"].is_number_integer());
    EXPECT_EQ(json["min"].get<std::int64_t>(), min);
    ASSERT_TRUE(json["max"].is_number_unsigned());
    EXPECT_EQ(json["max"].get<std::uint64_t>(), max);
    EXPECT_EQ(json["small"].get<std::int64_t>(), -7);
    EXPECT_EQ(json["u8"].get<std::int64_t>(), 65);
}

TEST(RenderJson, WritesDoublesBoolsNullAndRawJsonAsTheirOwnTypes) {
    const std::string line = render_json(
        kTs,
        Level::kDebug,
        "t",
        "m",
        {{"ratio", 0.25},
         {"whole", 2.0},
         {"nan", std::nan("")},
         {"inf", std::numeric_limits<double>::infinity()},
         {"yes", true},
         {"no", false},
         {"none", nullptr},
         {"raw", RawJson{"{\"a\": [1,\n 2]}"}},
         {"empty_raw", RawJson{""}}}
    );
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_NE(line.find(R"("whole":2.0)"), std::string::npos) << line;
    const auto json = nlohmann::json::parse(line);
    EXPECT_TRUE(json["ratio"].is_number_float());
    EXPECT_DOUBLE_EQ(json["ratio"].get<double>(), 0.25);
    EXPECT_TRUE(json["whole"].is_number_float());
    EXPECT_TRUE(json["nan"].is_null());
    EXPECT_TRUE(json["inf"].is_null());
    EXPECT_EQ(json["yes"], true);
    EXPECT_EQ(json["no"], false);
    EXPECT_TRUE(json["none"].is_null());
    EXPECT_EQ(json["raw"], nlohmann::json::parse(R"({"a":[1,2]})"));
    EXPECT_TRUE(json["empty_raw"].is_null());
}

TEST(RenderJson, DoublesRoundTrip) {
    for (const double value : {0.1, -1e-300, 1e300, 123456.789, -0.0}) {
        const auto json =
            nlohmann::json::parse(render_json(kTs, Level::kInfo, "t", "m", {{"v", value}}));
        EXPECT_EQ(json["v"].get<double>(), value);
    }
}

TEST(RenderJson, RenamesFieldsThatCollideWithFixedKeys) {
    const std::string line = render_json(
        kTs,
        Level::kError,
        "t",
        "real",
        {{"ts", 1},
         {"level", "x"},
         {"logger", "y"},
         {"msg", "fake"},
         {"request_id", "a"},
         {"request_id", "b"}}
    );
    const auto json = nlohmann::json::parse(line);
    EXPECT_EQ(json["msg"], "real");
    EXPECT_EQ(json["level"], "error");
    EXPECT_EQ(json["field_ts"], 1);
    EXPECT_EQ(json["field_level"], "x");
    EXPECT_EQ(json["field_logger"], "y");
    EXPECT_EQ(json["field_msg"], "fake");
    EXPECT_EQ(json["request_id"], "a");
    EXPECT_EQ(json["field_request_id"], "b");
    for (const char* key :
         {"\"ts\":", "\"level\":", "\"logger\":", "\"msg\":", "\"request_id\":"}) {
        const auto first = line.find(key);
        ASSERT_NE(first, std::string::npos);
        EXPECT_EQ(line.find(key, first + 1), std::string::npos) << key << " twice in " << line;
    }
}

TEST(AppendJsonString, EscapesQuotesBackslashesAndControlCharacters) {
    EXPECT_EQ(json_quoted(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
    EXPECT_EQ(json_quoted("a\nb\tc\rd"), R"("a\nb\tc\rd")");
    EXPECT_EQ(json_quoted(std::string_view("\x01\x1f\b\f\0", 5)), R"("\u0001\u001f\b\f\u0000")");
    EXPECT_EQ(json_quoted(""), R"("")");
    std::string all_controls;
    for (int c = 0; c < 0x20; ++c) {
        all_controls += static_cast<char>(c);
    }
    EXPECT_EQ(nlohmann::json::parse(json_quoted(all_controls)).get<std::string>(), all_controls);
}

TEST(AppendJsonString, PreservesValidUtf8) {
    const std::string text =
        "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9D\x84\x9E \xE6\x97\xA5\xE6\x9C\xAC " + utf8(0x7FF) +
        utf8(0xFFFF) + utf8(0x10FFFF) + utf8(0xE000);
    EXPECT_EQ(json_quoted(text), "\"" + text + "\"");
    EXPECT_EQ(nlohmann::json::parse(json_quoted(text)).get<std::string>(), text);
}

struct InvalidCase {
    const char* name;
    std::string input;
    std::string expected;  // decoded string
};

TEST(AppendJsonString, ReplacesInvalidUtf8WithReplacementCharacter) {
    const InvalidCase cases[] = {
        {"lone continuation", "a\x80z", "a" + kFffd + "z"},
        {"truncated 3-byte at end", "a\xE2\x82", "a" + kFffd},
        {"truncated 3-byte before ascii", "\xE2\x82z", kFffd + "z"},
        {"truncated 4-byte", "\xF0\x9F\x98", kFffd},
        {"overlong 2-byte slash", "\xC0\xAF", kFffd + kFffd},
        {"overlong 3-byte", "\xE0\x80\xAF", kFffd + kFffd + kFffd},
        {"overlong 4-byte", "\xF0\x80\x80\xAF", kFffd + kFffd + kFffd + kFffd},
        {"high surrogate", "\xED\xA0\x80", kFffd + kFffd + kFffd},
        {"low surrogate", "\xED\xBF\xBF", kFffd + kFffd + kFffd},
        {"above U+10FFFF", "\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},
        {"invalid lead bytes", "\xFE\xFF\xF5", kFffd + kFffd + kFffd},
        {"valid after invalid", "\xE2\x28\xA1", kFffd + "(" + kFffd},
    };
    for (const auto& c : cases) {
        const std::string out = json_quoted(c.input);
        EXPECT_EQ(out, "\"" + c.expected + "\"") << c.name;
        nlohmann::json parsed;
        ASSERT_NO_THROW(parsed = nlohmann::json::parse(out)) << c.name;
        EXPECT_EQ(parsed.get<std::string>(), c.expected) << c.name;
    }
}

TEST(AppendJsonString, AnyByteSequenceBecomesValidJson) {
    std::uint64_t seed = 0x9E3779B97F4A7C15ULL;  // fixed seed: deterministic
    for (int round = 0; round < 2000; ++round) {
        std::string bytes;
        const auto size = static_cast<std::size_t>(round % 40);
        for (std::size_t i = 0; i < size; ++i) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            // Bias towards the interesting ranges: controls, quotes, high bytes.
            const auto r = static_cast<unsigned>(seed >> 56U);
            bytes += static_cast<char>(r % 3 == 0 ? (r & 0x3FU) : r);
        }
        const std::string out = json_quoted(bytes);
        nlohmann::json parsed;
        ASSERT_NO_THROW(parsed = nlohmann::json::parse(out)) << "round " << round;
        EXPECT_TRUE(parsed.is_string());
    }
}

TEST(AppendJsonString, ValidTextRoundTripsThroughAJsonParser) {
    std::uint64_t seed = 42;
    for (int round = 0; round < 500; ++round) {
        std::string text;
        for (int i = 0; i < 12; ++i) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            auto cp = static_cast<char32_t>((seed >> 33U) % 0x110000U);
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0x20AC;
            }
            text += utf8(cp);
        }
        EXPECT_EQ(nlohmann::json::parse(json_quoted(text)).get<std::string>(), text);
    }
}

TEST(FormatTimestamp, IsRfc3339UtcWithMilliseconds) {
    using std::chrono::sys_days;
    const auto time = sys_days{std::chrono::year{2026} / 11 / 28} + 21h + 30min + 0s + 123ms +
                      999us;  // truncated, not rounded
    EXPECT_EQ(format_timestamp(time), "2026-11-28T21:30:00.123Z");
    EXPECT_EQ(
        format_timestamp(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00.000Z"
    );
    EXPECT_EQ(
        format_timestamp(sys_days{std::chrono::year{2024} / 2 / 29} + 23h + 59min + 59s + 7ms),
        "2024-02-29T23:59:59.007Z"
    );
    const std::regex rfc3339(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
    EXPECT_TRUE(std::regex_match(format_timestamp(std::chrono::system_clock::now()), rfc3339));
}

TEST(Level, ParsesExactNamesOnly) {
    for (const Level level :
         {Level::kTrace,
          Level::kDebug,
          Level::kInfo,
          Level::kWarn,
          Level::kError,
          Level::kCritical,
          Level::kOff}) {
        EXPECT_EQ(parse_level(to_string(level)), level);
    }
    EXPECT_EQ(to_string(Level::kWarn), "warn");
    EXPECT_FALSE(parse_level("INFO").has_value());
    EXPECT_FALSE(parse_level("warning").has_value());
    EXPECT_FALSE(parse_level("").has_value());
}

}  // namespace
}  // namespace scout::log
