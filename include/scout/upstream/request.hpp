// Building signed AliExpress Affiliate API requests: method names, typed business-parameter
// builders, system parameters + signature, and redaction for logs. Owned by the upstream
// area; pure functions, thread-safe. Protocol: docs/upstream.md.
#pragma once

#include <scout/upstream/signer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scout::upstream {

// Method names (the `method` system parameter).
inline constexpr std::string_view kProductQuery = "aliexpress.affiliate.product.query";
inline constexpr std::string_view kHotProductQuery = "aliexpress.affiliate.hotproduct.query";
inline constexpr std::string_view kProductDetailGet = "aliexpress.affiliate.productdetail.get";
inline constexpr std::string_view kLinkGenerate = "aliexpress.affiliate.link.generate";
inline constexpr std::string_view kCategoryGet = "aliexpress.affiliate.category.get";

// The methods Scout calls by name, then "other": per-method state (breakers, metrics) is
// indexed by method_index().
inline constexpr std::array<std::string_view, 6> kKnownMethods = {
    kProductQuery, kHotProductQuery, kProductDetailGet, kLinkGenerate, kCategoryGet, "other"};

// "aliexpress.affiliate.product.query" -> "product.query": the short, stable label of a
// method in metrics.
constexpr std::string_view method_label(std::string_view method) {
    constexpr std::string_view kPrefix = "aliexpress.affiliate.";
    return method.starts_with(kPrefix) ? method.substr(kPrefix.size()) : method;
}

// The index of `method` in kKnownMethods; the last ("other") for any method not listed.
constexpr std::size_t method_index(std::string_view method) {
    std::size_t i = 0;
    while (i + 1 < kKnownMethods.size() && kKnownMethods[i] != method) {
        ++i;
    }
    return i;
}

// App credentials. The secret is used only to sign; it is never put into Params, logged or
// sent. Both values are trimmed (trim_credential) again when a request is built.
struct Credentials {
    std::string app_key;
    std::string app_secret;
};

// Adds the system parameters to `business` and signs the result. System parameters:
//   app_key, method, timestamp (epoch milliseconds of `now`), sign_method, format=json;
//   with kSha256 also simplify=false (the IOP SDK default; the nested shape our parsers read);
//   with the TOP methods (kMd5, kHmacMd5) v=2.0 instead of simplify, like the TOP SDK.
//   partner_id is not sent (optional; it only identifies an SDK).
// A business parameter named like a system parameter (or `sign`, `v`, `simplify`) is
// overwritten or removed. Every parameter with an empty value (business or system) is
// dropped BEFORE signing, so what is signed is exactly what is sent. Build a fresh request
// per attempt: the timestamp must be current (the gateway tolerates about ±7200 s).
// The returned Params include `sign`; pass them to form_encode() for the POST body.
Params build_request(
    std::string_view method,
    Params business,
    const Credentials& creds,
    SignMethod sign_method,
    std::chrono::system_clock::time_point now
);

// Sort orders of product.query / hotproduct.query; kRelevance omits `sort` (gateway default).
// kDiscountAsc/kDiscountDesc are documented for hotproduct.query only.
enum class ProductSort {
    kRelevance,
    kSalePriceAsc,
    kSalePriceDesc,
    kLastVolumeAsc,
    kLastVolumeDesc,
    kDiscountAsc,
    kDiscountDesc,
};

// Wire value ("SALE_PRICE_ASC", ...); empty for kRelevance.
std::string_view to_string(ProductSort sort);

// Unit the gateway expects for min_sale_price / max_sale_price. The sources disagree
// (§3.1): one SDK documents hundredths ("$31.41 -> 3141"), other clients send major units.
// Either way the wire unit ignores the currency's own minor digits (scout-sim reads hundredths
// of the target currency also for JPY and KWD), so the request builder converts.
enum class PriceUnit {
    kHundredths,  // hundredths of the target currency (simulator default): JPY 1000 -> 100000
    kMajor,       // whole major units: min rounded down, max rounded up
};

// Business parameters of aliexpress.affiliate.product.query (and hotproduct.query).
// Empty strings / empty vectors / non-positive page values are omitted; ranges
// (page_size 1..50, page_no >= 1) are the caller's to validate.
struct ProductQuery {
    std::string keywords;
    std::vector<std::int64_t> category_ids;  // joined with ','
    int page_no = 1;                         // 1-based
    int page_size = 20;                      // 1..50
    ProductSort sort = ProductSort::kRelevance;
    // Minor units of target_currency as in scout/core/currency.hpp (yen for JPY, fils for KWD).
    std::optional<std::int64_t> min_sale_price;
    std::optional<std::int64_t> max_sale_price;
    PriceUnit price_unit = PriceUnit::kHundredths;  // how the two prices go on the wire
    std::string target_currency;                    // "USD"
    std::string target_language;                    // "EN"
    std::string ship_to_country;                    // ISO-2, "US"
    std::string tracking_id;                        // needed for commissionable promotion links
};

// aliexpress.affiliate.link.generate.
enum class PromotionLinkType : int {
    kNormal = 0,  // standard commission
    kSearch = 1,  // named "search link" in a generated model only
    kHot = 2,     // hot-product commission
};

struct LinkGenerate {
    // Source URLs. Empty entries are dropped; a ',' inside a value is sent as "%2C" (the
    // gateway splits the list on ','), see encode_source_value(). Match the response by the
    // encoded value.
    std::vector<std::string> source_values;
    PromotionLinkType promotion_link_type = PromotionLinkType::kNormal;
    std::string tracking_id;
};

// aliexpress.affiliate.productdetail.get.
struct ProductDetail {
    std::vector<std::int64_t> product_ids;  // joined with ','
    std::string target_currency;
    std::string target_language;
    std::string country;  // ship-to filter + tax-adjusted price
    std::string tracking_id;
};

// aliexpress.affiliate.category.get: no business parameters.
struct CategoryGet {};

Params to_params(const ProductQuery& query);
Params to_params(const LinkGenerate& request);
Params to_params(const ProductDetail& request);
Params to_params(const CategoryGet& request);

// A source value as it is put into `source_values` (',' -> "%2C"; everything else as is).
std::string encode_source_value(std::string_view value);

// Copy of `params` safe to log: drops `sign` and any secret-bearing names (app_secret,
// access_token, session); business and other system parameters are kept.
Params redact_for_log(const Params& params);

}  // namespace scout::upstream
