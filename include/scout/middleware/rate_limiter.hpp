// The arithmetic and the bounded state behind the rate_limit middleware, apart from HTTP so
// that it runs on a fake clock in tests.
//
// A token bucket is kept in its GCRA form (the "theoretical arrival time" of the next request):
// one integer per bucket, refill implied by the clock, no timer. ClientLimiter holds one
// bucket (plus a per-minute window) per client key in shards, each with its own mutex and an
// LRU order, so that workers contend only when two requests of the same shard meet, and the
// memory stays below max_clients entries whatever the number of distinct clients: a new client
// in a full shard takes the place of an idle (full) bucket, else of the least recently used
// one. GlobalBucket is one lock-free bucket (a CAS on its arrival time) for the whole process.
// Thread-safe: every member of both classes.
#pragma once

#include <scout/monitoring/metrics.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace scout::middleware {

using Nanos = std::int64_t;  // steady-clock time or a duration, in nanoseconds

inline constexpr Nanos kNanosPerSecond = 1'000'000'000;
inline constexpr Nanos kMinuteNanos = 60 * kNanosPerSecond;

// One token bucket: `burst` requests at once, refilled at `rate_per_s`. rate 0 = no limit.
struct Limit {
    double rate_per_s = 0;
    int burst = 1;
};

// What one bucket said about one request; times relative to now.
struct BucketVerdict {
    bool allowed = true;
    int remaining = 0;      // requests left right now (after this one)
    Nanos reset = 0;        // until the bucket is full again
    Nanos retry_after = 0;  // until one request fits (rejected only)
};

// GCRA on the arrival time `tat` (0 = never used, a full bucket): decides, and advances `tat`
// when the request is allowed. A bucket drained under other limits is brought into line with
// these (never deeper than empty: a raised rate applies at once), even when refused.
BucketVerdict gcra(Nanos& tat, Nanos now, const Limit& limit);

// Whole seconds, rounded up, at least 1 (Retry-After; RateLimit-Reset of a non-full bucket).
int whole_seconds_up(Nanos duration);

enum class LimitReason { kNone, kClient, kMinute, kGlobal };

// The verdict for a request, as the RateLimit-* and Retry-After headers state it: the
// tightest of the limits that apply.
struct Decision {
    LimitReason rejected_by = LimitReason::kNone;  // kNone: allowed
    int limit = 0;
    int remaining = 0;
    int reset_s = 0;
    int retry_after_s = 0;  // rejected only
};

// A client: an IP address (IPv4 as v4-mapped IPv6) or an API key, as 16 bytes plus a kind.
struct ClientKey {
    enum class Kind : std::uint8_t { kAddress, kApiKey };
    std::array<std::uint8_t, 16> bytes{};
    Kind kind = Kind::kAddress;

    bool operator==(const ClientKey&) const = default;
};

struct ClientLimits {
    Limit per_second;
    int per_minute = 0;  // a fixed minute-long window's cap; 0 = off
};

// Counters the limiter writes (owned by a registry).
struct LimiterMetrics {
    monitoring::Counter* evicted_idle = nullptr;
    monitoring::Counter* evicted_active = nullptr;
};

class ClientLimiter {
public:
    static constexpr std::size_t kDefaultShards = 64;

    explicit ClientLimiter(
        std::size_t max_clients, LimiterMetrics metrics = {}, std::size_t shards = kDefaultShards
    );
    ClientLimiter(const ClientLimiter&) = delete;
    ClientLimiter& operator=(const ClientLimiter&) = delete;
    ClientLimiter(ClientLimiter&&) = delete;
    ClientLimiter& operator=(ClientLimiter&&) = delete;
    ~ClientLimiter();

    // Decides for one request of `key` at `now` and charges it when allowed.
    Decision acquire(const ClientKey& key, const ClientLimits& limits, Nanos now);

    // A lower bound takes effect as shards evict on their next new client.
    void set_max_clients(std::size_t max_clients);

    // Buckets held now (locks each shard in turn: for scrapes and tests).
    [[nodiscard]] std::size_t size() const;
    [[nodiscard]] std::size_t shard_capacity() const {
        return per_shard_.load(std::memory_order_relaxed);
    }
    // Bytes one tracked client costs (entry, index node and bucket slot): for the docs.
    static std::size_t bytes_per_client();

private:
    struct Entry;
    struct KeyHash {
        std::uint64_t seed;
        std::size_t operator()(const ClientKey& key) const noexcept;
    };
    struct Shard;

    Shard& shard_for(const ClientKey& key);

    KeyHash hash_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::atomic<std::size_t> per_shard_;
    LimiterMetrics metrics_;
};

// One bucket for the whole process (rate_limit.global): lock-free.
class GlobalBucket {
public:
    BucketVerdict acquire(const Limit& limit, Nanos now);

private:
    std::atomic<Nanos> tat_{0};
};

}  // namespace scout::middleware
