#include <scout/search/validator.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace scout::search {
namespace {

// A product as the S9 capture shows it (BRL target, USD base).
upstream::RawProduct good_raw() {
    upstream::RawProduct raw;
    raw.product_id = 1005007437454071;
    raw.title = "SHANLING M0S  Hi-Res Audio";
    raw.detail_url = "https://www.aliexpress.com/item/1005007437454071.html?pdp_npi=4%40dis%21BRL";
    raw.promotion_link = "https://s.click.aliexpress.com/s/abc";
    raw.main_image_url = "https://ae-pic-a1.aliexpress-media.com/kf/S073.jpg";
    raw.small_image_urls = {"https://ae01.alicdn.com/kf/small1.jpg"};
    raw.sale_price = "69.95";
    raw.sale_price_currency = "USD";
    raw.original_price = "101.97";
    raw.original_price_currency = "USD";
    raw.target_sale_price = "446.07";
    raw.target_sale_price_currency = "BRL";
    raw.target_original_price = "650.27";
    raw.target_original_price_currency = "BRL";
    raw.discount = "31%";
    raw.evaluate_rate = "95.3%";
    raw.lastest_volume = 224;
    raw.first_level_category_id = 44;
    raw.second_level_category_id = 100000306;
    raw.shop_id = 900247438;
    raw.shop_name = "Shanling &amp; Co Store";
    return raw;
}

TEST(Validator, AcceptsACapturedProduct) {
    const ValidationResult result = validate(good_raw(), {});
    ASSERT_TRUE(result.ok()) << result.detail;
    EXPECT_FALSE(result.reason.has_value());
    EXPECT_TRUE(result.detail.empty());
    const Product& p = *result.product;
    EXPECT_EQ(p.product_id, 1005007437454071);
    EXPECT_EQ(p.title, "SHANLING M0S Hi-Res Audio");
    EXPECT_EQ(p.price, (Money{44607, "BRL"}));
    EXPECT_EQ(p.original_price, (Money{65027, "BRL"}));
    EXPECT_EQ(p.discount_percent, 31);
    ASSERT_TRUE(p.rating.has_value());
    EXPECT_DOUBLE_EQ(*p.rating, 4.8);
    EXPECT_EQ(p.orders, 224);
    EXPECT_EQ(p.image_url, "https://ae-pic-a1.aliexpress-media.com/kf/S073.jpg");
    EXPECT_EQ(p.product_url, good_raw().detail_url);
    EXPECT_EQ(p.affiliate_url, "https://s.click.aliexpress.com/s/abc");
    ASSERT_TRUE(p.shop.has_value());
    EXPECT_EQ(*p.shop, (Shop{900247438, "Shanling & Co Store"}));
    EXPECT_EQ(p.category_id, 100000306);
    EXPECT_EQ(p.normalized_title, "shanling m0s hi res audio");
    EXPECT_EQ(p.quality_score, 0.0);
    EXPECT_TRUE(result.repairs.empty());
}

struct RejectCase {
    std::string name;
    std::function<void(upstream::RawProduct&, ValidatorOptions&)> mutate;
    RejectReason reason;
};

class ValidatorRejects : public ::testing::TestWithParam<RejectCase> {};

TEST_P(ValidatorRejects, WithReason) {
    upstream::RawProduct raw = good_raw();
    ValidatorOptions options;
    GetParam().mutate(raw, options);
    const ValidationResult result = validate(raw, options);
    ASSERT_FALSE(result.ok());
    ASSERT_TRUE(result.reason.has_value());
    EXPECT_EQ(*result.reason, GetParam().reason) << result.detail;
    EXPECT_FALSE(result.detail.empty());
}

using Raw = upstream::RawProduct;
using Opt = ValidatorOptions;

INSTANTIATE_TEST_SUITE_P(
    Table,
    ValidatorRejects,
    ::testing::Values(
        RejectCase{"zero_id", [](Raw& r, Opt&) { r.product_id = 0; }, RejectReason::kMissingId},
        RejectCase{
            "negative_id", [](Raw& r, Opt&) { r.product_id = -5; }, RejectReason::kMissingId},
        RejectCase{"empty_title", [](Raw& r, Opt&) { r.title = ""; }, RejectReason::kMissingTitle},
        RejectCase{
            "blank_title",
            [](Raw& r, Opt&) { r.title = " \t&nbsp; \u3000"; },
            RejectReason::kMissingTitle},
        RejectCase{
            "control_title",
            [](Raw& r, Opt&) { r.title = "\x01\x02\xff\u0085"; },
            RejectReason::kMissingTitle},
        RejectCase{
            "no_prices",
            [](Raw& r, Opt&) {
                r.target_sale_price = "";
                r.sale_price = " ";
            },
            RejectReason::kMissingPrice},
        RejectCase{
            "garbage_prices",
            [](Raw& r, Opt&) {
                r.target_sale_price = "abc";
                r.sale_price = "NaN";
            },
            RejectReason::kBadPrice},
        RejectCase{
            "negative_price",
            [](Raw& r, Opt&) {
                r.target_sale_price = "-1.00";
                r.sale_price = "";
            },
            RejectReason::kBadPrice},
        RejectCase{
            "zero_price",
            [](Raw& r, Opt&) {
                r.target_sale_price = "0.00";
                r.sale_price = "0";
            },
            RejectReason::kBadPrice},
        RejectCase{
            "too_high_usd",
            [](Raw& r, Opt&) {
                r.target_sale_price = "";
                r.sale_price = "100000.01";
            },
            RejectReason::kPriceTooHigh},
        RejectCase{
            "too_high_configured",
            [](Raw& r, Opt& o) {
                r.target_sale_price = "";
                r.sale_price = "50.01";
                o.max_price = 50;
            },
            RejectReason::kPriceTooHigh},
        RejectCase{
            "too_high_brl_override",
            [](Raw& r, Opt& o) {
                r.target_sale_price = "446.07";
                o.max_price_by_currency = {{"BRL", 400}};
            },
            RejectReason::kPriceTooHigh},
        RejectCase{
            "unknown_currency",
            [](Raw& r, Opt&) {
                r.target_sale_price_currency = "XYZ";
                r.sale_price_currency = "ABC";
            },
            RejectReason::kBadCurrency},
        RejectCase{
            "base_without_currency",
            [](Raw& r, Opt&) {
                r.target_sale_price = "";
                r.sale_price_currency = "";
            },
            RejectReason::kBadCurrency},
        RejectCase{
            "mismatch", [](Raw&, Opt& o) { o.currency = "EUR"; }, RejectReason::kCurrencyMismatch},
        RejectCase{
            "missing_url", [](Raw& r, Opt&) { r.detail_url = "  "; }, RejectReason::kMissingUrl},
        RejectCase{
            "relative_url",
            [](Raw& r, Opt&) { r.detail_url = "/item/1.html"; },
            RejectReason::kBadUrl},
        RejectCase{
            "javascript_url",
            [](Raw& r, Opt&) { r.detail_url = "javascript:alert(1)"; },
            RejectReason::kBadUrl},
        RejectCase{
            "ftp_url",
            [](Raw& r, Opt&) { r.detail_url = "ftp://www.aliexpress.com/x"; },
            RejectReason::kBadUrl},
        RejectCase{
            "no_host",
            [](Raw& r, Opt&) { r.detail_url = "https:///item/1.html"; },
            RejectReason::kBadUrl},
        RejectCase{
            "userinfo",
            [](Raw& r, Opt&) { r.detail_url = "https://www.aliexpress.com@evil.example/x"; },
            RejectReason::kBadUrl},
        RejectCase{
            "space_in_url",
            [](Raw& r, Opt&) { r.detail_url = "https://www.aliexpress.com/a b"; },
            RejectReason::kBadUrl},
        RejectCase{
            "quote_in_url",
            [](Raw& r, Opt&) { r.detail_url = "https://x.com/\"onmouseover=1"; },
            RejectReason::kBadUrl},
        RejectCase{
            "backslash",
            [](Raw& r, Opt&) { r.detail_url = "https://x.com\\@evil.com/"; },
            RejectReason::kBadUrl},
        RejectCase{
            "bad_port",
            [](Raw& r, Opt&) { r.detail_url = "https://x.com:99999/"; },
            RejectReason::kBadUrl},
        RejectCase{
            "empty_label",
            [](Raw& r, Opt&) { r.detail_url = "https://x..com/"; },
            RejectReason::kBadUrl},
        RejectCase{
            "non_ascii_url",
            [](Raw& r, Opt&) { r.detail_url = "https://x.com/\u00e9"; },
            RejectReason::kBadUrl},
        RejectCase{
            "triple_slash_relative",
            [](Raw& r, Opt&) { r.detail_url = "///x.com/a"; },
            RejectReason::kBadUrl}
    ),
    [](const auto& param_info) { return param_info.param.name; }
);

struct AcceptCase {
    std::string name;
    std::function<void(upstream::RawProduct&, ValidatorOptions&)> mutate;
    std::function<void(const ValidationResult&)> check;
};

class ValidatorAccepts : public ::testing::TestWithParam<AcceptCase> {};

TEST_P(ValidatorAccepts, AndRepairs) {
    upstream::RawProduct raw = good_raw();
    ValidatorOptions options;
    GetParam().mutate(raw, options);
    const ValidationResult result = validate(raw, options);
    ASSERT_TRUE(result.ok()) << result.detail;
    GetParam().check(result);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    ValidatorAccepts,
    ::testing::Values(
        AcceptCase{
            "falls_back_to_base_price",
            [](Raw& r, Opt&) { r.target_sale_price = ""; },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->price, (Money{6995, "USD"}));
                EXPECT_EQ(v.product->original_price, (Money{10197, "USD"}));
                EXPECT_TRUE(v.repairs.contains(Repair::kBasePriceUsed));
            }},
        AcceptCase{
            "falls_back_when_target_unparseable",
            [](Raw& r, Opt&) { r.target_sale_price = "n/a"; },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->price, (Money{6995, "USD"}));
            }},
        AcceptCase{
            "base_fallback_respects_requested_currency",
            [](Raw& r, Opt& o) {
                o.currency = "USD";
                r.target_sale_price_currency = "BRL";
            },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->price, (Money{6995, "USD"}));
            }},
        AcceptCase{
            "target_without_currency_uses_requested",
            [](Raw& r, Opt& o) {
                o.currency = "BRL";
                r.target_sale_price_currency = "";
            },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->price, (Money{44607, "BRL"}));
            }},
        AcceptCase{
            "messy_price_text",
            [](Raw& r, Opt&) {
                r.target_sale_price = "";
                r.sale_price = "US $14.99 - 19.99";
                r.sale_price_currency = " usd ";
                r.original_price = "US $1,299.00";
                r.original_price_currency = "";
            },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->price, (Money{1499, "USD"}));
                EXPECT_EQ(v.product->original_price, (Money{129900, "USD"}));
            }},
        AcceptCase{
            "jpy_price_with_default_ceiling",
            [](Raw& r, Opt&) {
                r.target_sale_price = "\u00a5150,000";
                r.target_sale_price_currency = "JPY";
                r.target_original_price = "";
            },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->price, (Money{150000, "JPY"}));
                EXPECT_FALSE(v.product->original_price.has_value());
            }},
        AcceptCase{
            "original_lower_than_price_dropped",
            [](Raw& r, Opt&) { r.target_original_price = "400.00"; },
            [](const ValidationResult& v) {
                EXPECT_FALSE(v.product->original_price.has_value());
                EXPECT_TRUE(v.repairs.contains(Repair::kOriginalPriceDropped));
            }},
        AcceptCase{
            "original_equal_to_price_dropped",
            [](Raw& r, Opt&) { r.target_original_price = "446.07"; },
            [](const ValidationResult& v) { EXPECT_FALSE(v.product->original_price.has_value()); }},
        AcceptCase{
            "original_unparseable_dropped",
            [](Raw& r, Opt&) { r.target_original_price = "??"; },
            [](const ValidationResult& v) { EXPECT_FALSE(v.product->original_price.has_value()); }},
        AcceptCase{
            "original_other_currency_dropped",
            [](Raw& r, Opt&) { r.target_original_price_currency = "USD"; },
            [](const ValidationResult& v) { EXPECT_FALSE(v.product->original_price.has_value()); }},
        AcceptCase{
            "discount_computed_from_prices",
            [](Raw& r, Opt&) { r.discount = ""; },
            [](const ValidationResult& v) {
                // (650.27 - 446.07) / 650.27 = 31.40 %
                EXPECT_EQ(v.product->discount_percent, 31);
                EXPECT_TRUE(v.repairs.contains(Repair::kDiscountComputed));
            }},
        AcceptCase{
            "discount_computed_rounds_half_up",
            [](Raw& r, Opt&) {
                r.discount = "garbage";
                r.target_sale_price = "1.00";
                r.target_original_price = "8.00";  // 87.5 % -> 88
            },
            [](const ValidationResult& v) { EXPECT_EQ(v.product->discount_percent, 88); }},
        AcceptCase{
            "discount_over_100_ignored",
            [](Raw& r, Opt&) {
                r.discount = "150%";
                r.target_original_price = "";
            },
            [](const ValidationResult& v) { EXPECT_EQ(v.product->discount_percent, 0); }},
        AcceptCase{
            "discount_fraction_rounded",
            [](Raw& r, Opt&) { r.discount = "30.5%"; },
            [](const ValidationResult& v) { EXPECT_EQ(v.product->discount_percent, 31); }},
        AcceptCase{
            "unrated_zero",
            [](Raw& r, Opt&) { r.evaluate_rate = "0.0%"; },
            [](const ValidationResult& v) { EXPECT_FALSE(v.product->rating.has_value()); }},
        AcceptCase{
            "unrated_missing",
            [](Raw& r, Opt&) { r.evaluate_rate = ""; },
            [](const ValidationResult& v) { EXPECT_FALSE(v.product->rating.has_value()); }},
        AcceptCase{
            "unrated_over_100",
            [](Raw& r, Opt&) { r.evaluate_rate = "101%"; },
            [](const ValidationResult& v) { EXPECT_FALSE(v.product->rating.has_value()); }},
        AcceptCase{
            "rating_full",
            [](Raw& r, Opt&) { r.evaluate_rate = "100.0%"; },
            [](const ValidationResult& v) { EXPECT_DOUBLE_EQ(*v.product->rating, 5.0); }},
        AcceptCase{
            "rating_rounds_half_up",
            [](Raw& r, Opt&) { r.evaluate_rate = "99.0%"; },  // 4.95
            [](const ValidationResult& v) { EXPECT_DOUBLE_EQ(*v.product->rating, 5.0); }},
        AcceptCase{
            "rating_rounds_down",
            [](Raw& r, Opt&) { r.evaluate_rate = "98.9%"; },  // 4.945
            [](const ValidationResult& v) { EXPECT_DOUBLE_EQ(*v.product->rating, 4.9); }},
        AcceptCase{
            "protocol_relative_urls",
            [](Raw& r, Opt&) {
                r.detail_url = "//www.aliexpress.com/item/1.html";
                r.main_image_url = "//ae01.alicdn.com/kf/a.jpg";
            },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->product_url, "https://www.aliexpress.com/item/1.html");
                EXPECT_EQ(v.product->image_url, "https://ae01.alicdn.com/kf/a.jpg");
                EXPECT_TRUE(v.repairs.contains(Repair::kProtocolRelativeUrl));
            }},
        AcceptCase{
            "url_trimmed_scheme_lowercased",
            [](Raw& r, Opt&) {
                r.detail_url = "  HTTPS://pt.aliexpress.com:443/item/1.html?a=b#c \n";
            },
            [](const ValidationResult& v) {
                EXPECT_EQ(
                    v.product->product_url, "https://pt.aliexpress.com:443/item/1.html?a=b#c"
                );
            }},
        AcceptCase{
            "http_kept",
            [](Raw& r, Opt&) { r.detail_url = "http://aliexpress.us/item/1.html"; },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->product_url, "http://aliexpress.us/item/1.html");
            }},
        AcceptCase{
            "bad_image_uses_gallery",
            [](Raw& r, Opt&) {
                r.main_image_url = "not a url";
                r.small_image_urls = {"", "javascript:x", "//ae04.alicdn.com/kf/b.jpg"};
            },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->image_url, "https://ae04.alicdn.com/kf/b.jpg");
                EXPECT_TRUE(v.repairs.contains(Repair::kImageFromGallery));
            }},
        AcceptCase{
            "no_image_dropped",
            [](Raw& r, Opt&) {
                r.main_image_url = "data:image/png;base64,xx";
                r.small_image_urls.clear();
            },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->image_url, "");
                EXPECT_TRUE(v.repairs.contains(Repair::kImageDropped));
            }},
        AcceptCase{
            "bad_affiliate_dropped",
            [](Raw& r, Opt&) { r.promotion_link = "s.click/x"; },
            [](const ValidationResult& v) {
                EXPECT_FALSE(v.product->affiliate_url.has_value());
                EXPECT_TRUE(v.repairs.contains(Repair::kAffiliateUrlDropped));
            }},
        AcceptCase{
            "no_affiliate",
            [](Raw& r, Opt&) { r.promotion_link = ""; },
            [](const ValidationResult& v) {
                EXPECT_FALSE(v.product->affiliate_url.has_value());
                EXPECT_FALSE(v.repairs.contains(Repair::kAffiliateUrlDropped));
            }},
        AcceptCase{
            "synthesized_url",
            [](Raw& r, Opt& o) {
                r.detail_url = "";
                o.synthesize_missing_url = true;
            },
            [](const ValidationResult& v) {
                EXPECT_EQ(
                    v.product->product_url, "https://www.aliexpress.com/item/1005007437454071.html"
                );
                EXPECT_TRUE(v.repairs.contains(Repair::kUrlSynthesized));
            }},
        AcceptCase{
            "title_entities_mojibake_controls",
            [](Raw& r, Opt&) {
                r.title = "  Tom &amp; Jerry&#39;s\x01 Hi\u00e2\u0080\u0093Res &#x263A;\xff  mug ";
            },
            [](const ValidationResult& v) {
                EXPECT_EQ(v.product->title, "Tom & Jerry's Hi\u2013Res \u263a mug");
                EXPECT_EQ(v.product->normalized_title, "tom jerrys hi res \u263a mug");
            }},
        AcceptCase{
            "no_shop",
            [](Raw& r, Opt&) { r.shop_id = 0; },
            [](const ValidationResult& v) { EXPECT_FALSE(v.product->shop.has_value()); }},
        AcceptCase{
            "first_level_category",
            [](Raw& r, Opt&) { r.second_level_category_id = 0; },
            [](const ValidationResult& v) { EXPECT_EQ(v.product->category_id, 44); }},
        AcceptCase{
            "negative_orders",
            [](Raw& r, Opt&) { r.lastest_volume = -3; },
            [](const ValidationResult& v) { EXPECT_EQ(v.product->orders, 0); }}
    ),
    [](const auto& param_info) { return param_info.param.name; }
);

TEST(Validator, RejectionDetailIsSafeForLogs) {
    upstream::RawProduct raw = good_raw();
    raw.target_sale_price = "\x01\xff" + std::string(200, 'x');
    raw.sale_price = "";
    const ValidationResult result = validate(raw, {});
    ASSERT_EQ(result.reason, RejectReason::kBadPrice);
    EXPECT_NE(result.detail.find("1005007437454071"), std::string::npos);
    EXPECT_NE(result.detail.find("target_sale_price"), std::string::npos);
    EXPECT_LT(result.detail.size(), 160u);
    for (const char c : result.detail) {
        EXPECT_TRUE(c >= 0x20 && c < 0x7F);
    }
}

TEST(Validator, ReportsThePreferredPriceFailure) {
    upstream::RawProduct raw = good_raw();
    raw.target_sale_price_currency = "XYZ";  // target: bad currency
    raw.sale_price = "oops";                 // base: bad price
    const ValidationResult result = validate(raw, {});
    EXPECT_EQ(result.reason, RejectReason::kBadCurrency);
}

TEST(Validator, ReasonNamesAreStable) {
    EXPECT_EQ(to_string(RejectReason::kMissingId), "missing_id");
    EXPECT_EQ(to_string(RejectReason::kMissingTitle), "missing_title");
    EXPECT_EQ(to_string(RejectReason::kMissingPrice), "missing_price");
    EXPECT_EQ(to_string(RejectReason::kBadPrice), "bad_price");
    EXPECT_EQ(to_string(RejectReason::kPriceTooHigh), "price_too_high");
    EXPECT_EQ(to_string(RejectReason::kBadCurrency), "bad_currency");
    EXPECT_EQ(to_string(RejectReason::kCurrencyMismatch), "currency_mismatch");
    EXPECT_EQ(to_string(RejectReason::kMissingUrl), "missing_url");
    EXPECT_EQ(to_string(RejectReason::kBadUrl), "bad_url");
    EXPECT_EQ(to_string(Repair::kProtocolRelativeUrl), "protocol_relative_url");
    EXPECT_EQ(to_string(Repair::kUrlSynthesized), "url_synthesized");
}

TEST(ValidationStats, CountsOutcomesAcrossThreads) {
    monitoring::Registry registry;
    ValidationStats stats(registry);
    upstream::RawProduct bad = good_raw();
    bad.product_id = 0;
    upstream::RawProduct repaired = good_raw();
    repaired.target_sale_price = "";
    const ValidationResult ok = validate(good_raw(), {});
    const ValidationResult rejected = validate(bad, {});
    const ValidationResult fixed = validate(repaired, {});

    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 250; ++i) {
                stats.record(ok);
                stats.record(rejected);
                stats.record(fixed);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(stats.accepted(), 2000u);
    EXPECT_EQ(stats.rejected(RejectReason::kMissingId), 1000u);
    EXPECT_EQ(stats.rejected(RejectReason::kBadUrl), 0u);
    EXPECT_EQ(stats.rejected_total(), 1000u);
    EXPECT_EQ(stats.repaired(Repair::kBasePriceUsed), 1000u);
    EXPECT_EQ(stats.repaired(Repair::kImageDropped), 0u);
}

}  // namespace
}  // namespace scout::search
