#include "sim/methods.hpp"

#include "sim/product_json.hpp"
#include "sim_test_util.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace scout::sim {
namespace {

using test::medium_catalogue;

constexpr std::string_view kQuery = "aliexpress.affiliate.product.query";
constexpr std::string_view kHot = "aliexpress.affiliate.hotproduct.query";

Json run(
    ApiMethod method, const Params& params, MethodSettings settings = {}, std::uint64_t seed = 7
) {
    Rng rng(seed);
    return run_method(method, params, *medium_catalogue(), settings, rng);
}

std::vector<std::string> ids_of(const Json& result) {
    std::vector<std::string> ids;
    if (!result.contains("products")) {
        return ids;
    }
    for (const auto& p : result["products"]["product"]) {
        ids.push_back(
            p["product_id"].is_string() ? p["product_id"].get<std::string>()
                                        : std::to_string(p["product_id"].get<std::int64_t>())
        );
    }
    return ids;
}

std::optional<GatewayError> validate(ApiMethod method, Params params) {
    return validate_business(method, params);
}

TEST(Methods, NameMapping) {
    EXPECT_EQ(api_method_from_name(kQuery), ApiMethod::kProductQuery);
    EXPECT_EQ(api_method_name(ApiMethod::kLinkGenerate), "aliexpress.affiliate.link.generate");
    EXPECT_FALSE(api_method_from_name("aliexpress.affiliate.order.list"));
}

TEST(MethodsValidation, PagingParameters) {
    EXPECT_FALSE(validate(ApiMethod::kProductQuery, {{"page_size", "50"}, {"page_no", "1"}}));
    for (const char* bad : {"0", "51", "abc", "", "-1", "1.5"}) {
        const auto e = validate(ApiMethod::kProductQuery, {{"page_size", bad}});
        ASSERT_TRUE(e) << bad;
        EXPECT_EQ(e->kind, ErrorKind::kInvalidParameter);
        EXPECT_EQ(e->param, "page_size");
    }
    EXPECT_TRUE(validate(ApiMethod::kProductQuery, {{"page_no", "0"}}));
    EXPECT_TRUE(validate(ApiMethod::kHotProductQuery, {{"page_no", "x"}}));
}

TEST(MethodsValidation, NumericAndEnumParameters) {
    EXPECT_FALSE(validate(ApiMethod::kProductQuery, {{"category_ids", "44, 509"}}));
    EXPECT_TRUE(validate(ApiMethod::kProductQuery, {{"category_ids", "44,abc"}}));
    EXPECT_TRUE(validate(ApiMethod::kProductQuery, {{"min_sale_price", "ten"}}));
    EXPECT_TRUE(validate(ApiMethod::kProductQuery, {{"target_currency", "XXX"}}));
    EXPECT_FALSE(validate(ApiMethod::kProductQuery, {{"target_currency", "brl"}}));
    EXPECT_TRUE(validate(ApiMethod::kProductQuery, {{"sort", "relevancy"}}));
    EXPECT_TRUE(validate(ApiMethod::kProductQuery, {{"sort", "DISCOUNT_ASC"}}));
    EXPECT_FALSE(validate(ApiMethod::kHotProductQuery, {{"sort", "DISCOUNT_ASC"}}));
    EXPECT_FALSE(validate(ApiMethod::kProductQuery, {{"sort", "LAST_VOLUME_DESC"}}));
    EXPECT_TRUE(validate(ApiMethod::kProductQuery, {{"platform_product_type", "SHOP"}}));
    EXPECT_FALSE(validate(ApiMethod::kCategoryGet, {{"anything", "x"}}));
}

TEST(MethodsValidation, LinkGenerateLimitsAndRequiredParams) {
    std::string fifty;
    for (int i = 0; i < 50; ++i) {
        fifty += (i ? "," : "") + std::string("https://www.aliexpress.com/item/") +
                 std::to_string(1005006000000000LL + i) + ".html";
    }
    EXPECT_FALSE(
        validate(ApiMethod::kLinkGenerate, {{"source_values", fifty}, {"tracking_id", "t"}})
    );
    const auto too_many = validate(
        ApiMethod::kLinkGenerate,
        {{"source_values", fifty + ",https://www.aliexpress.com/item/1.html"}, {"tracking_id", "t"}}
    );
    ASSERT_TRUE(too_many);
    EXPECT_EQ(too_many->kind, ErrorKind::kInvalidParameter);
    EXPECT_EQ(too_many->param, "source_values");

    const auto no_tracking =
        validate(ApiMethod::kLinkGenerate, {{"source_values", "https://a.b/c"}});
    ASSERT_TRUE(no_tracking);
    EXPECT_EQ(no_tracking->kind, ErrorKind::kMissingParameter);
    EXPECT_EQ(no_tracking->param, "tracking_id");
    const auto no_sources =
        validate(ApiMethod::kLinkGenerate, {{"tracking_id", "t"}, {"source_values", " , "}});
    ASSERT_TRUE(no_sources);
    EXPECT_EQ(no_sources->param, "source_values");
    EXPECT_TRUE(validate(
        ApiMethod::kLinkGenerate,
        {{"source_values", "x"}, {"tracking_id", "t"}, {"promotion_link_type", "5"}}
    ));
}

TEST(MethodsValidation, ProductDetailIds) {
    EXPECT_EQ(validate(ApiMethod::kProductDetail, {})->kind, ErrorKind::kMissingParameter);
    EXPECT_EQ(
        validate(ApiMethod::kProductDetail, {{"product_ids", "1,x"}})->kind,
        ErrorKind::kInvalidParameter
    );
    EXPECT_FALSE(validate(ApiMethod::kProductDetail, {{"product_ids", "1005006123456789, 2"}}));
}

TEST(ProductQuery, ResultShapeAndPaging) {
    const Json page = run(ApiMethod::kProductQuery, {{"keywords", "usb"}, {"page_size", "10"}});
    EXPECT_EQ(page["current_page_no"], 1);
    EXPECT_EQ(page["current_record_count"], 10);
    EXPECT_GT(page["total_record_count"].get<int>(), 500);
    ASSERT_EQ(page["products"]["product"].size(), 10U);

    const auto p1 = ids_of(page);
    const auto p2 = ids_of(
        run(ApiMethod::kProductQuery, {{"keywords", "usb"}, {"page_size", "10"}, {"page_no", "2"}})
    );
    const auto both =
        ids_of(run(ApiMethod::kProductQuery, {{"keywords", "usb"}, {"page_size", "20"}}));
    ASSERT_EQ(p2.size(), 10U);
    std::vector<std::string> joined = p1;
    joined.insert(joined.end(), p2.begin(), p2.end());
    EXPECT_EQ(joined, both);
}

TEST(ProductQuery, DefaultPageSizes) {
    EXPECT_EQ(run(ApiMethod::kProductQuery, {{"keywords", "usb"}})["current_record_count"], 20);
    EXPECT_EQ(run(ApiMethod::kHotProductQuery, {})["current_record_count"], 50);
}

TEST(ProductQuery, ZeroResultsIsNotAnError) {
    const Json result = run(ApiMethod::kProductQuery, {{"keywords", "qqqzzzxx vvvbbbnn"}});
    EXPECT_EQ(result["current_record_count"], 0);
    EXPECT_EQ(result["total_record_count"], 0);
    EXPECT_FALSE(result.contains("products"));
}

TEST(ProductQuery, DepthCapGivesEmptyPage) {
    MethodSettings settings;
    settings.max_page = 3;
    const Json ok =
        run(ApiMethod::kProductQuery, {{"keywords", "usb"}, {"page_no", "3"}}, settings);
    EXPECT_EQ(ok["current_record_count"], 20);
    const Json past =
        run(ApiMethod::kProductQuery, {{"keywords", "usb"}, {"page_no", "4"}}, settings);
    EXPECT_EQ(past["current_page_no"], 4);
    EXPECT_EQ(past["current_record_count"], 0);
    EXPECT_FALSE(past.contains("products"));
    EXPECT_EQ(past["total_record_count"], ok["total_record_count"]);
}

TEST(ProductQuery, PastTheLastPageIsEmpty) {
    const Json first =
        run(ApiMethod::kProductQuery, {{"keywords", "wireless mouse"}, {"page_size", "50"}});
    const int total = first["total_record_count"];
    ASSERT_GT(total, 0);
    ASSERT_LT(total, 50 * 90);
    const Json beyond =
        run(ApiMethod::kProductQuery,
            {{"keywords", "wireless mouse"},
             {"page_size", "50"},
             {"page_no", std::to_string(total / 50 + 2)}});
    EXPECT_EQ(beyond["current_record_count"], 0);
}

TEST(ProductQuery, TrackingIdControlsPromotionLinks) {
    const Json without = run(ApiMethod::kProductQuery, {{"keywords", "usb"}, {"page_size", "5"}});
    for (const auto& p : without["products"]["product"]) {
        EXPECT_FALSE(p.contains("promotion_link"));
    }
    const Json with =
        run(ApiMethod::kProductQuery,
            {{"keywords", "usb"}, {"page_size", "5"}, {"tracking_id", "t1"}});
    for (const auto& p : with["products"]["product"]) {
        ASSERT_TRUE(p.contains("promotion_link"));
        EXPECT_TRUE(
            p["promotion_link"].get<std::string>().starts_with("https://s.click.aliexpress.com/s/")
        );
    }
}

TEST(ProductQuery, TargetCurrencyConversion) {
    const Json result =
        run(ApiMethod::kProductQuery,
            {{"keywords", "usb"}, {"page_size", "50"}, {"target_currency", "BRL"}});
    std::size_t checked = 0;
    for (const auto& p : result["products"]["product"]) {
        EXPECT_EQ(p["target_sale_price_currency"], "BRL");
        EXPECT_EQ(p["sale_price_currency"], "USD");
        const std::string usd = p["sale_price"];
        const std::string brl = p["target_sale_price"];
        if (usd.find_first_not_of("0123456789.") != std::string::npos ||
            brl.find_first_not_of("0123456789.") != std::string::npos) {
            continue;  // quirky formats
        }
        EXPECT_NEAR(std::stod(brl), std::stod(usd) * 5.05, 0.011) << usd << " " << brl;
        ++checked;
    }
    EXPECT_GT(checked, 30U);
}

TEST(ProductQuery, LiveLikePerturbsTotalsAndOverlapsPages) {
    MethodSettings live;
    live.live_like = true;
    std::set<int> totals;
    bool overlap = false;
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        const Json p1 =
            run(ApiMethod::kProductQuery, {{"keywords", "usb"}, {"page_size", "10"}}, live, seed);
        const Json p2 =
            run(ApiMethod::kProductQuery,
                {{"keywords", "usb"}, {"page_size", "10"}, {"page_no", "2"}},
                live,
                seed * 101);
        totals.insert(p1["total_record_count"].get<int>());
        const auto a = ids_of(p1);
        for (const auto& id : ids_of(p2)) {
            overlap = overlap || std::find(a.begin(), a.end(), id) != a.end();
        }
    }
    EXPECT_GT(totals.size(), 3U);
    EXPECT_TRUE(overlap);
}

TEST(ProductQuery, HotProductsCarryHotCommission) {
    const Json result =
        run(ApiMethod::kHotProductQuery, {{"keywords", "phone case"}, {"sort", "DISCOUNT_DESC"}});
    ASSERT_GT(result["current_record_count"].get<int>(), 0);
    int last_discount = 101;
    for (const auto& p : result["products"]["product"]) {
        EXPECT_NE(p["hot_product_commission_rate"], "0.0%");
        const int discount = std::stoi(p["discount"].get<std::string>());
        EXPECT_LE(discount, last_discount);
        last_discount = discount;
    }
}

TEST(ProductDetail, UnknownAndNonAffiliateIdsAreSilentlyAbsent) {
    const auto catalogue = medium_catalogue();
    std::int64_t affiliate = 0;
    std::int64_t non_affiliate = 0;
    for (const auto& p : catalogue->products()) {
        if (p.affiliate() && affiliate == 0) {
            affiliate = p.id;
        }
        if (!p.affiliate() && non_affiliate == 0) {
            non_affiliate = p.id;
        }
    }
    ASSERT_NE(non_affiliate, 0);
    const Json result =
        run(ApiMethod::kProductDetail,
            {{"product_ids",
              std::to_string(affiliate) + ",1005000000000001," + std::to_string(non_affiliate) +
                  "," + std::to_string(affiliate)}});
    EXPECT_EQ(result["current_record_count"], 1);
    EXPECT_EQ(ids_of(result), std::vector<std::string>{std::to_string(affiliate)});
    const Json none =
        run(ApiMethod::kProductDetail, {{"product_ids", std::to_string(non_affiliate)}});
    EXPECT_EQ(none["current_record_count"], 0);
    EXPECT_FALSE(none.contains("products"));
}

TEST(LinkGenerate, KnownUnknownAndRegeneratedLinks) {
    const auto catalogue = medium_catalogue();
    const Product* product = nullptr;
    for (const auto& p : catalogue->products()) {
        if (p.affiliate()) {
            product = &p;
            break;
        }
    }
    ASSERT_NE(product, nullptr);
    const std::string known = canonical_detail_url(*product);
    const Params params{
        {"source_values",
         known + ",https://example.com/item/1.html,https://www.aliexpress.com/item/1.html"},
        {"tracking_id", "demo_track"},
    };
    const Json first = run(ApiMethod::kLinkGenerate, params, {}, 1);
    const Json second = run(ApiMethod::kLinkGenerate, params, {}, 2);
    EXPECT_EQ(first["total_result_count"], 1);
    EXPECT_EQ(first["tracking_id"], "demo_track");
    const auto& links = first["promotion_links"]["promotion_link"];
    ASSERT_EQ(links.size(), 3U);
    const std::regex short_link("^https://s\\.click\\.aliexpress\\.com/e/_[A-Za-z0-9]{8}$");
    EXPECT_EQ(links[0]["source_value"], known);
    EXPECT_TRUE(std::regex_match(links[0]["promotion_link"].get<std::string>(), short_link));
    EXPECT_EQ(links[1]["promotion_link"], "");
    EXPECT_EQ(links[2]["promotion_link"], "");
    EXPECT_NE(
        links[0]["promotion_link"], second["promotion_links"]["promotion_link"][0]["promotion_link"]
    );
}

TEST(LinkGenerate, SourceParsing) {
    EXPECT_EQ(
        product_id_from_source("https://www.aliexpress.com/item/1005006123456789.html"),
        1005006123456789
    );
    EXPECT_EQ(
        product_id_from_source("//pt.aliexpress.com/item/32812345678.html?spm=a&x=1"), 32812345678
    );
    EXPECT_EQ(product_id_from_source("aliexpress.us/item/4000123456789.html"), 4000123456789);
    EXPECT_EQ(product_id_from_source("1005006123456789"), 1005006123456789);
    EXPECT_FALSE(product_id_from_source("https://evil.com/item/1005006123456789.html"));
    EXPECT_FALSE(product_id_from_source("https://www.aliexpress.com/store/900247438"));
    EXPECT_FALSE(product_id_from_source("https://notaliexpress.com/item/1.html"));
}

TEST(CategoryGet, RootsHaveNoParent) {
    const Json result = run(ApiMethod::kCategoryGet, {});
    const auto& list = result["categories"]["category"];
    EXPECT_EQ(result["total_result_count"], list.size());
    std::size_t roots = 0;
    bool test_entry = false;
    for (const auto& c : list) {
        if (!c.contains("parent_category_id")) {
            ++roots;
        }
        test_entry = test_entry || c["category_name"] == "newlv1categorytest";
    }
    EXPECT_EQ(roots, 40U);
    EXPECT_TRUE(test_entry);
}

TEST(ProductJson, FieldsAndQuirkRendering) {
    const auto catalogue = medium_catalogue();
    RenderContext ctx;
    std::size_t wrapped = 0;
    std::size_t bare = 0;
    std::size_t string_ids = 0;
    std::size_t empty_video = 0;
    for (const auto& p : catalogue->products()) {
        const Json j = render_product(*catalogue, p, ctx);
        EXPECT_TRUE(j["sku_id"].is_number_integer());
        EXPECT_EQ(j["sku_id"].get<std::int64_t>(), p.sku_id);
        EXPECT_TRUE(j["sale_price"].is_string());
        EXPECT_TRUE(j["evaluate_rate"].get<std::string>().ends_with("%"));
        EXPECT_EQ(j.contains("product_detail_url"), !p.has(ProductFlag::kInvalidNoDetailUrl));
        EXPECT_EQ(j.contains("shop_name"), !p.has(ProductFlag::kMissingShopName));
        EXPECT_EQ(j.contains("original_price"), !p.has(ProductFlag::kMissingOriginalPrice));
        if (j.contains("product_small_image_urls")) {
            (j["product_small_image_urls"].is_array() ? bare : wrapped) += 1;
        }
        string_ids += j["product_id"].is_string() ? 1 : 0;
        empty_video += j.contains("product_video_url") && j["product_video_url"] == "" ? 1 : 0;
        if (p.has(ProductFlag::kProtocolRelative) && j.contains("product_detail_url")) {
            EXPECT_TRUE(j["product_detail_url"].get<std::string>().starts_with("//"));
        }
        if (p.has(ProductFlag::kCurrencyText)) {
            EXPECT_TRUE(j["sale_price"].get<std::string>().starts_with("US $"));
        }
    }
    EXPECT_GT(wrapped, 4000U);
    EXPECT_GT(bare, 40U);
    EXPECT_GT(string_ids, 150U);
    EXPECT_GT(empty_video, 2500U);
}

TEST(ProductJson, ThousandsAndRanges) {
    CatalogueOptions options;
    options.size = 500;
    options.quirks = QuirkRates::none();
    options.quirks.set(Quirk::kThousandsSeparator, 1.0);
    options.quirks.set(Quirk::kPriceRange, 1.0);
    const Catalogue catalogue(options);
    RenderContext ctx;
    ctx.currency = find_currency("KRW");
    const Product* product = nullptr;
    for (const auto& p : catalogue.products()) {
        if (p.sale_cents >= 100) {
            product = &p;
            break;
        }
    }
    ASSERT_NE(product, nullptr);
    const Json j = render_product(catalogue, *product, ctx);
    const std::string krw = j["target_sale_price"];
    EXPECT_NE(krw.find(','), std::string::npos) << krw;
    EXPECT_NE(krw.find(" - "), std::string::npos) << krw;
}

TEST(Currency, FormattingAndConversion) {
    EXPECT_EQ(format_cents(1234), "12.34");
    EXPECT_EQ(format_cents(-350), "-3.50");
    EXPECT_EQ(format_cents(0), "0.00");
    EXPECT_EQ(format_cents(129900, true), "1,299.00");
    EXPECT_EQ(format_cents(123456789, true), "1,234,567.89");
    EXPECT_EQ(convert_cents(1000, *find_currency("BRL")), 5050);
    EXPECT_EQ(find_currency("nope"), nullptr);
    EXPECT_EQ(permille_percent(953), "95.3%");
    EXPECT_EQ(permille_percent(0), "0.0%");
    EXPECT_EQ(basis_points_percent(750), "7.5%");
}

}  // namespace
}  // namespace scout::sim
