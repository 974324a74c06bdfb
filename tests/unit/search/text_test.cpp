#include <scout/search/text.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

namespace scout::search {
namespace {

struct TextCase {
    std::string input;
    std::string expected;
};

class CleanText : public ::testing::TestWithParam<TextCase> {};

TEST_P(CleanText, Cleans) {
    EXPECT_EQ(clean_text(GetParam().input), GetParam().expected) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    CleanText,
    ::testing::Values(
        TextCase{"  plain title  ", "plain title"},
        TextCase{"double  spaces\tand\ttabs\r\nnewlines", "double spaces and tabs newlines"},
        TextCase{"", ""},
        TextCase{" \t\r\n ", ""},
        // named entities
        TextCase{"Tom &amp; Jerry", "Tom & Jerry"},
        TextCase{"&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>"},
        TextCase{"&quot;quoted&quot; &apos;single&apos; it&#39;s", "\"quoted\" 'single' it's"},
        TextCase{"a&nbsp;b", "a b"},  // NBSP is white space
        TextCase{"a&ndash;b &hellip;", "a\u2013b \u2026"},
        TextCase{"&amp;lt;", "&lt;"},        // one pass only
        TextCase{"AT&T & co", "AT&T & co"},  // not references
        TextCase{"&unknown; &amp", "&unknown; &amp"},
        TextCase{"&;", "&;"},
        // numeric references
        TextCase{"caf&#233;", "caf\u00e9"},
        TextCase{"caf&#xE9; &#XE9;", "caf\u00e9 \u00e9"},
        TextCase{"&#x1F600;", "\U0001F600"},
        TextCase{"a&#0;b", "ab"},        // NUL dropped
        TextCase{"a&#xD800;b", "ab"},    // surrogate dropped
        TextCase{"a&#x110000;b", "ab"},  // beyond Unicode dropped
        TextCase{"a&#99999999999;b", "ab"},
        TextCase{"a&#1;b&#x85;c", "abc"},  // decoded controls removed
        TextCase{"a&#x;b &#;", "a&#x;b &#;"},
        TextCase{"a&#12a;b", "a&#12a;b"},
        // control characters
        TextCase{
            "a\x01"
            "b\x7F"
            "c",
            "abc"},
        TextCase{"a\u0085b\u009Fc", "abc"},  // C1 as UTF-8
        TextCase{"zero\u200Bwidth\uFEFF", "zerowidth"},
        // invalid UTF-8
        TextCase{
            "bad\xFF"
            "byte",
            "badbyte"},
        TextCase{
            "lone\x80"
            "cont",
            "lonecont"},
        TextCase{"trunc\xE2\x80", "trunc"},
        TextCase{"overlong\xC0\xAF", "overlong"},
        TextCase{"surrogate\xED\xA0\x80!", "surrogate!"},
        TextCase{
            "\xF4\x90\x80\x80"
            "x",
            "x"},
        // valid non-ASCII stays
        TextCase{
            "SHANLING M0S Hi\u2013Res \u00e9\u00e8 \u4e2d\u6587 \U0001F3A7",
            "SHANLING M0S Hi\u2013Res \u00e9\u00e8 \u4e2d\u6587 \U0001F3A7"},
        // mojibake: UTF-8 en dash read as Latin-1 (with C1 controls) is repaired
        TextCase{"Hi\u00e2\u0080\u0093Res", "Hi\u2013Res"},
        TextCase{"wait\u00e2\u0080\u00a6", "wait\u2026"},
        TextCase{"a \u00c2\u0085 b", "a b"},  // repaired to U+0085, itself a control
        // ... Latin-1 text without C1 controls is left alone
        TextCase{"\u00c3\u00a9t\u00e9", "\u00c3\u00a9t\u00e9"},
        // a lone C1 after a lead that does not form UTF-8: the control is removed
        TextCase{"\u00e2\u0080x", "\u00e2x"},
        // white space variety
        TextCase{"a\u00A0\u2003\u3000b", "a b"}
    )
);

TEST(CleanText, OutputIsAlwaysValidUtf8) {
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 2000; ++round) {
        std::string input;
        const int length = round % 64;
        for (int i = 0; i < length; ++i) {
            input.push_back(static_cast<char>(byte(rng)));
        }
        const std::string out = clean_text(input);
        // nlohmann's dump() throws on invalid UTF-8: an independent validity check.
        EXPECT_NO_THROW((void)nlohmann::json(out).dump()) << "invalid UTF-8 in output";
        for (const char c : out) {
            const auto b = static_cast<unsigned char>(c);
            EXPECT_FALSE(b < 0x20 || b == 0x7F) << "control byte in output";
        }
    }
}

class NormalizeTitle : public ::testing::TestWithParam<TextCase> {};

TEST_P(NormalizeTitle, Normalizes) {
    EXPECT_EQ(normalize_title(GetParam().input), GetParam().expected) << GetParam().input;
    EXPECT_EQ(normalize_title(GetParam().expected), GetParam().expected) << "idempotent";
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    NormalizeTitle,
    ::testing::Values(
        TextCase{"USB-C Cable, 1M (Black)", "usb c cable 1m black"},
        TextCase{"  Hello,   World!!  ", "hello world"},
        TextCase{"It's a \u2018test\u2019 \u2014 it\u2019s", "its a test its"},
        TextCase{"\u00c9T\u00c9 \u00c0 LA PLAGE", "\u00e9t\u00e9 \u00e0 la plage"},
        TextCase{"\u0141\u00d3D\u0179", "\u0142\u00f3d\u017a"},
        TextCase{
            "\u041d\u0410\u0423\u0428\u041d\u0418\u041a\u0418 \u0401",
            "\u043d\u0430\u0443\u0448\u043d\u0438\u043a\u0438 \u0451"},
        TextCase{"\u0391\u0392\u0393", "\u03b1\u03b2\u03b3"},
        TextCase{"\u0130stanbul", "istanbul"},
        TextCase{"10\u00d720cm \u00bfqu\u00e9?", "10 20cm qu\u00e9"},
        TextCase{"\uFF21\uFF22\uFF23\uFF01", "\uff41\uff42\uff43"},
        TextCase{"\u4e2d\u6587\u3001\u6807\u9898", "\u4e2d\u6587 \u6807\u9898"},
        TextCase{"a_b-c.d/e", "a b c d e"},
        TextCase{"!!!", ""},
        TextCase{"", ""}
    )
);

TEST(NormalizeTitle, DropsInvalidBytes) {
    EXPECT_EQ(
        normalize_title("US\xff"
                        "B\x80"
                        " Cable"),
        "usb cable"
    );
    EXPECT_EQ(normalize_title("\xE2\x80"), "");
}

TEST(SplitTokens, SplitsOnSpaces) {
    EXPECT_EQ(split_tokens("usb c cable"), (std::vector<std::string_view>{"usb", "c", "cable"}));
    EXPECT_TRUE(split_tokens("").empty());
    EXPECT_EQ(split_tokens("one"), (std::vector<std::string_view>{"one"}));
    EXPECT_EQ(split_tokens(" a  b "), (std::vector<std::string_view>{"a", "b"}));
}

}  // namespace
}  // namespace scout::search
