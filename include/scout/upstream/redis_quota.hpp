// The outbound quota's shared bucket in Redis: one hash per app key (the key holds a hash of
// the app key, never the key or the secret) updated by one atomic Lua script per call, on
// Redis' own clock (TIME), so instances with skewed clocks still share one pace. The script
// is sent with EVALSHA and, when Redis does not know it yet (NOSCRIPT), with EVAL.
// docs/operations.md ("The outbound quota's Lua script") walks through it. Thread-safe: each
// call goes to the calling worker's Redis connection.
#pragma once

#include <scout/cache/redis_client.hpp>
#include <scout/upstream/quota.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scout::upstream {

// The script's text and the ARGV of its two operations (KEYS[1] is the bucket): "reserve"
// (QuotaBucket::reserve) and "ban" (QuotaBucket::ban; a ban of 0 only reads what is left of
// the ban in force). `now_us` replaces Redis' clock: for tests of the arithmetic only.
std::string_view quota_script();
std::vector<std::string> quota_reserve_args(
    const QuotaLimits& limits,
    microseconds limit,
    bool queue_full,
    std::optional<std::int64_t> now_us = std::nullopt
);
std::vector<std::string> quota_ban_args(
    microseconds ban, std::optional<std::int64_t> now_us = std::nullopt
);
// The script's reply {verdict, wait_us, used_today, banned_for_us} as a decision.
boost::system::result<QuotaDecision> parse_quota_reply(const cache::RedisReply& reply);
// "quota:" + the first 32 hex digits of SHA-256(app key): the bucket's key before the prefix.
std::string quota_key(std::string_view app_key);

class RedisQuotaStore final : public SharedQuotaStore {
public:
    // `redis` must outlive the store.
    RedisQuotaStore(cache::RedisStore& redis, std::string_view app_key);

    [[nodiscard]] bool available() const override;
    awaitable<boost::system::result<QuotaDecision>> reserve(
        QuotaLimits limits, microseconds limit, bool queue_full
    ) override;
    awaitable<boost::system::result<microseconds>> ban(microseconds ban) override;
    awaitable<boost::system::result<microseconds>> banned_for() override;

private:
    awaitable<boost::system::result<QuotaDecision>> run(std::vector<std::string> args);

    cache::RedisStore& redis_;
    std::string key_;  // without the client's key prefix
    std::string sha_;  // SHA-1 of the script, for EVALSHA
};

}  // namespace scout::upstream
