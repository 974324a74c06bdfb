#include "sim/catalogue.hpp"

#include "sim/envelope.hpp"
#include "sim_test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <unordered_set>

namespace scout::sim {
namespace {

using test::default_catalogue;

double share(const Catalogue& catalogue, ProductFlag flag) {
    const auto products = catalogue.products();
    const auto n = std::count_if(products.begin(), products.end(), [flag](const Product& p) {
        return p.has(flag);
    });
    return static_cast<double>(n) / static_cast<double>(products.size());
}

std::size_t code_points(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
    }));
}

bool same_products(const Catalogue& a, const Catalogue& b) {
    if (a.products().size() != b.products().size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.products().size(); ++i) {
        const Product& x = a.products()[i];
        const Product& y = b.products()[i];
        if (x.id != y.id || x.title != y.title || x.sale_cents != y.sale_cents ||
            x.sku_id != y.sku_id || x.flags != y.flags || x.volume != y.volume ||
            a.shop_of(x).id != b.shop_of(y).id) {
            return false;
        }
    }
    return true;
}

TEST(Catalogue, SameSeedGivesIdenticalCatalogue) {
    CatalogueOptions options;
    options.size = 2000;
    const Catalogue a(options);
    const Catalogue b(options);
    EXPECT_TRUE(same_products(a, b));
}

TEST(Catalogue, DifferentSeedGivesDifferentCatalogue) {
    CatalogueOptions options;
    options.size = 2000;
    const Catalogue a(options);
    options.seed = 43;
    const Catalogue b(options);
    EXPECT_FALSE(same_products(a, b));
    std::size_t same_ids = 0;
    for (std::size_t i = 0; i < a.products().size(); ++i) {
        same_ids += a.products()[i].id == b.products()[i].id ? 1 : 0;
    }
    EXPECT_EQ(same_ids, 0U);
}

TEST(Catalogue, ChangingOneQuirkRateLeavesOtherDataAlone) {
    CatalogueOptions options;
    options.size = 2000;
    const Catalogue a(options);
    options.quirks.set(Quirk::kIdAsString, 0.5);
    const Catalogue b(options);
    std::size_t string_ids = 0;
    for (std::size_t i = 0; i < a.products().size(); ++i) {
        EXPECT_EQ(a.products()[i].title, b.products()[i].title);
        EXPECT_EQ(a.products()[i].id, b.products()[i].id);
        string_ids += b.products()[i].has(ProductFlag::kIdAsString) ? 1 : 0;
    }
    EXPECT_NEAR(static_cast<double>(string_ids) / 2000.0, 0.5, 0.05);
}

TEST(Catalogue, SizeIdsAndShops) {
    const auto catalogue = default_catalogue();
    ASSERT_EQ(catalogue->products().size(), 20000U);
    std::unordered_set<std::int64_t> ids;
    for (const Product& p : catalogue->products()) {
        EXPECT_TRUE(ids.insert(p.id).second) << p.id;
        EXPECT_GT(p.sku_id, 9007199254740992LL);  // beyond 2^53
        const std::string digits = std::to_string(p.id);
        EXPECT_TRUE(
            (digits.size() == 16 && digits.starts_with("100500") && digits[6] != '0') ||
            (digits.size() == 13 && digits.starts_with("4")) ||
            (digits.size() == 11 && digits.starts_with("32"))
        ) << digits;
        EXPECT_EQ(catalogue->find(p.id), &p);
    }
    EXPECT_GE(catalogue->shops().size(), 2000U);
    EXPECT_LE(catalogue->shops().size(), 5000U);
    for (const Shop& shop : catalogue->shops()) {
        EXPECT_TRUE(shop.name.ends_with("Store")) << shop.name;
    }
    EXPECT_EQ(catalogue->find(1), nullptr);
}

TEST(Catalogue, CategoryTreeHasAboutFortyRootsIncludingTestEntries) {
    const auto catalogue = default_catalogue();
    std::size_t roots = 0;
    std::set<std::int64_t> root_ids;
    for (const Category& c : catalogue->categories()) {
        if (c.parent_id == 0) {
            ++roots;
            root_ids.insert(c.id);
        }
    }
    EXPECT_EQ(roots, 40U);
    EXPECT_TRUE(root_ids.count(127698009));
    EXPECT_TRUE(root_ids.count(202192001));
    for (const Category& c : catalogue->categories()) {
        if (c.parent_id != 0) {
            EXPECT_TRUE(root_ids.count(c.parent_id)) << c.name;
        }
    }
    for (const Product& p : catalogue->products()) {
        EXPECT_FALSE(catalogue->first_level_of(p).test);
        EXPECT_EQ(catalogue->category_of(p).parent_id, catalogue->first_level_of(p).id);
    }
}

TEST(Catalogue, TitlesAreCappedAndValidUtf8) {
    const auto catalogue = default_catalogue();
    std::size_t cut = 0;
    for (const Product& p : catalogue->products()) {
        EXPECT_LE(code_points(p.title), 128U);
        EXPECT_FALSE(p.title.empty());
        cut += p.has(ProductFlag::kTitleCut) ? 1 : 0;
        Json j = p.title;
        EXPECT_NO_THROW((void)j.dump());  // strict UTF-8 check
    }
    EXPECT_GT(cut, 200U);  // long titles exist and get cut
}

TEST(Catalogue, PricesAndRatesArePlausible) {
    const auto catalogue = default_catalogue();
    for (const Product& p : catalogue->products()) {
        if (p.has(ProductFlag::kInvalidZeroPrice)) {
            EXPECT_EQ(p.sale_cents, 0);
        } else if (p.has(ProductFlag::kInvalidNegativePrice)) {
            EXPECT_LT(p.sale_cents, 0);
        } else {
            EXPECT_GT(p.sale_cents, 0);
            EXPECT_GE(p.original_cents, p.sale_cents);
        }
        EXPECT_LE(p.evaluate_permille, 1000);
        EXPECT_EQ(p.affiliate(), !p.has(ProductFlag::kNonAffiliate));
    }
}

struct RateCase {
    ProductFlag flag;
    double expected;
    double tolerance;
};

TEST(Catalogue, QuirkRatesWithinTolerance) {
    const auto catalogue = default_catalogue();
    const RateCase cases[] = {
        {ProductFlag::kIdAsString, 0.05, 0.008},
        {ProductFlag::kVolumeAsString, 0.05, 0.008},
        {ProductFlag::kProtocolRelative, 0.03, 0.006},
        {ProductFlag::kCurrencyText, 0.01, 0.004},
        {ProductFlag::kPriceRange, 0.01, 0.004},
        {ProductFlag::kMissingShopName, 0.10, 0.012},
        {ProductFlag::kMissingOriginalPrice, 0.02, 0.005},
        {ProductFlag::kTrackingQuery, 0.30, 0.02},
        {ProductFlag::kRegionalHost, 0.03, 0.006},
        {ProductFlag::kNonAffiliate, 0.02, 0.005},
        {ProductFlag::kDoubleSpace, 0.03, 0.006},
        {ProductFlag::kHtmlEntity, 0.01, 0.004},
        {ProductFlag::kNearDuplicate, 0.04, 0.008},
        {ProductFlag::kHasVideo, 0.25, 0.02},
        {ProductFlag::kMissingSmallImages, 0.03, 0.006},
    };
    for (const auto& c : cases) {
        EXPECT_NEAR(share(*catalogue, c.flag), c.expected, c.tolerance)
            << "flag " << static_cast<std::uint32_t>(c.flag);
    }
    const double dash =
        share(*catalogue, ProductFlag::kEnDash) + share(*catalogue, ProductFlag::kMojibake);
    EXPECT_NEAR(dash, 0.033, 0.008);
    const double invalid = share(*catalogue, ProductFlag::kInvalidZeroPrice) +
                           share(*catalogue, ProductFlag::kInvalidNegativePrice) +
                           share(*catalogue, ProductFlag::kInvalidNoDetailUrl);
    EXPECT_NEAR(invalid, 0.005, 0.0025);
    const auto unrated = std::count_if(
        catalogue->products().begin(),
        catalogue->products().end(),
        [](const Product& p) { return p.evaluate_permille == 0; }
    );
    EXPECT_NEAR(static_cast<double>(unrated) / 20000.0, 0.08, 0.01);
}

TEST(Catalogue, TitleQuirksShowInTitles) {
    const auto catalogue = default_catalogue();
    for (const Product& p : catalogue->products()) {
        if (p.has(ProductFlag::kEnDash) && !p.has(ProductFlag::kTitleCut)) {
            EXPECT_NE(p.title.find("\u2013"), std::string::npos) << p.title;
        }
        if (p.has(ProductFlag::kMojibake) && !p.has(ProductFlag::kTitleCut)) {
            EXPECT_NE(p.title.find("\xC3\xA2\xC2\x80\xC2\x93"), std::string::npos) << p.title;
        }
        if (p.has(ProductFlag::kDoubleSpace) && !p.has(ProductFlag::kTitleCut)) {
            EXPECT_NE(p.title.find("  "), std::string::npos) << p.title;
        }
    }
}

TEST(Catalogue, NoQuirksMeansCleanData) {
    CatalogueOptions options;
    options.size = 5000;
    options.quirks = QuirkRates::none();
    const Catalogue catalogue(options);
    for (const Product& p : catalogue.products()) {
        EXPECT_EQ(
            p.flags & ~(static_cast<std::uint32_t>(ProductFlag::kHasVideo) |
                        static_cast<std::uint32_t>(ProductFlag::kTitleCut)),
            0U
        ) << p.title;
        EXPECT_EQ(p.title.find("  "), std::string::npos);
        EXPECT_EQ(p.title.find('&'), std::string::npos);
        EXPECT_GT(p.evaluate_permille, 0);
        EXPECT_GT(p.sale_cents, 0);
        EXPECT_TRUE(p.affiliate());
        EXPECT_NE(p.title.back(), ' ');
    }
    for (const Category& c : catalogue.categories()) {
        EXPECT_FALSE(c.id_as_string);
    }
}

TEST(Catalogue, NearDuplicatesShareStemWithAnotherShop) {
    const auto catalogue = default_catalogue();
    std::size_t checked = 0;
    for (const Product& p : catalogue->products()) {
        if (!p.has(ProductFlag::kNearDuplicate) || checked >= 50) {
            continue;
        }
        ++checked;
        // Another listing of the same subcategory from a different shop shares the noun phrase
        // and most of the title words.
        const auto words = search_tokens(p.title);
        bool found = false;
        for (const Product& q : catalogue->products()) {
            if (&q == &p || q.category != p.category || q.shop == p.shop) {
                continue;
            }
            const auto other = search_tokens(q.title);
            std::size_t common = 0;
            for (const auto& w : words) {
                common += std::find(other.begin(), other.end(), w) != other.end() ? 1 : 0;
            }
            if (common * 10 >= words.size() * 7) {
                found = true;
                break;
            }
        }
        EXPECT_TRUE(found) << p.title;
    }
    EXPECT_EQ(checked, 50U);
}

TEST(SearchTokens, NormalisesCasePluralsAndStopWords) {
    EXPECT_EQ(
        search_tokens("USB-C Cables for iPhone & Samsung"),
        (std::vector<std::string>{"usb", "cable", "iphone", "samsung"})
    );
    EXPECT_EQ(search_tokens("Earphones"), search_tokens("earphone"));
    EXPECT_EQ(search_tokens("glass"), (std::vector<std::string>{"glass"}));
    EXPECT_TRUE(search_tokens("for the").empty());
}

TEST(CatalogueSearch, PopularQueriesHavePlentyOfHits) {
    const auto catalogue = default_catalogue();
    for (const std::string_view q :
         {"usb",
          "phone case",
          "earphones",
          "laptop stand",
          "smart watch",
          "power bank",
          "led strip",
          "backpack",
          "dress"}) {
        SearchQuery query;
        query.keywords = q;
        EXPECT_GE(catalogue->search(query).size(), 100U) << q;
    }
}

TEST(CatalogueSearch, NonsenseQueryHasNoResults) {
    const auto catalogue = default_catalogue();
    SearchQuery query;
    query.keywords = "xyzzy qwertyuiop";
    query.partial_match_share = 0.5;
    EXPECT_TRUE(catalogue->search(query).empty());
    query.keywords = "!!!";
    EXPECT_TRUE(catalogue->search(query).empty());
}

TEST(CatalogueSearch, EveryResultMatchesAllTokens) {
    const auto catalogue = default_catalogue();
    SearchQuery query;
    query.keywords = "Phone Case";
    const auto results = catalogue->search(query);
    ASSERT_FALSE(results.empty());
    for (const auto i : results) {
        const Product& p = catalogue->products()[i];
        auto tokens = search_tokens(p.title);
        const auto extra = search_tokens(catalogue->category_of(p).name);
        tokens.insert(tokens.end(), extra.begin(), extra.end());
        EXPECT_NE(std::find(tokens.begin(), tokens.end(), "phone"), tokens.end()) << p.title;
        EXPECT_NE(std::find(tokens.begin(), tokens.end(), "case"), tokens.end()) << p.title;
        EXPECT_TRUE(p.affiliate());
    }
}

TEST(CatalogueSearch, WeakRelevanceAppendsBoundedPartialMatches) {
    const auto catalogue = default_catalogue();
    SearchQuery query;
    query.keywords = "phone case";
    const auto strict = catalogue->search(query);
    query.partial_match_share = 0.1;
    const auto weak = catalogue->search(query);
    EXPECT_GT(weak.size(), strict.size());
    EXPECT_LE(weak.size(), strict.size() + strict.size() / 10);
    EXPECT_TRUE(std::equal(strict.begin(), strict.end(), weak.begin()));
}

TEST(CatalogueSearch, RelevanceOrderIsDeterministic) {
    const auto catalogue = default_catalogue();
    SearchQuery query;
    query.keywords = "usb";
    EXPECT_EQ(catalogue->search(query), catalogue->search(query));
}

TEST(CatalogueSearch, SortedLimitKeepsCountAndLeadingOrder) {
    const auto catalogue = default_catalogue();
    for (const SortOrder sort :
         {SortOrder::kRelevance, SortOrder::kSalePriceAsc, SortOrder::kVolumeDesc}) {
        SearchQuery query;
        query.keywords = "usb";
        query.sort = sort;
        const auto full = catalogue->search(query);
        query.sorted_limit = 25;
        const auto limited = catalogue->search(query);
        ASSERT_EQ(limited.size(), full.size());
        EXPECT_TRUE(std::equal(full.begin(), full.begin() + 25, limited.begin()));
    }
}

TEST(CatalogueSearch, SortOrders) {
    const auto catalogue = default_catalogue();
    SearchQuery query;
    query.keywords = "usb";
    const auto products = catalogue->products();
    query.sort = SortOrder::kSalePriceAsc;
    auto r = catalogue->search(query);
    for (std::size_t k = 1; k < r.size(); ++k) {
        ASSERT_LE(products[r[k - 1]].sale_cents, products[r[k]].sale_cents);
    }
    query.sort = SortOrder::kSalePriceDesc;
    r = catalogue->search(query);
    for (std::size_t k = 1; k < r.size(); ++k) {
        ASSERT_GE(products[r[k - 1]].sale_cents, products[r[k]].sale_cents);
    }
    query.sort = SortOrder::kVolumeDesc;
    r = catalogue->search(query);
    for (std::size_t k = 1; k < r.size(); ++k) {
        ASSERT_GE(products[r[k - 1]].volume, products[r[k]].volume);
    }
    query.sort = SortOrder::kVolumeAsc;
    r = catalogue->search(query);
    for (std::size_t k = 1; k < r.size(); ++k) {
        ASSERT_LE(products[r[k - 1]].volume, products[r[k]].volume);
    }
}

TEST(CatalogueSearch, CategoryAndPriceFilters) {
    const auto catalogue = default_catalogue();
    SearchQuery query;
    query.category_ids = {509};
    auto r = catalogue->search(query);
    ASSERT_FALSE(r.empty());
    for (const auto i : r) {
        EXPECT_EQ(catalogue->first_level_of(catalogue->products()[i]).id, 509);
    }
    query.category_ids = {100000306};
    r = catalogue->search(query);
    ASSERT_FALSE(r.empty());
    for (const auto i : r) {
        EXPECT_EQ(catalogue->category_of(catalogue->products()[i]).id, 100000306);
    }
    query.category_ids = {127698009};  // test category: no products
    EXPECT_TRUE(catalogue->search(query).empty());

    SearchQuery priced;
    priced.keywords = "usb";
    priced.currency = find_currency("BRL");
    priced.min_price = 5000;   // R$ 50.00
    priced.max_price = 10000;  // R$ 100.00
    r = catalogue->search(priced);
    ASSERT_FALSE(r.empty());
    for (const auto i : r) {
        const auto brl = convert_cents(catalogue->products()[i].sale_cents, *priced.currency);
        EXPECT_GE(brl, 5000);
        EXPECT_LE(brl, 10000);
    }
}

TEST(CatalogueSearch, HotOnlyAndNonAffiliateExcluded) {
    const auto catalogue = default_catalogue();
    SearchQuery query;
    query.hot_only = true;
    const auto r = catalogue->search(query);
    ASSERT_FALSE(r.empty());
    for (const auto i : r) {
        EXPECT_GT(catalogue->products()[i].hot_commission_bp, 0);
    }
    SearchQuery all;
    const auto everything = catalogue->search(all);
    for (const auto i : everything) {
        EXPECT_TRUE(catalogue->products()[i].affiliate());
    }
    EXPECT_LT(everything.size(), catalogue->products().size());
}

}  // namespace
}  // namespace scout::sim
