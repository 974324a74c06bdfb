// Scout's spdlog formatter and fan-out sink (see sink.hpp).
#include "log/sink.hpp"

#include "log/render.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <exception>
#include <string_view>

namespace scout::log::detail {

namespace {

Level from_spdlog(spdlog::level::level_enum level) {
    const auto value = static_cast<int>(level);
    if (value < static_cast<int>(Level::kTrace) || value > static_cast<int>(Level::kOff)) {
        return Level::kOff;
    }
    return static_cast<Level>(value);
}

std::string_view to_std(spdlog::string_view_t text) {
    return {text.data(), text.size()};
}

}  // namespace

void ScoutFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
    const std::string_view payload = to_std(msg.payload);
    if (msg.source.filename == kBatchMarker) {
        put(dest, payload);  // whole lines rendered by a LineBatch
        return;
    }
    const bool ours = msg.source.filename == kEventMarker;
    std::string_view name = to_std(msg.logger_name);
    std::string_view body = payload;
    if (ours) {
        const auto name_size =
            std::min(static_cast<std::size_t>(std::max(msg.source.line, 0)), payload.size());
        name = payload.substr(0, name_size);
        body = payload.substr(name_size);
    }
    std::array<char, kTimestampSize> ts{};
    write_timestamp(ts.data(), msg.time);
    const std::string_view ts_text(ts.data(), ts.size());
    const Level level = from_spdlog(msg.level);
    render_line_head(dest, json_, ts_text, level, name);
    if (ours) {
        put(dest, body);
    } else if (json_) {
        render_json_body(dest, body, {});
    } else {
        append_text_escaped(dest, body);
    }
    render_line_tail(dest, json_);
}

std::unique_ptr<spdlog::formatter> ScoutFormatter::clone() const {
    return std::make_unique<ScoutFormatter>(json_);
}

FanoutSink::FanoutSink(
    std::vector<std::shared_ptr<spdlog::sinks::sink>> children, DropReporting drops
)
    : children_(std::move(children)), drops_(std::move(drops)) {}

void FanoutSink::log(const spdlog::details::log_msg& msg) {
    if (msg.source.filename == kBarrierMarker) {
        std::uint64_t ticket = 0;
        const std::string_view text = to_std(msg.payload);
        std::from_chars(text.data(), text.data() + text.size(), ticket);
        std::exception_ptr error;
        try {
            flush();
        } catch (...) {
            error = std::current_exception();
        }
        complete(ticket);  // always, or flush() would wait forever
        if (error) {
            std::rethrow_exception(error);
        }
        return;
    }
    if (msg.source.filename != kEventMarker &&
        from_spdlog(msg.level) < g_min_level.load(std::memory_order_relaxed)) {
        return;  // third-party message below the current level
    }
    write_children(msg);
    report_drops(msg.time);
}

void FanoutSink::report_drops(spdlog::log_clock::time_point now) {
    if (!drops_.dropped_total || now - last_drop_check_ < drops_.interval) {
        return;
    }
    last_drop_check_ = now;
    const std::uint64_t total = drops_.dropped_total();
    if (total == last_dropped_total_ ||
        Level::kWarn < g_min_level.load(std::memory_order_relaxed)) {
        return;
    }
    const std::uint64_t dropped = total - last_dropped_total_;
    last_dropped_total_ = total;
    constexpr std::string_view kName = "log";
    Buffer payload;
    put(payload, kName);
    const Fields fields = {{"dropped", dropped}};  // since the last report
    constexpr std::string_view kMessage = "log lines dropped: the log output could not keep up";
    if (drops_.json) {
        render_json_body(payload, kMessage, fields);
    } else {
        render_text_body(payload, kMessage, fields);
    }
    const spdlog::details::log_msg warning(
        now,
        spdlog::source_loc{kEventMarker, static_cast<int>(kName.size()), nullptr},
        kName,
        spdlog::level::warn,
        spdlog::string_view_t(payload.data(), payload.size())
    );
    write_children(warning);
}

void FanoutSink::write_children(const spdlog::details::log_msg& msg) {
    // One failing child (disk full) must not starve the others; report the first failure
    // to spdlog's error handler after all children had their turn.
    std::exception_ptr error;
    for (const auto& child : children_) {
        if (!child->should_log(msg.level)) {
            continue;
        }
        try {
            child->log(msg);
        } catch (...) {
            if (!error) {
                error = std::current_exception();
            }
        }
    }
    if (error) {
        std::rethrow_exception(error);
    }
}

void FanoutSink::write_batch(std::string_view lines) {
    const spdlog::details::log_msg batch(
        spdlog::source_loc{kBatchMarker, 0, nullptr},
        "scout",
        spdlog::level::info,
        spdlog::string_view_t(lines.data(), lines.size())
    );
    write_children(batch);
}

void FanoutSink::flush() {
    std::exception_ptr error;
    for (const auto& child : children_) {
        try {
            child->flush();
        } catch (...) {
            if (!error) {
                error = std::current_exception();
            }
        }
    }
    if (error) {
        std::rethrow_exception(error);
    }
}

void FanoutSink::complete(std::uint64_t ticket) {
    {
        const std::lock_guard lock(mutex_);
        completed_ = std::max(completed_, ticket);
    }
    done_.notify_all();
}

bool FanoutSink::wait_for(std::uint64_t ticket, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return done_.wait_for(lock, timeout, [&] { return completed_ >= ticket; });
}

}  // namespace scout::log::detail
