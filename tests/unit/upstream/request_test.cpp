#include <scout/upstream/request.hpp>

#include "support/signing_vectors.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <string>

namespace scout::upstream {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

const system_clock::time_point kNow{milliseconds(1'700'000'000'000)};
const Credentials kCreds{"12345678", "s3cr3t-demo"};

Params example_a_business() {
    ProductQuery query;
    query.keywords = "usb cable";
    query.page_no = 1;
    query.page_size = 20;
    query.target_currency = "USD";
    query.target_language = "EN";
    query.tracking_id = "demo_track";
    return to_params(query);
}

TEST(BuildRequest, ReproducesExampleA) {
    const Params params =
        build_request(kProductQuery, example_a_business(), kCreds, SignMethod::kSha256, kNow);
    const Params expected_unsigned = test::vectors::example_a();
    Params without_sign = params;
    without_sign.erase("sign");
    EXPECT_EQ(without_sign, expected_unsigned);
    EXPECT_EQ(params.at("sign"), test::vectors::kExampleASign);
}

TEST(BuildRequest, Md5AddsVersionAndOmitsSimplify) {
    const Params params =
        build_request(kProductQuery, example_a_business(), kCreds, SignMethod::kMd5, kNow);
    EXPECT_EQ(params.at("sign_method"), "md5");
    EXPECT_EQ(params.at("v"), "2.0");
    EXPECT_EQ(params.count("simplify"), 0U);
    EXPECT_EQ(params.at("sign").size(), 32U);
    EXPECT_EQ(params.at("sign"), sign(params, "s3cr3t-demo", SignMethod::kMd5));
}

TEST(BuildRequest, HmacMd5IsSignedWithHmac) {
    const Params params =
        build_request(kCategoryGet, to_params(CategoryGet{}), kCreds, SignMethod::kHmacMd5, kNow);
    EXPECT_EQ(params.at("sign_method"), "hmac");
    EXPECT_EQ(params.at("sign"), sign(params, "s3cr3t-demo", SignMethod::kHmacMd5));
    EXPECT_NE(params.at("sign"), sign(params, "s3cr3t-demo", SignMethod::kMd5));
}

TEST(BuildRequest, DropsEmptyParametersBeforeSigning) {
    Params business = {{"keywords", ""}, {"page_no", "2"}, {"tracking_id", ""}};
    const Params params =
        build_request(kProductQuery, std::move(business), kCreds, SignMethod::kSha256, kNow);
    EXPECT_EQ(params.count("keywords"), 0U);
    EXPECT_EQ(params.count("tracking_id"), 0U);
    EXPECT_EQ(params.at("page_no"), "2");
    EXPECT_EQ(params.at("sign"), sign(params, "s3cr3t-demo", SignMethod::kSha256));
    for (const auto& [name, value] : params) {
        EXPECT_FALSE(value.empty()) << name;
    }
}

TEST(BuildRequest, DropsEmptySystemParameterToo) {
    const Params params =
        build_request(kCategoryGet, {}, Credentials{" \r\n", "s"}, SignMethod::kSha256, kNow);
    EXPECT_EQ(params.count("app_key"), 0U);
}

TEST(BuildRequest, TrimsCredentials) {
    const Params dirty = build_request(
        kCategoryGet, {}, Credentials{"12345678\r\n", " s3cr3t-demo\n"}, SignMethod::kSha256, kNow
    );
    const Params clean = build_request(kCategoryGet, {}, kCreds, SignMethod::kSha256, kNow);
    EXPECT_EQ(dirty.at("app_key"), "12345678");
    EXPECT_EQ(dirty, clean);
}

TEST(BuildRequest, SystemParametersOverrideCollidingBusinessOnes) {
    Params business = {
        {"app_key", "evil"}, {"sign", "FORGED"}, {"method", "x"}, {"format", "xml"}, {"v", "1"}};
    const Params params =
        build_request(kProductQuery, std::move(business), kCreds, SignMethod::kSha256, kNow);
    EXPECT_EQ(params.at("app_key"), "12345678");
    EXPECT_EQ(params.at("method"), kProductQuery);
    EXPECT_EQ(params.at("format"), "json");
    EXPECT_EQ(params.count("v"), 0U);
    EXPECT_EQ(params.at("sign"), sign(params, "s3cr3t-demo", SignMethod::kSha256));
}

TEST(BuildRequest, TimestampIsEpochMillisecondsOfNow) {
    const auto now = system_clock::time_point{milliseconds(1'234'567'890'123)};
    const Params params = build_request(kCategoryGet, {}, kCreds, SignMethod::kSha256, now);
    EXPECT_EQ(params.at("timestamp"), "1234567890123");
}

TEST(BuildRequest, NeverContainsTheSecret) {
    const Params params =
        build_request(kProductQuery, example_a_business(), kCreds, SignMethod::kSha256, kNow);
    for (const auto& [name, value] : params) {
        EXPECT_EQ(value.find("s3cr3t-demo"), std::string::npos) << name;
    }
    EXPECT_EQ(form_encode(params).find("s3cr3t"), std::string::npos);
}

TEST(ProductQueryParams, AllFieldsOnTheWire) {
    ProductQuery query;
    query.keywords = "bluetooth earphones";
    query.category_ids = {100003070, 44};
    query.page_no = 3;
    query.page_size = 50;
    query.sort = ProductSort::kSalePriceAsc;
    query.min_sale_price = 3141;
    query.max_sale_price = 10000;
    query.target_currency = "USD";
    query.target_language = "EN";
    query.ship_to_country = "US";
    query.tracking_id = "t1";
    const Params expected = {
        {"category_ids", "100003070,44"},
        {"keywords", "bluetooth earphones"},
        {"max_sale_price", "10000"},
        {"min_sale_price", "3141"},
        {"page_no", "3"},
        {"page_size", "50"},
        {"ship_to_country", "US"},
        {"sort", "SALE_PRICE_ASC"},
        {"target_currency", "USD"},
        {"target_language", "EN"},
        {"tracking_id", "t1"},
    };
    EXPECT_EQ(to_params(query), expected);
}

TEST(ProductQueryParams, DefaultsOmitOptionalFields) {
    const Params expected = {{"page_no", "1"}, {"page_size", "20"}};
    EXPECT_EQ(to_params(ProductQuery{}), expected);

    ProductQuery no_pages;
    no_pages.page_no = 0;
    no_pages.page_size = -1;
    EXPECT_TRUE(to_params(no_pages).empty());
}

TEST(ProductQueryParams, MajorPriceUnitsRoundOutward) {
    ProductQuery query;
    query.price_unit = PriceUnit::kMajor;
    query.target_currency = "USD";
    query.min_sale_price = 3141;  // $31.41 -> 31
    query.max_sale_price = 3141;  // $31.41 -> 32
    Params params = to_params(query);
    EXPECT_EQ(params.at("min_sale_price"), "31");
    EXPECT_EQ(params.at("max_sale_price"), "32");

    query.max_sale_price = 3100;  // exact: no rounding up
    EXPECT_EQ(to_params(query).at("max_sale_price"), "31");

    query.target_currency = "jpy";  // zero-decimal currency: minor == major
    query.min_sale_price = 1500;
    query.max_sale_price = 2500;
    params = to_params(query);
    EXPECT_EQ(params.at("min_sale_price"), "1500");
    EXPECT_EQ(params.at("max_sale_price"), "2500");

    query.target_currency = "KWD";  // three decimals: 1.2345 is not a KWD amount, 1.234 is
    query.min_sale_price = 1234;
    query.max_sale_price = 1234;
    params = to_params(query);
    EXPECT_EQ(params.at("min_sale_price"), "1");
    EXPECT_EQ(params.at("max_sale_price"), "2");
}

// The default wire unit is hundredths of the target currency whatever its own minor digits
// (scout-sim, and the SDK's "$31.41 -> 3141").
TEST(ProductQueryParams, PricesGoOnTheWireAsHundredthsOfTheTargetCurrency) {
    ProductQuery query;
    query.target_currency = "JPY";
    query.min_sale_price = 500;  // yen
    query.max_sale_price = 1000;
    Params params = to_params(query);
    EXPECT_EQ(params.at("min_sale_price"), "50000");
    EXPECT_EQ(params.at("max_sale_price"), "100000");

    query.target_currency = "IDR";  // no subunit in Scout's table
    query.max_sale_price = 150000;
    EXPECT_EQ(to_params(query).at("max_sale_price"), "15000000");

    query.target_currency = "KWD";  // fils: 3 digits; the bounds round outward
    query.min_sale_price = 1234;
    query.max_sale_price = 1234;
    params = to_params(query);
    EXPECT_EQ(params.at("min_sale_price"), "123");
    EXPECT_EQ(params.at("max_sale_price"), "124");

    query.target_currency = "USD";
    query.min_sale_price = 3141;
    EXPECT_EQ(to_params(query).at("min_sale_price"), "3141");
}

TEST(ProductQueryParams, HugePricesSaturateInsteadOfOverflowing) {
    ProductQuery query;
    query.target_currency = "JPY";
    query.max_sale_price = std::numeric_limits<std::int64_t>::max() / 10;
    EXPECT_EQ(
        to_params(query).at("max_sale_price"),
        std::to_string(std::numeric_limits<std::int64_t>::max())
    );
}

TEST(ProductQueryParams, ZeroPriceIsSent) {
    ProductQuery query;
    query.min_sale_price = 0;
    EXPECT_EQ(to_params(query).at("min_sale_price"), "0");
}

TEST(ProductQueryParams, SortWireValues) {
    EXPECT_EQ(to_string(ProductSort::kRelevance), "");
    EXPECT_EQ(to_string(ProductSort::kSalePriceAsc), "SALE_PRICE_ASC");
    EXPECT_EQ(to_string(ProductSort::kSalePriceDesc), "SALE_PRICE_DESC");
    EXPECT_EQ(to_string(ProductSort::kLastVolumeAsc), "LAST_VOLUME_ASC");
    EXPECT_EQ(to_string(ProductSort::kLastVolumeDesc), "LAST_VOLUME_DESC");
    EXPECT_EQ(to_string(ProductSort::kDiscountAsc), "DISCOUNT_ASC");
    EXPECT_EQ(to_string(ProductSort::kDiscountDesc), "DISCOUNT_DESC");
}

TEST(LinkGenerateParams, JoinsSourceValuesAndEscapesCommas) {
    LinkGenerate request;
    request.source_values = {
        "https://www.aliexpress.com/item/1.html", "", "https://x.com/a,b?c=1,2"};
    request.promotion_link_type = PromotionLinkType::kHot;
    request.tracking_id = "demo_track";
    const Params expected = {
        {"promotion_link_type", "2"},
        {"source_values", "https://www.aliexpress.com/item/1.html,https://x.com/a%2Cb?c=1%2C2"},
        {"tracking_id", "demo_track"},
    };
    EXPECT_EQ(to_params(request), expected);
    EXPECT_EQ(encode_source_value("a,b"), "a%2Cb");
}

TEST(LinkGenerateParams, DefaultLinkTypeIsNormal) {
    EXPECT_EQ(to_params(LinkGenerate{}).at("promotion_link_type"), "0");
    EXPECT_EQ(to_params(LinkGenerate{}).count("source_values"), 0U);
}

TEST(ProductDetailParams, JoinsIds) {
    ProductDetail request;
    request.product_ids = {1005007437454071, 32812345678};
    request.target_currency = "EUR";
    request.target_language = "DE";
    request.country = "DE";
    request.tracking_id = "t";
    const Params expected = {
        {"country", "DE"},
        {"product_ids", "1005007437454071,32812345678"},
        {"target_currency", "EUR"},
        {"target_language", "DE"},
        {"tracking_id", "t"},
    };
    EXPECT_EQ(to_params(request), expected);
}

TEST(CategoryGetParams, HasNoBusinessParameters) {
    EXPECT_TRUE(to_params(CategoryGet{}).empty());
}

TEST(RedactForLog, DropsSignatureAndSecretsKeepsTheRest) {
    Params params =
        build_request(kProductQuery, example_a_business(), kCreds, SignMethod::kSha256, kNow);
    params.emplace("access_token", "tok");
    params.emplace("session", "sess");
    params.emplace("app_secret", "should-never-be-here");
    const Params redacted = redact_for_log(params);
    EXPECT_EQ(redacted.count("sign"), 0U);
    EXPECT_EQ(redacted.count("access_token"), 0U);
    EXPECT_EQ(redacted.count("session"), 0U);
    EXPECT_EQ(redacted.count("app_secret"), 0U);
    EXPECT_EQ(redacted.at("keywords"), "usb cable");
    EXPECT_EQ(redacted.at("app_key"), "12345678");
    EXPECT_EQ(redacted.at("method"), kProductQuery);
    EXPECT_EQ(redacted.size(), params.size() - 4);
}

TEST(MethodNames, MatchTheGateway) {
    EXPECT_EQ(kProductQuery, "aliexpress.affiliate.product.query");
    EXPECT_EQ(kHotProductQuery, "aliexpress.affiliate.hotproduct.query");
    EXPECT_EQ(kProductDetailGet, "aliexpress.affiliate.productdetail.get");
    EXPECT_EQ(kLinkGenerate, "aliexpress.affiliate.link.generate");
    EXPECT_EQ(kCategoryGet, "aliexpress.affiliate.category.get");
}

}  // namespace
}  // namespace scout::upstream
