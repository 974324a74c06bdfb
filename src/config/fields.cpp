#include "config/fields.hpp"

#include <scout/core/currency.hpp>
#include <scout/core/ip_address.hpp>

#include "config/parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <type_traits>
#include <utility>

namespace scout::config::detail {

namespace {

constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = 1024 * kKiB;
constexpr std::int64_t kGiB = 1024 * kMiB;
constexpr std::int64_t kHourMs = 3'600'000;

// `root.*First.*Rest...`: the member a setting lives in, however deep.
template <auto First, auto... Rest>
constexpr auto& member(auto& root) {
    if constexpr (sizeof...(Rest) == 0) {
        return root.*First;
    } else {
        return member<Rest...>(root.*First);
    }
}

// One table row: the member chain, the JSON path, the rule, flags and a one-line doc.
template <auto... Members>
Field setting(std::string_view path, Rule rule, unsigned flags, std::string_view doc) {
    return Field{
        path,
        [](Config& c) -> Ref { return &member<Members...>(c); },
        [](const Config& c) -> ConstRef { return &member<Members...>(c); },
        std::move(rule),
        flags,
        doc,
    };
}

const std::string* string_value(const Field& field, const Config& config) {
    const auto value = field.cref(config);
    const auto* const* s = std::get_if<const std::string*>(&value);
    return s == nullptr ? nullptr : *s;
}

std::optional<double> real_value(const Field& field, const Config& config) {
    const auto value = field.cref(config);
    if (const auto* const* d = std::get_if<const double*>(&value)) {
        return **d;
    }
    return std::nullopt;
}

// ---- rules -------------------------------------------------------------------------------

Rule int_between(std::int64_t lo, std::int64_t hi) {
    Rule rule{"an integer between " + std::to_string(lo) + " and " + std::to_string(hi), {}};
    rule.check = [lo, hi, allowed = rule.allowed](const Field& f, const Config& c) {
        const auto v = integer_value(f, c);
        return (v && *v >= lo && *v <= hi) ? std::nullopt
                                           : std::optional<std::string>("must be " + allowed);
    };
    return rule;
}

// [lo, hi], or (lo, hi] when `lo_open`.
Rule real_between(double lo, double hi, bool lo_open) {
    const auto number = [](double d) { return nlohmann::json(d).dump(); };
    Rule rule{
        lo_open ? "a number greater than " + number(lo) + " and at most " + number(hi)
                : "a number between " + number(lo) + " and " + number(hi),
        {}};
    rule.check = [lo, hi, lo_open, allowed = rule.allowed](const Field& f, const Config& c) {
        const auto v = real_value(f, c);
        const bool ok = v && (lo_open ? *v > lo : *v >= lo) && *v <= hi;
        return ok ? std::nullopt : std::optional<std::string>("must be " + allowed);
    };
    return rule;
}

Rule one_of(std::initializer_list<std::string_view> choices) {
    std::vector<std::string> options(choices.begin(), choices.end());
    std::string allowed = "one of ";
    for (std::size_t i = 0; i < options.size(); ++i) {
        allowed += (i == 0 ? "" : ", ") + options[i];
    }
    Rule rule{std::move(allowed), {}};
    rule.check = [options, allowed = rule.allowed](const Field& f, const Config& c) {
        const auto* v = string_value(f, c);
        const bool ok =
            v != nullptr && std::find(options.begin(), options.end(), *v) != options.end();
        return ok ? std::nullopt : std::optional<std::string>("must be " + allowed);
    };
    return rule;
}

// A string accepted by `predicate`; `allowed` describes it.
Rule matching(bool (*predicate)(std::string_view), std::string allowed) {
    Rule rule{std::move(allowed), {}};
    rule.check = [predicate, allowed = rule.allowed](const Field& f, const Config& c) {
        const auto* v = string_value(f, c);
        return (v != nullptr && predicate(*v)) ? std::nullopt
                                               : std::optional<std::string>("must be " + allowed);
    };
    return rule;
}

Rule any_string(std::string allowed = "any string") {
    return Rule{std::move(allowed), [](const Field&, const Config&) {
                    return std::optional<std::string>();
                }};
}

// Any string, but a non-empty one when env is production (and `condition`, described by
// `when`, holds: a cross-field rule).
Rule required_in_production(
    bool (*condition)(const Config&) = nullptr, const std::string& when = {}
) {
    const std::string need = "must be set when env is production" + when;
    return Rule{
        "any string; " + need,
        [condition, need](const Field& f, const Config& c) -> std::optional<std::string> {
            const auto* v = string_value(f, c);
            if (c.env == "production" && (condition == nullptr || condition(c)) && v != nullptr &&
                v->empty()) {
                return need + " (e.g. with " + env_var_name(f.path) + ")";
            }
            return std::nullopt;
        }};
}

bool redis_configured(const Config& c) {
    return !c.redis.url.empty();
}

// `first`, then (when it passes) the cross-field `second`; the warning is `second`'s.
Rule both(Rule first, Rule second) {
    Rule rule{first.allowed + ", " + second.allowed, {}, std::move(second.warn)};
    rule.check = [a = std::move(first.check), b = std::move(second.check), allowed = rule.allowed](
                     const Field& f, const Config& c
                 ) -> std::optional<std::string> {
        if (a(f, c)) {
            return "must be " + allowed;
        }
        return b(f, c);
    };
    return rule;
}

// Cross-field: this integer compared with the integer setting at `other`.
Rule compared_to(std::string_view other, bool at_least) {
    const std::string op = at_least ? "at least " : "at most ";
    Rule rule{op + std::string(other), {}};
    rule.check =
        [other, at_least, op](const Field& f, const Config& c) -> std::optional<std::string> {
        const Field* o = find_field(other);
        const auto mine = integer_value(f, c);
        const auto theirs = o == nullptr ? std::nullopt : integer_value(*o, c);
        if (!mine || !theirs) {
            return "must be " + op + std::string(other);
        }
        if (at_least ? *mine >= *theirs : *mine <= *theirs) {
            return std::nullopt;
        }
        return "must be " + op + std::string(other) + " (" + std::to_string(*theirs) + ")";
    };
    return rule;
}

// A list of secrets that must hold at least one when env is production (like
// required_in_production for one secret). Entries are trimmed; blank ones are dropped.
Rule secrets_required_in_production() {
    return Rule{
        "a list of strings (or one string); at least one non-empty when env is production",
        [](const Field& f, const Config& c) -> std::optional<std::string> {
            const auto value = f.cref(c);
            const auto* const* list = std::get_if<const Strings*>(&value);
            if (c.env == "production" && list != nullptr && (*list)->empty()) {
                return "must hold at least one secret when env is production (e.g. with " +
                       env_var_name(f.path) + ")";
            }
            return std::nullopt;
        }};
}

// Plain http only in development/staging, or to a loopback host (a local TLS-originating
// sidecar): in production the app secret signs every request and must not cross a network
// in clear.
Rule https_in_production() {
    return Rule{
        "https when env is production (http only to a loopback host)",
        [](const Field& f, const Config& c) -> std::optional<std::string> {
            const auto* v = string_value(f, c);
            if (c.env == "production" && v != nullptr && v->starts_with("http://") &&
                !is_loopback_url(*v)) {
                return "must use https when env is production (plain http only to a loopback "
                       "host)";
            }
            return std::nullopt;
        }};
}

// The longest request a drain must wait for: the upstream deadline, then link generation.
std::int64_t longest_request_ms(const Config& c) {
    return std::int64_t{c.upstream.request_timeout_ms} + kAffiliateLinkBudgetMs;
}

// The grace period must let the longest request finish: an error in production, a warning
// elsewhere (tests and development shut down fast on purpose).
Rule covers_longest_request() {
    const auto shortfall = [](const Config& c) -> std::optional<std::string> {
        const auto longest = longest_request_ms(c);
        if (c.server.shutdown_grace_ms >= longest) {
            return std::nullopt;
        }
        return "shorter than the longest request: upstream.request_timeout_ms (" +
               std::to_string(c.upstream.request_timeout_ms) + ") + the affiliate link budget (" +
               std::to_string(kAffiliateLinkBudgetMs) + ") = " + std::to_string(longest) +
               " ms; a drain would cut such requests off";
    };
    Rule rule{
        "at least upstream.request_timeout_ms + " + std::to_string(kAffiliateLinkBudgetMs) +
            " when env is production",
        {},
        {}};
    rule.check = [shortfall](const Field&, const Config& c) -> std::optional<std::string> {
        const auto why = c.env == "production" ? shortfall(c) : std::nullopt;
        return why ? std::optional<std::string>("must not be " + *why) : std::nullopt;
    };
    rule.warn = [shortfall](const Field&, const Config& c) -> std::optional<std::string> {
        return c.env == "production" ? std::nullopt : shortfall(c);
    };
    return rule;
}

// A list whose every entry `predicate` accepts; `allowed` describes one entry.
Rule each_entry(bool (*predicate)(std::string_view), const std::string& allowed) {
    const std::string message = "a list of strings, each " + allowed;
    return Rule{message, [predicate, message](const Field& f, const Config& c) {
                    const auto value = f.cref(c);
                    const auto* const* list = std::get_if<const Strings*>(&value);
                    const bool ok =
                        list != nullptr &&
                        std::all_of((*list)->begin(), (*list)->end(), [&](const std::string& s) {
                            return predicate(s);
                        });
                    return ok ? std::nullopt : std::optional<std::string>("must be " + message);
                }};
}

bool is_host_port_entry(std::string_view s) {
    return is_host_port(s);
}

// redis.sentinels: host:port entries, and redis.url set (an empty one disables Redis; with
// sentinels it still gives the user, password and db of the master).
Rule sentinel_list() {
    Rule entries = each_entry(is_host_port_entry, "host:port (host name, IPv4 or [IPv6])");
    Rule rule{entries.allowed + "; needs redis.url (its user, password and db)", {}};
    rule.check = [entries = std::move(entries.check), allowed = rule.allowed](
                     const Field& f, const Config& c
                 ) -> std::optional<std::string> {
        if (entries(f, c)) {
            return "must be " + allowed;
        }
        if (!c.redis.sentinels.empty() && c.redis.url.empty()) {
            return "needs redis.url set (an empty one disables Redis; with sentinels it gives "
                   "the user, password and db, and its host:port is not used)";
        }
        return std::nullopt;
    };
    return rule;
}

bool is_master_name(std::string_view s) {
    return s.size() <= 128 && std::all_of(s.begin(), s.end(), [](char ch) {
               const auto u = static_cast<unsigned char>(ch);
               return u > 0x20 && u < 0x7f;
           });
}

// redis.master_name: printable without spaces, and set whenever sentinels are.
Rule master_name_rule() {
    const std::string allowed =
        "up to 128 printable characters without spaces; required when redis.sentinels is set";
    return Rule{allowed, [allowed](const Field& f, const Config& c) -> std::optional<std::string> {
                    const auto* v = string_value(f, c);
                    if (v == nullptr || !is_master_name(*v)) {
                        return "must be " + allowed;
                    }
                    if (v->empty() && !c.redis.sentinels.empty()) {
                        return "must be set when redis.sentinels is set (the name the sentinels "
                               "monitor, e.g. mymaster)";
                    }
                    return std::nullopt;
                }};
}

bool is_cidr(std::string_view s) {
    return ip::parse_cidr(s).has_value();
}
bool is_api_key(std::string_view s) {
    return parse_api_key(s).has_value();
}

// auth.api_keys: valid entries with distinct ids (an id names one key in the logs).
Rule api_key_list() {
    Rule entries = each_entry(
        is_api_key,
        "an object {id, sha256_of_key, rate_per_s, burst} or "
        "id:sha256-hex-of-key:rate_per_s:burst"
    );
    Rule rule{entries.allowed + ", ids distinct", {}};
    rule.check = [entries = std::move(entries.check), allowed = rule.allowed](
                     const Field& f, const Config& c
                 ) -> std::optional<std::string> {
        if (entries(f, c)) {
            return "must be " + allowed;
        }
        std::vector<std::string> ids;
        for (const auto& entry : c.auth.api_keys) {
            ids.push_back(parse_api_key(entry)->id);
        }
        std::sort(ids.begin(), ids.end());
        const auto twice = std::adjacent_find(ids.begin(), ids.end());
        return twice == ids.end() ? std::nullopt
                                  : std::optional<std::string>(
                                        "must be " + allowed + " (the id " + *twice + " repeats)"
                                    );
    };
    return rule;
}

// auth.required with no key would refuse every client.
Rule keys_when_required() {
    return Rule{
        "true or false; true needs at least one auth.api_keys entry",
        [](const Field&, const Config& c) -> std::optional<std::string> {
            if (c.auth.required && c.auth.api_keys.empty()) {
                return "must be true or false; true needs at least one auth.api_keys entry "
                       "(without one every client would get 401)";
            }
            return std::nullopt;
        }};
}

// Booleans: the type check happens at parse time ("true"/"false"/"1"/"0"); any value is fine.
Rule any_boolean() {
    return Rule{"true or false", [](const Field&, const Config&) -> std::optional<std::string> {
                    return std::nullopt;
                }};
}

// The shared currency table: a target currency the request side would reject makes every
// search without `currency` fail.
bool is_currency(std::string_view s) {
    return currency::is_known(s);
}
bool is_language(std::string_view s) {
    return is_upper_letters(s, 2);
}
bool is_optional_redis_url(std::string_view s) {
    return s.empty() || is_redis_url(s);
}

// ---- the table ---------------------------------------------------------------------------
// One line per setting. Cross-field rules only couple settings of the same reloadability,
// so apply_reloadable() cannot produce a combination that validation never saw.

using C = Config;
using Srv = ServerConfig;
using Up = UpstreamConfig;
using Rt = RetryConfig;
using Br = BreakerConfig;
using Qt = QuotaConfig;
using Rd = RedisConfig;
using Lg = LogConfig;
using Ft = FeaturesConfig;
using Flag = FeatureFlagConfig;
using Rl = RateLimitConfig;

std::vector<Field> build_table() {
    // clang-format off
    return {
        setting<&C::server, &Srv::listen>("server.listen", matching(is_listen_address, "host:port with an IPv4 address, localhost or [IPv6] and a port 1-65535"), kPlain, "Address the workers bind (SO_REUSEPORT)"),
        setting<&C::server, &Srv::threads>("server.threads", int_between(0, 256), kPlain, "Worker threads, one io_context each; 0 = number of cores"),
        setting<&C::server, &Srv::max_body_bytes>("server.max_body_bytes", int_between(1, kGiB), kPlain, "Largest request body accepted; larger gets 413"),
        setting<&C::server, &Srv::max_header_bytes>("server.max_header_bytes", int_between(kKiB, kMiB), kPlain, "Largest request header accepted; larger gets 431"),
        setting<&C::server, &Srv::header_timeout_ms>("server.header_timeout_ms", int_between(1, kHourMs), kPlain, "Time allowed to receive a request header"),
        setting<&C::server, &Srv::body_timeout_ms>("server.body_timeout_ms", int_between(1, kHourMs), kPlain, "Time allowed to receive a request body"),
        setting<&C::server, &Srv::write_timeout_ms>("server.write_timeout_ms", int_between(1, kHourMs), kPlain, "Time allowed to send a response"),
        setting<&C::server, &Srv::idle_timeout_ms>("server.idle_timeout_ms", int_between(1, kHourMs), kPlain, "Keep-alive: time a connection may wait for its next request"),
        setting<&C::server, &Srv::max_requests_per_connection>("server.max_requests_per_connection", int_between(0, 1'000'000'000), kPlain, "Requests per connection; the last response carries Connection: close; 0 = unlimited"),
        setting<&C::server, &Srv::max_connections>("server.max_connections", int_between(1, 10'000'000), kPlain, "Open client connections per process, split evenly over the workers; lowered to fit the open-file limit"),
        setting<&C::server, &Srv::shutdown_grace_ms>("server.shutdown_grace_ms", both(int_between(0, 600'000), covers_longest_request()), kPlain, "How long in-flight requests may finish after SIGTERM"),

        setting<&C::upstream, &Up::gateway_url>("upstream.gateway_url", both(matching(is_http_url, "an http(s)://host[:port]/path URL"), https_in_production()), kPlain, "AliExpress Affiliate API gateway"),
        setting<&C::upstream, &Up::app_key>("upstream.app_key", required_in_production(), kTrim, "AliExpress app key"),
        setting<&C::upstream, &Up::app_secret>("upstream.app_secret", required_in_production(), kSecret | kTrim, "AliExpress app secret used to sign requests"),
        setting<&C::upstream, &Up::tracking_id>("upstream.tracking_id", any_string(), kTrim, "Affiliate tracking id put into generated links"),
        setting<&C::upstream, &Up::sign_method>("upstream.sign_method", one_of({"sha256", "md5"}), kPlain, "Request signature: HMAC-SHA256 or legacy MD5"),
        setting<&C::upstream, &Up::target_currency>("upstream.target_currency", matching(is_currency, "an upper-case ISO 4217 code from Scout's currency table (USD, EUR, JPY...)"), kPlain, "Currency prices are returned in"),
        setting<&C::upstream, &Up::target_language>("upstream.target_language", matching(is_language, "2 upper-case letters"), kPlain, "Language product texts are returned in"),
        setting<&C::upstream, &Up::request_timeout_ms>("upstream.request_timeout_ms", int_between(1, kHourMs), kReloadable, "Deadline of one logical upstream call, retries included"),
        setting<&C::upstream, &Up::attempt_timeout_ms>("upstream.attempt_timeout_ms", both(int_between(1, kHourMs), compared_to("upstream.request_timeout_ms", false)), kReloadable, "Deadline of one HTTP attempt"),
        setting<&C::upstream, &Up::connect_timeout_ms>("upstream.connect_timeout_ms", int_between(1, kHourMs), kPlain, "TCP/TLS connect deadline"),
        setting<&C::upstream, &Up::retry, &Rt::max_attempts>("upstream.retry.max_attempts", int_between(1, 10), kReloadable, "Attempts per upstream call, the first one included"),
        setting<&C::upstream, &Up::retry, &Rt::base_delay_ms>("upstream.retry.base_delay_ms", int_between(1, 60'000), kReloadable, "Backoff before the first retry (before jitter)"),
        setting<&C::upstream, &Up::retry, &Rt::max_delay_ms>("upstream.retry.max_delay_ms", both(int_between(1, 600'000), compared_to("upstream.retry.base_delay_ms", true)), kReloadable, "Cap on one backoff delay"),
        setting<&C::upstream, &Up::retry, &Rt::multiplier>("upstream.retry.multiplier", real_between(1.0, 10.0, false), kReloadable, "Backoff growth per attempt"),
        setting<&C::upstream, &Up::retry, &Rt::jitter>("upstream.retry.jitter", one_of({"full", "equal", "none"}), kReloadable, "Jitter: full (0-100% of the delay), equal (50-100%), none"),
        setting<&C::upstream, &Up::breaker, &Br::failure_ratio>("upstream.breaker.failure_ratio", real_between(0.0, 1.0, true), kReloadable, "Failure share in the window that opens the circuit"),
        setting<&C::upstream, &Up::breaker, &Br::min_calls>("upstream.breaker.min_calls", int_between(1, 10'000), kReloadable, "Calls needed in the window before the circuit may open"),
        setting<&C::upstream, &Up::breaker, &Br::window_ms>("upstream.breaker.window_ms", int_between(100, kHourMs), kReloadable, "Rolling window length"),
        setting<&C::upstream, &Up::breaker, &Br::open_ms>("upstream.breaker.open_ms", int_between(100, kHourMs), kReloadable, "Cool-down before the circuit goes half-open"),
        setting<&C::upstream, &Up::breaker, &Br::half_open_max_calls>("upstream.breaker.half_open_max_calls", int_between(1, 100), kReloadable, "Trial calls allowed while half-open"),
        setting<&C::upstream, &Up::max_ban_s>("upstream.max_ban_s", int_between(1, 86'400), kReloadable, "Longest an upstream-advertised ban (Retry-After, ban text) stops a method before a half-open probe"),
        setting<&C::upstream, &Up::cost_per_call>("upstream.cost_per_call", real_between(0.0, 1000.0, false), kReloadable, "Estimated cost of one upstream API call (any currency), multiplied by the calls made for scout_upstream_cost_total"),
        setting<&C::upstream, &Up::quota, &Qt::rate_per_s>("upstream.quota.rate_per_s", real_between(0.0, 100'000.0, false), kReloadable, "Outbound calls per second for the app key, all instances together; 0 = no pacing"),
        setting<&C::upstream, &Up::quota, &Qt::burst>("upstream.quota.burst", int_between(1, 100'000), kReloadable, "Outbound calls that may go at once after a quiet spell"),
        setting<&C::upstream, &Up::quota, &Qt::daily>("upstream.quota.daily", int_between(0, 1'000'000'000), kReloadable, "Outbound calls per day (00:00 GMT+8), all instances together; 0 = no daily budget"),
        setting<&C::upstream, &Up::quota, &Qt::max_queue>("upstream.quota.max_queue", int_between(0, 100'000), kReloadable, "Calls of one instance waiting for a quota slot; when full, more fail at once with 503"),
        setting<&C::upstream, &Up::quota, &Qt::max_wait_ms>("upstream.quota.max_wait_ms", int_between(0, kHourMs), kReloadable, "Longest wait for a quota slot; a longer wait (or one past the request's deadline) fails at once with 503"),
        setting<&C::upstream, &Up::quota, &Qt::instances_hint>("upstream.quota.instances_hint", int_between(1, 10'000), kReloadable, "Instances sharing the app key: without Redis each one paces at rate_per_s / instances_hint"),

        setting<&C::redis, &Rd::url>("redis.url", matching(is_optional_redis_url, "empty or redis://[user[:password]@]host[:port][/db] with db 0-15"), kUrlPassword, "Shared L2 cache and quota store; empty disables Redis"),
        setting<&C::redis, &Rd::command_timeout_ms>("redis.command_timeout_ms", int_between(1, 60'000), kPlain, "Deadline of one Redis command; a late reply is dropped"),
        setting<&C::redis, &Rd::connect_timeout_ms>("redis.connect_timeout_ms", int_between(1, 60'000), kPlain, "Deadline of a connect, AUTH and SELECT included"),
        setting<&C::redis, &Rd::key_prefix>("redis.key_prefix", any_string("any string; may be empty"), kPlain, "Prefix of every Redis key Scout reads or writes"),
        setting<&C::redis, &Rd::reconnect_min_ms>("redis.reconnect_min_ms", int_between(1, 60'000), kPlain, "First reconnect delay; doubles per failed attempt (jittered)"),
        setting<&C::redis, &Rd::timeouts_before_reconnect>("redis.timeouts_before_reconnect", int_between(0, 1'000), kPlain, "Consecutive command timeouts, with Redis silent for as many timeouts, after which the connection is dropped and re-established (memory-only meanwhile); 0 = never"),
        setting<&C::redis, &Rd::reconnect_max_ms>("redis.reconnect_max_ms", both(int_between(1, 600'000), compared_to("redis.reconnect_min_ms", true)), kPlain, "Cap on one reconnect delay"),
        setting<&C::redis, &Rd::sentinels>("redis.sentinels", sentinel_list(), kPlain, "Redis Sentinel addresses, asked in turn for the master of redis.master_name (followed through failovers); empty = connect to redis.url's host"),
        setting<&C::redis, &Rd::master_name>("redis.master_name", master_name_rule(), kPlain, "Name of the master the sentinels monitor"),

        setting<&C::admin, &AdminConfig::token>("admin.token", required_in_production(), kSecret | kTrim, "Bearer token for admin routes; empty disables them"),
        setting<&C::monitoring, &MonitoringConfig::slow_request_ms>("monitoring.slow_request_ms", int_between(1, kHourMs), kReloadable, "A request at least this slow is logged as a warning with its timing breakdown and kept for /api/monitoring/slow-requests"),
        setting<&C::monitoring, &MonitoringConfig::max_event_loop_lag_ms>("monitoring.max_event_loop_lag_ms", int_between(10, 60'000), kReloadable, "A worker event loop this late makes /health/detailed unhealthy (503)"),

        setting<&C::compression, &CompressionConfig::enabled>("compression.enabled", any_boolean(), kReloadable, "gzip responses for clients that accept it (every route)"),
        setting<&C::compression, &CompressionConfig::min_bytes>("compression.min_bytes", int_between(0, 64 * kMiB), kReloadable, "Smallest body compressed; smaller ones are sent as they are"),
        setting<&C::compression, &CompressionConfig::level>("compression.level", int_between(1, 9), kReloadable, "zlib level: 1 fastest, 9 smallest"),

        setting<&C::features, &Ft::enhanced_caching, &Flag::enabled>("features.enhanced_caching.enabled", any_boolean(), kReloadable, "Feature flag: L2 (Redis) and stale serving; false turns it off for every client"),
        setting<&C::features, &Ft::enhanced_caching, &Flag::rollout_percent>("features.enhanced_caching.rollout_percent", int_between(0, 100), kReloadable, "Share of clients (by a stable hash of the client and the flag) that get L2 (Redis) and stale serving"),
        setting<&C::features, &Ft::retry_logic, &Flag::enabled>("features.retry_logic.enabled", any_boolean(), kReloadable, "Feature flag: upstream retries; false turns it off for every client"),
        setting<&C::features, &Ft::retry_logic, &Flag::rollout_percent>("features.retry_logic.rollout_percent", int_between(0, 100), kReloadable, "Share of clients (by a stable hash of the client and the flag) that get upstream retries"),
        setting<&C::features, &Ft::data_validation, &Flag::enabled>("features.data_validation.enabled", any_boolean(), kReloadable, "Feature flag: the validator's drops of products; false turns it off for every client"),
        setting<&C::features, &Ft::data_validation, &Flag::rollout_percent>("features.data_validation.rollout_percent", int_between(0, 100), kReloadable, "Share of clients (by a stable hash of the client and the flag) that get the validator's drops of products"),
        setting<&C::features, &Ft::quality_ranking, &Flag::enabled>("features.quality_ranking.enabled", any_boolean(), kReloadable, "Feature flag: quality scores, quality filter and local ranking; false turns it off for every client"),
        setting<&C::features, &Ft::quality_ranking, &Flag::rollout_percent>("features.quality_ranking.rollout_percent", int_between(0, 100), kReloadable, "Share of clients (by a stable hash of the client and the flag) that get quality scores, quality filter and local ranking"),

        setting<&C::log, &Lg::level>("log.level", one_of({"trace", "debug", "info", "warn", "error", "critical", "off"}), kReloadable, "Minimum level written"),
        setting<&C::log, &Lg::format>("log.format", one_of({"json", "text"}), kPlain, "One JSON object per line, or human-readable text"),
        setting<&C::log, &Lg::file>("log.file", any_string("any path; empty = stdout only"), kPlain, "Log file (rotated); empty writes to stdout only"),
        setting<&C::log, &Lg::max_file_bytes>("log.max_file_bytes", int_between(kKiB, 10 * kGiB), kPlain, "Size at which the log file is rotated"),
        setting<&C::log, &Lg::max_files>("log.max_files", int_between(1, 100), kPlain, "Rotated log files kept"),
        setting<&C::log, &Lg::access, &Lg::Access::enabled>("log.access.enabled", any_boolean(), kPlain, "One access log line per request (info level)"),
        setting<&C::log, &Lg::access, &Lg::Access::buffer_bytes>("log.access.buffer_bytes", int_between(kKiB, kMiB), kPlain, "A worker's access lines are written in batches of this size"),
        setting<&C::log, &Lg::access, &Lg::Access::flush_ms>("log.access.flush_ms", int_between(10, 60'000), kPlain, "Longest an access line waits in its worker's batch"),
        setting<&C::log, &Lg::access, &Lg::Access::sample_2xx>("log.access.sample_2xx", real_between(0.0, 1.0, false), kPlain, "Share of 2xx access lines written; errors and slow requests are always written"),

        setting<&C::cache, &CacheConfig::memory, &CacheConfig::Memory::max_entries>("cache.memory.max_entries", int_between(1, 10'000'000), kPlain, "L1 (in-process LRU) entry bound"),
        setting<&C::cache, &CacheConfig::memory, &CacheConfig::Memory::max_bytes>("cache.memory.max_bytes", int_between(kMiB, 64 * kGiB), kPlain, "L1 (in-process LRU) byte bound"),
        setting<&C::cache, &CacheConfig::ttl, &CacheConfig::Ttl::search_s>("cache.ttl.search_s", int_between(0, 86'400), kPlain, "Seconds a search page stays fresh; 0 = not cached"),
        setting<&C::cache, &CacheConfig::ttl, &CacheConfig::Ttl::affiliate_link_s>("cache.ttl.affiliate_link_s", int_between(0, 30 * 86'400), kPlain, "Seconds a generated affiliate link is reused"),
        setting<&C::cache, &CacheConfig::distributed_single_flight>("cache.distributed_single_flight", any_boolean(), kPlain, "With Redis: a short lock lets one instance fetch a miss while the others wait for L2"),
        setting<&C::cache, &CacheConfig::l2_secret>("cache.l2_secret", required_in_production(redis_configured, " and redis.url is set"), kSecret | kTrim, "HMAC key authenticating values in Redis; the same on every instance sharing it; empty = random per process"),
        setting<&C::cache, &CacheConfig::serve_stale_s>("cache.serve_stale_s", int_between(0, 7 * 86'400), kPlain, "Seconds past expiry an entry may be served (stale) when the upstream fails"),
        setting<&C::cache, &CacheConfig::refresh_ahead_percent>("cache.refresh_ahead_percent", int_between(0, 50), kPlain, "A search page hit in the last this-% of its freshness is served while one background fetch (per key, across instances) replaces it; 0 = off"),

        setting<&C::search, &SearchConfig::cursor_secret>("search.cursor_secret", secrets_required_in_production(), kSecret | kTrim, "HMAC keys of pagination cursors: the first signs, every one verifies (rotation); empty = random per process, development and staging only"),
        setting<&C::search, &SearchConfig::cursor_max_age_s>("search.cursor_max_age_s", int_between(1, 30 * 86'400), kPlain, "Seconds a cursor stays valid after it was issued; older ones get 400"),
        setting<&C::search, &SearchConfig::max_response_bytes>("search.max_response_bytes", int_between(4 * kKiB, 64 * kMiB), kPlain, "Largest /search body; bigger pages are cut and continue by cursor"),
        setting<&C::search, &SearchConfig::max_price>("search.max_price", int_between(1, 1'000'000'000), kPlain, "Prices above this (major units) make a product invalid"),
        setting<&C::search, &SearchConfig::quality, &SearchConfig::Quality::weights, &SearchConfig::Quality::Weights::rating>("search.quality.weights.rating", real_between(0.0, 100.0, false), kPlain, "Weight of the rating in the quality score"),
        setting<&C::search, &SearchConfig::quality, &SearchConfig::Quality::weights, &SearchConfig::Quality::Weights::orders>("search.quality.weights.orders", real_between(0.0, 100.0, false), kPlain, "Weight of the (log-scaled) order count in the quality score"),
        setting<&C::search, &SearchConfig::quality, &SearchConfig::Quality::weights, &SearchConfig::Quality::Weights::discount>("search.quality.weights.discount", real_between(0.0, 100.0, false), kPlain, "Weight of the discount in the quality score"),
        setting<&C::search, &SearchConfig::quality, &SearchConfig::Quality::weights, &SearchConfig::Quality::Weights::completeness>("search.quality.weights.completeness", real_between(0.0, 100.0, false), kPlain, "Weight of completeness (image, shop, original price) in the quality score"),
        setting<&C::search, &SearchConfig::quality, &SearchConfig::Quality::min_score>("search.quality.min_score", real_between(0.0, 1.0, false), kPlain, "Products scoring below this are filtered"),
        setting<&C::search, &SearchConfig::quality, &SearchConfig::Quality::min_rating>("search.quality.min_rating", real_between(0.0, 5.0, false), kPlain, "0 = off; else rated products below this rating are filtered"),
        setting<&C::search, &SearchConfig::quality, &SearchConfig::Quality::min_orders>("search.quality.min_orders", int_between(0, 1'000'000'000), kPlain, "0 = off; else products with fewer orders are filtered"),
        setting<&C::search, &SearchConfig::dedupe, &SearchConfig::Dedupe::title_similarity>("search.dedupe.title_similarity", real_between(0.0, 1.0, true), kPlain, "Token-set similarity at which two titles of one shop are near-duplicates"),

        setting<&C::rate_limit, &Rl::enabled>("rate_limit.enabled", any_boolean(), kReloadable, "Inbound rate limiting of the product routes (health, admin and metrics routes are never limited)"),
        setting<&C::rate_limit, &Rl::per_client, &Rl::PerClient::rate_per_s>("rate_limit.per_client.rate_per_s", real_between(0.0, 1e6, true), kReloadable, "Refill rate of each client's bucket (requests per second)"),
        setting<&C::rate_limit, &Rl::per_client, &Rl::PerClient::burst>("rate_limit.per_client.burst", int_between(1, 1'000'000), kReloadable, "Requests a client may send at once (its bucket's size)"),
        setting<&C::rate_limit, &Rl::per_client, &Rl::PerClient::per_minute>("rate_limit.per_client.per_minute", int_between(0, 1'000'000'000), kReloadable, "Second cap: requests per client in a fixed minute-long window; 0 = off"),
        setting<&C::rate_limit, &Rl::global, &Rl::Global::rate_per_s>("rate_limit.global.rate_per_s", real_between(0.0, 1e6, false), kReloadable, "Refill rate of one bucket shared by all clients of the process; 0 = off"),
        setting<&C::rate_limit, &Rl::global, &Rl::Global::burst>("rate_limit.global.burst", int_between(0, 1'000'000), kReloadable, "Size of the global bucket; 0 = off"),
        setting<&C::rate_limit, &Rl::trusted_proxies>("rate_limit.trusted_proxies", each_entry(is_cidr, "an IPv4 or IPv6 address or CIDR range"), kReloadable, "Peers whose X-Forwarded-For names the client (its rightmost untrusted hop)"),
        setting<&C::rate_limit, &Rl::max_clients>("rate_limit.max_clients", int_between(1'024, 100'000'000), kReloadable, "Client buckets kept per process; beyond, idle then least recently used ones are dropped"),

        setting<&C::auth, &AuthConfig::required>("auth.required", keys_when_required(), kReloadable, "Product routes answer 401 without a valid X-API-Key"),
        setting<&C::auth, &AuthConfig::api_keys>("auth.api_keys", api_key_list(), kReloadable, "Client API keys as {\"id\", \"sha256_of_key\", \"rate_per_s\", \"burst\"} objects (or \"id:sha256:rate_per_s:burst\" strings); each key has its own rate limit, and logs carry its id"),
    };
    // clang-format on
}

}  // namespace

const std::vector<Field>& fields() {
    static const std::vector<Field> table = build_table();
    return table;
}

std::size_t field_index(std::string_view path) {
    const auto& table = fields();
    const auto it =
        std::find_if(table.begin(), table.end(), [&](const Field& f) { return f.path == path; });
    return static_cast<std::size_t>(it - table.begin());
}

const Field* find_field(std::string_view path) {
    const auto i = field_index(path);
    return i < fields().size() ? &fields()[i] : nullptr;
}

std::string_view type_name(const Field& field) {
    return std::visit(
        [](auto* p) -> std::string_view {
            using T = std::remove_const_t<std::remove_pointer_t<decltype(p)>>;
            if constexpr (std::is_same_v<T, std::string>) {
                return "string";
            } else if constexpr (std::is_same_v<T, Strings>) {
                return "list of strings";
            } else if constexpr (std::is_same_v<T, bool>) {
                return "boolean";
            } else if constexpr (std::is_same_v<T, double>) {
                return "number";
            } else {
                return "integer";
            }
        },
        field.cref(Config{})
    );
}

std::string value_text(const Field& field, const Config& config) {
    return std::visit(
        [](auto* p) -> std::string {
            using T = std::remove_const_t<std::remove_pointer_t<decltype(p)>>;
            if constexpr (std::is_same_v<T, std::string>) {
                return *p;
            } else if constexpr (std::is_same_v<T, Strings>) {
                return nlohmann::json(*p).dump(
                    -1, ' ', false, nlohmann::json::error_handler_t::replace
                );
            } else if constexpr (std::is_same_v<T, bool>) {
                return *p ? "true" : "false";
            } else if constexpr (std::is_same_v<T, double>) {
                if (std::isnan(*p)) {
                    return "nan";
                }
                if (std::isinf(*p)) {
                    return *p > 0 ? "inf" : "-inf";
                }
                return nlohmann::json(*p).dump();
            } else {
                return std::to_string(*p);
            }
        },
        field.cref(config)
    );
}

std::string display_raw(const Field& field, std::string_view raw) {
    if (field.has(kSecret)) {
        // Unset stays visible as unset: "" or, for a list, [].
        return raw.empty() || raw == "[]" ? std::string(raw) : std::string("<redacted>");
    }
    if (field.has(kUrlPassword)) {
        return redact_url_password(raw);
    }
    return std::string(raw);
}

std::string display_text(const Field& field, const Config& config) {
    return display_raw(field, value_text(field, config));
}

std::optional<std::int64_t> integer_value(const Field& field, const Config& config) {
    const auto value = field.cref(config);
    if (const auto* const* i = std::get_if<const int*>(&value)) {
        return **i;
    }
    if (const auto* const* s = std::get_if<const std::size_t*>(&value)) {
        constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
        return static_cast<std::int64_t>(std::min(**s, kMax));
    }
    return std::nullopt;
}

}  // namespace scout::config::detail
