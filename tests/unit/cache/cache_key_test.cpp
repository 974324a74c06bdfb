#include <scout/cache/cache_key.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace scout::cache {
namespace {

bool is_lower_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
}

TEST(CacheKey, ParameterOrderDoesNotMatter) {
    const std::string a =
        make_key("search", {{"keywords", "red shoes"}, {"page", "2"}, {"sort", "price_asc"}});
    const std::string b =
        make_key("search", {{"sort", "price_asc"}, {"keywords", "red shoes"}, {"page", "2"}});
    EXPECT_EQ(a, b);
}

TEST(CacheKey, DifferentValuesNamesOrKindsGiveDifferentKeys) {
    const std::string base = make_key("search", {{"keywords", "shoes"}, {"page", "1"}});
    EXPECT_NE(base, make_key("search", {{"keywords", "shoes"}, {"page", "2"}}));
    EXPECT_NE(base, make_key("search", {{"keyword", "shoes"}, {"page", "1"}}));
    EXPECT_NE(base, make_key("product", {{"keywords", "shoes"}, {"page", "1"}}));
    EXPECT_NE(base, make_key("search", {{"keywords", "shoes"}}));
}

TEST(CacheKey, HasSchemaVersionKindAndFixedLengthHexDigest) {
    const std::string key = make_key("search", {{"keywords", std::string(5000, 'x')}});
    const std::string prefix = "v" + std::to_string(kKeySchemaVersion) + ":search:";
    ASSERT_EQ(key.substr(0, prefix.size()), prefix);
    EXPECT_EQ(prefix, "v1:search:");
    EXPECT_EQ(key.size(), prefix.size() + 32);
    EXPECT_TRUE(is_lower_hex(key.substr(prefix.size())));
    EXPECT_EQ(make_key("search", {}).size(), key.size());
}

TEST(CacheKey, CanonicalParamsIsReadableAndSorted) {
    EXPECT_EQ(
        canonical_params(
            "search", {{"page", "2"}, {"keywords", "red shoes"}, {"max_price", "10.5"}}
        ),
        "v1:search:keywords=red%20shoes&max_price=10.5&page=2"
    );
    EXPECT_EQ(canonical_params("affiliate_link", {}), "v1:affiliate_link:");
}

TEST(CacheKey, EncodingKeepsParameterBoundariesUnambiguous) {
    EXPECT_NE(make_key("search", {{"a", "1&b=2"}}), make_key("search", {{"a", "1"}, {"b", "2"}}));
    EXPECT_NE(make_key("search", {{"a=1", ""}}), make_key("search", {{"a", "1"}}));
    EXPECT_EQ(canonical_params("search", {{"q", "caf\xC3\xA9%"}}), "v1:search:q=caf%C3%A9%25");
}

TEST(CacheKey, RepeatedNamesKeepTheCallersOrder) {
    EXPECT_EQ(
        canonical_params("search", {{"cat", "2"}, {"a", "x"}, {"cat", "1"}}),
        "v1:search:a=x&cat=2&cat=1"
    );
}

TEST(CacheKey, RejectsKindsThatAreNotIdentifiers) {
    EXPECT_THROW((void)make_key("", {}), std::invalid_argument);
    EXPECT_THROW((void)make_key("Search", {}), std::invalid_argument);
    EXPECT_THROW((void)make_key("se:arch", {}), std::invalid_argument);
    EXPECT_NO_THROW((void)make_key("affiliate_link2", {}));
}

TEST(CacheKey, NormalisedSpellingsOfOneRequestShareAKey) {
    const auto key = [](std::string_view keywords, std::string_view min_price) {
        return make_key(
            "search",
            {{"min_price", canonical_decimal(min_price).value()},
             {"keywords", normalize_keywords(keywords)}}
        );
    };
    EXPECT_EQ(key("Red  Shoes", "10.50"), key("  red shoes\t", "010.5"));
    EXPECT_NE(key("red shoes", "10.5"), key("red shoe", "10.5"));
}

TEST(NormalizeKeywords, TrimsCollapsesAndLowerCasesAscii) {
    EXPECT_EQ(normalize_keywords("  Red   SHOES  "), "red shoes");
    EXPECT_EQ(normalize_keywords("a\tb\nc\r\nd\fe\vf"), "a b c d e f");
    EXPECT_EQ(normalize_keywords(""), "");
    EXPECT_EQ(normalize_keywords(" \t\n "), "");
    EXPECT_EQ(normalize_keywords("USB-C 65W"), "usb-c 65w");
}

TEST(NormalizeKeywords, StripsControlCharactersAndKeepsNonAsciiBytes) {
    EXPECT_EQ(
        normalize_keywords(std::string(
            "ab\0c\x01\x7F"
            "d",
            7
        )),
        "abcd"
    );
    // "ÉCOUTEURS Ünï": UTF-8 bytes stay exactly as they are, ASCII letters are lowered.
    EXPECT_EQ(
        normalize_keywords("\xC3\x89"
                           "COUTEURS \xC3\x9C"
                           "N\xC3\xAF"),
        "\xC3\x89"
        "couteurs \xC3\x9C"
        "n\xC3\xAF"
    );
    EXPECT_EQ(normalize_keywords("\xE8\x80\xB3\xE6\x9C\xBA  X"), "\xE8\x80\xB3\xE6\x9C\xBA x");
    EXPECT_EQ(normalize_keywords("\xFF\xFE"), "\xFF\xFE");  // invalid UTF-8 is passed through
}

TEST(CanonicalDecimal, OneSpellingPerNumber) {
    EXPECT_EQ(canonical_decimal("10.50"), "10.5");
    EXPECT_EQ(canonical_decimal("010"), "10");
    EXPECT_EQ(canonical_decimal("10"), "10");
    EXPECT_EQ(canonical_decimal("10.00"), "10");
    EXPECT_EQ(canonical_decimal("0"), "0");
    EXPECT_EQ(canonical_decimal("000"), "0");
    EXPECT_EQ(canonical_decimal(".5"), "0.5");
    EXPECT_EQ(canonical_decimal("+.5"), "0.5");
    EXPECT_EQ(canonical_decimal("7."), "7");
    EXPECT_EQ(canonical_decimal("-1.250"), "-1.25");
    EXPECT_EQ(canonical_decimal("-0.00"), "0");
    EXPECT_EQ(canonical_decimal(" 3.14 "), "3.14");
    EXPECT_EQ(
        canonical_decimal("123456789012345678901234567890.5"), "123456789012345678901234567890.5"
    );
}

TEST(CanonicalDecimal, RejectsEverythingElse) {
    for (const char* bad :
         {"",
          " ",
          ".",
          "+",
          "-",
          "1e2",
          "1E2",
          "0x10",
          "1,5",
          "1.2.3",
          "inf",
          "nan",
          "--1",
          "+-1",
          "1 000",
          "\xD9\xA1",
          "1.5abc"}) {
        EXPECT_FALSE(canonical_decimal(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace scout::cache
