// Process-level tests of the search API: real scout + real scout-sim on loopback.
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <thread>

namespace scout::test {
namespace {

using nlohmann::json;

constexpr const char* kProductQuery = "aliexpress.affiliate.product.query";
constexpr const char* kLinkGenerate = "aliexpress.affiliate.link.generate";

ScoutProcess::Options with_sim(
    const SimProcess& sim, std::vector<std::pair<std::string, std::string>> extra = {}
) {
    ScoutProcess::Options options;
    options.settings = {
        {"upstream.gateway_url", sim.gateway_url()},
        {"upstream.app_key", kSimAppKey},
        {"upstream.app_secret", kSimAppSecret},
        {"upstream.tracking_id", "scout_test"},
        {"search.cursor_secret", "test-cursor-secret"},
    };
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

}  // namespace
}  // namespace scout::test
