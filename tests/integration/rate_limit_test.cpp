// Process-level tests of inbound rate limiting and client API keys: real scout and scout-sim on
// loopback; settings in development.json so that SIGHUP can change them.
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

namespace scout::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kOtherLoopback = "127.0.0.2";
const std::string kSearch = "/search?q=usb+cable&affiliate=false";
// sha256("s3cret-client-key-42") and sha256("another-client-key-7").
const std::string kKey = "s3cret-client-key-42";
const std::string kKeyEntry =
    "tester:cb7367e7ec53f4631cd221f4774fe12b8a15f982872901662bc4136577ab0eda:0.01:2";
const std::string kOtherEntry =
    "other:a18a91408704f630473f88e7e22d6531a9ba341b6b36cbac44f2d102280bd07e:1:5";

ScoutProcess::Options limited(const SimProcess& sim, const json& development) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings();
    options.development_json = development.dump();
    return options;
}

json limits(double rate, int burst, const json& proxies = json::array()) {
    return {
        {"rate_limit",
         {{"enabled", true},
          {"per_client", {{"rate_per_s", rate}, {"burst", burst}, {"per_minute", 0}}},
          {"trusted_proxies", proxies}}}};
}

std::optional<HttpResponse> get(
    ScoutProcess& scout, const std::string& target, const Headers& headers = {}
) {
    return http_get(scout.port(), target, headers);
}

int status(const std::optional<HttpResponse>& response) {
    return response ? response->status : -1;
}

// One request on a connection from 127.0.0.2: another client as far as scout can tell.
std::optional<HttpResponse> get_from_other_address(ScoutProcess& scout, const std::string& target) {
    HttpConnection connection(scout.port(), seconds(10), kOtherLoopback);
    if (!connection.connected() ||
        !connection.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) {
        return std::nullopt;
    }
    return connection.read_response();
}

void reload(ScoutProcess& scout, const json& development) {
    const auto before = scout.log_text().size();
    scout.dir().write("config/development.json", development.dump());
    scout.process().signal(SIGHUP);
    ASSERT_TRUE(eventually(seconds(10), [&] {
        return scout.log_text().find("configuration reloaded", before) != std::string::npos;
    })) << scout.log_text();
}

TEST(RateLimit, ABurstOverTheLimitGets429WithHeadersThenIsServedAfterRetryAfter) {
    SimProcess sim;
    ScoutProcess scout(limited(sim, limits(1.0, 3)));
    for (int i = 0; i < 3; ++i) {
        const auto ok = get(scout, kSearch);
        ASSERT_EQ(status(ok), 200) << (ok ? ok->body : "");
        EXPECT_EQ(ok->header("ratelimit-limit"), "3");
        EXPECT_FALSE(ok->header("ratelimit-remaining").empty());
        EXPECT_FALSE(ok->header("ratelimit-reset").empty());
    }
    auto rejected = get(scout, kSearch);
    for (int i = 0; i < 5 && status(rejected) == 200; ++i) {  // a slow machine refilled one
        rejected = get(scout, kSearch);
    }
    ASSERT_EQ(status(rejected), 429);
    EXPECT_EQ(rejected->header("ratelimit-limit"), "3");
    EXPECT_EQ(rejected->header("ratelimit-remaining"), "0");
    EXPECT_FALSE(rejected->header("ratelimit-reset").empty());
    const int retry_after = std::stoi(rejected->header("retry-after"));
    EXPECT_GE(retry_after, 1);
    const json body = json::parse(rejected->body);
    EXPECT_EQ(body["error"]["code"], "rate_limited");
    EXPECT_FALSE(body["error"]["request_id"].get<std::string>().empty());

    // A second client (another source address) is unaffected; probes are never limited.
    EXPECT_EQ(status(get_from_other_address(scout, kSearch)), 200);
    for (int i = 0; i < 10; ++i) {
        const auto health = get(scout, "/health");
        EXPECT_EQ(status(health), 200);
        EXPECT_TRUE(health && health->header("ratelimit-limit").empty());
    }

    std::this_thread::sleep_for(seconds(retry_after));
    EXPECT_EQ(status(get(scout, kSearch)), 200);
}

TEST(RateLimit, ATrustedProxysForwardedForIsHonouredAndAnUntrustedOnesIgnored) {
    SimProcess sim;
    ScoutProcess trusted(limited(sim, limits(0.01, 2, {"127.0.0.1/32", "::1"})));
    const Headers alice{{"X-Forwarded-For", "203.0.113.9, 198.51.100.1"}};
    const Headers bob{{"X-Forwarded-For", "198.51.100.2"}};
    EXPECT_EQ(status(get(trusted, kSearch, alice)), 200);
    EXPECT_EQ(status(get(trusted, kSearch, alice)), 200);
    EXPECT_EQ(status(get(trusted, kSearch, alice)), 429);
    EXPECT_EQ(status(get(trusted, kSearch, bob)), 200);  // another client behind the proxy

    ScoutProcess untrusted(limited(sim, limits(0.01, 2, {"10.0.0.0/8"})));
    EXPECT_EQ(status(get(untrusted, kSearch, alice)), 200);
    EXPECT_EQ(status(get(untrusted, kSearch, bob)), 200);
    // Inventing a third hop does not make 127.0.0.1 a new client.
    EXPECT_EQ(status(get(untrusted, kSearch, {{"X-Forwarded-For", "198.51.100.3"}})), 429);
}

TEST(RateLimit, ARateChangeBySighupTakesEffectWithoutDroppingAConnection) {
    SimProcess sim;
    ScoutProcess scout(limited(sim, limits(0.01, 2)));
    HttpConnection connection(scout.port());
    const std::string request = "GET " + kSearch + " HTTP/1.1\r\nHost: x\r\n\r\n";
    std::vector<int> statuses;
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(connection.send(request));
        const auto response = connection.read_response();
        ASSERT_TRUE(response);
        statuses.push_back(response->status);
    }
    EXPECT_EQ(statuses, (std::vector<int>{200, 200, 429}));

    reload(scout, limits(0.01, 50));
    ASSERT_TRUE(connection.send(request));  // the same keep-alive connection
    const auto after = connection.read_response();
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200);
    EXPECT_EQ(after->header("ratelimit-limit"), "50");
}

TEST(RateLimit, AFloodOverTheLimitKeepsItsConnectionsAndLeavesAnotherClientServedAndADrainPrompt) {
    // Connections answered 429 wait their turn behind other clients' requests (YieldQueue):
    // they must still be answered, stay open, and not hold up a drain.
    SimProcess sim;
    json settings = limits(0.01, 1);
    // sha256("flood-test-good-key"): a client with a limit it never reaches.
    settings["auth"]["api_keys"] = {
        "good:f153210ae6fcc49853ebea1923ef6e4fbb51d4c713ea5c0488df6ac34316c0ca:1000:1000"};
    ScoutProcess scout(limited(sim, settings));
    ASSERT_EQ(status(get(scout, kSearch)), 200);  // the flood's one token, and a cached page
    constexpr int kFlooders = 8;
    std::atomic<bool> stop{false};
    std::atomic<int> rejected{0};
    std::atomic<int> unexpected{0};
    std::vector<std::thread> flood;
    for (int i = 0; i < kFlooders; ++i) {
        flood.emplace_back([&] {
            HttpConnection connection(scout.port());
            const std::string request = "GET " + kSearch + " HTTP/1.1\r\nHost: x\r\n\r\n";
            while (!stop) {
                if (!connection.send(request)) {
                    ++unexpected;
                    return;
                }
                const auto response = connection.read_response();
                if (!response) {
                    ++unexpected;
                    return;
                }
                (response->status == 429 ? rejected : unexpected) += 1;
            }
        });
    }
    ASSERT_TRUE(eventually(seconds(20), [&] { return rejected > 200; }));
    for (int i = 0; i < 20; ++i) {  // another client, on its own connections, meanwhile
        EXPECT_EQ(status(get(scout, kSearch, {{"X-API-Key", "flood-test-good-key"}})), 200);
    }
    EXPECT_EQ(unexpected, 0);

    // SIGTERM while the flood goes on: in-flight 429s are answered, the connections closed,
    // and the process exits well within its drain grace.
    scout.process().signal(SIGTERM);
    const auto exited = scout.process().wait_for(seconds(15));
    stop = true;
    for (auto& thread : flood) {
        thread.join();
    }
    ASSERT_TRUE(exited.has_value()) << scout.log_text();
    EXPECT_EQ(*exited, 0) << scout.log_text();
}

TEST(ApiKeys, NoneAndWrongGet401TheRightOneItsOwnLimitAndARevokedOne401) {
    SimProcess sim;
    json development = limits(5.0, 100);
    development["auth"] = {{"required", true}, {"api_keys", {kKeyEntry, kOtherEntry}}};
    ScoutProcess scout(limited(sim, development));

    const auto none = get(scout, kSearch);
    ASSERT_EQ(status(none), 401);
    EXPECT_EQ(none->header("www-authenticate"), R"(ApiKey realm="scout")");
    EXPECT_EQ(json::parse(none->body)["error"]["code"], "unauthorized");
    EXPECT_EQ(status(get(scout, kSearch, {{"X-API-Key", "not-" + kKey}})), 401);
    EXPECT_EQ(status(get(scout, "/health")), 200);  // probes need no key

    const Headers key{{"X-API-Key", kKey}};
    const auto ok = get(scout, kSearch, key);
    ASSERT_EQ(status(ok), 200);
    EXPECT_EQ(ok->header("ratelimit-limit"), "2");  // the key's burst, not the clients' 100
    EXPECT_EQ(status(get(scout, kSearch, key)), 200);
    EXPECT_EQ(status(get(scout, kSearch, key)), 429);
    EXPECT_EQ(status(get(scout, kSearch, {{"X-API-Key", "another-client-key-7"}})), 200);

    // The access log names the key by its id and never carries the key.
    ASSERT_TRUE(eventually(seconds(5), [&] {
        return scout.log_text().find(R"("api_key":"tester")") != std::string::npos;
    })) << scout.log_text();
    EXPECT_EQ(scout.log_text().find(kKey), std::string::npos);

    development["auth"]["api_keys"] = {kOtherEntry};
    reload(scout, development);
    EXPECT_EQ(status(get(scout, kSearch, key)), 401);
}

}  // namespace
}  // namespace scout::test
