// The outbound quota's Lua script against a real redis-server: step by step it must decide
// exactly as QuotaBucket (the C++ arithmetic the unit tests pin down) on the same clock, and
// RedisQuotaStore must load it by itself after Redis forgot it (EVALSHA -> NOSCRIPT -> EVAL),
// share bans, and keep the app key out of Redis' key space.
#include <scout/upstream/redis_quota.hpp>

#include "redis_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace scout::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using upstream::microseconds;
using upstream::QuotaDecision;
using upstream::QuotaLimits;

constexpr std::int64_t kNoon = 1'764'849'600'000'000;  // 2025-12-04 12:00 UTC, in us
constexpr std::int64_t kMs = 1'000;
constexpr std::int64_t kHour = 3'600'000'000;

cache::RedisReply to_redis_reply(const RespReply& resp) {
    cache::RedisReply reply;
    switch (resp.kind) {
        case RespReply::Kind::kInteger:
            reply.type = cache::RedisReply::Type::kInteger;
            reply.integer = resp.integer;
            break;
        case RespReply::Kind::kArray:
            reply.type = cache::RedisReply::Type::kArray;
            for (const RespReply& element : resp.elements) {
                reply.elements.push_back(to_redis_reply(element));
            }
            break;
        case RespReply::Kind::kError:
            reply.type = cache::RedisReply::Type::kError;
            reply.str = resp.text;
            break;
        default:
            reply.type = cache::RedisReply::Type::kString;
            reply.str = resp.text;
    }
    return reply;
}

struct Step {
    std::int64_t t_us;                // since kNoon
    std::optional<microseconds> ban;  // a ban instead of a reservation
    microseconds limit{0};
    bool queue_full = false;
};

class QuotaScriptTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (find_redis_server().empty()) {
            GTEST_SKIP() << "redis-server is not installed";
        }
        redis_ = std::make_unique<RedisServer>();
    }

    QuotaDecision eval(const std::vector<std::string>& args) {
        std::vector<std::string> command{"EVAL", std::string(upstream::quota_script()), "1", kKey};
        command.insert(command.end(), args.begin(), args.end());
        const auto reply = redis_->command(command, seconds(5));
        EXPECT_TRUE(reply) << "no reply";
        if (!reply) {
            return {};
        }
        const auto decision = upstream::parse_quota_reply(to_redis_reply(*reply));
        EXPECT_TRUE(decision) << reply->text;
        return decision ? *decision : QuotaDecision{};
    }

    static constexpr const char* kKey = "scout:quota:test";
    std::unique_ptr<RedisServer> redis_;
};

TEST_F(QuotaScriptTest, DecidesExactlyAsTheCppBucket) {
    config::QuotaConfig cfg;
    cfg.rate_per_s = 5;
    cfg.burst = 3;
    cfg.daily = 9;
    const QuotaLimits limits = upstream::quota_limits(cfg, 1);
    const std::vector<Step> steps = {
        {0, {}, microseconds(0)},                      // burst
        {0, {}, microseconds(0)},                      //
        {0, {}, microseconds(0)},                      //
        {0, {}, microseconds(0)},                      // empty: refused (deadline)
        {0, {}, milliseconds(150)},                    // slot in 200 ms: refused
        {0, {}, seconds(1)},                           // waits 200 ms
        {0, {}, microseconds(0), true},                // queue full, would wait: refused
        {300 * kMs, {}, seconds(1)},                   // waits for the next slot
        {5'000 * kMs, {}, microseconds(0)},            // refilled
        {5'000 * kMs, std::optional(seconds(3)), {}},  // a ban
        {5'500 * kMs, {}, seconds(1)},                 // banned past the limit
        {5'500 * kMs, {}, seconds(3)},                 // waits out the ban
        {5'600 * kMs, std::optional(seconds(1)), {}},  // a shorter ban keeps the longer
        {9'000 * kMs, {}, microseconds(0)},            //
        {9'000 * kMs, {}, seconds(10)},                //
        {9'000 * kMs, {}, seconds(10)},                //
        {9'000 * kMs, {}, seconds(10)},                //
        {9'000 * kMs, {}, seconds(10)},                // the day's budget (9) is spent
        {9'000 * kMs, {}, seconds(10)},                // refused: daily
        {4 * kHour, {}, microseconds(0)},              // 00:00 GMT+8: a new day
    };
    upstream::QuotaBucket bucket;
    std::set<upstream::QuotaVerdict> seen;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Step& step = steps[i];
        const std::int64_t now = kNoon + step.t_us;
        QuotaDecision expected;
        QuotaDecision actual;
        if (step.ban) {
            bucket.ban(now, *step.ban);
            expected.banned_for = bucket.banned_for(now);
            actual = eval(upstream::quota_ban_args(*step.ban, now));
        } else {
            const upstream::QuotaAsk ask{
                now, upstream::gmt8_day(now / 1000), step.limit, step.queue_full};
            expected = bucket.reserve(limits, ask, now);
            actual = eval(upstream::quota_reserve_args(limits, step.limit, step.queue_full, now));
        }
        SCOPED_TRACE("step " + std::to_string(i));
        seen.insert(expected.verdict);
        EXPECT_EQ(actual.verdict, expected.verdict);
        EXPECT_EQ(actual.wait, expected.wait);
        EXPECT_EQ(actual.banned_for, expected.banned_for);
        if (!step.ban) {
            EXPECT_EQ(actual.used_today, expected.used_today);
        }
    }
    EXPECT_EQ(seen.size(), upstream::kQuotaVerdicts) << "the steps must reach every verdict";
}

TEST_F(QuotaScriptTest, UsesRedisClockWhenNoTimeIsGiven) {
    config::QuotaConfig cfg;
    cfg.rate_per_s = 1;
    cfg.burst = 1;
    const QuotaLimits limits = upstream::quota_limits(cfg, 1);
    EXPECT_TRUE(eval(upstream::quota_reserve_args(limits, microseconds(0), false)).granted());
    const QuotaDecision second = eval(upstream::quota_reserve_args(limits, seconds(5), false));
    ASSERT_TRUE(second.granted());
    // About one interval (Redis' clock moved a little between the two calls).
    EXPECT_GT(second.wait, milliseconds(500));
    EXPECT_LE(second.wait, seconds(1));
}

// The store through the real client: it runs on an io_context driven by this thread.
TEST_F(QuotaScriptTest, StoreReloadsAForgottenScriptSharesBansAndHashesTheKey) {
    asio::io_context io;
    cache::RedisOptions options;
    options.url = redis_->url();
    options.command_timeout = milliseconds(2'000);
    cache::RedisClient client(io, options);
    client.start();
    cache::RedisStore store({&client});
    upstream::RedisQuotaStore quota(store, "my-app-key-123");

    const auto run = [&io](auto coroutine) {
        using Result = typename decltype(coroutine)::value_type;
        std::optional<Result> out;
        asio::co_spawn(io, std::move(coroutine), [&](const std::exception_ptr&, Result r) {
            out = std::move(r);
        });
        const auto deadline = std::chrono::steady_clock::now() + seconds(10);
        while (!out && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_one_for(milliseconds(10));
        }
        return out;
    };
    const auto connected = std::chrono::steady_clock::now() + seconds(10);
    while (!client.available() && std::chrono::steady_clock::now() < connected) {
        io.restart();
        io.run_one_for(milliseconds(10));
    }
    ASSERT_TRUE(client.available());

    config::QuotaConfig cfg;
    cfg.rate_per_s = 1;
    cfg.burst = 2;
    const QuotaLimits limits = upstream::quota_limits(cfg, 1);
    ASSERT_TRUE(redis_->command({"SCRIPT", "FLUSH"}));
    const auto first = run(quota.reserve(limits, microseconds(0), false));
    ASSERT_TRUE(first && *first) << (first ? first->error().message() : "no answer");
    EXPECT_TRUE((*first)->granted());
    const auto second = run(quota.reserve(limits, microseconds(0), false));  // EVALSHA now
    ASSERT_TRUE(second && *second);
    EXPECT_TRUE((*second)->granted());
    EXPECT_EQ((*second)->used_today, 2);

    const auto banned = run(quota.ban(seconds(30)));
    ASSERT_TRUE(banned && *banned);
    EXPECT_GT(**banned, seconds(29));
    const auto refused = run(quota.reserve(limits, seconds(5), false));
    ASSERT_TRUE(refused && *refused);
    EXPECT_EQ((*refused)->verdict, upstream::QuotaVerdict::kBanned);
    const auto left = run(quota.banned_for());
    ASSERT_TRUE(left && *left);
    EXPECT_GT(**left, seconds(29));

    const auto keys = redis_->command({"KEYS", "*"});
    ASSERT_TRUE(keys);
    ASSERT_EQ(keys->elements.size(), 1U);
    const std::string& key = keys->elements[0].text;
    EXPECT_EQ(key, "scout:" + upstream::quota_key("my-app-key-123"));
    EXPECT_EQ(key.find("my-app-key"), std::string::npos);
    client.stop();
}

}  // namespace
}  // namespace scout::test
