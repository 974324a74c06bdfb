#include "sim/params.hpp"

#include <gtest/gtest.h>

namespace scout::sim {
namespace {

TEST(Params, FormDecodingHandlesPercentPlusAndBareNames) {
    auto params = parse_form("keywords=usb+cable&q=%E2%80%93%21&flag&&empty=");
    ASSERT_TRUE(params);
    EXPECT_EQ(params->at("keywords"), "usb cable");
    EXPECT_EQ(params->at("q"), "\xE2\x80\x93!");
    EXPECT_EQ(params->at("flag"), "");
    EXPECT_EQ(params->at("empty"), "");
    EXPECT_EQ(params->size(), 4U);
}

TEST(Params, EncodedPlusStaysPlus) {
    auto params = parse_form("a=1%2B1");
    ASSERT_TRUE(params);
    EXPECT_EQ(params->at("a"), "1+1");
}

TEST(Params, RawUrlCharactersInValuesAreKept) {
    auto params =
        collect_params("/sync?source_values=https://www.aliexpress.com/item/1.html?x=1", "");
    ASSERT_TRUE(params);
    EXPECT_EQ(params->at("source_values"), "https://www.aliexpress.com/item/1.html?x=1");
}

TEST(Params, MergesQueryAndBodyWithBodyWinning) {
    auto params = collect_params(
        "/sync?app_key=1&method=m&timestamp=5&page_no=1", "keywords=phone%20case&page_no=2"
    );
    ASSERT_TRUE(params);
    EXPECT_EQ(params->at("app_key"), "1");
    EXPECT_EQ(params->at("method"), "m");
    EXPECT_EQ(params->at("keywords"), "phone case");
    EXPECT_EQ(params->at("page_no"), "2");
}

TEST(Params, OrderIsByteWise) {
    auto params = parse_form("foobar=4&foo_bar=3&foo=1&bar=2&Zed=0");
    ASSERT_TRUE(params);
    std::string order;
    for (const auto& [name, value] : *params) {
        order += name + ",";
    }
    EXPECT_EQ(order, "Zed,bar,foo,foo_bar,foobar,");
}

TEST(Params, QueryThatIsNotNulTerminatedIsNotOverRead) {
    // Regression: Boost.URL 1.81 parse_query() read a sub-view up to the next NUL byte.
    const std::string buffer = "/sync?a=1&timestamp=1700000000000UNRELATED TRAILING BYTES";
    const std::string_view target(buffer.data(), buffer.find('U'));
    auto params = collect_params(target, "");
    ASSERT_TRUE(params);
    EXPECT_EQ(params->at("timestamp"), "1700000000000");
    const std::string body = "k=v&x=yZZZ";
    auto form = parse_form(std::string_view(body).substr(0, body.size() - 3));
    ASSERT_TRUE(form);
    EXPECT_EQ(form->at("x"), "y");
}

TEST(Params, MalformedEscapeFails) {
    EXPECT_FALSE(parse_form("a=%ZZ"));
    EXPECT_FALSE(parse_form("a=%4"));
    EXPECT_FALSE(collect_params("/sync?a=%G1", ""));
}

TEST(Params, FindParam) {
    const Params params{{"a", "1"}};
    ASSERT_NE(find_param(params, "a"), nullptr);
    EXPECT_EQ(*find_param(params, "a"), "1");
    EXPECT_EQ(find_param(params, "b"), nullptr);
}

}  // namespace
}  // namespace scout::sim
