#include <scout/middleware/rate_limiter.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <utility>

namespace scout::middleware {
namespace {

constexpr std::uint32_t kNil = std::numeric_limits<std::uint32_t>::max();
// How far from the LRU end a full shard looks for an idle bucket before it evicts an active
// one: a short, bounded walk (the LRU end is idle unless the shard is flooded).
constexpr int kIdleScan = 8;

std::uint64_t mix(std::uint64_t x) {
    // splitmix64's finaliser: every input bit moves every output bit.
    x ^= x >> 30U;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27U;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31U;
    return x;
}

int seconds_or_zero(Nanos duration) {
    return duration <= 0 ? 0 : whole_seconds_up(duration);
}

}  // namespace

BucketVerdict gcra(Nanos& tat, Nanos now, const Limit& limit) {
    if (limit.rate_per_s <= 0) {
        return {true, limit.burst, 0, 0};
    }
    const auto interval =
        std::max<Nanos>(1, std::llround(static_cast<double>(kNanosPerSecond) / limit.rate_per_s));
    const Nanos capacity = interval * std::max(limit.burst, 1);
    // Under one limit tat never runs more than a bucket ahead; after a reload to a faster rate
    // (or a smaller burst) a bucket drained under the old one is an empty bucket of the new
    // limit, so the new rate applies at once. Written back even when the request is refused.
    tat = std::clamp(tat, now, now + capacity);
    const Nanos next = tat + interval;
    if (next - now > capacity) {
        return {false, 0, tat - now, next - capacity - now};
    }
    tat = next;
    return {true, static_cast<int>((capacity - (next - now)) / interval), next - now, 0};
}

int whole_seconds_up(Nanos duration) {
    const Nanos seconds = (duration + kNanosPerSecond - 1) / kNanosPerSecond;
    return static_cast<int>(std::clamp<Nanos>(seconds, 1, std::numeric_limits<int>::max()));
}

// One tracked client: its bucket, its minute window and its place in the shard's LRU list.
struct ClientLimiter::Entry {
    ClientKey key;
    std::uint32_t newer = kNil;
    std::uint32_t older = kNil;
    std::int32_t window_count = 0;
    Nanos tat = 0;
    Nanos window_start = 0;

    [[nodiscard]] bool idle(Nanos now) const {
        return tat <= now && (window_count == 0 || now - window_start >= kMinuteNanos);
    }

    // Decides for one request; charges the bucket and the window only when it is allowed.
    Decision charge(const ClientLimits& limits, Nanos now) {
        Nanos next_tat = tat;
        const BucketVerdict bucket = gcra(next_tat, now, limits.per_second);
        Decision decision{
            bucket.allowed ? LimitReason::kNone : LimitReason::kClient,
            limits.per_second.burst,
            bucket.remaining,
            seconds_or_zero(bucket.reset),
            bucket.allowed ? 0 : whole_seconds_up(bucket.retry_after)};
        if (limits.per_minute > 0 && bucket.allowed) {
            decision = tighter_minute(decision, limits.per_minute, now);
        }
        if (decision.rejected_by == LimitReason::kNone) {
            tat = next_tat;
            window_count += limits.per_minute > 0 ? 1 : 0;
        } else if (!bucket.allowed) {
            tat = next_tat;  // not charged, but a bucket of older limits is brought into line
        }
        return decision;
    }

    // `allowed` or the minute window's verdict, whichever leaves fewer requests.
    Decision tighter_minute(const Decision& allowed, int per_minute, Nanos now) {
        if (now - window_start >= kMinuteNanos) {
            window_start = now;
            window_count = 0;
        }
        const int left = per_minute - window_count;
        const Nanos window_end = window_start + kMinuteNanos - now;
        if (left <= 0) {
            return {
                LimitReason::kMinute,
                per_minute,
                0,
                seconds_or_zero(window_end),
                whole_seconds_up(window_end)};
        }
        if (left - 1 < allowed.remaining) {
            return {LimitReason::kNone, per_minute, left - 1, seconds_or_zero(window_end), 0};
        }
        return allowed;
    }
};

struct ClientLimiter::Shard {
    explicit Shard(KeyHash hash) : index(0, hash) {}

    std::mutex mutex;
    std::unordered_map<ClientKey, std::uint32_t, KeyHash> index;
    std::vector<Entry> entries;       // slots, addressed by index values
    std::vector<std::uint32_t> free;  // slots left by a lowered max_clients
    std::uint32_t newest = kNil;
    std::uint32_t oldest = kNil;

    void unlink(std::uint32_t slot) {
        Entry& e = entries[slot];
        (e.newer == kNil ? newest : entries[e.newer].older) = e.older;
        (e.older == kNil ? oldest : entries[e.older].newer) = e.newer;
        e.newer = e.older = kNil;
    }
    void push_newest(std::uint32_t slot) {
        Entry& e = entries[slot];
        e.older = newest;
        e.newer = kNil;
        (newest == kNil ? oldest : entries[newest].newer) = slot;
        newest = slot;
    }
    // The entry of `key`, now the most recent; a new one evicts while the shard is full.
    Entry& track(const ClientKey& key, Nanos now, std::size_t capacity, const LimiterMetrics& m) {
        std::uint32_t slot = kNil;
        if (const auto it = index.find(key); it != index.end()) {
            slot = it->second;
            unlink(slot);
        } else {
            while (index.size() >= capacity) {
                evict(now, m);
            }
            slot = take_slot();
            entries[slot] = Entry{.key = key};
            index.emplace(key, slot);
        }
        push_newest(slot);
        return entries[slot];
    }
    void evict(Nanos now, const LimiterMetrics& m) {
        bool idle = false;
        const std::uint32_t old = victim(now, idle);
        index.erase(entries[old].key);
        unlink(old);
        free.push_back(old);
        if (monitoring::Counter* counter = idle ? m.evicted_idle : m.evicted_active) {
            counter->inc();
        }
    }
    std::uint32_t take_slot() {
        if (free.empty()) {
            entries.emplace_back();
            return static_cast<std::uint32_t>(entries.size() - 1);
        }
        const std::uint32_t slot = free.back();
        free.pop_back();
        return slot;
    }
    // The slot to evict: the first idle one from the LRU end, else the LRU one.
    [[nodiscard]] std::uint32_t victim(Nanos now, bool& idle) const {
        std::uint32_t slot = oldest;
        for (int i = 0; i < kIdleScan && slot != kNil; ++i, slot = entries[slot].newer) {
            if (entries[slot].idle(now)) {
                idle = true;
                return slot;
            }
        }
        idle = false;
        return oldest;
    }
};

std::size_t ClientLimiter::KeyHash::operator()(const ClientKey& key) const noexcept {
    std::uint64_t low = 0;
    std::uint64_t high = 0;
    std::memcpy(&low, key.bytes.data(), sizeof low);
    std::memcpy(&high, key.bytes.data() + sizeof low, sizeof high);
    return mix(mix(seed ^ static_cast<std::uint64_t>(key.kind) ^ low) ^ high);
}

ClientLimiter::ClientLimiter(std::size_t max_clients, LimiterMetrics metrics, std::size_t shards)
    // A per-process seed: a client cannot pick addresses that all land in one shard or chain.
    : hash_{std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32U)},
      per_shard_(0),
      metrics_(metrics) {
    shards = std::max<std::size_t>(shards, 1);
    for (std::size_t i = 0; i < shards; ++i) {
        shards_.push_back(std::make_unique<Shard>(hash_));
    }
    set_max_clients(max_clients);
}

ClientLimiter::~ClientLimiter() = default;

void ClientLimiter::set_max_clients(std::size_t max_clients) {
    per_shard_.store(std::max<std::size_t>(max_clients / shards_.size(), 1));
}

ClientLimiter::Shard& ClientLimiter::shard_for(const ClientKey& key) {
    // High bits for the shard, the low ones index the shard's table.
    return *shards_[(hash_(key) >> 40U) % shards_.size()];
}

Decision ClientLimiter::acquire(const ClientKey& key, const ClientLimits& limits, Nanos now) {
    Shard& shard = shard_for(key);
    const std::scoped_lock lock(shard.mutex);
    Entry& entry = shard.track(key, now, per_shard_.load(std::memory_order_relaxed), metrics_);
    return entry.charge(limits, now);
}

std::size_t ClientLimiter::size() const {
    std::size_t total = 0;
    for (const auto& shard : shards_) {
        const std::scoped_lock lock(shard->mutex);
        total += shard->index.size();
    }
    return total;
}

std::size_t ClientLimiter::bytes_per_client() {
    // The slot, the index node (value, next pointer, cached hash) and its bucket pointer.
    using Node = std::pair<const ClientKey, std::uint32_t>;
    return sizeof(Entry) + sizeof(Node) + 2 * sizeof(void*) + sizeof(void*);
}

BucketVerdict GlobalBucket::acquire(const Limit& limit, Nanos now) {
    Nanos seen = tat_.load(std::memory_order_relaxed);
    for (;;) {
        Nanos next = seen;
        const BucketVerdict verdict = gcra(next, now, limit);
        if (next == seen || tat_.compare_exchange_weak(seen, next, std::memory_order_relaxed)) {
            return verdict;
        }
    }
}

}  // namespace scout::middleware
