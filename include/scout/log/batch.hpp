// Batched lines for a logger that writes one line per request (the access log), as nginx's
// `access_log ... buffer=64k flush=1s`: the calling thread renders each line into its own
// buffer (no allocation once the buffer has grown, no other thread woken) and hands the
// buffer to the log writer thread as one unit when it is full or when flush() is called
// (a timer of the owner's, every log.access.flush_ms). The writer writes a batch to the same
// destinations (console, rotated file) and in the same format as every other log line.
//
// Bounded: at most kMaxQueuedBytes of batches wait for the writer; beyond that a full batch
// is dropped and its lines are counted in log::dropped_events(), so a stalled disk or stdout
// pipe never blocks the caller. log::flush() and log::shutdown() write the batches handed
// over before them; lines still in a LineBatch are handed over by flush() or the destructor.
//
// One LineBatch per thread (a worker's); not thread-safe. The writer is process-wide.
#pragma once

#include <scout/log/log.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace scout::log {

class LineBatch {
public:
    static constexpr std::size_t kMaxQueuedBytes = 8U << 20U;

    // `logger` names the lines ("access"); a batch is handed over once it holds
    // `batch_bytes` (at least one line is always kept).
    LineBatch(std::string logger, std::size_t batch_bytes);
    LineBatch(const LineBatch&) = delete;
    LineBatch& operator=(const LineBatch&) = delete;
    LineBatch(LineBatch&&) = delete;
    LineBatch& operator=(LineBatch&&) = delete;
    ~LineBatch();

    // Renders one event line, exactly as Logger::log would write it, into the batch (the
    // level is checked by the caller: Logger::enabled).
    void add(Level level, std::string_view msg, Fields fields);
    // Hands the lines added so far to the writer (nothing when there are none).
    void flush();

    [[nodiscard]] std::size_t pending_lines() const { return lines_; }

private:
    std::string logger_;
    std::size_t batch_bytes_;
    std::string buffer_;
    std::size_t lines_ = 0;
    bool json_ = true;
};

}  // namespace scout::log
