// Process-level tests of the upstream client: real scout talking to a real scout-sim over
// loopback HTTP, with the simulator's fault injection.
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <set>
#include <thread>

namespace scout::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kProductQuery = "aliexpress.affiliate.product.query";
constexpr const char* kLinkGenerate = "aliexpress.affiliate.link.generate";

using Settings = SimProcess::Settings;

Settings upstream_settings(const SimProcess& sim, Settings extra = {}) {
    // These tests are about the client: every search must reach the upstream.
    Settings settings = sim.scout_settings({{"cache.ttl.search_s", "0"}});
    settings.insert(settings.end(), extra.begin(), extra.end());
    return settings;
}

std::optional<HttpResponse> search(const ScoutProcess& scout, const std::string& q) {
    return http_get(scout.port(), "/search?q=" + q);
}

TEST(Upstream, SignedQuerySucceedsAndProductsParse) {
    SimProcess sim;
    ScoutProcess scout({.settings = upstream_settings(sim)});
    const auto response = search(scout, "usb+cable");
    ASSERT_TRUE(response);
    ASSERT_EQ(response->status, 200) << response->body;
    const json body = json::parse(response->body);
    ASSERT_FALSE(body["products"].empty());
    for (const json& product : body["products"]) {
        EXPECT_FALSE(product["product_id"].get<std::string>().empty());
        EXPECT_NE(product["product_id"], "0");
        EXPECT_TRUE(product["title"].is_string());
    }
    EXPECT_GT(body["page"]["total_estimate"].get<long>(), 0);
    EXPECT_EQ(sim.calls(kProductQuery), 1);
    EXPECT_EQ(sim.stats()["signature_failures"], 0);
}

TEST(Upstream, Md5SigningIsAcceptedToo) {
    SimProcess sim;
    ScoutProcess scout({.settings = upstream_settings(sim, {{"upstream.sign_method", "md5"}})});
    const auto response = search(scout, "phone+case");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200) << response->body;
    EXPECT_EQ(sim.stats()["signature_failures"], 0);
}

TEST(Upstream, WrongSecretIsPermanentAfterExactlyOneCall) {
    SimProcess sim;
    ScoutProcess scout(
        {.settings = upstream_settings(sim, {{"upstream.app_secret", "not-the-secret"}})}
    );
    const auto response = search(scout, "usb");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 502) << response->body;
    EXPECT_EQ(json::parse(response->body)["error"]["code"], "upstream_error");
    const json stats = sim.stats();
    EXPECT_EQ(stats["requests_total"], 1) << stats.dump();
    EXPECT_EQ(stats["signature_failures"], 1) << stats.dump();
    // Logged once, with context and without the secret.
    EXPECT_TRUE(eventually(seconds(5), [&] {
        return scout.log_text().find("upstream call failed") != std::string::npos;
    }));
    const std::string logs = scout.log_text();
    EXPECT_EQ(logs.find("not-the-secret"), std::string::npos);
    EXPECT_NE(logs.find("IncompleteSignature"), std::string::npos) << logs;
}

TEST(Upstream, TransientFaultsAreRetriedSo200SearchesAllSucceed) {
    SimProcess sim;
    // Up to 8 attempts with short backoff: at a 30 % fault rate the chance that one search
    // sees 8 faults in a row is 0.3^8 = 7e-5. The breaker threshold is above the fault rate.
    ScoutProcess scout(
        {.settings = upstream_settings(
             sim,
             {{"upstream.retry.max_attempts", "8"},
              {"upstream.retry.base_delay_ms", "2"},
              {"upstream.retry.max_delay_ms", "20"},
              {"upstream.breaker.failure_ratio", "0.9"},
              {"upstream.request_timeout_ms", "10000"}}
         )}
    );
    sim.add_fault({{"kind", "http_503"}, {"rate", 0.3}});
    int ok = 0;
    for (int i = 0; i < 200; ++i) {
        const auto response = search(scout, "usb");
        ASSERT_TRUE(response);
        ok += response->status == 200 ? 1 : 0;
        EXPECT_EQ(response->status, 200) << response->body;
    }
    EXPECT_EQ(ok, 200);
    const json stats = sim.stats();
    EXPECT_GT(stats["faults_injected"]["http_503"].get<long>(), 20) << stats.dump();
}

TEST(Upstream, RateLimitedCallWaitsTheBanAndSucceeds) {
    SimProcess sim;
    ScoutProcess scout(
        {.settings = upstream_settings(sim, {{"upstream.request_timeout_ms", "5000"}})}
    );
    sim.add_fault({{"kind", "rate_limit"}, {"rate", 1.0}, {"count", 1}, {"ban_seconds", 1}});
    const auto started = std::chrono::steady_clock::now();
    const auto response = search(scout, "usb");
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200) << response->body;
    EXPECT_GE(elapsed, milliseconds(950));
    EXPECT_EQ(sim.stats()["faults_injected"]["rate_limit"], 1);
    EXPECT_EQ(sim.calls(kProductQuery), 2);  // the banned attempt and the one after the ban
}

TEST(Upstream, RateLimitLongerThanTheDeadlineFailsFastWith503) {
    SimProcess sim;
    ScoutProcess scout(
        {.settings = upstream_settings(sim, {{"upstream.request_timeout_ms", "2000"}})}
    );
    sim.add_fault({{"kind", "rate_limit"}, {"rate", 1.0}, {"ban_seconds", 30}});
    const auto started = std::chrono::steady_clock::now();
    const auto response = search(scout, "usb");
    ASSERT_TRUE(response);
    EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(1));
    EXPECT_EQ(response->status, 503) << response->body;
    EXPECT_GE(std::stoi(response->header("retry-after")), 1);
    // The breaker was told: the next search does not reach the simulator at all.
    const long before = sim.requests_total();
    const auto again = search(scout, "usb");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 503);
    EXPECT_EQ(sim.requests_total(), before);
}

TEST(Upstream, TimeoutEndsTheCallAtItsDeadline) {
    SimProcess sim;
    ScoutProcess scout(
        {.settings = upstream_settings(
             sim, {{"upstream.request_timeout_ms", "800"}, {"upstream.attempt_timeout_ms", "300"}}
         )}
    );
    sim.add_fault({{"kind", "timeout"}, {"rate", 1.0}});
    const auto started = std::chrono::steady_clock::now();
    const auto response = search(scout, "usb");
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 504) << response->body;
    EXPECT_GE(elapsed, milliseconds(550));
    EXPECT_LT(elapsed, milliseconds(2000));
}

TEST(Upstream, ResetsHtmlErrorsAndTruncatedJsonAreRetried) {
    SimProcess sim;
    ScoutProcess scout(
        {.settings = upstream_settings(
             sim,
             // Eight faults in a row would open a breaker with the default
             // window; this test is about retries, so keep it closed.
             {{"upstream.retry.max_attempts", "4"},
              {"upstream.retry.base_delay_ms", "5"},
              {"upstream.breaker.min_calls", "1000"}}
         )}
    );
    for (const char* kind : {"reset", "http_502_html", "truncated_json", "isp_error"}) {
        sim.reset();
        sim.add_fault({{"kind", kind}, {"rate", 1.0}, {"count", 2}});
        const auto response = search(scout, "usb");
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 200) << kind << ": " << response->body;
        EXPECT_EQ(sim.stats()["faults_injected"][kind], 2) << kind;
    }
}

TEST(Upstream, BreakerOpensRejectsWithoutCallingThenClosesAfterRecovery) {
    SimProcess sim;
    ScoutProcess scout(
        {.settings = upstream_settings(
             sim,
             {{"upstream.retry.max_attempts", "1"},
              {"upstream.breaker.min_calls", "5"},
              {"upstream.breaker.failure_ratio", "0.5"},
              {"upstream.breaker.open_ms", "1000"},
              {"upstream.breaker.half_open_max_calls", "1"}}
         )}
    );
    sim.add_fault({{"kind", "http_503"}, {"rate", 1.0}});
    for (int i = 0; i < 5; ++i) {
        const auto response = search(scout, "usb");
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 502);
    }
    const long reached = sim.requests_total();
    EXPECT_EQ(reached, 5);
    for (int i = 0; i < 10; ++i) {
        const auto response = search(scout, "usb");
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 503) << response->body;
        EXPECT_FALSE(response->header("retry-after").empty());
    }
    EXPECT_EQ(sim.requests_total(), reached) << "an open breaker must not call the upstream";

    sim.clear_faults();
    std::this_thread::sleep_for(milliseconds(1100));
    const auto trial = search(scout, "usb");
    ASSERT_TRUE(trial);
    EXPECT_EQ(trial->status, 200) << trial->body;
    for (int i = 0; i < 5; ++i) {
        const auto response = search(scout, "usb");
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 200);
    }
    EXPECT_NE(scout.log_text().find("circuit breaker changed state"), std::string::npos);
}

TEST(Upstream, SearchValidatesItsParameters) {
    SimProcess sim;
    ScoutProcess scout({.settings = upstream_settings(sim)});
    for (const char* target :
         {"/search",
          "/search?q=",
          "/search?q=%20%20",
          "/search?q=usb&page_size=0",
          "/search?q=usb&bogus=1"}) {
        const auto response = http_get(scout.port(), target);
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 400) << target;
        EXPECT_EQ(json::parse(response->body)["error"]["code"], "invalid_parameter") << target;
    }
    EXPECT_EQ(sim.requests_total(), 0);
}

// Six different searches whose every page needs generated links (the sim leaves them out).
void expect_searches_answer_without_links(const ScoutProcess& scout) {
    for (const char* q :
         {"usb+cable", "phone+case", "power+bank", "smart+watch", "laptop+stand", "earphones"}) {
        const auto response =
            http_get(scout.port(), std::string("/search?q=") + q + "&page_size=50");
        ASSERT_TRUE(response) << q;
        ASSERT_EQ(response->status, 200) << q << ": " << response->body;
        EXPECT_EQ(json::parse(response->body)["meta"]["affiliate_links"], "unavailable") << q;
    }
}

// B1: link.generate failing opens link.generate's breaker, never product.query's.
TEST(Upstream, FailingLinkGenerationNeverStopsProductSearch) {
    SimProcess sim({"--quirk", "missing_promotion_link=1"});
    ScoutProcess scout({.settings = upstream_settings(sim)});
    sim.add_fault({{"kind", "link_generate_fail"}});
    expect_searches_answer_without_links(scout);
    // At least one query per search (a page short of 50 after validation is filled from the
    // next upstream page).
    EXPECT_GE(sim.calls(kProductQuery), 6);
    // The failures opened link.generate's breaker (logged with its method), and only that one.
    std::set<std::string> opened;
    for (const std::string& line : scout.log_lines()) {
        const json event = json::parse(line);
        if (event["msg"] == "upstream circuit breaker changed state" && event["to"] == "open") {
            opened.insert(event["method"].get<std::string>());
        }
    }
    EXPECT_EQ(opened, std::set<std::string>{kLinkGenerate});
}

// B1, ban variant: a ban on link.generate is link.generate's alone.
TEST(Upstream, BannedLinkGenerationNeverStopsProductSearch) {
    SimProcess sim({"--quirk", "missing_promotion_link=1"});
    ScoutProcess scout({.settings = upstream_settings(sim)});
    sim.add_fault(
        {{"kind", "rate_limit"}, {"method", kLinkGenerate}, {"ban_seconds", 60}, {"count", 1}}
    );
    expect_searches_answer_without_links(scout);
    // At least one query per search (a page short of 50 after validation is filled from the
    // next upstream page).
    EXPECT_GE(sim.calls(kProductQuery), 6);
}

// An advertised ban of a day is trusted only for upstream.max_ban_s; then the breaker probes.
TEST(Upstream, AdvertisedBanIsCappedByMaxBanThenProbed) {
    SimProcess sim;
    ScoutProcess scout(
        {.settings = upstream_settings(
             sim,
             {{"upstream.max_ban_s", "1"},
              {"upstream.request_timeout_ms", "500"},
              {"upstream.attempt_timeout_ms", "400"}}
         )}
    );
    sim.add_fault({{"kind", "rate_limit"}, {"ban_seconds", 86'400}, {"count", 1}});
    const auto banned = search(scout, "usb");
    ASSERT_TRUE(banned);
    EXPECT_EQ(banned->status, 503) << banned->body;
    EXPECT_EQ(banned->header("retry-after"), "1");
    std::optional<HttpResponse> probed;
    EXPECT_TRUE(eventually(seconds(20), [&] {
        probed = search(scout, "usb");
        return probed && probed->status == 200;
    })) << (probed ? probed->body : "no answer");
}

// B5: breaker settings are reloadable. With min_calls raised to 1000 by SIGHUP, 18 failed
// attempts do not open the breaker: the searches fail as 502, never as 503.
TEST(Upstream, BreakerSettingsTakeEffectOnReload) {
    SimProcess sim;
    ScoutProcess scout({.settings = upstream_settings(sim, {{"upstream.retry.base_delay_ms", "5"}})}
    );
    scout.dir().write("config/development.json", R"({"upstream":{"breaker":{"min_calls":1000}}})");
    scout.process().signal(SIGHUP);
    ASSERT_TRUE(eventually(seconds(5), [&] {
        return scout.log_text().find("configuration reloaded") != std::string::npos;
    }));
    sim.add_fault({{"kind", "http_503"}});
    for (const char* q : {"a1", "b2", "c3", "d4", "e5", "f6"}) {
        const auto response = search(scout, q);
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 502) << q << ": " << response->body;
    }
    EXPECT_EQ(scout.log_text().find("circuit breaker changed state"), std::string::npos);
}

// B6: the sim reads price filters as hundredths of the target currency, also for JPY.
TEST(Upstream, PriceFilterInAZeroDecimalCurrencyFindsProducts) {
    SimProcess sim;
    ScoutProcess scout({.settings = upstream_settings(sim)});
    const auto response =
        http_get(scout.port(), "/search?q=usb+cable&currency=JPY&max_price=1000&page_size=50");
    ASSERT_TRUE(response);
    ASSERT_EQ(response->status, 200) << response->body;
    const json body = json::parse(response->body);
    ASSERT_FALSE(body["products"].empty()) << body.dump();
    for (const json& product : body["products"]) {
        const std::string amount = product["price"]["amount"];
        EXPECT_LE(std::stod(amount), 1000.0) << product.dump();
    }
}

// B12: a target currency the request side does not know is a configuration error.
TEST(Upstream, UnknownTargetCurrencyFailsTheConfigCheck) {
    const RunResult result = run_scout({"--check-config", "--set", "upstream.target_currency=XYZ"});
    EXPECT_EQ(result.status, 78) << result.err;
    EXPECT_NE(result.err.find("upstream.target_currency"), std::string::npos) << result.err;
    EXPECT_EQ(run_scout({"--check-config", "--set", "upstream.target_currency=JPY"}).status, 0);
}

}  // namespace
}  // namespace scout::test
