#include <scout/search/money.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

namespace scout::search {
namespace {

struct PriceCase {
    std::string text;
    std::string currency;
    std::optional<std::int64_t> expected;
};

class ParsePrice : public ::testing::TestWithParam<PriceCase> {};

TEST_P(ParsePrice, ParsesToMinorUnits) {
    const PriceCase& c = GetParam();
    EXPECT_EQ(parse_price(c.text, c.currency), c.expected)
        << "text '" << c.text << "' currency " << c.currency;
}

INSTANTIATE_TEST_SUITE_P(
    Accepted,
    ParsePrice,
    ::testing::Values(
        PriceCase{"12.99", "USD", 1299},
        PriceCase{"0.00", "USD", 0},
        PriceCase{"0.05", "USD", 5},
        PriceCase{"7", "USD", 700},
        PriceCase{"US $12.99", "USD", 1299},
        PriceCase{"$12.99", "USD", 1299},
        PriceCase{"$ 12.99", "USD", 1299},
        PriceCase{" 12.99 USD", "USD", 1299},
        PriceCase{"12.99USD", "USD", 1299},
        PriceCase{"usd 12.99", "USD", 1299},
        PriceCase{"\u20AC 12,99", "EUR", 1299},
        PriceCase{"12,99 \u20AC", "EUR", 1299},
        PriceCase{"12,99", "EUR", 1299},
        PriceCase{"12,99", "USD", 1299},  // two decimals: unambiguous
        PriceCase{"12,5", "USD", 1250},
        PriceCase{"R$ 446,07", "BRL", 44607},
        PriceCase{"446.07", "BRL", 44607},
        PriceCase{"1,299.00", "USD", 129900},
        PriceCase{"1,299.00", "EUR", 129900},
        PriceCase{"1.299,00", "EUR", 129900},
        PriceCase{"1.299,00", "USD", 129900},
        PriceCase{"1,299", "USD", 129900},  // thousands in a decimal-point currency
        PriceCase{"1.299", "EUR", 129900},  // thousands in a decimal-comma currency
        PriceCase{"1.299", "USD", 130},     // decimal point, rounded half-up
        PriceCase{"1,299", "EUR", 130},     // decimal comma, rounded half-up
        PriceCase{"0.125", "USD", 13},      // "0." can only be a decimal
        PriceCase{"1,234,567.89", "USD", 123456789},
        PriceCase{"1.234.567", "USD", 123456700},
        PriceCase{"1 299,00", "RUB", 129900},
        PriceCase{"1\u00A0299,00 \u20BD", "RUB", 129900},
        PriceCase{"1\u202F299,00", "EUR", 129900},
        PriceCase{"1'299.00", "CHF", 129900},
        PriceCase{"1,29,999.00", "INR", 12999900},  // Indian grouping
        PriceCase{"\u20B9 499", "INR", 49900},
        PriceCase{"12.34 - 15.99", "USD", 1234},
        PriceCase{"US $12.34 - 15.99", "USD", 1234},
        PriceCase{"US $12.34 - US $15.99", "USD", 1234},
        PriceCase{"15.99-12.34", "USD", 1234},  // low end even when reversed
        PriceCase{"12.34 ~ 15.99", "USD", 1234},
        PriceCase{"12,34 \u2013 15,99 \u20AC", "EUR", 1234},
        PriceCase{"12.994", "USD", 1299},  // half-up: below half
        PriceCase{"12.995", "USD", 1300},  // half-up: exactly half
        PriceCase{"12.999", "USD", 1300},
        PriceCase{"99.999", "USD", 10000},  // carry into the whole part
        PriceCase{"1299", "JPY", 1299},
        PriceCase{"\u00A51,299", "JPY", 1299},
        PriceCase{"1.299", "JPY", 1299},   // no minor unit: separator is thousands
        PriceCase{"1299.5", "JPY", 1300},  // rounded to whole yen
        PriceCase{"1,299.00", "JPY", 1299},
        PriceCase{"Rp 150.000", "IDR", 150000},
        PriceCase{"Rp.150.000", "IDR", 150000},
        PriceCase{"\u20A915,000", "KRW", 15000},
        PriceCase{"1.500", "KWD", 1500},  // three-digit minor unit
        PriceCase{"12.99", "", 1299},     // unknown / empty currency: 2 digits
        PriceCase{"12.99", "XYZ", 1299},
        PriceCase{"999999999999999", "USD", 99999999999999900},
        PriceCase{"12 zł", "PLN", 1200},
        PriceCase{"120 \u0440\u0443\u0431.", "RUB", 12000},
        PriceCase{"kr 99,50", "SEK", 9950},
        PriceCase{"0012.99", "USD", 1299}
    )
);

INSTANTIATE_TEST_SUITE_P(
    Rejected,
    ParsePrice,
    ::testing::Values(
        PriceCase{"", "USD", std::nullopt},
        PriceCase{"   ", "USD", std::nullopt},
        PriceCase{"-12.99", "USD", std::nullopt},
        PriceCase{"US $-12.99", "USD", std::nullopt},
        PriceCase{"- 12.99", "USD", std::nullopt},
        PriceCase{"\u221212.99", "USD", std::nullopt},  // Unicode minus
        PriceCase{"+12.99", "USD", std::nullopt},
        PriceCase{"NaN", "USD", std::nullopt},
        PriceCase{"nan", "USD", std::nullopt},
        PriceCase{"inf", "USD", std::nullopt},
        PriceCase{"Infinity", "USD", std::nullopt},
        PriceCase{"1e5", "USD", std::nullopt},
        PriceCase{"abc", "USD", std::nullopt},
        PriceCase{"12abc", "USD", std::nullopt},
        PriceCase{"twelve", "USD", std::nullopt},
        PriceCase{"12.99.99", "USD", std::nullopt},  // 12.99 then .99: bad grouping
        PriceCase{"1,2,3", "USD", std::nullopt},
        PriceCase{"1.299.00", "USD", std::nullopt},  // thousands groups must have 3 digits
        PriceCase{"12,34.56,78", "USD", std::nullopt},
        PriceCase{"1.299,00.5", "EUR", std::nullopt},
        PriceCase{"12.", "USD", std::nullopt},
        PriceCase{".99", "USD", std::nullopt},
        PriceCase{"$.99", "USD", std::nullopt},
        PriceCase{"12.99 EUR", "USD", std::nullopt},  // another currency's code
        PriceCase{"EUR 12.99", "USD", std::nullopt},
        PriceCase{"12.34 -", "USD", std::nullopt},
        PriceCase{"12.34 - abc", "USD", std::nullopt},
        PriceCase{"12.34 - 15.99 - 17", "USD", std::nullopt},
        PriceCase{"1234567890123456", "USD", std::nullopt},  // 16 integer digits
        PriceCase{"0,123,456", "USD", std::nullopt},         // grouping cannot start with 0
        PriceCase{"12\x01", "USD", std::nullopt},
        PriceCase{"12 99", "USD", std::nullopt}  // space group must be 3 digits
    )
);

TEST(ParsePrice, RejectsOverlongText) {
    EXPECT_EQ(parse_price(std::string(300, '1'), "USD"), std::nullopt);
    EXPECT_EQ(parse_price("12.99" + std::string(300, ' '), "USD"), std::nullopt);
}

TEST(ParsePrice, RoundsLongFractions) {
    EXPECT_EQ(parse_price("12." + std::string(100, '4'), "USD"), 1244);
    EXPECT_EQ(parse_price("12." + std::string(100, '9'), "USD"), 1300);
}

struct FormatCase {
    std::int64_t cents;
    std::string currency;
    std::string expected;
};

class FormatAmount : public ::testing::TestWithParam<FormatCase> {};

TEST_P(FormatAmount, PrintsPlainDecimal) {
    EXPECT_EQ(format_amount(GetParam().cents, GetParam().currency), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    FormatAmount,
    ::testing::Values(
        FormatCase{1299, "USD", "12.99"},
        FormatCase{5, "USD", "0.05"},
        FormatCase{0, "USD", "0.00"},
        FormatCase{100, "EUR", "1.00"},
        FormatCase{1299, "JPY", "1299"},
        FormatCase{150000, "IDR", "150000"},
        FormatCase{1500, "KWD", "1.500"},
        FormatCase{1299, "", "12.99"},
        FormatCase{-1299, "USD", "-12.99"},
        FormatCase{INT64_MIN, "USD", "-92233720368547758.08"},
        FormatCase{INT64_MAX, "JPY", "9223372036854775807"}
    )
);

TEST(Currency, NormalizesCase) {
    EXPECT_EQ(normalize_currency(" usd "), "USD");
    EXPECT_EQ(normalize_currency("\tEur\n"), "EUR");
    EXPECT_EQ(normalize_currency(""), "");
    EXPECT_EQ(normalize_currency("us d"), "US D");
}

TEST(Currency, KnowsAliExpressTargetCurrencies) {
    for (const char* code :
         {"USD",
          "GBP",
          "CAD",
          "EUR",
          "UAH",
          "MXN",
          "TRY",
          "RUB",
          "BRL",
          "AUD",
          "INR",
          "JPY",
          "IDR",
          "SEK",
          "KRW",
          "ILS",
          "THB",
          "CLP",
          "VND"}) {
        EXPECT_TRUE(is_known_currency(code)) << code;
    }
    EXPECT_FALSE(is_known_currency("usd"));  // not normalised
    EXPECT_FALSE(is_known_currency("XYZ"));
    EXPECT_FALSE(is_known_currency(""));
}

TEST(Currency, MinorDigitsFollowTheTable) {
    EXPECT_EQ(minor_digits("USD"), 2);
    EXPECT_EQ(minor_digits("JPY"), 0);
    EXPECT_EQ(minor_digits("KRW"), 0);
    EXPECT_EQ(minor_digits("IDR"), 0);
    EXPECT_EQ(minor_digits("VND"), 0);
    EXPECT_EQ(minor_digits("CLP"), 0);
    EXPECT_EQ(minor_digits("KWD"), 3);
    EXPECT_EQ(minor_digits("XYZ"), 2);
    EXPECT_TRUE(uses_decimal_comma("EUR"));
    EXPECT_TRUE(uses_decimal_comma("BRL"));
    EXPECT_FALSE(uses_decimal_comma("USD"));
    EXPECT_FALSE(uses_decimal_comma("XYZ"));
}

TEST(Currency, MajorToMinorSaturates) {
    EXPECT_EQ(major_to_minor(100000, "USD"), 10000000);
    EXPECT_EQ(major_to_minor(100000, "JPY"), 100000);
    EXPECT_EQ(major_to_minor(INT64_MAX / 10, "USD"), INT64_MAX);
}

struct PercentCase {
    std::string text;
    std::optional<std::int64_t> expected;
};

class ParsePercent : public ::testing::TestWithParam<PercentCase> {};

TEST_P(ParsePercent, GivesBasisPoints) {
    EXPECT_EQ(parse_percent_basis_points(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    ParsePercent,
    ::testing::Values(
        PercentCase{"95.3%", 9530},
        PercentCase{"99.3%", 9930},
        PercentCase{"0.0%", 0},
        PercentCase{"31%", 3100},
        PercentCase{" 31 % ", 3100},
        PercentCase{"7", 700},
        PercentCase{"99,30%", 9930},
        PercentCase{"12.345%", 1235},
        PercentCase{"12.344%", 1234},
        PercentCase{"100%", 10000},
        PercentCase{"", std::nullopt},
        PercentCase{"%", std::nullopt},
        PercentCase{"-5%", std::nullopt},
        PercentCase{"abc", std::nullopt},
        PercentCase{"5%%", std::nullopt},
        PercentCase{"12345678%", std::nullopt}
    )
);

TEST(ParseDecimalAmount, DotIsTheDecimalPointWhateverTheCurrency) {
    EXPECT_EQ(parse_decimal_amount("1.500", "EUR"), 150);  // parse_price reads 1500.00 here
    EXPECT_EQ(parse_decimal_amount("1.500", "USD"), 150);
    EXPECT_EQ(parse_decimal_amount("12", "USD"), 1200);
    EXPECT_EQ(parse_decimal_amount("0.05", "USD"), 5);
    EXPECT_EQ(parse_decimal_amount("1500", "JPY"), 1500);
    EXPECT_EQ(parse_decimal_amount("7.000", "JPY"), 7);
    EXPECT_EQ(parse_decimal_amount("1.234", "KWD"), 1234);
    EXPECT_EQ(parse_decimal_amount("999999999999999.99", "USD"), 99999999999999999);
    for (const char* text :
         {"",
          ".",
          "1.",
          ".5",
          "1,5",
          "1.2.3",
          "-1",
          "+1",
          "1e3",
          " 1",
          "1 ",
          "US$1",
          "1234567890123456"}) {
        EXPECT_FALSE(parse_decimal_amount(text, "USD")) << text;
    }
    EXPECT_FALSE(parse_decimal_amount("12.345", "USD"));
    EXPECT_FALSE(parse_decimal_amount("1.5", "JPY"));
}

}  // namespace
}  // namespace scout::search
