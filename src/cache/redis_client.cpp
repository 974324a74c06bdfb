#include <scout/cache/redis_client.hpp>
#include <scout/cache/redis_sentinel.hpp>
#include <scout/log/log.hpp>
#include <scout/log/throttle.hpp>

#include "cache/digest.hpp"
#include "cache/redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <utility>

namespace scout::cache {

using boost::system::error_code;
using boost::system::result;
using std::chrono::milliseconds;

namespace {

const log::Logger& logger() {
    static const log::Logger instance("cache");
    return instance;
}

// ---- URL helpers --------------------------------------------------------------------------

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// %XX sequences decoded; a '%' not followed by two hex digits is kept as is.
std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

std::optional<int> parse_decimal(std::string_view text, int max_digits) {
    if (text.empty() || text.size() > static_cast<std::size_t>(max_digits) ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    int value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

bool is_host_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '@' && c != '/' && c != '[' && c != ']' && c != '?' &&
           c != '#';
}

void ignore_sigpipe_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction current {};
        if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
            struct sigaction ignore {};
            ignore.sa_handler = SIG_IGN;
            ::sigemptyset(&ignore.sa_mask);
            ::sigaction(SIGPIPE, &ignore, nullptr);
        }
    });
}

constexpr milliseconds kMinHandshakeStep{1};

}  // namespace

// ---- URL ------------------------------------------------------------------------------------

std::string RedisUrl::display() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" + std::to_string(db);
}

std::optional<RedisUrl> parse_redis_url(std::string_view url) {
    constexpr std::string_view kScheme = "redis://";
    if (!url.starts_with(kScheme)) {
        return std::nullopt;
    }
    const std::string_view rest = url.substr(kScheme.size());
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    RedisUrl out;
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        if (userinfo.empty()) {
            return std::nullopt;
        }
        const auto colon = userinfo.find(':');
        if (colon == std::string_view::npos) {
            out.password = percent_decode(userinfo);  // legacy redis://password@host
        } else {
            out.user = percent_decode(userinfo.substr(0, colon));
            out.password = percent_decode(userinfo.substr(colon + 1));
        }
        authority = authority.substr(at + 1);
    }
    std::string_view host;
    std::optional<std::string_view> port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return std::nullopt;
            }
            port = after.substr(1);
        }
        if (host.find(':') == std::string_view::npos) {
            return std::nullopt;  // brackets are for IPv6 addresses only
        }
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
        }
        if (host.find(':') != std::string_view::npos) {
            return std::nullopt;
        }
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), is_host_char)) {
        return std::nullopt;
    }
    out.host = std::string(host);
    if (port) {
        const auto number = parse_decimal(*port, 5);
        if (!number || *number < 1 || *number > 65535) {
            return std::nullopt;
        }
        out.port = *number;
    }
    if (slash != std::string_view::npos) {
        const auto db = parse_decimal(rest.substr(slash + 1), 9);
        if (!db) {
            return std::nullopt;
        }
        out.db = *db;
    }
    return out;
}

// ---- backoff and counters -------------------------------------------------------------------

milliseconds reconnect_delay(int attempt, milliseconds min, milliseconds max, double unit) {
    const std::int64_t lo = std::max<std::int64_t>(1, min.count());
    const std::int64_t cap = std::max(lo, static_cast<std::int64_t>(max.count()));
    std::int64_t d = lo;
    for (int i = 0; i < attempt && d < cap; ++i) {
        d = std::min(cap, d * 2);
    }
    const double u = std::clamp(unit, 0.0, 1.0);
    const std::int64_t half = d / 2;
    const auto jittered = half + static_cast<std::int64_t>(u * static_cast<double>(d - half));
    return milliseconds(std::clamp<std::int64_t>(jittered, 1, d));
}

RedisCounters::RedisCounters() : own(std::make_unique<monitoring::Registry>()) {
    resolve(*own);
}

RedisCounters::RedisCounters(monitoring::Registry& registry) {
    resolve(registry);
}

void RedisCounters::resolve(monitoring::Registry& registry) {
    commands_total =
        &registry.counter("scout_redis_commands_total", "Commands sent to Redis").with({});
    auto& failures = registry.counter(
        "scout_redis_command_failures_total",
        "Sent Redis commands that failed (error) or got no reply in time (timeout)",
        {"reason"}
    );
    errors_total = &failures.with({"error"});
    timeouts_total = &failures.with({"timeout"});
    rejected_total = &registry
                          .counter(
                              "scout_redis_rejected_total",
                              "Redis calls refused at once because the connection is down"
                          )
                          .with({});
    auto& events = registry.counter(
        "scout_redis_connection_events_total",
        "Redis connections established, failed attempts and connections lost",
        {"event"}
    );
    connects_total = &events.with({"connect"});
    connect_failures_total = &events.with({"connect_failure"});
    disconnects_total = &events.with({"disconnect"});
    available = &registry.gauge("scout_redis_connections_up", "Worker connections to Redis up now")
                     .with({});
    command_duration = &registry
                            .histogram(
                                "scout_redis_command_duration_seconds",
                                "Redis command time, until the reply or the timeout"
                            )
                            .with({});
    master_switches_total = &registry
                                 .counter(
                                     "scout_redis_master_switches_total",
                                     "Worker connections that followed Redis Sentinel to another "
                                     "master"
                                 )
                                 .with({});
}

RedisStats snapshot(const RedisCounters& counters) {
    return RedisStats{
        .commands_total = counters.commands_total->value(),
        .errors_total = counters.errors_total->value(),
        .timeouts_total = counters.timeouts_total->value(),
        .rejected_total = counters.rejected_total->value(),
        .connects_total = counters.connects_total->value(),
        .connect_failures_total = counters.connect_failures_total->value(),
        .disconnects_total = counters.disconnects_total->value(),
        .available = counters.available->value(),
        .master_switches_total = counters.master_switches_total->value(),
    };
}

// ---- replies --------------------------------------------------------------------------------

RedisReply RedisReply::from_hiredis(const ::redisReply& raw) {
    RedisReply out;
    const auto text = [&raw] {
        return raw.str != nullptr ? std::string(raw.str, raw.len) : std::string();
    };
    switch (raw.type) {
        case REDIS_REPLY_STRING:
            out.type = Type::kString;
            out.str = text();
            break;
        case REDIS_REPLY_STATUS:
            out.type = Type::kStatus;
            out.str = text();
            break;
        case REDIS_REPLY_ERROR:
            out.type = Type::kError;
            out.str = text();
            break;
        case REDIS_REPLY_INTEGER:
            out.type = Type::kInteger;
            out.integer = raw.integer;
            break;
        case REDIS_REPLY_NIL:
            out.type = Type::kNil;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = Type::kArray;
            out.elements.reserve(raw.elements);
            for (std::size_t i = 0; i < raw.elements; ++i) {
                const ::redisReply* element = raw.element[i];
                out.elements.push_back(element != nullptr ? from_hiredis(*element) : RedisReply{});
            }
            break;
        default:
            out.type = Type::kError;
            out.str = "unsupported reply type " + std::to_string(raw.type);
            break;
    }
    return out;
}

cache_errc from_hiredis_error(int err) {
    switch (err) {
        case REDIS_ERR_PROTOCOL:
            return cache_errc::kProtocol;
        case REDIS_ERR_OOM:
            return cache_errc::kStoreError;
        default:  // 0 (closed on purpose), REDIS_ERR_IO, REDIS_ERR_EOF, REDIS_ERR_OTHER
            return cache_errc::kUnavailable;
    }
}

result<std::optional<std::string>> map_get_reply(const RedisReply& reply) {
    switch (reply.type) {
        case RedisReply::Type::kString:
            return std::optional<std::string>(reply.str);
        case RedisReply::Type::kNil:
            return std::optional<std::string>();
        case RedisReply::Type::kError:
            return error_code(cache_errc::kStoreError);
        default:
            return error_code(cache_errc::kProtocol);
    }
}

result<std::optional<std::string>> map_getrange_reply(const RedisReply& reply, std::size_t max) {
    if (reply.type != RedisReply::Type::kString) {
        return map_get_reply(reply);
    }
    if (reply.str.empty()) {
        return std::optional<std::string>();
    }
    if (reply.str.size() > max) {
        return error_code(cache_errc::kValueTooLarge);
    }
    return std::optional<std::string>(reply.str);
}

error_code map_set_reply(const RedisReply& reply) {
    if (reply.type == RedisReply::Type::kStatus && reply.str == "OK") {
        return {};
    }
    return reply.type == RedisReply::Type::kError ? cache_errc::kStoreError : cache_errc::kProtocol;
}

result<bool> map_set_nx_reply(const RedisReply& reply) {
    if (reply.type == RedisReply::Type::kStatus && reply.str == "OK") {
        return true;
    }
    if (reply.type == RedisReply::Type::kNil) {
        return false;
    }
    return {
        boost::system::in_place_error,
        reply.type == RedisReply::Type::kError ? cache_errc::kStoreError : cache_errc::kProtocol};
}

result<std::int64_t> map_del_reply(const RedisReply& reply) {
    if (reply.type == RedisReply::Type::kInteger) {
        return reply.integer;
    }
    return {
        boost::system::in_place_error,
        reply.type == RedisReply::Type::kError ? cache_errc::kStoreError : cache_errc::kProtocol};
}

error_code map_ping_reply(const RedisReply& reply) {
    if (reply.type == RedisReply::Type::kStatus && reply.str == "PONG") {
        return {};
    }
    return reply.type == RedisReply::Type::kError ? cache_errc::kStoreError : cache_errc::kProtocol;
}

// ---- the client -----------------------------------------------------------------------------

struct RedisClient::Impl {
    Impl(
        asio::io_context& context,
        RedisOptions opts,
        RedisUrl parsed,
        std::shared_ptr<RedisCounters> shared
    )
        : io(context),
          options(std::move(opts)),
          url(std::move(parsed)),
          target{url.host, url.port},
          endpoint(url.display()),
          shown_master(target.display()),
          counters(std::move(shared)),
          connection(context),
          sentinel_probe(context),
          backoff(context),
          rng(std::random_device{}()) {
        if (!options.sentinels.empty()) {
            // No address until Sentinel names one.
            sentinels.emplace(options.sentinels);
            target = {};
            endpoint = "master " + options.master_name + " via Sentinel";
            shown_master.clear();
        }
    }

    // Connects and reconnects until stop(): the only place availability turns on.
    static awaitable<void> supervise(std::shared_ptr<Impl> self);
    // One connection attempt: (with Sentinel: find the master,) connect, AUTH, SELECT, PING
    // (with Sentinel: ROLE) within connect_timeout.
    awaitable<error_code> open();
    // One handshake command on `on` within the connect deadline.
    awaitable<result<RedisReply>> handshake(
        detail::RedisConnection& on,
        std::vector<std::string> args,
        std::chrono::steady_clock::time_point deadline
    );
    // With Sentinel: the master's address into `target`.
    awaitable<error_code> find_master();
    // One sentinel's answer, within connect_timeout.
    awaitable<result<RedisAddress>> ask_sentinel(RedisAddress sentinel);
    // After a connect: counts and logs a move to another master than the last one.
    void note_master();
    // A failed attempt: counted, logged once per outage and kind (later ones at debug level).
    void attempt_failed(log::Level level, std::string_view what, const std::string& detail);

    void set_up(bool value);
    void stop();

    asio::io_context& io;
    const RedisOptions options;
    const RedisUrl url;
    std::optional<SentinelList> sentinels;  // set when options.sentinels is not empty
    RedisAddress target;                    // where open() connects: url's, or Sentinel's
    RedisAddress connected_master;          // target of the last successful open()
    std::string endpoint;                   // for logs: host:port/db, no credentials
    mutable std::mutex shown_mutex;         // master() reads shown_master from any thread
    std::string shown_master;
    const std::shared_ptr<RedisCounters> counters;
    detail::RedisConnection connection;
    detail::RedisConnection sentinel_probe;  // one sentinel query at a time (open() is serial)
    asio::steady_timer backoff;
    std::minstd_rand rng;
    std::atomic<bool> up{false};
    bool started = false;
    bool stopping = false;
    std::string outage_logged;  // what the current outage was last logged as ("" = nothing)
    int timeouts_in_a_row = 0;  // command timeouts since the last reply in time
    // The last connection was dropped for timeouts and no command has been answered in time
    // since: reconnect delays keep growing instead of starting over (no flapping against a
    // Redis that accepts connections but cannot keep up).
    bool dropped_for_timeouts = false;
    log::Throttle timeout_log{log::kRepeatInterval};
    log::Throttle error_log{log::kRepeatInterval};
};

void RedisClient::Impl::set_up(bool value) {
    if (up.exchange(value) != value) {
        counters->available->add(value ? 1 : -1);
    }
}

void RedisClient::Impl::attempt_failed(
    log::Level level, std::string_view what, const std::string& detail
) {
    counters->connect_failures_total->inc();
    if (outage_logged == what) {
        logger().debug(what, {{"endpoint", endpoint}, {"error", detail}});
        return;
    }
    outage_logged = std::string(what);
    logger().log(
        level,
        what,
        {{"endpoint", endpoint},
         {"error", detail},
         {"retry", "in the background"},
         {"reconnect_max_ms", options.reconnect_max.count()}}
    );
}

awaitable<result<RedisReply>> RedisClient::Impl::handshake(
    detail::RedisConnection& on,
    std::vector<std::string> args,
    std::chrono::steady_clock::time_point deadline
) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    const milliseconds timeout = std::max(left, kMinHandshakeStep);
    auto [ec, reply] = co_await on.async_command(std::move(args), timeout, nothrow);
    if (ec) {
        co_return ec;
    }
    co_return std::move(reply);
}

namespace {

// One handshake command and how its refusal is judged and logged.
struct HandshakeStep {
    std::vector<std::string> args;
    std::string_view failure;  // what a failed step is logged as
    // An error reply is a configuration problem (password, ACL, db): worth an error line.
    log::Level level = log::Level::kError;
    bool role_check = false;  // ROLE must say master (Sentinel may lag behind a failover)
};

std::vector<HandshakeStep> handshake_steps(const RedisUrl& url, bool sentinel) {
    std::vector<HandshakeStep> steps;
    if (!url.password.empty()) {
        std::vector<std::string> auth{"AUTH"};
        if (!url.user.empty()) {
            auth.push_back(url.user);
        }
        auth.push_back(url.password);
        steps.push_back({std::move(auth), "redis authentication failed"});
    }
    if (url.db != 0) {
        steps.push_back({{"SELECT", std::to_string(url.db)}, "redis SELECT failed"});
    }
    // PING catches a server that wants a password we do not have (NOAUTH) before any request.
    steps.push_back({{"PING"}, "redis handshake failed"});
    if (sentinel) {
        steps.push_back(
            {{"ROLE"}, "redis master from Sentinel is not a master", log::Level::kWarn, true}
        );
    }
    return steps;
}

// Why `reply` refuses `step` ("" = it does not).
std::string refusal(const HandshakeStep& step, const RedisReply& reply) {
    if (reply.type == RedisReply::Type::kError) {
        return reply.str;
    }
    if (!step.role_check) {
        return {};
    }
    const auto master = map_role_is_master(reply);
    if (master && *master) {
        return {};
    }
    return master ? "ROLE " + reply.elements[0].str : "ROLE: " + master.error().message();
}

}  // namespace

awaitable<error_code> RedisClient::Impl::open() {
    if (sentinels) {
        if (const error_code ec = co_await find_master()) {
            co_return ec;
        }
    }
    const auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
    auto [connect_ec] = co_await connection.async_connect(
        target.host, target.port, options.connect_timeout, nothrow
    );
    if (connect_ec) {
        if (connect_ec != asio::error::operation_aborted) {
            attempt_failed(log::Level::kWarn, "redis unavailable", connection.last_error());
        }
        co_return connect_ec;
    }
    for (HandshakeStep& step : handshake_steps(url, sentinels.has_value())) {
        const auto reply = co_await handshake(connection, std::move(step.args), deadline);
        if (stopping) {
            co_return asio::error::operation_aborted;
        }
        const std::string why = reply ? refusal(step, *reply) : reply.error().message();
        if (why.empty()) {
            continue;
        }
        connection.close();
        attempt_failed(reply ? step.level : log::Level::kWarn, step.failure, why);
        co_return reply ? error_code(cache_errc::kStoreError) : reply.error();
    }
    note_master();
    co_return error_code();
}

awaitable<result<RedisAddress>> RedisClient::Impl::ask_sentinel(RedisAddress sentinel) {
    if (stopping) {
        co_return asio::error::operation_aborted;  // the rest of the list is skipped at once
    }
    const auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
    auto [connect_ec] = co_await sentinel_probe.async_connect(
        sentinel.host, sentinel.port, options.connect_timeout, nothrow
    );
    if (connect_ec) {
        co_return connect_ec;
    }
    std::vector<std::string> args{"SENTINEL", "get-master-addr-by-name", options.master_name};
    const auto reply = co_await handshake(sentinel_probe, std::move(args), deadline);
    sentinel_probe.close();
    if (!reply) {
        co_return reply.error();
    }
    co_return map_master_addr_reply(*reply);
}

awaitable<error_code> RedisClient::Impl::find_master() {
    std::string why;
    const auto master = co_await sentinels->find_master(
        [this](RedisAddress sentinel) { return ask_sentinel(std::move(sentinel)); }, &why
    );
    if (stopping) {
        co_return asio::error::operation_aborted;
    }
    if (!master) {
        attempt_failed(log::Level::kWarn, "redis sentinels named no master", why);
        co_return master.error();
    }
    target = *master;
    endpoint = target.display() + "/" + std::to_string(url.db);
    co_return error_code();
}

void RedisClient::Impl::note_master() {
    if (connected_master == target) {
        return;
    }
    if (connected_master.port != 0) {
        counters->master_switches_total->inc();
        logger().warn(
            "redis master switched",
            {{"from", connected_master.display()}, {"to", target.display()}}
        );
    }
    connected_master = target;
    const std::lock_guard lock(shown_mutex);
    shown_master = target.display();
}

awaitable<void> RedisClient::Impl::supervise(std::shared_ptr<Impl> self) {
    int attempt = 0;
    constexpr int kMaxAttemptIndex = 30;  // the delay is capped long before; avoids overflow
    while (!self->stopping) {
        const error_code ec = co_await self->open();
        if (self->stopping) {
            break;
        }
        if (!ec) {
            if (!self->dropped_for_timeouts) {
                attempt = 0;
            }
            self->timeouts_in_a_row = 0;
            self->outage_logged.clear();
            self->counters->connects_total->inc();
            self->set_up(true);
            logger().info("redis connected", {{"endpoint", self->endpoint}});
            co_await self->connection.async_wait_closed(asio::use_awaitable);
            self->set_up(false);
            if (self->stopping) {
                break;
            }
            self->counters->disconnects_total->inc();
            self->outage_logged = "redis connection lost";
            logger().warn(
                "redis connection lost",
                {{"endpoint", self->endpoint},
                 {"error", self->connection.last_error()},
                 {"retry", "in the background"}}
            );
        }
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        const milliseconds delay = reconnect_delay(
            attempt, self->options.reconnect_min, self->options.reconnect_max, unit(self->rng)
        );
        attempt = std::min(attempt + 1, kMaxAttemptIndex);
        self->backoff.expires_after(delay);
        co_await self->backoff.async_wait(nothrow);
    }
}

void RedisClient::Impl::stop() {
    if (stopping) {
        return;
    }
    stopping = true;
    backoff.cancel();
    connection.close();
    sentinel_probe.close();
    set_up(false);
}

namespace {

RedisUrl checked_url(const RedisOptions& options) {
    auto url = parse_redis_url(options.url);
    if (!url) {
        // The URL may hold a password: not part of the message.
        throw std::invalid_argument(
            "redis: invalid URL (expected redis://[user[:pass]@]host[:port][/db])"
        );
    }
    if (options.command_timeout.count() <= 0 || options.connect_timeout.count() <= 0 ||
        options.reconnect_min.count() <= 0 || options.reconnect_max < options.reconnect_min) {
        throw std::invalid_argument("redis: timeouts must be > 0 and reconnect_max >= reconnect_min"
        );
    }
    if (options.timeouts_before_reconnect < 0) {
        throw std::invalid_argument("redis: timeouts_before_reconnect must be >= 0");
    }
    if (!options.sentinels.empty() && options.master_name.empty()) {
        throw std::invalid_argument("redis: master_name is required with sentinels");
    }
    return std::move(*url);
}

}  // namespace

RedisClient::RedisClient(
    asio::io_context& io, RedisOptions options, std::shared_ptr<RedisCounters> counters
) {
    RedisUrl url = checked_url(options);
    if (!counters) {
        counters = std::make_shared<RedisCounters>();
    }
    impl_ = std::make_shared<Impl>(io, std::move(options), std::move(url), std::move(counters));
}

RedisClient::~RedisClient() {
    stop();
}

void RedisClient::start() {
    if (impl_->started || impl_->stopping) {
        return;
    }
    impl_->started = true;
    ignore_sigpipe_once();
    asio::co_spawn(impl_->io, Impl::supervise(impl_), [](const std::exception_ptr& failure) {
        if (!failure) {
            return;
        }
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            logger().error("redis reconnect loop failed", {{"error", e.what()}});
        }
    });
}

void RedisClient::stop() {
    impl_->stop();
}

bool RedisClient::available() const {
    return impl_->up.load(std::memory_order_relaxed);
}

std::string RedisClient::master() const {
    const std::lock_guard lock(impl_->shown_mutex);
    return impl_->shown_master;
}

std::string RedisClient::key(std::string_view key) const {
    std::string out;
    out.reserve(impl_->options.key_prefix.size() + key.size());
    out += impl_->options.key_prefix;
    out += key;
    return out;
}

asio::io_context& RedisClient::context() const {
    return impl_->io;
}
const RedisOptions& RedisClient::options() const {
    return impl_->options;
}
RedisStats RedisClient::stats() const {
    return snapshot(*impl_->counters);
}
const std::shared_ptr<RedisCounters>& RedisClient::counters() const {
    return impl_->counters;
}

awaitable<result<RedisReply>> RedisClient::command(std::vector<std::string> args) {
    const std::shared_ptr<Impl> self = impl_;
    RedisCounters& counters = *self->counters;
    if (!self->up.load(std::memory_order_relaxed) || !self->connection.is_open()) {
        counters.rejected_total->inc();
        co_return error_code(cache_errc::kUnavailable);
    }
    counters.commands_total->inc();
    const auto sent = std::chrono::steady_clock::now();
    auto [ec, reply] = co_await self->connection.async_command(
        std::move(args), self->options.command_timeout, nothrow
    );
    counters.command_duration->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count()
    );
    if (ec == cache_errc::kTimeout) {
        counters.timeouts_total->inc();
        if (const auto suppressed = self->timeout_log.allow()) {
            logger().warn(
                "redis command timed out",
                {{"endpoint", self->endpoint},
                 {"timeout_ms", self->options.command_timeout.count()},
                 {"in_flight", self->connection.in_flight()},
                 {"suppressed", *suppressed}}
            );
        }
        // A Redis that hangs with its connection open would cost every later command the
        // whole timeout: after `limit` timeouts in a row, and only if Redis has sent nothing
        // at all (not even a late reply) for `limit` timeouts' worth of time, drop the
        // connection. Calls then fail at once (memory-only) until the reconnect loop's
        // handshake gets an answer again. A slow but alive Redis keeps its connection.
        const int limit = self->options.timeouts_before_reconnect;
        if (limit > 0 && ++self->timeouts_in_a_row >= limit && self->connection.is_open()) {
            const auto silent = std::chrono::steady_clock::now() - self->connection.last_heard();
            if (silent >= self->options.command_timeout * limit) {
                self->timeouts_in_a_row = 0;
                self->dropped_for_timeouts = true;
                self->connection.close(
                    "no reply for " +
                    std::to_string(std::chrono::duration_cast<milliseconds>(silent).count()) +
                    " ms (" + std::to_string(limit) + " commands timed out in a row)"
                );
            }
        }
        co_return ec;
    }
    if (!ec) {
        // Redis answered in time (an error reply is an answer too).
        self->timeouts_in_a_row = 0;
        self->dropped_for_timeouts = false;
    }
    if (ec) {
        if (ec != asio::error::operation_aborted) {
            counters.errors_total->inc();
        }
        co_return ec;
    }
    if (reply.type == RedisReply::Type::kError) {
        counters.errors_total->inc();
        if (const auto suppressed = self->error_log.allow()) {
            logger().warn(
                "redis error reply",
                {{"endpoint", self->endpoint}, {"error", reply.str}, {"suppressed", *suppressed}}
            );
        }
        // A failover demoted this server: ask Sentinel again (memory-only meanwhile).
        if (self->sentinels && is_readonly_reply(reply)) {
            self->connection.close("the master became a replica (READONLY)");
        }
    }
    co_return std::move(reply);
}

awaitable<result<std::optional<std::string>>> RedisClient::get(std::string key) {
    const std::size_t max = impl_->options.max_value_bytes;
    std::vector<std::string> args;
    args.reserve(4);
    args.emplace_back(max == 0 ? "GET" : "GETRANGE");
    args.push_back(this->key(key));
    if (max != 0) {
        // One byte more than accepted tells a value at the bound from a larger one.
        args.emplace_back("0");
        args.push_back(std::to_string(max));
    }
    const auto reply = co_await command(std::move(args));
    if (!reply) {
        co_return reply.error();
    }
    co_return max == 0 ? map_get_reply(*reply) : map_getrange_reply(*reply, max);
}

awaitable<error_code> RedisClient::set(std::string key, std::string value, milliseconds ttl) {
    if (ttl.count() <= 0) {
        co_return make_error_code(boost::system::errc::invalid_argument);
    }
    std::vector<std::string> args;
    args.reserve(5);
    args.emplace_back("SET");
    args.push_back(this->key(key));
    args.push_back(std::move(value));
    args.emplace_back("PX");
    args.push_back(std::to_string(ttl.count()));
    const auto reply = co_await command(std::move(args));
    if (!reply) {
        co_return reply.error();
    }
    co_return map_set_reply(*reply);
}

awaitable<result<bool>> RedisClient::set_nx(std::string key, std::string value, milliseconds ttl) {
    if (ttl.count() <= 0) {
        co_return result<bool>(
            boost::system::in_place_error, make_error_code(boost::system::errc::invalid_argument)
        );
    }
    std::vector<std::string> args;
    args.reserve(6);
    args.emplace_back("SET");
    args.push_back(this->key(key));
    args.push_back(std::move(value));
    args.emplace_back("NX");
    args.emplace_back("PX");
    args.push_back(std::to_string(ttl.count()));
    const auto reply = co_await command(std::move(args));
    if (!reply) {
        co_return result<bool>(boost::system::in_place_error, reply.error());
    }
    co_return map_set_nx_reply(*reply);
}

awaitable<result<std::int64_t>> RedisClient::del(std::string key) {
    std::vector<std::string> args;
    args.reserve(2);
    args.emplace_back("DEL");
    args.push_back(this->key(key));
    const auto reply = co_await command(std::move(args));
    if (!reply) {
        co_return reply.error();
    }
    co_return map_del_reply(*reply);
}

awaitable<result<std::int64_t>> RedisClient::del_if_equal(std::string key, std::string value) {
    // Redis runs a script atomically: nobody can take the key between the GET and the DEL.
    static constexpr std::string_view kScript =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
        "return 0";
    std::vector<std::string> args;
    args.reserve(5);
    args.emplace_back("EVAL");
    args.emplace_back(kScript);
    args.emplace_back("1");
    args.push_back(this->key(key));
    args.push_back(std::move(value));
    const auto reply = co_await command(std::move(args));
    if (!reply) {
        co_return reply.error();
    }
    co_return map_del_reply(*reply);
}

awaitable<error_code> RedisClient::ping() {
    std::vector<std::string> args{"PING"};
    const auto reply = co_await command(std::move(args));
    if (!reply) {
        co_return reply.error();
    }
    co_return map_ping_reply(*reply);
}

// ---- the Store facade -----------------------------------------------------------------------

RedisStore::RedisStore(std::vector<RedisClient*> clients) : clients_(std::move(clients)) {
    if (std::any_of(clients_.begin(), clients_.end(), [](const RedisClient* c) {
            return c == nullptr;
        })) {
        throw std::invalid_argument("RedisStore: null client");
    }
}

RedisClient* RedisStore::client_for_this_thread() const {
    for (RedisClient* client : clients_) {
        if (client->context().get_executor().running_in_this_thread()) {
            return client;
        }
    }
    return nullptr;
}

bool RedisStore::available() const {
    if (const RedisClient* client = client_for_this_thread()) {
        return client->available();
    }
    return std::any_of(clients_.begin(), clients_.end(), [](const RedisClient* c) {
        return c->available();
    });
}

RedisStore::Connections RedisStore::connections() const {
    const auto up = std::count_if(clients_.begin(), clients_.end(), [](const RedisClient* c) {
        return c->available();
    });
    return {static_cast<std::size_t>(up), clients_.size()};
}

awaitable<result<std::optional<std::string>>> RedisStore::get(std::string key) {
    RedisClient* client = client_for_this_thread();
    if (client == nullptr) {
        co_return error_code(cache_errc::kUnavailable);
    }
    co_return co_await client->get(std::move(key));
}

awaitable<error_code> RedisStore::set(std::string key, std::string value, milliseconds ttl) {
    RedisClient* client = client_for_this_thread();
    if (client == nullptr) {
        co_return error_code(cache_errc::kUnavailable);
    }
    co_return co_await client->set(std::move(key), std::move(value), ttl);
}

awaitable<result<bool>> RedisStore::set_nx(std::string key, std::string value, milliseconds ttl) {
    RedisClient* client = client_for_this_thread();
    if (client == nullptr) {
        co_return result<bool>(boost::system::in_place_error, cache_errc::kUnavailable);
    }
    co_return co_await client->set_nx(std::move(key), std::move(value), ttl);
}

awaitable<result<std::int64_t>> RedisStore::del(std::string key) {
    RedisClient* client = client_for_this_thread();
    if (client == nullptr) {
        co_return error_code(cache_errc::kUnavailable);
    }
    co_return co_await client->del(std::move(key));
}

awaitable<result<std::optional<std::string>>> RedisStore::try_lock(
    std::string key, milliseconds ttl
) {
    RedisClient* client = client_for_this_thread();
    if (client == nullptr) {
        co_return error_code(cache_errc::kUnavailable);
    }
    // 128 random bits: an owner nobody else can guess or collide with.
    std::string token = detail::random_hex(16);
    const result<bool> acquired = co_await client->set_nx(std::move(key), token, ttl);
    if (!acquired) {
        co_return acquired.error();
    }
    co_return *acquired ? std::optional<std::string>(std::move(token)) : std::nullopt;
}

awaitable<result<bool>> RedisStore::unlock(std::string key, std::string token) {
    RedisClient* client = client_for_this_thread();
    if (client == nullptr) {
        co_return result<bool>(boost::system::in_place_error, cache_errc::kUnavailable);
    }
    const result<std::int64_t> removed =
        co_await client->del_if_equal(std::move(key), std::move(token));
    if (!removed) {
        co_return result<bool>(boost::system::in_place_error, removed.error());
    }
    co_return *removed == 1;
}

}  // namespace scout::cache
