// SearchService page building against an in-memory product source: pages are filled across
// upstream pages, and a short page says why.
#include <scout/search/service.hpp>

#include "support/manual_clock.hpp"
#include "support/run_co.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace scout::search {
namespace {

using nlohmann::json;
using upstream::upstream_errc;

constexpr int kUpstreamPageSize = 50;

upstream::RawProduct raw_product(std::int64_t id) {
    upstream::RawProduct raw;
    raw.product_id = id;
    raw.title = "Gadget " + std::to_string(id) + " braided cable";
    raw.detail_url = "https://www.aliexpress.com/item/" + std::to_string(id) + ".html";
    raw.main_image_url = "https://ae01.alicdn.com/kf/" + std::to_string(id) + ".jpg";
    raw.target_sale_price = std::to_string(1 + id % 90) + ".99";
    raw.target_sale_price_currency = "USD";
    raw.evaluate_rate = "95.0%";
    raw.lastest_volume = 10;
    raw.shop_id = id;
    raw.shop_name = "Shop " + std::to_string(id);
    return raw;
}

// Upstream pages 1..`pages` hold 50 products each, one of them invalid (no price), so 49 survive
// validation: pages of 20 cross upstream page boundaries. Later pages are empty.
class FakeProductSource final : public upstream::ProductSource {
public:
    int pages = 5;
    std::int64_t promised = 0;               // total_record_count beyond what the pages hold
    std::map<int, upstream_errc> failures;   // upstream page -> the error it answers with
    std::vector<int> asked;                  // upstream pages asked for, in order
    std::vector<int> max_attempts;           // CallOptions::max_attempts of each query
    bool breaker_open = false;               // refusal() answers kCircuitOpen
    std::vector<std::string> refusal_asked;  // methods refusal() was asked about

    std::optional<upstream::UpstreamError> refusal(
        std::string_view method, std::string_view /*request_id*/
    ) override {
        refusal_asked.emplace_back(method);
        if (!breaker_open) {
            return std::nullopt;
        }
        upstream::UpstreamError error;
        error.code = upstream::make_error_code(upstream_errc::kCircuitOpen);
        error.retry_after = std::chrono::milliseconds(4000);
        return error;
    }

    awaitable<upstream::Result<upstream::ProductPage>> query_products(
        upstream::ProductQuery query, upstream::CallOptions options
    ) override {
        asked.push_back(query.page_no);
        max_attempts.push_back(options.max_attempts);
        if (const auto failure = failures.find(query.page_no); failure != failures.end()) {
            upstream::UpstreamError error;
            error.code = upstream::make_error_code(failure->second);
            co_return error;
        }
        upstream::ProductPage page;
        page.total_record_count = std::int64_t{pages} * kUpstreamPageSize + promised;
        if (query.page_no <= pages) {
            for (int i = 0; i < kUpstreamPageSize; ++i) {
                page.products.push_back(raw_product(std::int64_t{query.page_no} * 1000 + i));
                if (i == 7) {
                    page.products.back().target_sale_price.clear();
                }
            }
        }
        co_return page;
    }
    awaitable<upstream::Result<std::vector<upstream::PromotionLink>>> generate_links(
        upstream::LinkGenerate /*request*/, upstream::CallOptions /*options*/
    ) override {
        co_return std::vector<upstream::PromotionLink>{};
    }
    awaitable<upstream::Result<upstream::ProductPage>> product_details(
        upstream::ProductDetail /*request*/, upstream::CallOptions /*options*/
    ) override {
        co_return upstream::ProductPage{};
    }
    awaitable<upstream::Result<std::vector<upstream::Category>>> categories(
        upstream::CallOptions /*options*/
    ) override {
        co_return std::vector<upstream::Category>{};
    }
};

class SearchServiceTest : public ::testing::Test {
protected:
    SearchServiceTest() : cache_(cache::TieredCacheOptions{}), shared_(cache_, metrics_, {}) {}

    void start(int max_upstream_pages = 100, std::int64_t max_price = 100'000) {
        SearchOptions options;
        options.validator.max_price = max_price;
        options.cursor_keys.secrets = {"test-secret"};
        options.upstream_page_size = kUpstreamPageSize;
        options.max_upstream_pages = max_upstream_pages;
        service_ = std::make_unique<SearchService>(source_, shared_, options);
    }

    static SearchRequest request(std::string cursor = {}) {
        SearchRequest r;
        r.q = "cable";
        r.currency = "USD";
        r.language = "EN";
        r.page_size = 20;
        r.affiliate = false;
        r.cursor = std::move(cursor);
        return r;
    }

    SearchResult search(SearchRequest r) {
        return test::run_co(io_, service_->search(std::move(r), "rid", "rid"));
    }

    json page(std::string cursor = {}) {
        const SearchResult result = search(request(std::move(cursor)));
        EXPECT_TRUE(result.response) << "the search failed";
        return result.response ? json::parse(*result.response->body) : json();
    }

    // Walks by cursor from the first page; at most `max_pages` pages.
    std::vector<json> walk(int max_pages) {
        std::vector<json> pages{page()};
        while (static_cast<int>(pages.size()) < max_pages &&
               pages.back()["page"]["next_cursor"].is_string()) {
            pages.push_back(page(pages.back()["page"]["next_cursor"].get<std::string>()));
        }
        return pages;
    }

    static std::vector<std::string> ids(const std::vector<json>& pages) {
        std::vector<std::string> out;
        for (const json& p : pages) {
            for (const json& product : p["products"]) {
                out.push_back(product["product_id"]);
            }
        }
        return out;
    }

    asio::io_context io_;
    monitoring::Registry metrics_;
    cache::TieredCache cache_;
    SearchShared shared_;
    FakeProductSource source_;
    std::unique_ptr<SearchService> service_;
};

TEST_F(SearchServiceTest, PagesAreFilledFromTheNextUpstreamPageUntilTheResultsRunOut) {
    start();
    const std::vector<json> pages = walk(50);
    // 5 upstream pages x 49 valid products = 245 = 12 pages of 20 and one of 5.
    ASSERT_EQ(pages.size(), 13U);
    for (std::size_t i = 0; i + 1 < pages.size(); ++i) {
        EXPECT_EQ(pages[i]["products"].size(), 20U) << "page " << i;
        EXPECT_TRUE(pages[i]["meta"]["short_page_reason"].is_null()) << "page " << i;
    }
    EXPECT_EQ(pages.back()["products"].size(), 5U);
    EXPECT_EQ(pages.back()["meta"]["short_page_reason"], "exhausted");
    EXPECT_TRUE(pages.back()["page"]["next_cursor"].is_null());
    // Every valid product exactly once, in upstream order: no gap, no repeat.
    std::vector<std::string> expected;
    for (int upstream_page = 1; upstream_page <= 5; ++upstream_page) {
        for (int i = 0; i < kUpstreamPageSize; ++i) {
            if (i != 7) {
                expected.push_back(std::to_string(upstream_page * 1000 + i));
            }
        }
    }
    EXPECT_EQ(ids(pages), expected);
    // Page 3 (products 41-60) starts on upstream page 1 and is filled from page 2.
    EXPECT_EQ(pages[2]["meta"]["dropped"]["invalid"], 2);
}

// The upstream's total may promise more than it has: the empty page after the last one ends
// the walk on the short page, not on an extra empty one.
TEST_F(SearchServiceTest, EmptyUpstreamPageAfterTheLastEndsTheWalk) {
    source_.pages = 2;
    source_.promised = 300;
    start();
    const std::vector<json> pages = walk(50);
    ASSERT_EQ(pages.size(), 5U);  // 98 products: 4 pages of 20, one of 18
    EXPECT_EQ(pages.back()["products"].size(), 18U);
    EXPECT_EQ(pages.back()["meta"]["short_page_reason"], "exhausted");
    EXPECT_TRUE(pages.back()["page"]["next_cursor"].is_null());
    EXPECT_EQ(ids(pages).size(), 98U);
}

TEST_F(SearchServiceTest, ShortPageAtTheUpstreamPageLimitSaysSo) {
    start(2);
    const std::vector<json> pages = walk(50);
    ASSERT_EQ(pages.size(), 5U);  // 98 products: 4 pages of 20, one of 18
    EXPECT_EQ(pages.back()["products"].size(), 18U);
    EXPECT_EQ(pages.back()["meta"]["short_page_reason"], "upstream_page_limit");
    EXPECT_TRUE(pages.back()["page"]["next_cursor"].is_null());
    for (const int asked : source_.asked) {
        EXPECT_LE(asked, 2);
    }
}

TEST_F(SearchServiceTest, FailingFillServesTheShortPageAndItsCursorResumesWithoutGaps) {
    start();
    const std::vector<json> first_two = walk(2);
    ASSERT_EQ(first_two.size(), 2U);
    source_.failures[2] = upstream_errc::kDeadlineExceeded;
    const json third = page(first_two.back()["page"]["next_cursor"]);
    EXPECT_EQ(third["products"].size(), 9U);  // the rest of upstream page 1
    EXPECT_EQ(third["meta"]["short_page_reason"], "deadline");
    ASSERT_TRUE(third["page"]["next_cursor"].is_string());

    source_.failures.clear();
    const json fourth = page(third["page"]["next_cursor"]);
    ASSERT_EQ(fourth["products"].size(), 20U);
    EXPECT_EQ(fourth["products"][0]["product_id"], "2000") << "continues at upstream page 2";
    EXPECT_TRUE(fourth["meta"]["short_page_reason"].is_null());

    const json fifth = page(fourth["page"]["next_cursor"]);
    ASSERT_EQ(fifth["products"].size(), 20U);
    source_.failures[3] = upstream_errc::kGatewayError;
    const json sixth = page(fifth["page"]["next_cursor"]);
    EXPECT_EQ(sixth["products"].size(), 9U);  // the rest of upstream page 2
    EXPECT_EQ(sixth["meta"]["short_page_reason"], "upstream_error");
}

TEST_F(SearchServiceTest, FailingFillWithNothingToShowIsAnUpstreamError) {
    start();
    source_.failures[2] = upstream_errc::kGatewayError;
    SearchRequest second = request();
    second.page_size = 49;
    second.page_no = 2;  // starts after the 49 valid products of upstream page 1
    const SearchResult result = search(second);
    EXPECT_FALSE(result.response);
    ASSERT_TRUE(result.upstream);
    EXPECT_EQ(result.upstream->code, upstream::make_error_code(upstream_errc::kGatewayError));
}

TEST_F(SearchServiceTest, AnOpenBreakerIsAnsweredBeforeAnyFetchIsStarted) {
    start();
    source_.breaker_open = true;
    const SearchResult result = search(request());
    EXPECT_FALSE(result.response);
    ASSERT_TRUE(result.upstream);
    EXPECT_EQ(result.upstream->code, upstream::make_error_code(upstream_errc::kCircuitOpen));
    EXPECT_EQ(result.upstream->retry_after, std::chrono::milliseconds(4000));
    EXPECT_TRUE(source_.asked.empty()) << "no upstream page may be asked for";
    EXPECT_EQ(
        source_.refusal_asked, std::vector<std::string>{std::string(upstream::kProductQuery)}
    );

    source_.breaker_open = false;  // closed again: the same search fetches
    EXPECT_TRUE(search(request()).response);
    EXPECT_FALSE(source_.asked.empty());
}

Features without(Feature feature) {
    Features features;
    features.set(feature, false);
    return features;
}

std::vector<double> prices(const json& page) {
    std::vector<double> out;
    for (const json& product : page["products"]) {
        out.push_back(std::stod(product["price"]["amount"].get<std::string>()));
    }
    return out;
}

TEST_F(SearchServiceTest, RetryLogicOffAsksTheUpstreamForOneAttempt) {
    start();
    search(request());
    SearchRequest off = request();
    off.q = "other";
    off.features = without(Feature::kRetryLogic);
    search(off);
    EXPECT_EQ(source_.max_attempts, (std::vector<int>{0, 1}));  // 0: the configured attempts
}

TEST_F(SearchServiceTest, QualityRankingOffKeepsTheUpstreamOrderWithoutScores) {
    start();
    SearchRequest on = request();
    on.sort = SortOrder::kPriceDesc;
    SearchRequest off = on;
    off.features = without(Feature::kQualityRanking);
    const SearchResult ranked = search(on);
    const SearchResult plain = search(off);
    ASSERT_TRUE(ranked.response && plain.response);
    EXPECT_NE(ranked.key, plain.key);  // cached apart: the pages differ
    const json a = json::parse(*ranked.response->body);
    const json b = json::parse(*plain.response->body);
    const auto ranked_prices = prices(a);
    EXPECT_TRUE(std::is_sorted(ranked_prices.rbegin(), ranked_prices.rend()));
    EXPECT_GT(a["products"][0]["quality_score"].get<double>(), 0.0);
    for (std::size_t i = 0; i < b["products"].size(); ++i) {
        EXPECT_EQ(b["products"][i]["quality_score"].get<double>(), 0.0);
    }
    // Upstream order: ids ascending, the invalid product 1007 left out.
    EXPECT_EQ(b["products"][0]["product_id"], "1000");
    EXPECT_EQ(b["products"][7]["product_id"], "1008");
}

TEST_F(SearchServiceTest, DataValidationOffSkipsTheBusinessDropsButNotTheSanitiser) {
    start(100, /*max_price=*/20);  // the first page's prices run 11.99-31.99
    const json strict = page();
    SearchRequest lenient_request = request();
    lenient_request.features = without(Feature::kDataValidation);
    const SearchResult lenient = search(lenient_request);
    ASSERT_TRUE(lenient.response);
    const json loose = json::parse(*lenient.response->body);
    const auto strict_prices = prices(strict);
    EXPECT_TRUE(std::all_of(strict_prices.begin(), strict_prices.end(), [](double p) {
        return p <= 20;
    }));
    const auto loose_prices = prices(loose);
    EXPECT_TRUE(std::any_of(loose_prices.begin(), loose_prices.end(), [](double p) {
        return p > 20;
    }));
    // The product without a price is still refused: it cannot be shown.
    for (const json& product : loose["products"]) {
        EXPECT_NE(product["product_id"], "1007");
    }
}

// The value of the unlabelled gauge `name` in the registry (-1 when absent).
double gauge(const monitoring::Registry& registry, const std::string& name) {
    for (const monitoring::FamilySnapshot& family : registry.snapshot()) {
        if (family.name == name && family.samples.size() == 1) {
            return family.samples[0].value;
        }
    }
    return -1;
}

// Every product of a page goes into the link cache (a link, or the upstream's lack of one),
// and the size gauges follow it.
TEST_F(SearchServiceTest, LinkCacheSizeIsExportedAsGauges) {
    start();
    EXPECT_EQ(gauge(metrics_, "scout_affiliate_link_cache_entries"), 0);
    EXPECT_EQ(gauge(metrics_, "scout_affiliate_link_cache_bytes"), 0);
    SearchRequest r = request();
    r.affiliate = true;
    const SearchResult result = search(r);
    ASSERT_TRUE(result.response);
    const std::size_t products = json::parse(*result.response->body)["products"].size();
    ASSERT_GT(products, 0U);
    EXPECT_EQ(gauge(metrics_, "scout_affiliate_link_cache_entries"), static_cast<double>(products));
    EXPECT_GT(gauge(metrics_, "scout_affiliate_link_cache_bytes"), 0);
    EXPECT_EQ(shared_.links.stats().entries, products);
}

TEST(SearchServiceFeatures, EnhancedCachingOffServesNoStalePage) {
    asio::io_context io;
    test::ManualClock clock;
    cache::TieredCacheOptions options;
    options.kinds["search"].ttl = std::chrono::seconds(60);
    options.l1.serve_stale = std::chrono::hours(1);
    cache::TieredCache cache(options, nullptr, clock);
    monitoring::Registry metrics;
    SearchShared shared(cache, metrics, {});
    FakeProductSource source;
    SearchOptions search_options;
    search_options.cursor_keys.secrets = {"test-secret"};
    SearchService service(source, shared, search_options);
    SearchRequest r;
    r.q = "cable";
    r.currency = "USD";
    r.affiliate = false;
    ASSERT_TRUE(test::run_co(io, service.search(r, "rid", "rid")).response);
    clock.advance(std::chrono::seconds(61));  // expired, inside the stale window
    source.failures[1] = upstream_errc::kGatewayError;

    const SearchResult stale = test::run_co(io, service.search(r, "rid", "rid"));
    ASSERT_TRUE(stale.response);
    EXPECT_EQ(stale.cache, SearchResult::CacheState::kStale);
    source.failures.clear();
    source.breaker_open = true;  // refused before the fetch: still served stale
    const SearchResult refused_stale = test::run_co(io, service.search(r, "rid", "rid"));
    ASSERT_TRUE(refused_stale.response);
    EXPECT_EQ(refused_stale.cache, SearchResult::CacheState::kStale);
    source.breaker_open = false;
    source.failures[1] = upstream_errc::kGatewayError;
    r.features.set(Feature::kEnhancedCaching, false);
    const SearchResult failed = test::run_co(io, service.search(r, "rid", "rid"));
    EXPECT_FALSE(failed.response);
    ASSERT_TRUE(failed.upstream);
}

// A hot page is replaced before it expires: a hit in the last 10 % of its freshness is served
// from the cache while one background fetch replaces it; the next hits find the new page.
TEST(SearchServiceRefreshAhead, AHitNearExpiryIsServedAndRefreshedOnceInTheBackground) {
    using namespace std::chrono_literals;
    asio::io_context io;
    test::ManualClock clock;
    cache::TieredCacheOptions options;
    options.kinds["search"].ttl = 60s;
    cache::TieredCache cache(options, nullptr, clock, [&clock] {
        return std::chrono::system_clock::time_point(1'700'000'000s) +
               std::chrono::duration_cast<std::chrono::system_clock::duration>(
                   clock.now().time_since_epoch()
               );
    });
    monitoring::Registry metrics;
    SearchShared shared(cache, metrics, {});
    FakeProductSource source;
    SearchOptions search_options;
    search_options.cursor_keys.secrets = {"test-secret"};
    search_options.refresh_ahead_percent = 10;
    SearchService service(source, shared, search_options);
    SearchRequest r;
    r.q = "cable";
    r.currency = "USD";
    r.affiliate = false;
    const auto search = [&] { return test::run_co(io, service.search(r, "rid", "page-id")); };

    const SearchResult first = search();
    ASSERT_TRUE(first.response);
    const std::size_t fetches = source.asked.size();
    clock.advance(50s);  // 10 s left: not yet
    EXPECT_EQ(search().cache, SearchResult::CacheState::kHit);
    EXPECT_TRUE(service.search_cached(first.key));
    EXPECT_EQ(source.asked.size(), fetches);

    clock.advance(5s);  // 5 s left: due
    EXPECT_FALSE(service.search_cached(first.key)) << "the fast path leaves it to search()";
    const SearchResult due = search();  // runs the io until the background refresh is done
    EXPECT_EQ(due.cache, SearchResult::CacheState::kHit);
    EXPECT_EQ(due.response, first.response) << "answered with the cached page, not the new one";
    EXPECT_EQ(source.asked.size(), 2 * fetches) << "one refresh";
    EXPECT_EQ(shared.metrics.refreshed.value(), 1U);

    clock.advance(10s);  // past the first page's expiry: the new one is fresh, not due
    const std::optional<SearchResult> after = service.search_cached(first.key);
    ASSERT_TRUE(after);
    EXPECT_NE(after->response, first.response);
    EXPECT_EQ(search().cache, SearchResult::CacheState::kHit);
    EXPECT_EQ(source.asked.size(), 2 * fetches);
}

TEST(SearchServiceRefreshAhead, OneRefreshPerKeyAtATimeAndNoneWhileAnotherInstanceHasIt) {
    using namespace std::chrono_literals;
    RefreshTable table;
    const RefreshTable::Time now{1'700'000'000s};
    EXPECT_TRUE(table.try_claim("k1", now));
    EXPECT_FALSE(table.try_claim("k1", now + 1h)) << "in progress until released";
    EXPECT_TRUE(table.try_claim("k2", now));
    table.release("k1");
    EXPECT_TRUE(table.try_claim("k1", now));
    table.hold("k1", now + 30s);
    EXPECT_FALSE(table.try_claim("k1", now + 29s));
    EXPECT_TRUE(table.try_claim("k1", now + 30s));
}

}  // namespace
}  // namespace scout::search
