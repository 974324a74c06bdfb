#include <scout/upstream/request.hpp>
#include <scout/upstream/response.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace scout::upstream {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// A product.query success body in the non-simplified (wrapped) form, numbers as in real
// captures (S9): ids are JSON numbers, sku_id exceeds 2^53, prices are strings.
constexpr std::string_view kProductQueryBody = R"({
  "aliexpress_affiliate_product_query_response": {
    "resp_result": {
      "resp_code": 200,
      "resp_msg": "success",
      "result": {
        "current_page_no": 1,
        "current_record_count": 2,
        "total_record_count": 604802,
        "products": { "product": [
          {
            "product_id": 1005007437454071,
            "sku_id": 12000040752696068,
            "product_title": "SHANLING M0S Hi-Res Audio &amp; more",
            "product_detail_url": "https://www.aliexpress.com/item/1005007437454071.html?pdp_npi=4%40dis%21BRL",
            "promotion_link": "https://s.click.aliexpress.com/s/abc",
            "product_main_image_url": "https://ae-pic-a1.aliexpress-media.com/kf/S073.jpg",
            "product_small_image_urls": { "string": ["//ae01.alicdn.com/a.jpg", "https://ae04.alicdn.com/b.jpg"] },
            "product_video_url": "",
            "sale_price": "69.95", "sale_price_currency": "USD",
            "original_price": "101.97", "original_price_currency": "USD",
            "target_sale_price": "446.07", "target_sale_price_currency": "BRL",
            "target_original_price": "650.27", "target_original_price_currency": "BRL",
            "discount": "31%",
            "evaluate_rate": "99.3%",
            "lastest_volume": 224,
            "commission_rate": "7.0%",
            "hot_product_commission_rate": "0.0%",
            "first_level_category_id": 44,
            "first_level_category_name": "Consumer Electronics",
            "second_level_category_id": 100000306,
            "second_level_category_name": "Portable Audio \u0026 Video",
            "shop_id": 900247438,
            "shop_url": "https://www.aliexpress.com/store/900247438",
            "shop_name": "SHANLING Official Store",
            "ship_to_days": "Ship to BR in 3 days"
          },
          {
            "product_id": "32812345678",
            "sku_id": "12000040752696068",
            "product_title": "Doc-sample style product",
            "lastest_volume": "28",
            "first_level_category_id": "44",
            "shop_id": "900247438"
          }
        ] }
      }
    },
    "request_id": "0ba2887315178178017221014"
  }
})";

json unwrap_ok(std::string_view method, std::string_view body) {
    auto result = unwrap(method, 200, body);
    EXPECT_TRUE(result.has_value()) << (result.has_error() ? result.error().detail() : "");
    return result.has_value() ? *result : json();
}

UpstreamError unwrap_error(
    std::string_view method, int status, std::string_view body, std::string_view retry_after = {}
) {
    auto result = unwrap(method, status, body, retry_after);
    EXPECT_TRUE(result.has_error());
    return result.has_error() ? result.error() : UpstreamError{};
}

// ---- unwrap: success --------------------------------------------------------------------------

TEST(Unwrap, ReturnsResultOfTheMethodEnvelope) {
    const json result = unwrap_ok(kProductQuery, kProductQueryBody);
    ASSERT_TRUE(result.is_object());
    EXPECT_EQ(result.at("total_record_count"), 604802);
    EXPECT_TRUE(result.contains("products"));
}

TEST(Unwrap, AcceptsRespCodeAsNumericString) {
    const json result = unwrap_ok(
        kLinkGenerate,
        R"({"aliexpress_affiliate_link_generate_response":{"resp_result":{"resp_code":"200",)"
        R"("resp_msg":"success","result":{"total_result_count":0}}}})"
    );
    EXPECT_EQ(result.at("total_result_count"), 0);
}

TEST(Unwrap, MissingOrNullResultIsAnEmptyObject) {
    EXPECT_EQ(
        unwrap_ok(
            kCategoryGet,
            R"({"aliexpress_affiliate_category_get_response":{"resp_result":{"resp_code":200}}})"
        ),
        json::object()
    );
    EXPECT_EQ(
        unwrap_ok(
            kCategoryGet,
            R"({"aliexpress_affiliate_category_get_response":{"resp_result":{"resp_code":200,"result":null}}})"
        ),
        json::object()
    );
}

// ---- unwrap: business errors ------------------------------------------------------------------

TEST(Unwrap, RespCode404IsATransientBusinessError) {
    const UpstreamError error = unwrap_error(
        kProductQuery,
        200,
        R"({"aliexpress_affiliate_product_query_response":{"resp_result":{"resp_code":"404",)"
        R"("resp_msg":"System Error"},"request_id":"rid-404"}})"
    );
    EXPECT_EQ(error.code, upstream_errc::kBusinessError);
    EXPECT_EQ(error.error_class, ErrorClass::kTransient);
    EXPECT_EQ(error.api_code, "404");
    EXPECT_EQ(error.message, "System Error");
    EXPECT_EQ(error.upstream_request_id, "rid-404");
    EXPECT_EQ(error.http_status, 200);
    EXPECT_EQ(max_attempts_for(error, 5), 2);
}

TEST(Unwrap, RespCode401IsPermanent) {
    const UpstreamError error = unwrap_error(
        kProductQuery,
        200,
        R"({"aliexpress_affiliate_product_query_response":{"resp_result":{"resp_code":401,)"
        R"("resp_msg":"This publisher is not registered:123"}}})"
    );
    EXPECT_EQ(error.code, upstream_errc::kBusinessError);
    EXPECT_EQ(error.error_class, ErrorClass::kPermanent);
    EXPECT_EQ(error.message, "This publisher is not registered:123");
}

// ---- unwrap: gateway errors, both dialects ----------------------------------------------------

TEST(Unwrap, TopDialectRateLimitCarriesBanSeconds) {
    const UpstreamError error = unwrap_error(
        kProductQuery,
        200,
        R"({"error_response":{"code":7,"msg":"App Call Limited",)"
        R"("sub_code":"accesscontrol.limited-by-app-api-access-count",)"
        R"("sub_msg":"This ban will last for 2 more seconds","request_id":"rid-7"}})"
    );
    EXPECT_EQ(error.code, upstream_errc::kGatewayError);
    EXPECT_EQ(error.error_class, ErrorClass::kRateLimited);
    EXPECT_EQ(error.api_code, "7");
    EXPECT_EQ(error.sub_code, "accesscontrol.limited-by-app-api-access-count");
    EXPECT_EQ(error.message, "App Call Limited");
    EXPECT_EQ(error.sub_message, "This ban will last for 2 more seconds");
    EXPECT_EQ(error.upstream_request_id, "rid-7");
    EXPECT_EQ(error.retry_after, milliseconds(2000));
}

TEST(Unwrap, TopDialectIsvSubCodeIsPermanent) {
    const UpstreamError error = unwrap_error(
        kProductQuery,
        200,
        R"({"error_response":{"code":15,"msg":"Remote service error",)"
        R"("sub_code":"isv.invalid-parameter","sub_msg":"page_size"}})"
    );
    EXPECT_EQ(error.api_code, "15");
    EXPECT_EQ(error.error_class, ErrorClass::kPermanent);
}

TEST(Unwrap, IopDialectWithTypeAndMsg) {
    const UpstreamError error = unwrap_error(
        kLinkGenerate,
        200,
        R"({"error_response":{"type":"ISV","code":"IncompleteSignature",)"
        R"("msg":"The request signature does not conform to platform standards","request_id":"2101"}})"
    );
    EXPECT_EQ(error.code, upstream_errc::kGatewayError);
    EXPECT_EQ(error.error_class, ErrorClass::kPermanent);
    EXPECT_EQ(error.api_code, "IncompleteSignature");
    EXPECT_EQ(error.api_type, "ISV");
    EXPECT_EQ(error.message, "The request signature does not conform to platform standards");
    EXPECT_EQ(error.upstream_request_id, "2101");
}

TEST(Unwrap, IopDialectWithMessageKeyAndRateLimit) {
    const UpstreamError error = unwrap_error(
        kProductQuery,
        200,
        R"({"error_response":{"type":"ISP","code":"ApiCallLimit",)"
        R"("message":"Too many calls; this ban will last 3 seconds"},"request_id":"top-level"})"
    );
    EXPECT_EQ(error.error_class, ErrorClass::kRateLimited);
    EXPECT_EQ(error.message, "Too many calls; this ban will last 3 seconds");
    EXPECT_EQ(error.retry_after, milliseconds(3000));
    EXPECT_EQ(error.upstream_request_id, "top-level");
}

TEST(Unwrap, IopDialectWithoutTypeDefaultsPerTable) {
    EXPECT_EQ(
        unwrap_error(kProductQuery, 200, R"({"error_response":{"code":"InvalidAppKey","msg":"x"}})")
            .error_class,
        ErrorClass::kPermanent
    );
    EXPECT_EQ(
        unwrap_error(kProductQuery, 200, R"({"error_response":{"code":"Whatever","msg":"x"}})")
            .error_class,
        ErrorClass::kTransient
    );
}

TEST(Unwrap, TopLevelIopErrorWithoutWrapper) {
    const UpstreamError error = unwrap_error(
        kProductQuery,
        200,
        R"({"type":"ISV","code":"MissingParameter","message":"sign missing","request_id":"r"})"
    );
    EXPECT_EQ(error.code, upstream_errc::kGatewayError);
    EXPECT_EQ(error.api_code, "MissingParameter");
    EXPECT_EQ(error.error_class, ErrorClass::kPermanent);
    EXPECT_EQ(error.message, "sign missing");
}

TEST(Unwrap, GatewayErrorInsideNon200Response) {
    const UpstreamError error = unwrap_error(
        kProductQuery,
        503,
        R"({"error_response":{"code":"ApiCallLimit","msg":"This ban will last for 4 more seconds"}})"
    );
    EXPECT_EQ(error.code, upstream_errc::kGatewayError);
    EXPECT_EQ(error.http_status, 503);
    EXPECT_EQ(error.retry_after, milliseconds(4000));
}

// ---- unwrap: transport-level failures ---------------------------------------------------------

TEST(Unwrap, Html502PageIsTransientHttpStatus) {
    const UpstreamError error = unwrap_error(
        kProductQuery, 502, "<html><head><title>502 Bad Gateway</title></head></html>"
    );
    EXPECT_EQ(error.code, upstream_errc::kHttpStatus);
    EXPECT_EQ(error.http_status, 502);
    EXPECT_EQ(error.error_class, ErrorClass::kTransient);
    EXPECT_NE(error.message.find("502"), std::string::npos);
}

TEST(Unwrap, Http429UsesRetryAfterHeader) {
    const UpstreamError error = unwrap_error(kProductQuery, 429, "slow down", "7");
    EXPECT_EQ(error.error_class, ErrorClass::kRateLimited);
    EXPECT_EQ(error.retry_after, milliseconds(7000));
}

TEST(Unwrap, Http403IsPermanent) {
    EXPECT_EQ(unwrap_error(kProductQuery, 403, "").error_class, ErrorClass::kPermanent);
}

TEST(Unwrap, HtmlBodyWithStatus200IsBadResponse) {
    const UpstreamError error =
        unwrap_error(kProductQuery, 200, "<!DOCTYPE html><html><body>oops</body></html>");
    EXPECT_EQ(error.code, upstream_errc::kBadResponse);
    EXPECT_EQ(error.error_class, ErrorClass::kTransient);
}

TEST(Unwrap, TruncatedJsonIsBadResponse) {
    const std::string_view body = kProductQueryBody.substr(0, kProductQueryBody.size() / 2);
    const UpstreamError error = unwrap_error(kProductQuery, 200, body);
    EXPECT_EQ(error.code, upstream_errc::kBadResponse);
    EXPECT_EQ(error.error_class, ErrorClass::kTransient);
}

TEST(Unwrap, UnexpectedShapesAreBadResponses) {
    for (const std::string_view body : {
             std::string_view(""),
             std::string_view("[]"),
             std::string_view("42"),
             std::string_view("{}"),
             std::string_view(R"({"error_response":"string"})"),
             std::string_view(R"({"aliexpress_affiliate_product_query_response":[]})"),
             std::string_view(R"({"aliexpress_affiliate_product_query_response":{}})"),
             std::string_view(
                 R"({"aliexpress_affiliate_product_query_response":{"resp_result":{"resp_msg":"x"}}})"
             ),
             std::string_view(
                 R"({"aliexpress_affiliate_product_query_response":{"resp_result":{"resp_code":"abc"}}})"
             ),
             std::string_view(
                 R"({"aliexpress_affiliate_product_query_response":{"resp_result":{"resp_code":200,"result":[1]}}})"
             ),
             std::string_view(R"({"code":"0","data":{}})"),
         }) {
        const auto result = unwrap(kProductQuery, 200, body);
        ASSERT_TRUE(result.has_error()) << body;
        EXPECT_EQ(result.error().code, upstream_errc::kBadResponse) << body;
    }
}

TEST(Unwrap, WrongMethodEnvelopeIsBadResponse) {
    const UpstreamError error = unwrap_error(kLinkGenerate, 200, kProductQueryBody);
    EXPECT_EQ(error.code, upstream_errc::kBadResponse);
    EXPECT_NE(error.message.find("aliexpress_affiliate_link_generate_response"), std::string::npos);
}

// ---- parse_product_page -----------------------------------------------------------------------

TEST(ParseProductPage, ReadsEveryFieldOfACapturedProduct) {
    const ProductPage page = parse_product_page(unwrap_ok(kProductQuery, kProductQueryBody));
    EXPECT_EQ(page.current_page_no, 1);
    EXPECT_EQ(page.current_record_count, 2);
    EXPECT_EQ(page.total_record_count, 604802);
    EXPECT_EQ(page.skipped, 0);
    ASSERT_EQ(page.products.size(), 2U);

    const RawProduct& p = page.products[0];
    EXPECT_EQ(p.product_id, 1005007437454071);
    ASSERT_TRUE(p.sku_id.has_value());
    EXPECT_EQ(*p.sku_id, 12000040752696068);                     // > 2^53: exact
    EXPECT_EQ(p.title, "SHANLING M0S Hi-Res Audio &amp; more");  // entities left as sent
    EXPECT_EQ(
        p.detail_url, "https://www.aliexpress.com/item/1005007437454071.html?pdp_npi=4%40dis%21BRL"
    );
    EXPECT_EQ(p.promotion_link, "https://s.click.aliexpress.com/s/abc");
    EXPECT_EQ(p.main_image_url, "https://ae-pic-a1.aliexpress-media.com/kf/S073.jpg");
    ASSERT_EQ(p.small_image_urls.size(), 2U);
    EXPECT_EQ(p.small_image_urls[0], "//ae01.alicdn.com/a.jpg");
    EXPECT_EQ(p.video_url, "");
    EXPECT_EQ(p.sale_price, "69.95");
    EXPECT_EQ(p.sale_price_currency, "USD");
    EXPECT_EQ(p.original_price, "101.97");
    EXPECT_EQ(p.original_price_currency, "USD");
    EXPECT_EQ(p.target_sale_price, "446.07");
    EXPECT_EQ(p.target_sale_price_currency, "BRL");
    EXPECT_EQ(p.target_original_price, "650.27");
    EXPECT_EQ(p.target_original_price_currency, "BRL");
    EXPECT_EQ(p.discount, "31%");
    EXPECT_EQ(p.evaluate_rate, "99.3%");
    EXPECT_EQ(p.lastest_volume, 224);
    EXPECT_EQ(p.commission_rate, "7.0%");
    EXPECT_EQ(p.hot_product_commission_rate, "0.0%");
    EXPECT_EQ(p.first_level_category_id, 44);
    EXPECT_EQ(p.first_level_category_name, "Consumer Electronics");
    EXPECT_EQ(p.second_level_category_id, 100000306);
    EXPECT_EQ(p.second_level_category_name, "Portable Audio & Video");
    EXPECT_EQ(p.shop_id, 900247438);
    EXPECT_EQ(p.shop_url, "https://www.aliexpress.com/store/900247438");
    EXPECT_EQ(p.shop_name, "SHANLING Official Store");
    EXPECT_EQ(p.ship_to_days, "Ship to BR in 3 days");
}

TEST(ParseProductPage, NumericStringsAndMissingFields) {
    const ProductPage page = parse_product_page(unwrap_ok(kProductQuery, kProductQueryBody));
    ASSERT_EQ(page.products.size(), 2U);
    const RawProduct& p = page.products[1];
    EXPECT_EQ(p.product_id, 32812345678);
    ASSERT_TRUE(p.sku_id.has_value());
    EXPECT_EQ(*p.sku_id, 12000040752696068);
    EXPECT_EQ(p.lastest_volume, 28);
    EXPECT_EQ(p.first_level_category_id, 44);
    EXPECT_EQ(p.shop_id, 900247438);
    // Missing fields take their defaults.
    EXPECT_EQ(p.detail_url, "");
    EXPECT_EQ(p.promotion_link, "");
    EXPECT_TRUE(p.small_image_urls.empty());
    EXPECT_EQ(p.second_level_category_id, 0);
    EXPECT_EQ(p.target_sale_price, "");
    EXPECT_EQ(p.ship_to_days, "");
}

TEST(ParseProductPage, BareArraysAndStringCounts) {
    const json result = json::parse(R"({
        "current_page_no": "2", "current_record_count": "1", "total_record_count": "10",
        "products": [ { "product_id": 1, "product_small_image_urls": ["a", "", "b"] } ]
    })");
    const ProductPage page = parse_product_page(result);
    EXPECT_EQ(page.current_page_no, 2);
    EXPECT_EQ(page.current_record_count, 1);
    EXPECT_EQ(page.total_record_count, 10);
    ASSERT_EQ(page.products.size(), 1U);
    EXPECT_EQ(page.products[0].small_image_urls, (std::vector<std::string>{"a", "b"}));
}

TEST(ParseProductPage, WrappedSingleObjectCountsAsOneElement) {
    const json result = json::parse(
        R"({"products": {"product": {"product_id": 7, "product_small_image_urls": {"string": []}}}})"
    );
    const ProductPage page = parse_product_page(result);
    ASSERT_EQ(page.products.size(), 1U);
    EXPECT_EQ(page.products[0].product_id, 7);
    EXPECT_TRUE(page.products[0].small_image_urls.empty());
}

TEST(ParseProductPage, SkipsProductsWithoutAReadableIdAndCountsThem) {
    const json result = json::parse(R"({"products": {"product": [
        {"product_id": 1005007437454071},
        {"product_title": "no id"},
        {"product_id": "abc"},
        {"product_id": 1.005007437454071e15},
        {"product_id": -5},
        {"product_id": 0},
        {"product_id": null},
        {"product_id": "18446744073709551615"},
        {"product_id": 18446744073709551615},
        "not an object",
        42,
        {"product_id": " 32812345678 "}
    ]}})");
    const ProductPage page = parse_product_page(result);
    ASSERT_EQ(page.products.size(), 2U);
    EXPECT_EQ(page.products[0].product_id, 1005007437454071);
    EXPECT_EQ(page.products[1].product_id, 32812345678);
    EXPECT_EQ(page.skipped, 10);
}

TEST(ParseProductPage, UnreadableOptionalFieldsDoNotSkipTheProduct) {
    const json result = json::parse(R"({"products": [{
        "product_id": 9, "sku_id": 1.5, "shop_id": "shop", "lastest_volume": "many",
        "sale_price": 69.95, "product_title": null, "first_level_category_id": true,
        "product_small_image_urls": "not-a-list"
    }]})");
    const ProductPage page = parse_product_page(result);
    ASSERT_EQ(page.products.size(), 1U);
    const RawProduct& p = page.products[0];
    EXPECT_FALSE(p.sku_id.has_value());
    EXPECT_EQ(p.shop_id, 0);
    EXPECT_EQ(p.lastest_volume, 0);
    EXPECT_EQ(p.sale_price, "69.95");  // a JSON number kept as its shortest text
    EXPECT_EQ(p.title, "");
    EXPECT_EQ(p.first_level_category_id, 0);
    EXPECT_TRUE(p.small_image_urls.empty());
}

TEST(ParseProductPage, IntegralFloatCountsAreAccepted) {
    const ProductPage page = parse_product_page(json::parse(
        R"({"total_record_count": 600000.0, "products": [{"product_id": 1, "lastest_volume": 224.0}]})"
    ));
    EXPECT_EQ(page.total_record_count, 600000);
    ASSERT_EQ(page.products.size(), 1U);
    EXPECT_EQ(page.products[0].lastest_volume, 224);
}

TEST(ParseProductPage, EmptyOrNonObjectResultsGiveEmptyPages) {
    for (const char* text :
         {"{}",
          R"({"current_record_count":0})",
          R"({"products":{}})",
          R"({"products":{"product":[]}})",
          "[]",
          "null",
          "\"x\""}) {
        const ProductPage page = parse_product_page(json::parse(text));
        EXPECT_TRUE(page.products.empty()) << text;
        EXPECT_EQ(page.skipped, 0) << text;
        EXPECT_EQ(page.current_record_count, 0) << text;
    }
}

TEST(ParseProductDetail, SameShapeAsProductQuery) {
    const json result = unwrap_ok(
        kProductDetailGet,
        R"({"aliexpress_affiliate_productdetail_get_response":{"resp_result":{"resp_code":200,)"
        R"("result":{"current_record_count":1,"products":{"product":[{"product_id":"1005006123456789",)"
        R"("target_sale_price":"12.34"}]}}}}})"
    );
    const ProductPage page = parse_product_detail(result);
    EXPECT_EQ(page.current_page_no, 0);
    EXPECT_EQ(page.current_record_count, 1);
    ASSERT_EQ(page.products.size(), 1U);
    EXPECT_EQ(page.products[0].product_id, 1005006123456789);
    EXPECT_EQ(page.products[0].target_sale_price, "12.34");
}

// ---- parse_promotion_links --------------------------------------------------------------------

TEST(ParsePromotionLinks, WrappedList) {
    const json result = unwrap_ok(kLinkGenerate, R"({"aliexpress_affiliate_link_generate_response":{
        "resp_result":{"resp_code":200,"resp_msg":"success","result":{
          "promotion_links":{"promotion_link":[
            {"source_value":"https://www.aliexpress.com/item/1005006123456789.html",
             "promotion_link":"https://s.click.aliexpress.com/e/_c3FpdZAl"},
            {"source_value":"https://www.aliexpress.com/item/2.html"},
            {"promotion_link":"https://s.click.aliexpress.com/e/_orphan"}
          ]},"total_result_count":1,"tracking_id":"demo_track"}}}})");
    const auto links = parse_promotion_links(result);
    ASSERT_EQ(links.size(), 2U);
    EXPECT_EQ(links[0].source_value, "https://www.aliexpress.com/item/1005006123456789.html");
    EXPECT_EQ(links[0].promotion_link, "https://s.click.aliexpress.com/e/_c3FpdZAl");
    EXPECT_EQ(links[1].source_value, "https://www.aliexpress.com/item/2.html");
    EXPECT_EQ(links[1].promotion_link, "");  // caller falls back to the source URL
}

TEST(ParsePromotionLinks, BareListAndEmptyResult) {
    const auto links = parse_promotion_links(
        json::parse(R"({"promotion_links":[{"source_value":"a","promotion_link":"b"}, 5]})")
    );
    ASSERT_EQ(links.size(), 1U);
    EXPECT_EQ(links[0].promotion_link, "b");
    EXPECT_TRUE(parse_promotion_links(json::object()).empty());
}

// ---- parse_categories -------------------------------------------------------------------------

TEST(ParseCategories, WrappedListWithOptionalParent) {
    const json result = unwrap_ok(kCategoryGet, R"({"aliexpress_affiliate_category_get_response":{
        "resp_result":{"resp_code":200,"result":{"total_result_count":2,"categories":{"category":[
          {"category_id":44,"category_name":"Consumer Electronics"},
          {"category_id":100000306,"category_name":"Portable Audio & Video","parent_category_id":44},
          {"category_id":"202192001","category_name":"newlv1categorytest","parent_category_id":"0"},
          {"category_name":"no id"},
          {"category_id":1.5,"category_name":"float id"}
        ]}}}}})");
    const auto categories = parse_categories(result);
    ASSERT_EQ(categories.size(), 3U);
    EXPECT_EQ(categories[0].id, 44);
    EXPECT_EQ(categories[0].name, "Consumer Electronics");
    EXPECT_FALSE(categories[0].parent_id.has_value());
    EXPECT_EQ(categories[1].id, 100000306);
    EXPECT_EQ(categories[1].parent_id, 44);
    EXPECT_EQ(categories[2].id, 202192001);
    EXPECT_FALSE(categories[2].parent_id.has_value());
}

TEST(ParseCategories, BareList) {
    const auto categories = parse_categories(json::parse(
        R"({"categories":[{"category_id":"7","category_name":"x","parent_category_id":"44"}]})"
    ));
    ASSERT_EQ(categories.size(), 1U);
    EXPECT_EQ(categories[0].id, 7);
    EXPECT_EQ(categories[0].parent_id, 44);
}

// ---- field readers ----------------------------------------------------------------------------

TEST(ReadInt64, ExactIntegersFromNumbersAndStringsOnly) {
    EXPECT_EQ(read_int64(json::parse("12000040752696068")), 12000040752696068);
    EXPECT_EQ(read_int64(json("12000040752696068")), 12000040752696068);
    EXPECT_EQ(read_int64(json::parse("9223372036854775807")), INT64_MAX);
    EXPECT_EQ(read_int64(json("9223372036854775807")), INT64_MAX);
    EXPECT_EQ(read_int64(json::parse("9223372036854775808")), std::nullopt);
    EXPECT_EQ(read_int64(json("9223372036854775808")), std::nullopt);
    EXPECT_EQ(read_int64(json::parse("-5")), -5);
    EXPECT_EQ(read_int64(json(" 123 ")), 123);
    EXPECT_EQ(read_int64(json("+5")), 5);
    EXPECT_EQ(read_int64(json("1.5")), std::nullopt);
    EXPECT_EQ(read_int64(json("12abc")), std::nullopt);
    EXPECT_EQ(read_int64(json("")), std::nullopt);
    EXPECT_EQ(read_int64(json("+")), std::nullopt);
    EXPECT_EQ(read_int64(json::parse("1e3")), std::nullopt);
    EXPECT_EQ(read_int64(json::parse("2.0")), std::nullopt);
    EXPECT_EQ(read_int64(json(true)), std::nullopt);
    EXPECT_EQ(read_int64(json()), std::nullopt);
    EXPECT_EQ(read_int64(json::array()), std::nullopt);
}

TEST(ReadString, ScalarsAsText) {
    EXPECT_EQ(read_string(json("x &amp; y")), "x &amp; y");
    EXPECT_EQ(read_string(json::parse("12000040752696068")), "12000040752696068");
    EXPECT_EQ(read_string(json::parse("-3")), "-3");
    EXPECT_EQ(read_string(json::parse("69.95")), "69.95");
    EXPECT_EQ(read_string(json(true)), "true");
    EXPECT_EQ(read_string(json()), "");
    EXPECT_EQ(read_string(json::object()), "");
    EXPECT_EQ(read_string(json::array({1})), "");
}

}  // namespace
}  // namespace scout::upstream
