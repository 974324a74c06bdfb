#include <scout/config/config.hpp>
#include <scout/http/response.hpp>
#include <scout/middleware/api_key.hpp>
#include <scout/middleware/rate_limit.hpp>
#include <scout/middleware/request_id.hpp>

#include "support/manual_clock.hpp"
#include "support/run_co.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace scout::middleware {
namespace {

awaitable<http::Response> ok(http::RequestContext& ctx) {
    co_return http::json_response(http::Status::ok, "{}", ctx.request.version());
}

// sha256("test").
constexpr std::string_view kTestKey =
    "tester:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08:1:3";

class RateLimitTest : public ::testing::Test {
protected:
    RateLimitTest() {
        config_.rate_limit.enabled = true;
        config_.rate_limit.per_client = {1.0, 2, 0};
        config_.rate_limit.trusted_proxies = {"10.0.0.0/8"};
        config_.auth.api_keys = {std::string(kTestKey)};
        keys_ = std::make_unique<ApiKeyState>(config_, registry_);
        state_ = std::make_unique<RateLimitState>(config_, registry_, clock_);
        http::Router router;
        router.add(http::Verb::get, "/search", "search", ok);
        router.add(http::Verb::get, "/health", "health", ok, http::RouteOptions{.exempt = true});
        router.add(http::Verb::get, "/admin/x", "admin_x", ok, http::RouteOptions{.admin = true});
        pipeline_ = std::make_unique<http::Pipeline>(std::move(router));
        pipeline_->use(RequestId{});
        pipeline_->use(ApiKeyAuth(*keys_));
        pipeline_->use(RateLimit(*state_, *keys_));
    }

    http::Response get(
        std::string_view target,
        std::string_view peer = "192.0.2.1:4000",
        std::string_view forwarded_for = {},
        std::string_view api_key = {}
    ) {
        asio::io_context io;
        http::RequestContext ctx;
        ctx.request.method(http::Verb::get);
        ctx.request.target(target);
        ctx.client_address = peer;
        if (!forwarded_for.empty()) {
            ctx.request.set("X-Forwarded-For", forwarded_for);
        }
        if (!api_key.empty()) {
            ctx.request.set("X-API-Key", api_key);
        }
        return test::run_co(io, pipeline_->handle(ctx));
    }

    void reload() {
        keys_->reload(config_);
        state_->reload(config_);
    }

    std::uint64_t limited(const std::string& reason) {
        return registry_.counter("scout_rate_limit_limited_total", "", {"reason"})
            .with({reason})
            .value();
    }

    config::Config config_;
    monitoring::Registry registry_;
    test::ManualClock clock_;
    std::unique_ptr<ApiKeyState> keys_;
    std::unique_ptr<RateLimitState> state_;
    std::unique_ptr<http::Pipeline> pipeline_;
};

TEST_F(RateLimitTest, BurstThen429WithHeadersThenServedAgain) {
    auto first = get("/search");
    EXPECT_EQ(first.result(), http::Status::ok);
    EXPECT_EQ(first["RateLimit-Limit"], "2");
    EXPECT_EQ(first["RateLimit-Remaining"], "1");
    EXPECT_EQ(first["RateLimit-Reset"], "1");
    EXPECT_EQ(get("/search")["RateLimit-Remaining"], "0");
    clock_.advance(std::chrono::milliseconds(300));
    const auto limited = get("/search");
    EXPECT_EQ(limited.result(), http::Status::too_many_requests);
    EXPECT_EQ(limited["Retry-After"], "1");  // 0.7 s, rounded up
    EXPECT_EQ(limited["RateLimit-Limit"], "2");
    EXPECT_EQ(limited["RateLimit-Remaining"], "0");
    EXPECT_EQ(limited["RateLimit-Reset"], "2");  // 1.7 s until full
    const auto body = nlohmann::json::parse(limited.body().view());
    EXPECT_EQ(body["error"]["code"], "rate_limited");
    EXPECT_FALSE(body["error"]["request_id"].get<std::string>().empty());
    EXPECT_EQ(this->limited("client"), 1U);

    clock_.advance(std::chrono::milliseconds(700));  // Retry-After has passed
    EXPECT_EQ(get("/search").result(), http::Status::ok);
}

TEST_F(RateLimitTest, ASecondClientIsUnaffected) {
    get("/search");
    get("/search");
    EXPECT_EQ(get("/search").result(), http::Status::too_many_requests);
    EXPECT_EQ(get("/search", "192.0.2.2:4000").result(), http::Status::ok);
    EXPECT_EQ(get("/search", "[2001:db8::1]:4000").result(), http::Status::ok);
}

TEST_F(RateLimitTest, HealthAndAdminRoutesAreExempt) {
    for (int i = 0; i < 10; ++i) {
        const auto health = get("/health");
        EXPECT_EQ(health.result(), http::Status::ok);
        EXPECT_EQ(health.count("RateLimit-Limit"), 0U);
        EXPECT_NE(get("/admin/x").result(), http::Status::too_many_requests);
    }
    EXPECT_EQ(get("/search")["RateLimit-Remaining"], "1");
}

TEST_F(RateLimitTest, UnknownPathsAreLimitedToo) {
    get("/nope");
    get("/nope");
    EXPECT_EQ(get("/nope").result(), http::Status::too_many_requests);
}

TEST_F(RateLimitTest, ForwardedForCountsOnlyFromATrustedProxy) {
    // Two clients behind the trusted proxy 10.0.0.1: their own buckets.
    get("/search", "10.0.0.1:1", "198.51.100.1");
    get("/search", "10.0.0.1:1", "198.51.100.1");
    EXPECT_EQ(
        get("/search", "10.0.0.1:1", "198.51.100.1").result(), http::Status::too_many_requests
    );
    EXPECT_EQ(get("/search", "10.0.0.1:1", "198.51.100.2").result(), http::Status::ok);
    // An untrusted peer cannot escape its bucket by inventing hops.
    get("/search", "203.0.113.1:1", "198.51.100.3");
    get("/search", "203.0.113.1:1", "198.51.100.4");
    EXPECT_EQ(
        get("/search", "203.0.113.1:1", "198.51.100.5").result(), http::Status::too_many_requests
    );
}

TEST_F(RateLimitTest, ReloadChangesTheRateAndSwitchesOff) {
    get("/search");
    get("/search");
    EXPECT_EQ(get("/search").result(), http::Status::too_many_requests);
    config_.rate_limit.per_client.burst = 5;
    reload();
    EXPECT_EQ(get("/search").result(), http::Status::ok);  // the bigger bucket has room
    EXPECT_EQ(get("/search")["RateLimit-Limit"], "5");
    config_.rate_limit.enabled = false;
    reload();
    for (int i = 0; i < 10; ++i) {
        const auto response = get("/search");
        EXPECT_EQ(response.result(), http::Status::ok);
        EXPECT_EQ(response.count("RateLimit-Limit"), 0U);
    }
}

TEST_F(RateLimitTest, GlobalBucketLimitsAllClientsTogether) {
    config_.rate_limit.global = {1.0, 3};
    reload();
    get("/search", "192.0.2.1:1");
    get("/search", "192.0.2.2:1");
    get("/search", "192.0.2.3:1");
    const auto limited = get("/search", "192.0.2.4:1");
    EXPECT_EQ(limited.result(), http::Status::too_many_requests);
    EXPECT_EQ(limited["Retry-After"], "1");
    EXPECT_EQ(this->limited("global"), 1U);
}

TEST_F(RateLimitTest, AnApiKeyHasItsOwnLimit) {
    // The key's burst is 3, the anonymous one 2; all from one address.
    for (int i = 0; i < 3; ++i) {
        const auto response = get("/search", "192.0.2.1:4000", {}, "test");
        EXPECT_EQ(response.result(), http::Status::ok);
        EXPECT_EQ(response["RateLimit-Limit"], "3");
    }
    EXPECT_EQ(
        get("/search", "192.0.2.1:4000", {}, "test").result(), http::Status::too_many_requests
    );
    EXPECT_EQ(get("/search").result(), http::Status::ok);  // the address's bucket is untouched
}

TEST_F(RateLimitTest, RequiredKeysAnswer401AndRevokingTakesEffectOnReload) {
    config_.auth.required = true;
    reload();
    const auto none = get("/search");
    EXPECT_EQ(none.result(), http::Status::unauthorized);
    EXPECT_EQ(none[boost::beast::http::field::www_authenticate], R"(ApiKey realm="scout")");
    EXPECT_EQ(nlohmann::json::parse(none.body().view())["error"]["code"], "unauthorized");
    EXPECT_EQ(get("/search", "192.0.2.1:4000", {}, "wrong").result(), http::Status::unauthorized);
    EXPECT_EQ(get("/search", "192.0.2.1:4000", {}, "test").result(), http::Status::ok);
    EXPECT_EQ(get("/health").result(), http::Status::ok);  // probes need no key

    config_.auth.api_keys = {"someone:" + std::string(64, 'a') + ":1:1"};
    reload();
    EXPECT_EQ(get("/search", "192.0.2.1:4000", {}, "test").result(), http::Status::unauthorized);
}

}  // namespace
}  // namespace scout::middleware
