#include <scout/search/product.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace scout::search {
namespace {

Product full_product() {
    Product p;
    p.product_id = 1005007437454071;
    p.title = "SHANLING M0S";
    p.price = {6995, "USD"};
    p.original_price = Money{10197, "USD"};
    p.discount_percent = 31;
    p.rating = 4.8;
    p.orders = 224;
    p.image_url = "https://ae01.alicdn.com/kf/a.jpg";
    p.product_url = "https://www.aliexpress.com/item/1005007437454071.html";
    p.affiliate_url = "https://s.click.aliexpress.com/e/_abc";
    p.shop = Shop{900247438, "Shanling Store"};
    p.category_id = 100000306;
    p.quality_score = 0.123456;
    p.normalized_title = "shanling m0s";
    return p;
}

TEST(ProductJson, AllFieldsHaveTheDocumentedShape) {
    const nlohmann::json expected = nlohmann::json::parse(R"({
        "product_id": "1005007437454071",
        "title": "SHANLING M0S",
        "price": {"amount": "69.95", "currency": "USD"},
        "original_price": {"amount": "101.97", "currency": "USD"},
        "discount_percent": 31,
        "rating": 4.8,
        "orders": 224,
        "image_url": "https://ae01.alicdn.com/kf/a.jpg",
        "product_url": "https://www.aliexpress.com/item/1005007437454071.html",
        "affiliate_url": "https://s.click.aliexpress.com/e/_abc",
        "shop": {"id": 900247438, "name": "Shanling Store"},
        "category_id": 100000306,
        "quality_score": 0.123
    })");
    EXPECT_EQ(to_json(full_product()), expected);
}

TEST(ProductJson, AbsentOptionalsAreNull) {
    Product p = full_product();
    p.original_price.reset();
    p.rating.reset();
    p.affiliate_url.reset();
    p.shop.reset();
    const nlohmann::json j = to_json(p);
    EXPECT_TRUE(j.at("original_price").is_null());
    EXPECT_TRUE(j.at("rating").is_null());
    EXPECT_TRUE(j.at("affiliate_url").is_null());
    EXPECT_TRUE(j.at("shop").is_null());
    EXPECT_EQ(j.size(), kFieldCount);
}

TEST(ProductJson, ProductIdStaysExactAsString) {
    Product p = full_product();
    p.product_id = 9007199254740993;  // 2^53 + 1: a double would round it
    EXPECT_EQ(to_json(p).at("product_id"), "9007199254740993");
}

TEST(ProductJson, ZeroDecimalCurrencyAmount) {
    Product p = full_product();
    p.price = {1299, "JPY"};
    EXPECT_EQ(to_json(p).at("price").at("amount"), "1299");
}

TEST(ProductJson, EmitsOnlySelectedFields) {
    const auto fields = parse_fields("product_id,price").value();
    const nlohmann::json j = to_json(full_product(), fields);
    EXPECT_EQ(j.size(), 2u);
    EXPECT_TRUE(j.contains("product_id"));
    EXPECT_TRUE(j.contains("price"));
    EXPECT_TRUE(to_json(full_product(), FieldSet{}).empty());
}

TEST(Fields, NamesRoundTrip) {
    for (std::size_t i = 0; i < kFieldCount; ++i) {
        const auto field = static_cast<Field>(i);
        EXPECT_EQ(parse_field(to_string(field)), field);
    }
    EXPECT_EQ(parse_field("PRICE"), std::nullopt);
    EXPECT_EQ(parse_field(""), std::nullopt);
    EXPECT_EQ(FieldSet::all().size(), kFieldCount);
}

struct FieldsCase {
    std::string input;
    std::string canonical;  // empty: an error is expected
    std::string error_field;
};

class ParseFields : public ::testing::TestWithParam<FieldsCase> {};

TEST_P(ParseFields, ParsesOrNamesTheUnknownField) {
    const FieldsCase& c = GetParam();
    const auto result = parse_fields(c.input);
    if (c.canonical.empty()) {
        ASSERT_FALSE(result.has_value()) << c.input;
        EXPECT_EQ(result.error().field, c.error_field);
        EXPECT_NE(
            result.error().message.find(c.error_field.empty() ? "at least one" : c.error_field),
            std::string::npos
        );
    } else {
        ASSERT_TRUE(result.has_value()) << result.error().message;
        EXPECT_EQ(to_string(*result), c.canonical);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    ParseFields,
    ::testing::Values(
        FieldsCase{"product_id,title,price", "product_id,title,price", ""},
        FieldsCase{"price,product_id", "product_id,price", ""},  // canonical order
        FieldsCase{" title , price ", "title,price", ""},
        FieldsCase{"title,,price,", "title,price", ""},
        FieldsCase{"title,title", "title", ""},
        FieldsCase{"shop,quality_score,affiliate_url", "affiliate_url,shop,quality_score", ""},
        FieldsCase{"title,colour", "", "colour"},
        FieldsCase{"Title", "", "Title"},
        FieldsCase{"title,pri ce", "", "pri ce"},
        FieldsCase{"", "", ""},
        FieldsCase{" , ,", "", ""},
        FieldsCase{"bad\x01\xff", "", "bad??"}
    )
);

TEST(ParseFields, CutsLongUnknownNames) {
    const auto result = parse_fields(std::string(500, 'x'));
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().field, std::string(64, 'x'));
    EXPECT_LT(result.error().message.size(), 400u);
}

TEST(ParseFields, ValueThrowsOnError) {
    EXPECT_THROW((void)parse_fields("nope").value(), std::invalid_argument);
}

}  // namespace
}  // namespace scout::search
