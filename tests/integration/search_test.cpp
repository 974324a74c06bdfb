// Process-level tests of the search API: real scout + real scout-sim on loopback.
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace scout::test {
namespace {

using nlohmann::json;

constexpr const char* kProductQuery = "aliexpress.affiliate.product.query";
constexpr const char* kLinkGenerate = "aliexpress.affiliate.link.generate";

ScoutProcess::Options with_sim(
    const SimProcess& sim, std::vector<std::pair<std::string, std::string>> extra = {}
) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings({{"search.cursor_secret", "test-cursor-secret"}});
    options.settings.insert(options.settings.end(), extra.begin(), extra.end());
    return options;
}

json get_json(const ScoutProcess& scout, const std::string& target, HttpResponse* raw = nullptr) {
    const auto response = http_get(scout.port(), target);
    EXPECT_TRUE(response) << target;
    if (!response) {
        return json();
    }
    if (raw != nullptr) {
        *raw = *response;
    }
    EXPECT_EQ(response->status, 200) << target << ": " << response->body;
    return json::parse(response->body);
}

// Decimal string "12.99" -> 1299 (test helper; both sides come from Scout's formatter).
long cents(const json& money) {
    const std::string amount = money["amount"];
    const auto dot = amount.find('.');
    if (dot == std::string::npos) {
        return std::stol(amount) * 100;
    }
    std::string frac = amount.substr(dot + 1);
    frac.resize(2, '0');
    return std::stol(amount.substr(0, dot)) * 100 + std::stol(frac);
}

TEST(Search, ReturnsCleanProductsWithCacheHeadersAndHitsTheCacheForTheSameQuery) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    HttpResponse first;
    const json body = get_json(scout, "/search?q=usb+cable&page_size=10", &first);
    ASSERT_EQ(body["products"].size(), 10U);
    EXPECT_EQ(body["query"]["q"], "usb cable");
    EXPECT_EQ(body["page"]["size"], 10);
    EXPECT_TRUE(body["page"]["next_cursor"].is_string());
    EXPECT_GT(body["page"]["total_estimate"].get<long>(), 10);
    for (const json& p : body["products"]) {
        EXPECT_TRUE(p["product_id"].is_string());
        EXPECT_FALSE(p["title"].get<std::string>().empty());
        EXPECT_EQ(p["title"].get<std::string>().find("  "), std::string::npos)
            << "whitespace collapsed";
        EXPECT_EQ(p["title"].get<std::string>().find("&amp;"), std::string::npos)
            << "entities decoded";
        EXPECT_GT(cents(p["price"]), 0);
        EXPECT_EQ(p["price"]["currency"], "USD");
        EXPECT_TRUE(p["product_url"].get<std::string>().starts_with("https://"));
        EXPECT_GE(p["quality_score"].get<double>(), 0.0);
        EXPECT_LE(p["quality_score"].get<double>(), 1.0);
        if (!p["rating"].is_null()) {
            EXPECT_LE(p["rating"].get<double>(), 5.0);
        }
    }
    EXPECT_EQ(first.header("x-cache"), "MISS");
    EXPECT_EQ(first.header("vary"), "Accept-Encoding");
    EXPECT_FALSE(first.header("etag").empty());
    EXPECT_TRUE(first.header("cache-control").starts_with("public, max-age="));

    // Same query, parameters reordered, other spacing and case: one key, no upstream call.
    const long calls = sim.calls(kProductQuery);
    HttpResponse second;
    const json again = get_json(scout, "/search?page_size=10&q=%20USB%20%20Cable", &second);
    EXPECT_EQ(second.header("x-cache"), "HIT");
    EXPECT_EQ(second.header("etag"), first.header("etag"));
    EXPECT_EQ(again, body);
    EXPECT_EQ(sim.calls(kProductQuery), calls);
}

// A URL seen before takes the worker's fast path (its cache key is remembered): it must answer
// exactly what the full path answers, and stop as soon as the page expires.
TEST(Search, RepeatedUrlIsAnsweredLikeTheFirstHitAndExpiresOnTime) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim, {{"cache.ttl.search_s", "2"}}));
    const std::string target = "/search?q=desk+lamp&page_size=12";
    HttpResponse miss;
    const json body = get_json(scout, target, &miss);
    EXPECT_EQ(miss.header("x-cache"), "MISS");
    const long calls = sim.calls(kProductQuery);

    for (int i = 0; i < 3; ++i) {
        HttpResponse hit;
        EXPECT_EQ(get_json(scout, target, &hit), body);
        EXPECT_EQ(hit.header("x-cache"), "HIT");
        EXPECT_EQ(hit.header("etag"), miss.header("etag"));
        EXPECT_EQ(hit.header("content-type"), "application/json");
        EXPECT_EQ(hit.header("vary"), "Accept-Encoding");
        EXPECT_EQ(hit.header("x-cache-l2"), "disabled");
        EXPECT_TRUE(hit.header("cache-control").starts_with("public, max-age="));
        EXPECT_EQ(hit.header("x-request-id").size(), 32U);
    }
    const auto gzipped = http_get(scout.port(), target, {{"Accept-Encoding", "gzip"}});
    ASSERT_TRUE(gzipped);
    EXPECT_EQ(gzipped->header("content-encoding"), "gzip");
    EXPECT_EQ(gzipped->header("x-cache"), "HIT");
    const auto not_modified =
        http_get(scout.port(), target, {{"If-None-Match", gzipped->header("etag")}});
    ASSERT_TRUE(not_modified);
    EXPECT_EQ(not_modified->status, 304);
    EXPECT_TRUE(not_modified->body.empty());
    const auto head = http_request(scout.port(), "HEAD", target);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_TRUE(head->body.empty());
    EXPECT_EQ(head->header("content-length"), std::to_string(miss.body.size()));
    EXPECT_EQ(sim.calls(kProductQuery), calls);

    // Past the 2 s TTL the remembered URL is a miss again: one new upstream call.
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    HttpResponse expired;
    get_json(scout, target, &expired);
    EXPECT_EQ(expired.header("x-cache"), "MISS");
    EXPECT_EQ(sim.calls(kProductQuery), calls + 1);
}

TEST(Search, EverySortOrderIsCorrect) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    auto products = [&](const std::string& sort) {
        return get_json(scout, "/search?q=phone+case&page_size=30&sort=" + sort)["products"];
    };
    const json asc = products("price_asc");
    ASSERT_GT(asc.size(), 5U);
    for (std::size_t i = 1; i < asc.size(); ++i) {
        EXPECT_LE(cents(asc[i - 1]["price"]), cents(asc[i]["price"]));
    }
    const json desc = products("price_desc");
    for (std::size_t i = 1; i < desc.size(); ++i) {
        EXPECT_GE(cents(desc[i - 1]["price"]), cents(desc[i]["price"]));
    }
    const json orders = products("orders");
    for (std::size_t i = 1; i < orders.size(); ++i) {
        EXPECT_GE(orders[i - 1]["orders"].get<long>(), orders[i]["orders"].get<long>());
    }
    const json rating = products("rating");
    bool seen_unrated = false;
    for (std::size_t i = 0; i < rating.size(); ++i) {
        if (rating[i]["rating"].is_null()) {
            seen_unrated = true;
            continue;
        }
        EXPECT_FALSE(seen_unrated) << "unrated products sort last";
        if (i > 0 && !rating[i - 1]["rating"].is_null()) {
            EXPECT_GE(rating[i - 1]["rating"].get<double>(), rating[i]["rating"].get<double>());
        }
    }
    const json discount = products("discount");
    for (std::size_t i = 1; i < discount.size(); ++i) {
        EXPECT_GE(
            discount[i - 1]["discount_percent"].get<int>(),
            discount[i]["discount_percent"].get<int>()
        );
    }
    const json quality = products("quality");
    for (std::size_t i = 1; i < quality.size(); ++i) {
        EXPECT_GE(
            quality[i - 1]["quality_score"].get<double>(), quality[i]["quality_score"].get<double>()
        );
    }
}

TEST(Search, WalkingTheCursorsNeverRepeatsAProduct) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    std::set<std::string> seen;
    std::string target = "/search?q=usb&page_size=20";
    int pages = 0;
    for (; pages < 12; ++pages) {
        const json body = get_json(scout, target);
        for (const json& p : body["products"]) {
            EXPECT_TRUE(seen.insert(p["product_id"].get<std::string>()).second)
                << "repeated " << p["product_id"];
        }
        if (body["page"]["next_cursor"].is_null()) {
            break;
        }
        target =
            "/search?q=usb&page_size=20&cursor=" + body["page"]["next_cursor"].get<std::string>();
    }
    EXPECT_GE(pages, 5);  // crossed several upstream pages (50 products each)
    EXPECT_GT(seen.size(), 100U);
}

TEST(Search, TamperedOrForeignCursorIs400) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    const json body = get_json(scout, "/search?q=usb&page_size=5");
    std::string cursor = body["page"]["next_cursor"];
    cursor[cursor.size() / 2] = cursor[cursor.size() / 2] == 'A' ? 'B' : 'A';
    for (const std::string& target :
         {"/search?q=usb&page_size=5&cursor=" + cursor,
          "/search?q=earphones&page_size=5&cursor=" +
              body["page"]["next_cursor"].get<std::string>(),
          std::string("/search?q=usb&cursor=%00%01garbage")}) {
        const auto response = http_get(scout.port(), target);
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 400) << target;
        const json error = json::parse(response->body);
        EXPECT_EQ(error["error"]["code"], "invalid_parameter");
        EXPECT_NE(error["error"]["message"].get<std::string>().find("cursor"), std::string::npos);
    }
}

TEST(Search, IfNoneMatchGives304WithoutBodyAndGzipWhenAccepted) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    HttpResponse first;
    get_json(scout, "/search?q=earphones&page_size=30", &first);
    const auto not_modified = http_get(
        scout.port(), "/search?q=earphones&page_size=30", {{"If-None-Match", first.header("etag")}}
    );
    ASSERT_TRUE(not_modified);
    EXPECT_EQ(not_modified->status, 304);
    EXPECT_TRUE(not_modified->body.empty());
    EXPECT_EQ(not_modified->header("etag"), first.header("etag"));
    // RFC 9110 8.6: no Content-Length unless it is the 200's; Scout sends none.
    EXPECT_EQ(not_modified->headers.count("content-length"), 0U);

    const auto gzipped = http_get(
        scout.port(), "/search?q=earphones&page_size=30", {{"Accept-Encoding", "gzip, br"}}
    );
    ASSERT_TRUE(gzipped);
    EXPECT_EQ(gzipped->status, 200);
    EXPECT_EQ(gzipped->header("content-encoding"), "gzip");
    EXPECT_LT(gzipped->body.size(), first.body.size());
    EXPECT_EQ(static_cast<unsigned char>(gzipped->body[0]), 0x1f);  // gzip magic
    EXPECT_NE(gzipped->header("etag"), first.header("etag"));
}

TEST(Search, InvalidParametersAre400NamingTheParameter) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"/search", "q"},
        {"/search?q=", "q"},
        {"/search?q=" + std::string(201, 'a'), "q"},
        {"/search?q=usb&page_size=0", "page_size"},
        {"/search?q=usb&page_size=51", "page_size"},
        {"/search?q=usb&sort=cheapest", "sort"},
        {"/search?q=usb&min_price=10&max_price=5", "min_price"},
        {"/search?q=usb&min_price=-1", "min_price"},
        {"/search?q=usb&currency=XYZ", "currency"},
        {"/search?q=usb&ship_to=USA", "ship_to"},
        {"/search?q=usb&fields=product_id,colour", "colour"},
        {"/search?q=usb&affiliate=maybe", "affiliate"},
        {"/search?q=usb&color=red", "color"},
        {"/search?q=usb&q=cable", "q"},
    };
    for (const auto& [target, parameter] : cases) {
        const auto response = http_get(scout.port(), target);
        ASSERT_TRUE(response) << target;
        EXPECT_EQ(response->status, 400) << target;
        const json error = json::parse(response->body);
        EXPECT_EQ(error["error"]["code"], "invalid_parameter") << target;
        EXPECT_NE(error["error"]["message"].get<std::string>().find(parameter), std::string::npos)
            << target << ": " << error.dump();
    }
    EXPECT_EQ(sim.requests_total(), 0);
}

TEST(Search, FieldSelectionReturnsOnlyThoseFields) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    const json body = get_json(scout, "/search?q=usb&page_size=5&fields=product_id,title,price");
    ASSERT_FALSE(body["products"].empty());
    for (const json& p : body["products"]) {
        EXPECT_EQ(p.size(), 3U) << p.dump();
        EXPECT_TRUE(p.contains("product_id") && p.contains("title") && p.contains("price"));
    }
}

TEST(Search, AffiliateLinkFailureStillAnswers200WithOriginalUrls) {
    // Every product lacks a promotion link in the search results, so Scout must generate them.
    SimProcess sim({"--quirk", "missing_promotion_link=1"});
    ScoutProcess scout(with_sim(sim));
    const json ok = get_json(scout, "/search?q=usb&page_size=10");
    EXPECT_EQ(ok["meta"]["affiliate_links"], "ok");
    for (const json& p : ok["products"]) {
        EXPECT_TRUE(
            p["affiliate_url"].get<std::string>().starts_with("https://s.click.aliexpress.com/")
        );
    }
    EXPECT_EQ(sim.calls(kLinkGenerate), 1) << "one batched call per page";

    sim.add_fault({{"kind", "link_generate_fail"}, {"rate", 1.0}});
    HttpResponse raw;
    const json degraded = get_json(scout, "/search?q=earphones&page_size=10", &raw);
    EXPECT_EQ(raw.status, 200);
    EXPECT_EQ(degraded["meta"]["affiliate_links"], "unavailable");
    ASSERT_FALSE(degraded["products"].empty());
    for (const json& p : degraded["products"]) {
        EXPECT_TRUE(p["affiliate_url"].is_null());
        EXPECT_TRUE(p["product_url"].get<std::string>().starts_with("https://"));
    }
    EXPECT_GE(sim.stats()["faults_injected"]["link_generate_fail"].get<long>(), 1);

    const json disabled = get_json(scout, "/search?q=earphones&page_size=10&affiliate=false");
    EXPECT_EQ(disabled["meta"]["affiliate_links"], "disabled");
}

TEST(Search, NoResultsOffersSuggestionsWithoutExtraUpstreamCalls) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    get_json(scout, "/search?q=wireless+earphones&page_size=50");  // builds the vocabulary
    const long before = sim.calls(kProductQuery);
    const json empty = get_json(scout, "/search?q=wireless+earphonez+qqxqzv");
    EXPECT_TRUE(empty["products"].empty());
    ASSERT_TRUE(empty["suggestions"].is_array());
    EXPECT_FALSE(empty["suggestions"].empty());
    EXPECT_LE(empty["suggestions"].size(), 5U);
    bool corrected = false;
    for (const json& s : empty["suggestions"]) {
        corrected = corrected || s.get<std::string>().find("earphones") != std::string::npos;
    }
    EXPECT_TRUE(corrected) << empty["suggestions"].dump();
    EXPECT_EQ(sim.calls(kProductQuery), before + 1);  // only the query itself
}

TEST(Search, CompatibilityPostEndpointRunsTheSamePipeline) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    const auto posted = http_request(
        scout.port(),
        "POST",
        "/api/products/smart-search",
        {{"Content-Type", "application/json"}},
        R"({"keywords":"usb cable","page_size":10,"page_no":1})"
    );
    ASSERT_TRUE(posted);
    ASSERT_EQ(posted->status, 200) << posted->body;
    const json via_get = get_json(scout, "/search?q=usb+cable&page_size=10");
    EXPECT_EQ(json::parse(posted->body), via_get);

    const auto bad =
        http_request(scout.port(), "POST", "/api/products/smart-search", {}, "not json");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_EQ(json::parse(bad->body)["error"]["code"], "invalid_parameter");
}

TEST(Search, ConcurrentIdenticalColdSearchesMakeOneUpstreamCall) {
    SimProcess sim({"--latency-ms", "200"});
    ScoutProcess scout(with_sim(sim));
    std::vector<std::unique_ptr<HttpConnection>> connections;
    for (int i = 0; i < 200; ++i) {
        connections.push_back(std::make_unique<HttpConnection>(scout.port()));
        ASSERT_TRUE(connections.back()->connected());
    }
    for (auto& connection : connections) {
        ASSERT_TRUE(connection->send(raw_request("GET", "/search?q=laptop+stand&page_size=10")));
    }
    int ok = 0;
    for (auto& connection : connections) {
        const auto response = connection->read_response();
        ok += response && response->status == 200 ? 1 : 0;
    }
    EXPECT_EQ(ok, 200);
    EXPECT_EQ(sim.calls(kProductQuery), 1);
}

TEST(Search, StaleResultIsServedWhenTheUpstreamFails) {
    SimProcess sim;
    ScoutProcess scout(with_sim(
        sim,
        {{"cache.ttl.search_s", "1"},
         {"cache.serve_stale_s", "600"},
         {"upstream.retry.max_attempts", "1"},
         {"upstream.breaker.min_calls", "1000"}}
    ));
    const json fresh = get_json(scout, "/search?q=usb&page_size=5");
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    sim.add_fault({{"kind", "http_503"}, {"rate", 1.0}});
    HttpResponse raw;
    const json stale = get_json(scout, "/search?q=usb&page_size=5", &raw);
    EXPECT_EQ(raw.header("x-cache"), "STALE");
    EXPECT_EQ(raw.header("cache-control"), "no-cache");
    EXPECT_EQ(stale, fresh);
}

// Walks a query by cursor; returns the pages' bodies (stops at a null cursor or `max_pages`).
std::vector<json> walk(const ScoutProcess& scout, const std::string& query, int max_pages) {
    std::vector<json> pages;
    std::string target = "/search?" + query;
    while (static_cast<int>(pages.size()) < max_pages) {
        pages.push_back(get_json(scout, target));
        const json& cursor = pages.back()["page"]["next_cursor"];
        if (!cursor.is_string()) {
            break;
        }
        target = "/search?" + query + "&cursor=" + cursor.get<std::string>();
    }
    return pages;
}

// Upstream pages hold 50 products, fewer after validation and de-duplication: a page that
// starts near the end of one must be filled from the next (pages were 20, 20, 9, 20, ...).
TEST(Search, CursorPagesAreFullAcrossUpstreamPageBoundaries) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    const std::vector<json> pages = walk(scout, "q=usb+cable&page_size=20&sort=price_asc", 8);
    ASSERT_EQ(pages.size(), 8U);
    std::set<std::string> seen;
    long previous_price = 0;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const json& page = pages[i];
        EXPECT_EQ(page["products"].size(), 20U) << "page " << i << ": " << page["meta"].dump();
        EXPECT_EQ(page["page"]["size"], 20);
        EXPECT_TRUE(page["meta"]["short_page_reason"].is_null()) << "page " << i;
        for (const json& p : page["products"]) {
            EXPECT_TRUE(seen.insert(p["product_id"].get<std::string>()).second)
                << "repeated " << p["product_id"] << " on page " << i;
            EXPECT_GE(cents(p["price"]), previous_price) << "price_asc holds across pages";
            previous_price = cents(p["price"]);
        }
    }
    EXPECT_GE(sim.calls(kProductQuery), 4) << "crossed several upstream pages";
}

TEST(Search, LastPageIsShortOnlyWhenTheResultsRunOutAndSaysSo) {
    SimProcess sim({"--max-page", "2"});  // the upstream has 2 pages of results, then nothing
    ScoutProcess scout(with_sim(sim));
    const std::vector<json> pages = walk(scout, "q=usb+cable&page_size=20&sort=price_asc", 20);
    ASSERT_GE(pages.size(), 4U);
    ASSERT_LT(pages.size(), 20U) << "the walk ends";
    std::set<std::string> seen;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const json& page = pages[i];
        const bool last = i + 1 == pages.size();
        if (!last) {
            EXPECT_EQ(page["products"].size(), 20U) << "page " << i;
            EXPECT_TRUE(page["meta"]["short_page_reason"].is_null());
        }
        for (const json& p : page["products"]) {
            EXPECT_TRUE(seen.insert(p["product_id"].get<std::string>()).second);
        }
    }
    EXPECT_LT(pages.back()["products"].size(), 20U);
    EXPECT_EQ(pages.back()["meta"]["short_page_reason"], "exhausted");
    EXPECT_TRUE(pages.back()["page"]["next_cursor"].is_null());
}

// B9: a request price is read with '.' as the decimal point in every currency.
TEST(Search, RequestPricesUseADecimalPointInEveryCurrency) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    const json eur = get_json(scout, "/search?q=usb&currency=EUR&min_price=1.500&page_size=5");
    EXPECT_EQ(eur["query"]["min_price"], "1.50");
    const json usd = get_json(scout, "/search?q=usb&currency=USD&min_price=1.500&page_size=5");
    EXPECT_EQ(usd["query"]["min_price"], "1.50");
    const auto yen = http_get(scout.port(), "/search?q=usb&currency=JPY&min_price=1.500");
    ASSERT_TRUE(yen);
    EXPECT_EQ(yen->status, 400);
    EXPECT_NE(
        json::parse(yen->body)["error"]["message"].get<std::string>().find("min_price"),
        std::string::npos
    );
}

// B10: 70 CJK characters are 210 bytes, well within the 200-character limit.
TEST(Search, QueryLimitCountsCharacters) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    std::string cjk;
    for (int i = 0; i < 70; ++i) {
        cjk += "%E6%89%8B";
    }
    const auto accepted = http_get(scout.port(), "/search?page_size=5&q=" + cjk);
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->status, 200) << accepted->body;
    std::string too_long;
    for (int i = 0; i < 201; ++i) {
        too_long += "%E6%89%8B";
    }
    const auto refused = http_get(scout.port(), "/search?q=" + too_long);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400);
}

std::optional<HttpResponse> smart_search(const ScoutProcess& scout, std::string_view body) {
    return http_request(
        scout.port(),
        "POST",
        "/api/products/smart-search",
        {{"Content-Type", "application/json"}},
        body
    );
}

// The JSON error message of a 400, or "" (with a failure) when the answer is something else.
std::string bad_request_message(const std::optional<HttpResponse>& response) {
    EXPECT_TRUE(response);
    if (!response) {
        return {};
    }
    EXPECT_EQ(response->status, 400) << response->body;
    const json body = json::parse(response->body, nullptr, false);
    EXPECT_EQ(body["error"]["code"], "invalid_parameter") << response->body;
    return body["error"]["message"].is_string() ? body["error"]["message"].get<std::string>() : "";
}

// B13: page_no obeys the depth where the cursor walk ends; the upstream is not asked.
TEST(Search, PageNoDeeperThanTheCursorWalkIs400NamingTheLimit) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    const std::string message = bad_request_message(
        smart_search(scout, R"({"keywords":"usb","page_no":1000,"page_size":50})")
    );
    EXPECT_NE(message.find("page_no must be at most 100 at page_size 50"), std::string::npos)
        << message;
    const auto deepest = smart_search(scout, R"({"keywords":"usb","page_no":100,"page_size":50})");
    ASSERT_TRUE(deepest);
    EXPECT_EQ(deepest->status, 200) << deepest->body;
    EXPECT_EQ(sim.calls(kProductQuery), 1) << "only the allowed page reached the upstream";
}

TEST(Search, MalformedBodiesAndUnknownNamesGetSpecificErrors) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    EXPECT_NE(
        bad_request_message(smart_search(scout, "{\"keywords\": \"usb\",\n \"page_size\": }"))
            .find("not valid JSON (byte 35): parse error at line 2, column 15"),
        std::string::npos
    );
    EXPECT_NE(
        bad_request_message(smart_search(scout, "")).find("unexpected end of input"),
        std::string::npos
    );
    EXPECT_NE(
        bad_request_message(smart_search(scout, "[\"usb\"]"))
            .find("must be a JSON object, got array"),
        std::string::npos
    );
    EXPECT_NE(
        bad_request_message(smart_search(scout, R"({"q":"usb","q":"cable"})"))
            .find("'q' is given more than once"),
        std::string::npos
    );
    EXPECT_NE(
        bad_request_message(smart_search(scout, R"({"keywords":"usb","pagesize":5})"))
            .find("unknown field 'pagesize' (did you mean page_size?)"),
        std::string::npos
    );
    EXPECT_NE(
        bad_request_message(http_get(scout.port(), "/search?q=usb&sortt=price_asc"))
            .find("unknown parameter 'sortt' (did you mean sort?)"),
        std::string::npos
    );
    EXPECT_EQ(sim.requests_total(), 0);
}

// A11: with --control-token, the sim's control API wants the token, even from loopback.
TEST(ScoutSim, ControlApiWantsTheTokenWhenOneIsSet) {
    SimProcess sim({"--control-token", "sesame"});
    const std::string fault = R"({"kind":"http_503"})";
    const Headers json_type = {{"Content-Type", "application/json"}};
    const auto refused = http_request(sim.port(), "POST", "/__sim/faults", json_type, fault);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403);
    EXPECT_EQ(json::parse(refused->body)["ok"], false);
    const auto wrong =
        http_request(sim.port(), "GET", "/__sim/faults", {{"X-Sim-Control-Token", "sesame2"}});
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 403);

    Headers with_token = json_type;
    with_token.emplace_back("X-Sim-Control-Token", "sesame");
    const auto listed = http_request(sim.port(), "GET", "/__sim/faults", with_token);
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->status, 200);
    EXPECT_TRUE(json::parse(listed->body)["faults"].empty()) << "the refused fault was not added";
    const auto added = http_request(sim.port(), "POST", "/__sim/faults", with_token, fault);
    ASSERT_TRUE(added);
    EXPECT_EQ(added->status, 200);
    const auto health = http_get(sim.port(), "/__sim/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
}

}  // namespace
}  // namespace scout::test
