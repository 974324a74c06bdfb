#include <scout/upstream/redis_quota.hpp>
#include <scout/upstream/signer.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace scout::upstream {
namespace {

using boost::system::result;
using cache::RedisReply;

// QuotaBucket::reserve and ban on one Redis hash {tat, ban, day, used}, all times in
// microseconds of Redis' clock; a ban of 0 only reads what is left of the ban in force. Integers
// are written with %.0f: Lua 5.1 would print a 16-digit number as 1.7e+15 and lose the
// microseconds. Replies {verdict, wait_us, used, banned_for_us}; verdicts as QuotaVerdict (0
// granted, 1 queue_full, 2 deadline, 3 banned, 4 daily).
constexpr std::string_view kScript = R"lua(
local key, op = KEYS[1], ARGV[1]
local now = tonumber(ARGV[7])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local s = redis.call('HMGET', key, 'tat', 'ban', 'day', 'used')
local tat, ban = tonumber(s[1]) or 0, tonumber(s[2]) or 0
local day, used = tonumber(s[3]) or -1, tonumber(s[4]) or 0
local function int(x) return string.format('%.0f', x) end
local keep_ms = 172800000
if op == 'ban' then
  local ban_until = now + tonumber(ARGV[2])
  if ARGV[2] ~= '0' and ban_until > ban then
    ban = ban_until
    redis.call('HSET', key, 'ban', int(ban))
    redis.call('PEXPIRE', key, keep_ms)
  end
  return {0, 0, used, math.max(0, ban - now)}
end
local banned = math.max(0, ban - now)
local interval, tolerance = tonumber(ARGV[2]), tonumber(ARGV[3])
local daily, limit, queue_full = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6] == '1'
local day_us, offset_us = 86400000000, 28800000000
local today = math.floor((now + offset_us) / day_us)
if day ~= today then
  day, used = today, 0
end
if daily > 0 and used >= daily then
  return {4, (today + 1) * day_us - offset_us - now, used, banned}
end
local arrival = math.max(now, ban)
local t = math.max(tat, arrival)
local grant = math.max(arrival, t - tolerance)
local wait = grant - now
if wait > limit then
  local verdict = 2
  if banned > limit then verdict = 3 elseif queue_full then verdict = 1 end
  return {verdict, math.max(wait, 1000), used, banned}
end
used = used + 1
redis.call('HSET', key, 'tat', int(t + interval), 'day', int(day), 'used', int(used))
redis.call('PEXPIRE', key, keep_ms)
return {0, wait, used, banned}
)lua";

std::string sha1_hex(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1) {
        throw std::runtime_error("redis quota: OpenSSL SHA-1 failed");
    }
    constexpr std::string_view kHex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        out += kHex[digest[i] >> 4U];
        out += kHex[digest[i] & 0xFU];
    }
    return out;
}

bool is_noscript(const RedisReply& reply) {
    return reply.type == RedisReply::Type::kError && reply.str.starts_with("NOSCRIPT");
}

}  // namespace

std::string_view quota_script() {
    return kScript;
}

std::vector<std::string> quota_reserve_args(
    const QuotaLimits& limits,
    microseconds limit,
    bool queue_full,
    std::optional<std::int64_t> now_us
) {
    return {
        "reserve",
        std::to_string(limits.interval.count()),
        std::to_string(limits.tolerance.count()),
        std::to_string(limits.daily),
        std::to_string(limit.count()),
        queue_full ? "1" : "0",
        now_us ? std::to_string(*now_us) : std::string()};
}

std::vector<std::string> quota_ban_args(microseconds ban, std::optional<std::int64_t> now_us) {
    return {
        "ban",
        std::to_string(ban.count()),
        "",
        "",
        "",
        "",
        now_us ? std::to_string(*now_us) : std::string()};
}

result<QuotaDecision> parse_quota_reply(const RedisReply& reply) {
    const auto& e = reply.elements;
    const bool shaped = reply.type == RedisReply::Type::kArray && e.size() == 4 &&
                        std::all_of(e.begin(), e.end(), [](const RedisReply& r) {
                            return r.type == RedisReply::Type::kInteger;
                        });
    if (!shaped || e[0].integer < 0 || e[0].integer >= std::int64_t{kQuotaVerdicts}) {
        return reply.type == RedisReply::Type::kError ? cache::cache_errc::kStoreError
                                                      : cache::cache_errc::kProtocol;
    }
    QuotaDecision decision;
    decision.verdict = static_cast<QuotaVerdict>(e[0].integer);
    decision.wait = microseconds(e[1].integer);
    decision.used_today = e[2].integer;
    decision.banned_for = microseconds(e[3].integer);
    return decision;
}

std::string quota_key(std::string_view app_key) {
    return "quota:" + sha256_hex(app_key).substr(0, 32);
}

RedisQuotaStore::RedisQuotaStore(cache::RedisStore& redis, std::string_view app_key)
    : redis_(redis), key_(quota_key(app_key)), sha_(sha1_hex(kScript)) {}

bool RedisQuotaStore::available() const {
    const cache::RedisClient* client = redis_.client_for_this_thread();
    return client != nullptr && client->available();
}

awaitable<result<QuotaDecision>> RedisQuotaStore::reserve(
    QuotaLimits limits, microseconds limit, bool queue_full
) {
    co_return co_await run(quota_reserve_args(limits, limit, queue_full));
}

awaitable<result<microseconds>> RedisQuotaStore::ban(microseconds ban) {
    const auto decision = co_await run(quota_ban_args(ban));
    if (!decision) {
        co_return decision.error();
    }
    co_return decision->banned_for;
}

awaitable<result<microseconds>> RedisQuotaStore::banned_for() {
    const auto decision = co_await run(quota_ban_args(microseconds(0)));
    if (!decision) {
        co_return decision.error();
    }
    co_return decision->banned_for;
}

awaitable<result<QuotaDecision>> RedisQuotaStore::run(std::vector<std::string> args) {
    cache::RedisClient* client = redis_.client_for_this_thread();
    if (client == nullptr) {
        co_return cache::cache_errc::kUnavailable;
    }
    std::vector<std::string> command{"EVALSHA", sha_, "1", client->key(key_)};
    command.insert(command.end(), args.begin(), args.end());
    auto reply = co_await client->command(command);
    if (reply && is_noscript(*reply)) {
        // Redis restarted or flushed its script cache: EVAL also loads the script again.
        command[0] = "EVAL";
        command[1] = std::string(kScript);
        reply = co_await client->command(std::move(command));
    }
    if (!reply) {
        co_return reply.error();
    }
    co_return parse_quota_reply(*reply);
}

}  // namespace scout::upstream
