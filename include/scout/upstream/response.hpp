// Tolerant parsing of AliExpress API responses (aliexpress-api.md §3, §4, §6): envelope ->
// result<json, UpstreamError>, then raw product / link / category records kept as sent
// (normalisation is the search area's job). Upstream area; pure functions, thread-safe.
#pragma once

#include <scout/upstream/errors.hpp>

#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scout::upstream {

// Unwraps one HTTP response of `method` ("aliexpress.affiliate.product.query"):
//  1. HTTP status != 200: if the body still carries an `error_response`, that gateway error
//     (with this http_status) is returned; otherwise an upstream_errc::kHttpStatus error
//     (>= 500 transient, 429 rate-limited using `retry_after_header`, other 4xx permanent).
//  2. Body not JSON (truncated, an HTML proxy page) or not an object -> kBadResponse
//     (transient).
//  3. Top-level `error_response` (TOP: numeric code + sub_code/sub_msg; IOP: string code +
//     type; `msg` or `message`) -> kGatewayError, classified, retry_after set when
//     rate-limited. A top-level IOP error without the wrapper ({"code":"X","type":...},
//     code != "0") is accepted too.
//  4. `<method, dots -> underscores>_response.resp_result` missing -> kBadResponse;
//     resp_code (number or numeric string) != 200 -> kBusinessError with resp_msg.
//  5. Success: the `result` value (an empty object when absent or null).
// Never throws on malformed input.
boost::system::result<nlohmann::json, UpstreamError> unwrap(
    std::string_view method,
    int http_status,
    std::string_view body,
    std::string_view retry_after_header = {}
);

// One product as sent upstream. Strings are verbatim (prices, "%" rates, HTML entities,
// protocol-relative URLs); integers are exact int64 parsed from JSON integers or decimal
// strings (never through double). Missing or unreadable fields are "" / 0 / empty.
struct RawProduct {
    std::int64_t product_id = 0;         // always > 0 in a parsed page
    std::optional<std::int64_t> sku_id;  // may exceed 2^53
    std::string title;                   // product_title
    std::string detail_url;              // product_detail_url
    std::string promotion_link;
    std::string main_image_url;                 // product_main_image_url
    std::vector<std::string> small_image_urls;  // product_small_image_urls[.string]
    std::string video_url;                      // product_video_url
    std::string sale_price;
    std::string sale_price_currency;
    std::string original_price;
    std::string original_price_currency;
    std::string target_sale_price;
    std::string target_sale_price_currency;
    std::string target_original_price;
    std::string target_original_price_currency;
    std::string discount;             // "31%"
    std::string evaluate_rate;        // "99.3%"
    std::int64_t lastest_volume = 0;  // (sic) recent sales
    std::string commission_rate;      // "7.0%"
    std::string hot_product_commission_rate;
    std::int64_t first_level_category_id = 0;
    std::string first_level_category_name;
    std::int64_t second_level_category_id = 0;
    std::string second_level_category_name;
    std::int64_t shop_id = 0;
    std::string shop_url;
    std::string shop_name;
    std::string ship_to_days;  // free text
};

// `result` of product.query / hotproduct.query / productdetail.get.
struct ProductPage {
    std::int64_t current_page_no = 0;       // 0 when absent (productdetail.get)
    std::int64_t current_record_count = 0;  // as reported upstream
    std::int64_t total_record_count = 0;    // as reported upstream (fluctuates)
    std::vector<RawProduct> products;
    int skipped = 0;  // entries dropped because product_id was missing or unreadable
};

struct PromotionLink {
    std::string source_value;
    std::string promotion_link;  // may be empty: fall back to the source URL
};

struct Category {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> parent_id;  // absent on top-level categories
};

// `products.product[]` or a bare `products[]`; per-product problems only skip that product.
ProductPage parse_product_page(const nlohmann::json& result);

// productdetail.get has the same result shape (current_page_no usually absent).
ProductPage parse_product_detail(const nlohmann::json& result);

// `promotion_links.promotion_link[]` or bare; entries without a source_value are dropped.
std::vector<PromotionLink> parse_promotion_links(const nlohmann::json& result);

// `categories.category[]` or bare; entries without a readable category_id are dropped.
std::vector<Category> parse_categories(const nlohmann::json& result);

// ---- Field readers (exposed for other parsers and tests) ---------------------------------

// Exact int64 from a JSON integer or a decimal string ("  123 ", "-5"); nullopt for floats,
// booleans, out-of-range values and anything else.
std::optional<std::int64_t> read_int64(const nlohmann::json& value);

// Text of a scalar: strings verbatim, integers in decimal, floats in nlohmann's shortest
// round-trip form, booleans "true"/"false"; "" for null, objects and arrays.
std::string read_string(const nlohmann::json& value);

}  // namespace scout::upstream
