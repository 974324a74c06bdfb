// The last requests and the last slow requests, for the admin endpoints
// /api/monitoring/recent-requests and /api/monitoring/slow-requests.
//
// Recording is on every request's path, so it allocates nothing and takes no process-wide
// lock: records are fixed-size (long fields truncated) and go into the calling thread's own
// shard (a ring per shard, each with its own mutex, uncontended but for an admin read).
// Reads merge the shards, newest first. Thread-safe.
#pragma once

#include <scout/monitoring/metrics.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

namespace scout::monitoring {

// A bounded text field: at most N-1 bytes kept, always NUL-terminated.
template <std::size_t N>
class FixedText {
public:
    void assign(std::string_view text) noexcept {
        size_ = text.size() < N ? text.size() : N - 1;
        text.copy(data_.data(), size_);
    }
    [[nodiscard]] std::string_view view() const noexcept { return {data_.data(), size_}; }

private:
    std::array<char, N> data_{};
    std::size_t size_ = 0;
};

// Where a request's time went; -1 where the handler did not measure that phase.
struct Timings {
    std::int64_t cache_us = -1;
    std::int64_t upstream_us = -1;
    std::int64_t ranking_us = -1;
    std::int64_t serialize_us = -1;
};

struct RequestRecord {
    std::int64_t unix_ms = 0;  // when the response was ready (wall clock)
    std::int64_t duration_us = 0;
    int status = 0;
    FixedText<12> method;
    FixedText<32> route;
    FixedText<72> request_id;
    FixedText<36> trace_id;
    FixedText<160> target;  // path and query, truncated
    FixedText<56> client;
    Timings timings;
};

class RequestJournal {
public:
    static constexpr std::size_t kRecentPerShard = 64;
    static constexpr std::size_t kSlowPerShard = 16;

    explicit RequestJournal(std::chrono::milliseconds slow_threshold);

    // Whether a request of this duration counts as slow (monitoring.slow_request_ms).
    [[nodiscard]] bool is_slow(std::chrono::nanoseconds duration) const noexcept {
        return duration >= std::chrono::milliseconds(slow_ms_.load(std::memory_order_relaxed));
    }
    void set_slow_threshold(std::chrono::milliseconds threshold) noexcept {
        slow_ms_.store(threshold.count(), std::memory_order_relaxed);
    }

    void record(const RequestRecord& record, bool slow) noexcept;

    // Newest first, at most `limit`.
    [[nodiscard]] std::vector<RequestRecord> recent(std::size_t limit) const;
    [[nodiscard]] std::vector<RequestRecord> slow(std::size_t limit) const;

private:
    template <std::size_t Capacity>
    struct Ring {
        std::array<RequestRecord, Capacity> records{};
        std::size_t next = 0;
        std::size_t size = 0;
        void push(const RequestRecord& record) noexcept {
            records[next] = record;
            next = (next + 1) % Capacity;
            size = size < Capacity ? size + 1 : Capacity;
        }
    };
    struct Shard {
        mutable std::mutex mutex;
        Ring<kRecentPerShard> recent;
        Ring<kSlowPerShard> slow;
    };

    template <class Pick>
    std::vector<RequestRecord> collect(std::size_t limit, Pick pick) const;

    std::atomic<std::int64_t> slow_ms_;
    std::array<Shard, kShards> shards_;
};

}  // namespace scout::monitoring
