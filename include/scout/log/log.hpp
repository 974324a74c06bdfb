// Structured logging for every area: named loggers writing one event per line (JSON or
// text) through spdlog's async logger. Thread-safe; fields are rendered at the call site,
// so string views passed as field values need only live for the duration of the call.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace spdlog {
class logger;
namespace sinks {
class sink;
}  // namespace sinks
}  // namespace spdlog

namespace scout::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kCritical, kOff };

// "trace" | "debug" | "info" | "warn" | "error" | "critical" | "off" (case-sensitive).
std::optional<Level> parse_level(std::string_view name);
std::string_view to_string(Level level);

struct Options {
    Level level = Level::kInfo;               // minimum level written
    bool json = true;                         // one JSON object per line; false = human text
    std::string file;                         // empty = console (stdout) only
    std::size_t max_file_bytes = 10U << 20U;  // rotate the file when it reaches this size
    std::size_t max_files = 5;                // rotated files kept
    bool console = true;                      // also write to stdout
    std::size_t queue_size = 8192;            // async queue slots; when full, the oldest
                                              // queued line is dropped (callers never wait)
    // Dropped lines are reported by a warning event of their own once the sink takes lines
    // again, at most once per this interval.
    std::chrono::milliseconds drop_report_interval{10'000};
};

// Installs the sinks and the async logger. Call once at start-up; calling again replaces
// the sinks (used by tests). Before init, events go to stderr as text at info level.
// Also makes the async logger spdlog's default logger, so messages logged directly through
// spdlog come out in the same format. Throws std::exception if the file cannot be opened
// or max_file_bytes is 0 (start-up error).
void init(const Options& options);
// Test hook: like init, but `sink` takes the place of the console sink (options.console is
// ignored; the file sink is still added when options.file is set). The sink gets Scout's
// formatter, e.g. pass a spdlog::sinks::ostream_sink_mt to capture the lines.
void init_for_test(const Options& options, std::shared_ptr<spdlog::sinks::sink> sink);
// Changes the minimum level of every logger at run time (SIGHUP reload).
void set_level(Level level);
Level level();
// Blocks until events logged before the call are written and the sinks flushed.
void flush();
// Lines dropped since start because the sinks could not keep up (stdout pipe or disk
// stalled): the queue then drops its oldest line rather than block the caller. Thread-safe;
// for the metrics registry.
std::uint64_t dropped_events();
// Flushes and stops the async thread; later events go to stderr synchronously (as text; the
// level is kept).
void shutdown();

// A pre-rendered JSON value, inserted verbatim (caller guarantees it is valid JSON); line
// breaks in it become spaces so the event stays on one line. Empty text is written as null.
struct RawJson {
    std::string_view text;
};

using Value = std::
    variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string_view, RawJson>;

// One key/value of an event. Integers stay integers, strings are escaped.
struct Field {
    std::string_view key;
    Value value;

    template <typename T>
    requires std::is_integral_v<T> &&(!std::is_same_v<T, bool>)Field(std::string_view k, T v)
        : key(k),
          value(
              std::is_signed_v<T> ? Value(static_cast<std::int64_t>(v))
                                  : Value(static_cast<std::uint64_t>(v))
          ) {}
    Field(std::string_view k, bool v) : key(k), value(v) {}
    Field(std::string_view k, double v) : key(k), value(v) {}
    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
    Field(std::string_view k, RawJson v) : key(k), value(v) {}
    Field(std::string_view k, std::nullptr_t) : key(k), value(nullptr) {}
    Field(std::string_view k, Value v) : key(k), value(v) {}
};

using Fields = std::initializer_list<Field>;

// A named logger ("http", "upstream", "cache", ...). Cheap to copy; create one per area
// (e.g. a function-local static) and call it from any thread.
// A field named "request_id" is written as the event's request_id.
class Logger {
public:
    explicit Logger(std::string name);

    [[nodiscard]] bool enabled(Level level) const;
    void log(Level level, std::string_view msg, Fields fields = {}) const;

    void trace(std::string_view msg, Fields fields = {}) const { log(Level::kTrace, msg, fields); }
    void debug(std::string_view msg, Fields fields = {}) const { log(Level::kDebug, msg, fields); }
    void info(std::string_view msg, Fields fields = {}) const { log(Level::kInfo, msg, fields); }
    void warn(std::string_view msg, Fields fields = {}) const { log(Level::kWarn, msg, fields); }
    void error(std::string_view msg, Fields fields = {}) const { log(Level::kError, msg, fields); }
    void critical(std::string_view msg, Fields fields = {}) const {
        log(Level::kCritical, msg, fields);
    }

    [[nodiscard]] const std::string& name() const { return name_; }

private:
    std::string name_;
};

// Renders one event as a JSON line (without the trailing newline). Exposed for tests and
// for the formatter; `ts` is RFC 3339 UTC with milliseconds. A field named request_id comes
// right after msg; fields named ts/level/logger/msg (or a second request_id) get a
// "field_" prefix.
std::string render_json(
    std::string_view ts, Level level, std::string_view logger, std::string_view msg, Fields fields
);

// Appends `text` to `out` as a JSON string literal (quotes included). Invalid UTF-8 bytes
// are replaced by U+FFFD; control characters are escaped.
void append_json_string(std::string& out, std::string_view text);

// "2026-11-28T21:30:00.123Z": RFC 3339, UTC, milliseconds (truncated).
std::string format_timestamp(std::chrono::system_clock::time_point time);

}  // namespace scout::log
