#include <scout/app/app.hpp>
#include <scout/core/asio.hpp>
#include <scout/core/version.hpp>
#include <scout/http/server.hpp>
#include <scout/log/log.hpp>
#include <scout/middleware/chain.hpp>
#include <scout/monitoring/health.hpp>
#include <scout/upstream/circuit_breaker.hpp>
#include <scout/upstream/client.hpp>
#include <scout/upstream/curl_multi.hpp>

#include "app/search_handler.hpp"

#include <csignal>
#include <functional>
#include <string>
#include <thread>

namespace scout::app {
namespace {

using ConfigSource = std::function<std::shared_ptr<const config::Config>()>;

// A worker's upstream: its curl multi handle and the client on top of it.
struct WorkerUpstream {
    WorkerUpstream(
        asio::io_context& io,
        upstream::CircuitBreaker& breaker,
        upstream::ClientStats& stats,
        ConfigSource config
    )
        : curl(io), client(curl, breaker, stats, std::move(config)) {}
    upstream::CurlMulti curl;
    upstream::AliExpressClient client;
};

const log::Logger& logger() {
    static const log::Logger instance("app");
    return instance;
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
    options.write_timeout = std::chrono::milliseconds(cfg.body_timeout_ms);
    return options;
}

}  // namespace

App::App(config::LoadOptions load_options, config::Config initial)
    : load_options_(std::move(load_options)),
      config_(std::make_shared<const config::Config>(std::move(initial))) {
    log::init(log_options(config_.load()->log));
}

App::~App() {
    log::shutdown();
}

int App::run() {
    const auto cfg = config();
    auto health = std::make_shared<monitoring::HealthState>();

    const ConfigSource config_source = [this] { return config(); };

    // Shared by all workers: one breaker per upstream, one set of counters.
    upstream::ClientStats upstream_stats;
    upstream::CircuitBreaker breaker(
        cfg->upstream.breaker,
        SteadyClock::instance(),
        [](upstream::CircuitBreaker::State from, upstream::CircuitBreaker::State to) {
            logger().warn(
                "upstream circuit breaker changed state",
                {{"from", upstream::to_string(from)}, {"to", upstream::to_string(to)}}
            );
        }
    );

    http::Server server(
        server_options(cfg->server),
        [&](asio::io_context& io, std::size_t /*worker*/) {
            // Per worker: its own curl multi handle and client, used only on its thread.
            auto bundle =
                std::make_shared<WorkerUpstream>(io, breaker, upstream_stats, config_source);
            const std::shared_ptr<upstream::ProductSource> client(bundle, &bundle->client);
            http::Router router;
            router.add(http::Verb::get, "/health", "health", monitoring::HealthHandler(health));
            router.add(http::Verb::get, "/search", "search", SearchHandler(client, config_source));
            auto pipeline = std::make_shared<http::Pipeline>(std::move(router));
            middleware::assemble(*pipeline);
            return std::shared_ptr<const http::Pipeline>(std::move(pipeline));
        }
    );
    server.start();
    logger().info(
        "scout listening",
        {{"address", cfg->server.listen},
         {"port", server.port()},
         {"threads", server.worker_count()},
         {"env", cfg->env},
         {"version", kVersion}}
    );

    // Signals are handled on this (the main) thread's own io_context.
    asio::io_context control;
    asio::signal_set stop_signals(control, SIGTERM, SIGINT);
    asio::signal_set reload_signals(control, SIGHUP);
    bool stopping = false;

    std::function<void()> wait_reload = [&] {
        reload_signals.async_wait([&](const boost::system::error_code& ec, int /*signal*/) {
            if (ec) {
                return;
            }
            reload();
            wait_reload();
        });
    };
    wait_reload();

    // Drain in two phases, polled every 10 ms on this thread: wait for requests in flight
    // (up to the grace period), then close every connection and wait (up to 1 s) for the
    // sessions to finish so no response is cut mid-write.
    asio::steady_timer drain_timer(control);
    std::chrono::steady_clock::time_point drain_deadline;
    bool closing = false;
    std::function<void()> poll_drain = [&] {
        const auto now = std::chrono::steady_clock::now();
        if (!closing && (server.active_requests() == 0 || now >= drain_deadline)) {
            if (server.active_requests() != 0) {
                logger().warn(
                    "grace period over; closing connections with requests in flight",
                    {{"active_requests", server.active_requests()}}
                );
            }
            closing = true;
            server.close_all();
            drain_deadline = now + std::chrono::seconds(1);
        }
        if (closing && (server.open_connections() == 0 || now >= drain_deadline)) {
            reload_signals.cancel();
            stop_signals.cancel();
            return;
        }
        drain_timer.expires_after(std::chrono::milliseconds(10));
        drain_timer.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) {
                poll_drain();
            }
        });
    };

    stop_signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec || stopping) {
            return;
        }
        stopping = true;
        const auto grace = std::chrono::milliseconds(config()->server.shutdown_grace_ms);
        logger().info(
            "draining",
            {{"signal", signal},
             {"grace_ms", grace.count()},
             {"active_requests", server.active_requests()},
             {"open_connections", server.open_connections()}}
        );
        health->draining.store(true);
        server.drain();
        drain_deadline = std::chrono::steady_clock::now() + grace;
        poll_drain();
    });

    control.run();
    server.stop();
    logger().info("scout stopped", {{"open_connections", server.open_connections()}});
    log::flush();
    return 0;
}

void App::reload() {
    logger().info("SIGHUP: reloading configuration");
    config::LoadResult result = config::load(load_options_);
    if (!result.config) {
        logger().error(
            "configuration reload failed; keeping the current configuration",
            {{"errors", config::format_errors(result.errors)}}
        );
        return;
    }
    std::vector<std::string> ignored;
    const auto current = config();
    auto next = std::make_shared<const config::Config>(
        config::apply_reloadable(*current, *result.config, ignored)
    );
    for (const std::string& path : ignored) {
        logger().warn("setting changed on disk but needs a restart", {{"setting", path}});
    }
    if (next->log.level != current->log.level) {
        log::set_level(log::parse_level(next->log.level).value_or(log::Level::kInfo));
    }
    logger().info("configuration reloaded", {{"log_level", next->log.level}});
    config_.store(std::move(next));
}

}  // namespace scout::app
