// LineBatch and the process-wide batch writer thread (see batch.hpp, batch_writer.hpp).
#include <scout/log/batch.hpp>

#include "log/batch_writer.hpp"
#include "log/render.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace scout::log {
namespace detail {
namespace {

// Lines are rendered past the batch size before the batch is handed over: room for one
// ordinary line, so that the buffer does not grow.
constexpr std::size_t kLineSlack = 4096;
// Written buffers kept for reuse (one per worker is what a steady load needs).
constexpr std::size_t kMaxSpares = 64;

class BatchWriter {
public:
    std::string submit(std::string batch, std::size_t lines, std::size_t max_queued_bytes) {
        std::unique_lock lock(mutex_);
        if (queued_bytes_ + batch.size() > max_queued_bytes) {
            dropped_lines_.fetch_add(lines, std::memory_order_relaxed);
            batch.clear();
            return batch;
        }
        if (!thread_.joinable()) {
            thread_ = std::thread([this] { run(); });
        }
        queued_bytes_ += batch.size();
        ++submitted_;
        queue_.push_back(std::move(batch));
        std::string spare;
        if (!spares_.empty()) {
            spare = std::move(spares_.back());
            spares_.pop_back();
        }
        lock.unlock();
        ready_.notify_one();
        return spare;
    }

    void drain(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        const std::uint64_t target = submitted_;
        written_cv_.wait_for(lock, timeout, [&] { return written_ >= target; });
    }

    [[nodiscard]] std::uint64_t dropped_lines() const {
        return dropped_lines_.load(std::memory_order_relaxed);
    }

private:
    void run() {
        std::unique_lock lock(mutex_);
        for (;;) {
            ready_.wait(lock, [&] { return !queue_.empty(); });
            std::string batch = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            try {
                write_batch(batch);
            } catch (...) {  // NOLINT(bugprone-empty-catch): a failing sink loses this batch only
            }
            lock.lock();
            queued_bytes_ -= batch.size();
            ++written_;
            batch.clear();
            if (spares_.size() < kMaxSpares) {
                spares_.push_back(std::move(batch));
            }
            written_cv_.notify_all();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable written_cv_;
    std::deque<std::string> queue_;
    std::vector<std::string> spares_;
    std::size_t queued_bytes_ = 0;
    std::uint64_t submitted_ = 0;
    std::uint64_t written_ = 0;
    std::atomic<std::uint64_t> dropped_lines_{0};
    std::thread thread_;
};

// Leaked on purpose, with its thread: see batch_writer.hpp.
BatchWriter& writer() {
    static auto* const instance = new BatchWriter();
    return *instance;
}

}  // namespace

std::string submit_batch(std::string batch, std::size_t lines, std::size_t max_queued_bytes) {
    return writer().submit(std::move(batch), lines, max_queued_bytes);
}

void drain_batches(std::chrono::milliseconds timeout) {
    writer().drain(timeout);
}

std::uint64_t dropped_batch_lines() {
    return writer().dropped_lines();
}

}  // namespace detail

LineBatch::LineBatch(std::string logger, std::size_t batch_bytes)
    : logger_(std::move(logger)),
      batch_bytes_(std::max<std::size_t>(batch_bytes, 1)),
      json_(detail::json_lines()) {
    buffer_.reserve(batch_bytes_ + detail::kLineSlack);
}

LineBatch::~LineBatch() {
    try {
        flush();
    } catch (...) {  // NOLINT(bugprone-empty-catch): destructors must not throw
    }
}

void LineBatch::add(Level level, std::string_view msg, Fields fields) {
    std::array<char, detail::kTimestampSize> ts{};
    detail::write_timestamp(ts.data(), std::chrono::system_clock::now());
    detail::render_line_head(buffer_, json_, {ts.data(), ts.size()}, level, logger_);
    if (json_) {
        detail::render_json_body(buffer_, msg, fields);
    } else {
        detail::render_text_body(buffer_, msg, fields);
    }
    detail::render_line_tail(buffer_, json_);
    ++lines_;
    if (buffer_.size() >= batch_bytes_) {
        flush();
    }
}

void LineBatch::flush() {
    if (lines_ == 0) {
        return;
    }
    buffer_ = detail::submit_batch(std::move(buffer_), lines_, kMaxQueuedBytes);
    lines_ = 0;
    json_ = detail::json_lines();
    if (buffer_.capacity() < batch_bytes_) {
        buffer_.reserve(batch_bytes_ + detail::kLineSlack);
    }
}

}  // namespace scout::log
