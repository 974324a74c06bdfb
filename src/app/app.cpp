#include <scout/app/app.hpp>
#include <scout/app/routes.hpp>
#include <scout/cache/redis_client.hpp>
#include <scout/cache/tiered_cache.hpp>
#include <scout/core/asio.hpp>
#include <scout/core/version.hpp>
#include <scout/http/server.hpp>
#include <scout/log/log.hpp>
#include <scout/middleware/chain.hpp>
#include <scout/monitoring/health.hpp>
#include <scout/monitoring/health_monitor.hpp>
#include <scout/monitoring/metrics.hpp>
#include <scout/monitoring/metrics_handlers.hpp>
#include <scout/monitoring/request_journal.hpp>
#include <scout/search/features.hpp>
#include <scout/search/service.hpp>
#include <scout/upstream/breaker_set.hpp>
#include <scout/upstream/client.hpp>
#include <scout/upstream/curl_multi.hpp>
#include <scout/upstream/quota.hpp>
#include <scout/upstream/redis_quota.hpp>

#include "app/health_components.hpp"

#include <csignal>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace scout::app {
namespace {

using ConfigSource = std::function<std::shared_ptr<const config::Config>()>;

const log::Logger& logger() {
    static const log::Logger instance("app");
    return instance;
}

cache::TieredCacheOptions cache_options(const config::CacheConfig& cfg) {
    cache::TieredCacheOptions options;
    options.l1.max_entries = cfg.memory.max_entries;
    options.l1.max_bytes = cfg.memory.max_bytes;
    options.l1.serve_stale = std::chrono::seconds(cfg.serve_stale_s);
    options.kinds["search"].ttl = std::chrono::seconds(cfg.ttl.search_s);
    // Pages served without affiliate links (link generation failed) are kept briefly only.
    options.kinds["search_degraded"].ttl = std::chrono::seconds(std::min(cfg.ttl.search_s, 30));
    options.l2_secret = cfg.l2_secret;
    return options;
}

cache::RedisOptions redis_options(const config::RedisConfig& cfg) {
    cache::RedisOptions options;
    options.url = cfg.url;
    options.command_timeout = std::chrono::milliseconds(cfg.command_timeout_ms);
    options.connect_timeout = std::chrono::milliseconds(cfg.connect_timeout_ms);
    options.key_prefix = cfg.key_prefix;
    options.reconnect_min = std::chrono::milliseconds(cfg.reconnect_min_ms);
    options.reconnect_max = std::chrono::milliseconds(cfg.reconnect_max_ms);
    options.timeouts_before_reconnect = cfg.timeouts_before_reconnect;
    options.sentinels = cfg.sentinels;
    options.master_name = cfg.master_name;
    return options;
}

// The largest value read back from Redis: a page's body is at most search.max_response_bytes
// and its gzip copy smaller, so anything much larger was not written by Scout.
std::size_t max_l2_value_bytes(const config::Config& cfg) {
    return 3 * cfg.search.max_response_bytes + (64U << 10U);
}

// Affiliate links are small and long-lived: their own LRU, bounded apart from pages.
cache::LruOptions link_cache_options() {
    cache::LruOptions options;
    options.max_entries = 100'000;
    options.max_bytes = 32U << 20U;
    return options;
}

search::SearchOptions make_search_options(const config::Config& cfg) {
    search::SearchOptions options;
    options.validator.max_price = cfg.search.max_price;
    options.quality.weights.rating = cfg.search.quality.weights.rating;
    options.quality.weights.orders = cfg.search.quality.weights.orders;
    options.quality.weights.discount = cfg.search.quality.weights.discount;
    options.quality.weights.completeness = cfg.search.quality.weights.completeness;
    options.filter.min_score = cfg.search.quality.min_score;
    if (cfg.search.quality.min_rating > 0) {
        options.filter.min_rating = cfg.search.quality.min_rating;
    }
    options.filter.min_orders = cfg.search.quality.min_orders;
    options.dedupe.title_similarity = cfg.search.dedupe.title_similarity;
    options.max_response_bytes = cfg.search.max_response_bytes;
    options.tracking_id = cfg.upstream.tracking_id;
    options.affiliate_link_ttl = std::chrono::seconds(cfg.cache.ttl.affiliate_link_s);
    options.refresh_ahead_percent = cfg.cache.refresh_ahead_percent;
    options.affiliate_timeout = std::chrono::milliseconds(config::kAffiliateLinkBudgetMs);
    options.cursor_keys.secrets = cfg.search.cursor_secret;
    options.cursor_keys.max_age = std::chrono::seconds(cfg.search.cursor_max_age_s);
    if (options.cursor_keys.secrets.empty()) {  // not in production: validation requires one
        options.cursor_keys.secrets.push_back(search::random_cursor_secret());
        logger().warn(
            "search.cursor_secret is empty: using a random one; cursors will not survive a restart "
            "or work across instances"
        );
    }
    return options;
}

void log_reload_failure(std::string_view errors) {
    logger().error(
        "configuration reload failed; keeping the current configuration", {{"errors", errors}}
    );
}

// What a reload changes (old -> new, secrets redacted) and what waits for a restart.
void log_changes(const config::Config& running, const config::Config& on_disk) {
    for (const config::SettingChange& change : config::changes(running, on_disk)) {
        const log::Fields fields = {
            {"setting", change.path}, {"from", change.from}, {"to", change.to}};
        if (change.reloadable) {
            logger().info("setting changed", fields);
        } else {
            logger().warn("setting changed on disk but needs a restart", fields);
        }
    }
}

log::Options log_options(const config::LogConfig& cfg) {
    log::Options options;
    options.level = log::parse_level(cfg.level).value_or(log::Level::kInfo);
    options.json = cfg.format == "json";
    options.file = cfg.file;
    options.max_file_bytes = cfg.max_file_bytes;
    options.max_files = cfg.max_files;
    return options;
}

// "host:port" or "[v6]:port" (validated by the config loader).
void split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
    const auto colon = listen.rfind(':');
    host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host == "localhost") {
        host = "127.0.0.1";
    }
    port = static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1)));
}

http::ServerOptions server_options(const config::ServerConfig& cfg) {
    http::ServerOptions options;
    split_listen(cfg.listen, options.host, options.port);
    options.threads = cfg.threads == 0 ? std::max(1U, std::thread::hardware_concurrency())
                                       : static_cast<std::size_t>(cfg.threads);
    options.max_body_bytes = cfg.max_body_bytes;
    options.max_header_bytes = cfg.max_header_bytes;
    options.header_timeout = std::chrono::milliseconds(cfg.header_timeout_ms);
    options.body_timeout = std::chrono::milliseconds(cfg.body_timeout_ms);
    options.write_timeout = std::chrono::milliseconds(cfg.write_timeout_ms);
    options.idle_timeout = std::chrono::milliseconds(cfg.idle_timeout_ms);
    options.max_requests_per_connection = static_cast<std::size_t>(cfg.max_requests_per_connection);
    options.max_connections = static_cast<std::size_t>(cfg.max_connections);
    return options;
}

// The listener of every breaker: a counter per transition and a warning.
upstream::BreakerSet::Listener breaker_transitions(monitoring::Registry& metrics) {
    auto& transitions = metrics.counter(
        "scout_circuit_breaker_transitions_total",
        "Circuit breaker state changes per upstream method",
        {"method", "to"}
    );
    return [&transitions](
               std::string_view method,
               upstream::CircuitBreaker::State from,
               upstream::CircuitBreaker::State to
           ) {
        transitions
            .with(
                {std::string(upstream::method_label(method)), std::string(upstream::to_string(to))}
            )
            .inc();
        logger().warn(
            "upstream circuit breaker changed state",
            {{"method", method},
             {"from", upstream::to_string(from)},
             {"to", upstream::to_string(to)}}
        );
    };
}

// Everything the workers share that can exist before the server: built first, destroyed
// after the server (whose pipelines refer to it).
struct SharedServices {
    SharedServices(const config::Config& cfg, const ConfigSource& live)
        : journal(std::chrono::milliseconds(cfg.monitoring.slow_request_ms)),
          upstream_metrics(metrics),
          // One breaker per upstream method, reading the live settings.
          breakers(
              [live] { return live()->upstream.breaker; },
              SteadyClock::instance(),
              breaker_transitions(metrics)
          ),
          flags(cfg.features, metrics),
          search_options(make_search_options(cfg)) {
        breakers.add_state_collector(metrics);
        upstream_metrics.add_cost_collector(metrics, [live] {
            return live()->upstream.cost_per_call;
        });
        // Read for every page built, so a reload of the upstream deadline applies.
        search_options.page_budget = [live] {
            return std::chrono::milliseconds(live()->upstream.request_timeout_ms);
        };
        search_options.gzip_level = [live] { return live()->compression.level; };
        defaults.currency = cfg.upstream.target_currency;
        defaults.language = cfg.upstream.target_language;
        defaults.max_depth =
            std::int64_t{search_options.max_upstream_pages} * search_options.upstream_page_size;
    }

    monitoring::Registry metrics;
    monitoring::RequestJournal journal;
    std::shared_ptr<monitoring::HealthState> health = std::make_shared<monitoring::HealthState>();
    upstream::UpstreamMetrics upstream_metrics;
    upstream::BreakerSet breakers;
    middleware::SharedState middleware;  // the middlewares' process-wide state
    // ?window= of the JSON metrics: a snapshot every 10 s, as far back as the longest window.
    std::shared_ptr<monitoring::MetricsHistory> history =
        std::make_shared<monitoring::MetricsHistory>(
            std::chrono::seconds(10), monitoring::kMaxWindow / std::chrono::seconds(10) + 1
        );
    // Need the worker count and the caches: created with the server, before it starts.
    std::shared_ptr<monitoring::HealthMonitor> health_monitor;
    std::shared_ptr<void> health_components;  // owns their probes
    search::FeatureFlags flags;               // per-client rollouts, updated on reload
    search::SearchOptions search_options;
    search::RequestDefaults defaults;
};

// The cache tiers and what sits on them, the outbound quota included (its bucket is in Redis
// when there is one). L2 is one Redis connection per worker, on that worker's io_context, so
// this is built once the server (and its contexts) exists and before it starts. Redis being
// down at start-up is not an error: the clients keep reconnecting and the cache runs
// memory-only.
class CacheTiers {
public:
    CacheTiers(const config::Config& cfg, http::Server& server, monitoring::Registry& metrics) {
        if (!cfg.redis.url.empty()) {
            connect_redis(cfg, server, metrics);
            // The quota is the app key's: one bucket for every instance.
            quota_store_ =
                std::make_unique<upstream::RedisQuotaStore>(*redis_store_, cfg.upstream.app_key);
        }
        quota_ = std::make_unique<upstream::OutboundQuota>(metrics, quota_store_.get());
        cache::TieredCacheOptions options = cache_options(cfg.cache);
        options.max_l2_value_bytes = max_l2_value_bytes(cfg);
        if (redis_store_ && cfg.cache.l2_secret.empty()) {
            logger().warn(
                "cache.l2_secret is empty: using a random one; values this instance writes to "
                "Redis are readable by itself only (other instances and restarts treat them as "
                "misses)"
            );
        }
        tiered_ = std::make_unique<cache::TieredCache>(
            options, redis_store_.get(), SteadyClock::instance(), nullptr, &metrics
        );
        search_ = std::make_unique<search::SearchShared>(
            *tiered_, metrics, link_cache_options(), redis_store_.get()
        );
        search_->distributed_single_flight = cfg.cache.distributed_single_flight;
    }
    CacheTiers(const CacheTiers&) = delete;
    CacheTiers& operator=(const CacheTiers&) = delete;
    CacheTiers(CacheTiers&&) = delete;
    CacheTiers& operator=(CacheTiers&&) = delete;
    // The server must be stopped first (its sessions use the caches); the clients are
    // destroyed here, before the server's io_contexts.
    ~CacheTiers() {
        for (auto& client : redis_clients_) {
            client->stop();
        }
    }

    void start() {
        for (auto& client : redis_clients_) {
            client->start();
        }
    }
    [[nodiscard]] search::SearchShared& search() { return *search_; }
    [[nodiscard]] cache::RedisStore* redis_store() const { return redis_store_.get(); }
    [[nodiscard]] const cache::TieredCache& tiered() const { return *tiered_; }
    [[nodiscard]] upstream::OutboundQuota& quota() { return *quota_; }
    [[nodiscard]] std::string_view l2_name() const {
        return redis_store_ ? "redis" : "memory-only";
    }

private:
    void connect_redis(
        const config::Config& cfg, http::Server& server, monitoring::Registry& metrics
    ) {
        auto counters = std::make_shared<cache::RedisCounters>(metrics);
        std::vector<cache::RedisClient*> raw;
        for (std::size_t i = 0; i < server.worker_count(); ++i) {
            cache::RedisOptions options = redis_options(cfg.redis);
            options.max_value_bytes = max_l2_value_bytes(cfg);
            redis_clients_.push_back(std::make_unique<cache::RedisClient>(
                server.worker_context(i), std::move(options), counters
            ));
            raw.push_back(redis_clients_.back().get());
        }
        redis_store_ = std::make_unique<cache::RedisStore>(std::move(raw));
    }

    std::vector<std::unique_ptr<cache::RedisClient>> redis_clients_;
    std::unique_ptr<cache::RedisStore> redis_store_;
    std::unique_ptr<cache::TieredCache> tiered_;
    std::unique_ptr<search::SearchShared> search_;
    std::unique_ptr<upstream::RedisQuotaStore> quota_store_;
    std::unique_ptr<upstream::OutboundQuota> quota_;
};

// On every exit path of App::run: the server stops first (its sessions end while what they
// use is alive), then the caches with their Redis clients go, while the server's
// io_contexts still exist.
struct StopInOrder {
    http::Server& server;
    std::optional<CacheTiers>& caches;
    StopInOrder(http::Server& s, std::optional<CacheTiers>& c) : server(s), caches(c) {}
    StopInOrder(const StopInOrder&) = delete;
    StopInOrder& operator=(const StopInOrder&) = delete;
    StopInOrder(StopInOrder&&) = delete;
    StopInOrder& operator=(StopInOrder&&) = delete;
    ~StopInOrder() {
        server.stop();
        caches.reset();
    }
};

// A worker's own objects: its curl multi handle, the client on top of it and the search
// service using that client; used only on the worker's thread.
struct WorkerState {
    WorkerState(
        asio::io_context& io, SharedServices& shared, CacheTiers& caches, ConfigSource config
    )
        : curl(io),
          client(curl, shared.breakers, caches.quota(), shared.upstream_metrics, std::move(config)),
          search(client, caches.search(), shared.search_options) {}
    upstream::CurlMulti curl;
    upstream::AliExpressClient client;
    search::SearchService search;
};

// The pipeline of each worker: its routes and the middleware chain. `caches` is filled in
// before the server starts, which is when the factory runs.
http::Server::PipelineFactory worker_pipelines(
    SharedServices& shared,
    std::optional<CacheTiers>& caches,
    const config::Config& cfg,
    ConfigSource live
) {
    return [&shared, &caches, &cfg, live](asio::io_context& io, std::size_t /*worker*/) {
        auto state = std::make_shared<WorkerState>(io, shared, *caches, live);
        const std::shared_ptr<search::SearchService> service(state, &state->search);
        auto pipeline = std::make_shared<http::Pipeline>(build_router(
            {service,
             shared.defaults,
             shared.health,
             shared.metrics,
             shared.journal,
             shared.health_monitor,
             shared.history,
             &shared.flags}
        ));
        middleware::assemble(*pipeline, {cfg, shared.metrics, shared.journal, shared.middleware});
        return std::shared_ptr<const http::Pipeline>(std::move(pipeline));
    };
}

// Polls `done` every 10 ms until it holds or `limit` has passed; returns whether it held.
awaitable<bool> poll_until(std::chrono::milliseconds limit, std::function<bool()> done) {
    asio::steady_timer tick(co_await asio::this_coro::executor);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            co_return false;
        }
        tick.expires_after(std::chrono::milliseconds(10));
        co_await tick.async_wait(nothrow);
    }
    co_return true;
}

// Stop accepting (idle connections close), wait for the requests in flight up to the grace
// period, then close every connection and wait (up to 1 s) for the sessions to end so no
// response is cut mid-write.
awaitable<void> drain(
    http::Server& server,
    monitoring::HealthState& health,
    std::chrono::milliseconds grace,
    int signal
) {
    logger().info(
        "draining",
        {{"signal", signal},
         {"grace_ms", grace.count()},
         {"active_requests", server.active_requests()},
         {"open_connections", server.open_connections()}}
    );
    health.draining.store(true);
    server.drain();
    const std::function<bool()> no_requests = [&server] { return server.active_requests() == 0; };
    if (!co_await poll_until(grace, no_requests)) {
        logger().warn(
            "grace period over; closing connections with requests in flight",
            {{"active_requests", server.active_requests()}}
        );
    }
    server.close_all();
    const std::function<bool()> no_connections = [&server] {
        return server.open_connections() == 0;
    };
    co_await poll_until(std::chrono::seconds(1), no_connections);
}

// SIGTERM/SIGINT: drain, then cancel the reload wait so that the control context returns.
awaitable<void> stop_on_signal(
    asio::signal_set& stop_signals,
    asio::signal_set& reload_signals,
    http::Server& server,
    monitoring::HealthState& health,
    ConfigSource config
) {
    const auto [ec, signal] = co_await stop_signals.async_wait(nothrow);
    if (!ec) {
        const auto grace = std::chrono::milliseconds(config()->server.shutdown_grace_ms);
        co_await drain(server, health, grace, signal);
    }
    reload_signals.cancel();
}

// SIGHUP: `reload` (which never throws), until the wait is cancelled.
awaitable<void> reload_on_signal(asio::signal_set& signals, std::function<void()> reload) {
    for (;;) {
        const auto [ec, signal] = co_await signals.async_wait(nothrow);
        if (ec) {
            co_return;
        }
        reload();
    }
}

// The completion of a detached lifecycle coroutine: an escaped exception is logged.
auto log_failure(std::string_view what) {
    return [what](const std::exception_ptr& error) {
        try {
            if (error) {
                std::rethrow_exception(error);
            }
        } catch (const std::exception& e) {
            logger().error(std::string(what) + " failed", {{"error", e.what()}});
        }
    };
}

// Handles signals on the calling (main) thread's own io_context until the server has drained.
void serve_until_stopped(
    http::Server& server,
    monitoring::HealthState& health,
    const ConfigSource& config,
    std::function<void()> reload
) {
    asio::io_context control;
    asio::signal_set stop_signals(control, SIGTERM, SIGINT);
    asio::signal_set reload_signals(control, SIGHUP);
    asio::co_spawn(
        control, reload_on_signal(reload_signals, std::move(reload)), log_failure("reload")
    );
    asio::co_spawn(
        control,
        stop_on_signal(stop_signals, reload_signals, server, health, config),
        log_failure("drain")
    );
    control.run();
}

// Gauges the server keeps itself, read at scrape time; build info and uptime.
void add_server_collector(monitoring::Registry& metrics, const http::Server& server) {
    const auto started = std::chrono::steady_clock::now();
    metrics.add_collector([&server, started](std::vector<monitoring::FamilySnapshot>& out) {
        using monitoring::MetricType;
        const auto gauge = [&out](std::string name, std::string help, double value) {
            out.push_back(
                {std::move(name), std::move(help), MetricType::kGauge, {}, {{{}, value, {}}}}
            );
        };
        gauge(
            "scout_http_requests_in_flight",
            "Requests read and not yet answered",
            static_cast<double>(server.active_requests())
        );
        gauge(
            "scout_http_connections_open",
            "Client connections open",
            static_cast<double>(server.open_connections())
        );
        out.push_back(
            {"scout_http_connection_limit_reached_total",
             "Times a worker reached its share of server.max_connections and paused accepting",
             MetricType::kCounter,
             {},
             {{{}, static_cast<double>(server.connection_limit_reached()), {}}}}
        );
        out.push_back(
            {"scout_log_dropped_events_total",
             "Log lines dropped because the log queue was full",
             MetricType::kCounter,
             {},
             {{{}, static_cast<double>(log::dropped_events()), {}}}}
        );
        gauge(
            "scout_uptime_seconds",
            "Seconds since start",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
        );
        out.push_back(
            {"scout_build_info",
             "Build information (value 1)",
             MetricType::kGauge,
             {"version"},
             {{{std::string(kVersion)}, 1, {}}}}
        );
    });
}

// /health/detailed: the monitor (per-worker loop lag) and its components.
void watch_health(
    SharedServices& shared,
    const CacheTiers& caches,
    http::Server& server,
    const config::Config& cfg
) {
    shared.health_monitor =
        std::make_shared<monitoring::HealthMonitor>(shared.health, server.worker_count());
    shared.health_monitor->set_max_loop_lag(
        std::chrono::milliseconds(cfg.monitoring.max_event_loop_lag_ms)
    );
    for (std::size_t i = 0; i < server.worker_count(); ++i) {
        shared.health_monitor->loop_lag().watch(server.worker_context(i), i);
    }
    shared.health_components = add_health_components(
        *shared.health_monitor,
        {cfg, shared.breakers, shared.upstream_metrics, caches.redis_store(), caches.tiered()}
    );
}

}  // namespace

App::App(
    config::LoadOptions load_options,
    config::Config initial,
    const std::vector<std::string>& config_files
)
    : load_options_(std::move(load_options)),
      config_(std::make_shared<const config::Config>(std::move(initial))) {
    log::init(log_options(config_.load()->log));
    std::string files;
    for (const std::string& file : config_files) {
        files += (files.empty() ? "" : ", ") + file;
    }
    logger().info(
        "configuration loaded",
        {{"env", config_.load()->env}, {"files", files.empty() ? "none: built-in defaults" : files}}
    );
}

App::~App() {
    log::shutdown();
}

int App::run() {
    const auto cfg = config();
    const ConfigSource live = [this] { return config(); };
    if (cfg->admin.token.empty()) {
        logger().warn("admin.token is empty: the admin and metrics routes answer 404");
    }
    SharedServices shared(*cfg, live);
    on_reload([&shared](const config::Config& next) {
        shared.journal.set_slow_threshold(std::chrono::milliseconds(next.monitoring.slow_request_ms)
        );
        shared.middleware.reload(next);
        shared.flags.update(next.features);
    });

    std::optional<CacheTiers> caches;  // needs the workers' io_contexts: filled in below
    http::Server server(server_options(cfg->server), worker_pipelines(shared, caches, *cfg, live));
    const StopInOrder stop_in_order{server, caches};
    caches.emplace(*cfg, server, shared.metrics);
    watch_health(shared, *caches, server, *cfg);
    on_reload([&shared](const config::Config& next) {
        shared.health_monitor->set_max_loop_lag(
            std::chrono::milliseconds(next.monitoring.max_event_loop_lag_ms)
        );
    });

    add_server_collector(shared.metrics, server);
    monitoring::record_history(server.worker_context(0), shared.metrics, *shared.history);
    server.start();
    caches->start();
    logger().info(
        "scout listening",
        {{"address", cfg->server.listen},
         {"port", server.port()},
         {"threads", server.worker_count()},
         {"env", cfg->env},
         {"cache_l2", caches->l2_name()},
         {"version", kVersion}}
    );

    serve_until_stopped(server, *shared.health, live, [this] { reload(); });
    server.stop();
    reload_listeners_.clear();  // they refer to this function's locals
    logger().info("scout stopped", {{"open_connections", server.open_connections()}});
    log::flush();
    return 0;
}

void App::reload() noexcept {
    // Runs in the SIGHUP handler: nothing may escape, whatever the new files contain.
    try {
        apply_reload();
    } catch (const std::exception& e) {
        log_reload_failure(e.what());
    } catch (...) {
        log_reload_failure("unknown exception");
    }
}

void App::apply_reload() {
    logger().info("SIGHUP: reloading configuration");
    config::LoadResult result = config::load(load_options_);
    if (!result.config) {
        log_reload_failure(config::format_errors(result.errors));
        return;
    }
    std::vector<std::string> ignored;
    const auto current = config();
    // The running non-reloadable values with the new reloadable ones: a mix the loader never
    // saw (e.g. a longer request timeout against the old grace period), so validate it too.
    config::LoadResult combined =
        config::validate(config::apply_reloadable(*current, *result.config, ignored));
    if (!combined.config) {
        log_reload_failure(config::format_errors(combined.errors));
        return;
    }
    if (!combined.warnings.empty()) {
        logger().warn(
            "configuration warning",
            {{"warnings", config::format_errors(combined.warnings, "config warning")}}
        );
    }
    auto next = std::make_shared<const config::Config>(std::move(*combined.config));
    log_changes(*current, *result.config);
    if (next->log.level != current->log.level) {
        log::set_level(log::parse_level(next->log.level).value_or(log::Level::kInfo));
    }
    config_.store(next);
    for (const auto& listener : reload_listeners_) {
        listener(*next);
    }
    // Last, and flushed: once this line is in the log, every component works with the new
    // values (operators and tests wait for it).
    logger().info("configuration reloaded", {{"log_level", next->log.level}});
    log::flush();
}

void App::on_reload(std::function<void(const config::Config&)> listener) {
    reload_listeners_.push_back(std::move(listener));
}

}  // namespace scout::app
