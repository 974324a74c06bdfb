// Logger front end and the process-wide backend: level, sinks, async thread, flush barrier.
// Hot path: one relaxed atomic load for the level check, then one atomic shared_ptr load of
// the backend; init/shutdown/flush are serialised by a control mutex that events never take.
#include <scout/log/log.hpp>

#include "log/batch_writer.hpp"
#include "log/render.hpp"
#include "log/sink.hpp"

#include <spdlog/async_logger.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace scout::log {
namespace detail {
constinit std::atomic<Level> g_min_level{Level::kInfo};
}  // namespace detail

namespace {

constexpr const char* kSpdlogName = "scout";
// The logger name travels in source_loc::line; longer names are cut.
constexpr std::size_t kMaxNameSize = 256;
// How long a flush waits for its barrier before posting another (see flush_backend).
constexpr std::chrono::milliseconds kBarrierRetry{1'000};
// How long a flush or shutdown waits for the batch writer (a stuck log file may never let
// it finish; the process must still stop).
constexpr std::chrono::milliseconds kBatchDrainLimit{2'000};

spdlog::level::level_enum to_spdlog(Level level) {
    return static_cast<spdlog::level::level_enum>(static_cast<int>(level));
}

// One set of sinks plus the spdlog logger writing to them. Immutable once published.
struct Backend {
    bool json = false;
    std::shared_ptr<detail::FanoutSink> fanout;
    std::shared_ptr<spdlog::logger> logger;
    // Declared last so it is destroyed first: its destructor drains the queue and joins the
    // worker thread while the logger and the sinks are still alive.
    std::shared_ptr<spdlog::details::thread_pool> pool;  // null: synchronous fallback
};

std::shared_ptr<Backend> make_fallback() {
    auto stderr_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    stderr_sink->set_formatter(std::make_unique<detail::ScoutFormatter>(false));
    auto backend = std::make_shared<Backend>();
    backend->fanout = std::make_shared<detail::FanoutSink>(
        std::vector<std::shared_ptr<spdlog::sinks::sink>>{std::move(stderr_sink)}
    );
    backend->logger = std::make_shared<spdlog::logger>(kSpdlogName, backend->fanout);
    backend->logger->set_level(spdlog::level::trace);  // filtering is ours (g_min_level)
    return backend;
}

std::shared_ptr<Backend> make_async_backend(
    const Options& options, std::shared_ptr<spdlog::sinks::sink> console
) {
    if (options.max_file_bytes == 0) {
        throw std::invalid_argument("log: max_file_bytes must be > 0");
    }
    std::vector<std::shared_ptr<spdlog::sinks::sink>> children;
    if (console) {
        children.push_back(std::move(console));
    }
    if (!options.file.empty()) {
        children.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
            options.file, options.max_file_bytes, options.max_files
        ));
    }
    for (const auto& child : children) {
        child->set_formatter(std::make_unique<detail::ScoutFormatter>(options.json));
    }
    auto backend = std::make_shared<Backend>();
    backend->json = options.json;
    backend->pool = std::make_shared<spdlog::details::thread_pool>(
        std::max<std::size_t>(options.queue_size, 1), 1
    );
    detail::DropReporting drops{
        [pool = std::weak_ptr(backend->pool)]() -> std::uint64_t {
            const auto alive = pool.lock();
            return (alive ? alive->overrun_counter() : 0) + detail::dropped_batch_lines();
        },
        options.json,
        options.drop_report_interval};
    backend->fanout = std::make_shared<detail::FanoutSink>(std::move(children), std::move(drops));
    // Never `block`: a stalled stdout pipe or disk would stall every worker thread that logs
    // (the access log writes a line per request). A full queue drops its oldest line instead.
    backend->logger = std::make_shared<spdlog::async_logger>(
        kSpdlogName, backend->fanout, backend->pool, spdlog::async_overflow_policy::overrun_oldest
    );
    backend->logger->set_level(spdlog::level::trace);
    // Warnings and errors reach the sinks at once; everything else within a second (below).
    backend->logger->flush_on(spdlog::level::warn);
    return backend;
}

// Leaked on purpose: loggers may be used from static destructors of other translation units.
struct State {
    std::atomic<std::shared_ptr<Backend>> current;  // null: use `fallback`
    const std::shared_ptr<Backend> fallback = make_fallback();
    std::mutex control;  // serialises init and shutdown; never taken by events or flush
    std::once_flag atexit_registered;
    std::atomic<std::uint64_t> retired_drops{0};  // dropped by backends no longer installed
};

State& state() {
    static auto* const instance = new State();
    return *instance;
}

std::shared_ptr<Backend> current_backend() {
    State& s = state();
    auto backend = s.current.load(std::memory_order_acquire);
    return backend ? backend : s.fallback;
}

// Queues a flush barrier; its ticket, or nothing when it could not be queued.
std::optional<std::uint64_t> post_barrier(const Backend& backend) {
    const std::uint64_t ticket = backend.fanout->next_ticket();
    std::array<char, 24> digits{};
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), ticket).ptr;
    try {
        backend.logger->log(
            spdlog::source_loc{detail::kBarrierMarker, 0, nullptr},
            spdlog::level::critical,
            spdlog::string_view_t(digits.data(), static_cast<std::size_t>(end - digits.data()))
        );
    } catch (...) {
        return std::nullopt;
    }
    return ticket;
}

void flush_backend(const Backend& backend) {
    if (!backend.pool) {
        backend.logger->flush();
        return;
    }
    // A full queue drops its oldest entry, which may be our barrier: then post a fresh one
    // (reaching a later ticket completes the earlier ones too).
    for (;;) {
        const auto ticket = post_barrier(backend);
        if (!ticket || backend.fanout->wait_for(*ticket, kBarrierRetry)) {
            return;
        }
    }
}

std::uint64_t backend_drops(const Backend& backend) {
    return backend.pool ? backend.pool->overrun_counter() : 0;
}

// Flushes a backend that was just uninstalled and keeps its drop count.
void retire(State& s, const Backend& backend) {
    flush_backend(backend);
    s.retired_drops.fetch_add(backend_drops(backend), std::memory_order_relaxed);
}

void install(std::shared_ptr<Backend> backend, Level level) {
    State& s = state();
    const std::lock_guard lock(s.control);
    detail::g_min_level.store(level, std::memory_order_relaxed);
    // Third-party code logging through spdlog's default logger gets our format too.
    spdlog::set_default_logger(backend->logger);
    auto previous = s.current.exchange(std::move(backend), std::memory_order_acq_rel);
    if (previous) {
        retire(s, *previous);  // events already queued reach the old sinks
    }
    std::call_once(s.atexit_registered, [] {
        // Without shutdown() at exit the async thread would die with a non-empty queue.
        std::atexit([] {
            try {
                flush();
            } catch (...) {  // NOLINT(bugprone-empty-catch): nothing left to report to
            }
        });
    });
}

}  // namespace

void init(const Options& options) {
    install(
        make_async_backend(
            options, options.console ? std::make_shared<spdlog::sinks::stdout_sink_mt>() : nullptr
        ),
        options.level
    );
    // Operators tail the file and pipes buffer stdout: flush all sinks every second.
    spdlog::flush_every(std::chrono::seconds(1));
}

void init_for_test(const Options& options, std::shared_ptr<spdlog::sinks::sink> sink) {
    install(make_async_backend(options, std::move(sink)), options.level);
}

void set_level(Level level) {
    detail::g_min_level.store(level, std::memory_order_relaxed);
}

Level level() {
    return detail::g_min_level.load(std::memory_order_relaxed);
}

void flush() {
    detail::drain_batches(kBatchDrainLimit);
    flush_backend(*current_backend());
}

std::uint64_t dropped_events() {
    return state().retired_drops.load(std::memory_order_relaxed) +
           backend_drops(*current_backend()) + detail::dropped_batch_lines();
}

namespace detail {

void write_batch(std::string_view lines) {
    current_backend()->fanout->write_batch(lines);
}

bool json_lines() {
    return current_backend()->json;
}

}  // namespace detail

void shutdown() {
    detail::drain_batches(kBatchDrainLimit);
    State& s = state();
    const std::lock_guard lock(s.control);
    auto previous = s.current.exchange(nullptr, std::memory_order_acq_rel);
    if (!previous) {
        return;
    }
    if (spdlog::default_logger_raw() == previous->logger.get()) {
        spdlog::set_default_logger(s.fallback->logger);
    }
    retire(s, *previous);
    // Dropping the last reference drains the queue and joins the thread; an event racing
    // with shutdown may hold a reference for a moment and finish that itself.
    previous.reset();
}

Logger::Logger(std::string name) : name_(std::move(name)) {}

bool Logger::enabled(Level level) const {
    return level != Level::kOff && level >= detail::g_min_level.load(std::memory_order_relaxed);
}

void Logger::log(Level level, std::string_view msg, Fields fields) const {
    if (!enabled(level)) {
        return;
    }
    const auto backend = current_backend();
    const std::string_view name = std::string_view(name_).substr(0, kMaxNameSize);
    detail::Buffer payload;
    detail::put(payload, name);
    if (backend->json) {
        detail::render_json_body(payload, msg, fields);
    } else {
        detail::render_text_body(payload, msg, fields);
    }
    try {
        backend->logger->log(
            spdlog::source_loc{detail::kEventMarker, static_cast<int>(name.size()), nullptr},
            to_spdlog(level),
            spdlog::string_view_t(payload.data(), payload.size())
        );
    } catch (...) {  // NOLINT(bugprone-empty-catch): logging must never throw into callers
    }
}

}  // namespace scout::log
