// Private to scout_log: the spdlog formatter that writes Scout's line formats, and the fan-out
// sink that the async logger writes to (it also implements the flush barrier).
// ScoutFormatter: one per sink, used under that sink's lock. FanoutSink: thread-safe.
#pragma once

#include <scout/log/log.hpp>

#include <spdlog/formatter.h>
#include <spdlog/sinks/sink.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace scout::log::detail {

// Scout events carry source_loc{kEventMarker, <logger name length>, nullptr}; their payload
// is the logger name followed by the rendered body. Flush barriers carry kBarrierMarker and
// the ticket in decimal. Anything else is a plain spdlog message from third-party code.
// Inline variables: one address in the whole program, compared by pointer.
inline constexpr char kEventMarker[] = "scout-log-event";
inline constexpr char kBarrierMarker[] = "scout-log-barrier";
// Whole lines rendered by a LineBatch (payload written as it is).
inline constexpr char kBatchMarker[] = "scout-log-batch";

// Minimum level; also filters third-party spdlog messages (the spdlog logger passes all).
extern std::atomic<Level> g_min_level;

class ScoutFormatter final : public spdlog::formatter {
public:
    explicit ScoutFormatter(bool json) : json_(json) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
    [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override;

private:
    bool json_;
};

// How FanoutSink reports lines the async queue dropped: a warning event written by the
// logging thread once the sink takes lines again, at most once per `interval`.
struct DropReporting {
    std::function<std::uint64_t()> dropped_total;  // empty: no reports (synchronous sinks)
    bool json = false;                             // the event's body format
    std::chrono::milliseconds interval{10'000};
};

class FanoutSink final : public spdlog::sinks::sink {
public:
    explicit FanoutSink(
        std::vector<std::shared_ptr<spdlog::sinks::sink>> children, DropReporting drops = {}
    );

    void log(const spdlog::details::log_msg& msg) override;
    void flush() override;
    // Writes whole lines (a LineBatch's) to every child, from the batch writer thread: the
    // children are thread-safe sinks, so this bypasses the async queue.
    void write_batch(std::string_view lines);
    // The line format is fixed: spdlog::set_pattern / set_formatter from outside are ignored.
    void set_pattern(const std::string& /*pattern*/) override {}
    void set_formatter(std::unique_ptr<spdlog::formatter> /*formatter*/) override {}

    // Flush barrier: take a ticket, log a kBarrierMarker message carrying it, then wait.
    // When the worker reaches the barrier every earlier message has been written and the
    // children are flushed. False when `timeout` passed first (the barrier may have been
    // dropped from a full queue: post another, a later ticket completes earlier ones).
    std::uint64_t next_ticket() { return issued_.fetch_add(1, std::memory_order_relaxed) + 1; }
    bool wait_for(std::uint64_t ticket, std::chrono::milliseconds timeout);

private:
    void complete(std::uint64_t ticket);
    void write_children(const spdlog::details::log_msg& msg);
    // Called by the logging thread after each line: the drop warning, when one is due.
    void report_drops(spdlog::log_clock::time_point now);

    std::vector<std::shared_ptr<spdlog::sinks::sink>> children_;
    std::atomic<std::uint64_t> issued_{0};
    std::mutex mutex_;
    std::condition_variable done_;
    std::uint64_t completed_ = 0;  // guarded by mutex_
    DropReporting drops_;
    // Only the (single) logging thread touches these two.
    spdlog::log_clock::time_point last_drop_check_{};
    std::uint64_t last_dropped_total_ = 0;
};

}  // namespace scout::log::detail
