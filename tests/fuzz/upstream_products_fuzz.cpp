// Fuzz target: an upstream response body -> products, the way a /search miss handles it:
// envelope, product page, validation and repair of each product, quality, dedupe, ranking
// and the JSON a client receives. Accepted products keep the invariants product.hpp states,
// and everything a client sees is valid UTF-8.
#include <scout/monitoring/metrics.hpp>
#include <scout/search/dedupe.hpp>
#include <scout/search/product.hpp>
#include <scout/search/quality.hpp>
#include <scout/search/ranking.hpp>
#include <scout/search/validator.hpp>
#include <scout/upstream/response.hpp>

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace {

using scout::fuzz::check;
using scout::search::Product;

bool is_http_url(std::string_view url) {
    return url.starts_with("http://") || url.starts_with("https://");
}

void check_product(const Product& p) {
    check(p.product_id > 0, "product_id > 0");
    check(!p.title.empty(), "title not empty");
    check(p.price.cents > 0, "price > 0");
    check(!p.original_price || p.original_price->cents > p.price.cents, "original > price");
    check(p.discount_percent >= 0 && p.discount_percent <= 100, "discount within 0..100");
    check(!p.rating || (*p.rating >= 0.0 && *p.rating <= 5.0), "rating within 0..5");
    check(p.orders >= 0, "orders >= 0");
    check(is_http_url(p.product_url), "product_url is http(s)");
    check(p.image_url.empty() || is_http_url(p.image_url), "image_url is http(s) or empty");
    check(!p.affiliate_url || is_http_url(*p.affiliate_url), "affiliate_url is http(s)");
    check(p.quality_score >= 0.0 && p.quality_score <= 1.0, "quality_score within 0..1");
    scout::fuzz::check_strict_json(scout::search::to_json(p), "product JSON is UTF-8");
}

std::vector<Product> accepted(const scout::upstream::ProductPage& page, std::string_view currency) {
    scout::search::ValidatorOptions options;
    options.currency = currency;
    options.synthesize_missing_url = currency.empty();
    static scout::monitoring::Registry registry;
    static scout::search::ValidationStats stats(registry);
    std::vector<Product> products;
    for (const auto& raw : page.products) {
        auto result = scout::search::validate(raw, options);
        stats.record(result);
        check(result.ok() != result.reason.has_value(), "accepted xor rejected");
        if (result.product) {
            products.push_back(std::move(*result.product));
        }
    }
    return products;
}

void process(
    const scout::upstream::ProductPage& page,
    std::string_view currency,
    scout::search::SortOrder order
) {
    std::vector<Product> products = accepted(page, currency);
    scout::search::score_all(products, {});
    scout::search::apply_filter(products, {});
    scout::search::dedupe(products, {});
    scout::search::rank(products, order);
    for (const Product& product : products) {
        check_product(product);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto result = scout::upstream::unwrap("aliexpress.affiliate.product.query", 200, body);
    if (!result) {
        return 0;
    }
    const auto page = scout::upstream::parse_product_page(*result);
    check(page.skipped >= 0, "skipped >= 0");
    // Each ranking in turn, by input size (kQuality, the last, is 6).
    const auto order = static_cast<scout::search::SortOrder>(size % 7);
    process(page, "USD", order);
    process(page, "", order);
    (void)scout::upstream::parse_promotion_links(*result);
    (void)scout::upstream::parse_categories(*result);
    return 0;
}
