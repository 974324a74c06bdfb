// Sharded LRU map with a TTL per entry and a serve-stale window: the in-process (L1) tier.
// Cache area. Thread-safe: every member function may be called from any thread (one mutex per
// shard, held only for the map operation and a copy of the value; statistics are atomics).
#pragma once

#include <scout/core/clock.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace scout::cache {

struct LruOptions {
    std::size_t max_entries = 10'000;                // whole cache, split evenly across shards
    std::size_t max_bytes = std::size_t{64} << 20U;  // whole cache (see LruCache::entry_bytes)
    std::size_t shards = 16;                         // rounded up to a power of two, >= 1
    std::chrono::milliseconds serve_stale{0};        // how long past expiry an entry stays usable
                                                     // by get_allow_stale()
};

// Aggregated over all shards. Counters are monotonic; entries/bytes are current values. A
// snapshot taken while other threads write is not atomic across fields. Hits and misses are
// counted by the users, per kind of value (TieredCache, the search service's link cache).
struct LruStats {
    std::uint64_t expirations = 0;  // entries removed because they were past the stale window
    std::uint64_t evictions = 0;    // live entries removed to respect max_entries / max_bytes
    std::uint64_t insertions = 0;   // successful puts (new keys and replacements)
    std::uint64_t rejections = 0;   // puts refused: entry larger than a shard's byte budget
    std::size_t entries = 0;
    std::size_t bytes = 0;
};

// What a lookup returns: a copy of the value (V is typically std::shared_ptr<const X>) and the
// entry's times, read from the cache's Clock.
template <typename V>
struct Hit {
    V value;
    Clock::time_point fetched_at;
    Clock::time_point expires_at;
    bool stale = false;  // true only from get_allow_stale(): past expires_at, inside the window
};

// Each key belongs to one shard (picked by hash); a shard is a mutex, a recency list (front =
// most recently used) and a hash index whose keys are views of the list nodes' own key strings,
// so a lookup by std::string_view neither allocates nor stores the key twice.
//
// Bounds: max_entries / shards entries and max_bytes / shards bytes per shard (at least one
// entry each). Inserting past either bound evicts from the least recently used end. An entry
// costs entry_bytes(key, value_bytes) = key.size() + value_bytes + kEntryOverhead; an entry
// larger than a shard's byte budget is rejected (and an older value under its key is erased,
// so the cache never keeps serving what the caller meant to replace).
//
// Freshness: an entry is fresh before expires_at, stale from expires_at until expires_at +
// serve_stale, and dead after that. get() returns fresh entries only; get_allow_stale() also
// stale ones; a dead entry found by either is removed and counted as an expiration.
//
// Values removed by a writer are destroyed after the shard's lock is released.
template <typename V>
class LruCache {
public:
    using Options = LruOptions;
    using Stats = LruStats;

    // Bookkeeping charged per entry on top of key and value: list node, index node, times.
    static constexpr std::size_t kEntryOverhead = 128;

    // `clock` must outlive the cache.
    explicit LruCache(Options options = {}, const Clock& clock = SteadyClock::instance())
        : options_(normalized(options)),
          clock_(clock),
          shard_shift_(64U - static_cast<unsigned>(std::countr_zero(options_.shards))),
          max_entries_per_shard_(std::max<std::size_t>(1, options_.max_entries / options_.shards)),
          max_bytes_per_shard_(std::max<std::size_t>(1, options_.max_bytes / options_.shards)),
          shards_(std::make_unique<Shard[]>(options_.shards)) {}

    LruCache(const LruCache&) = delete;
    LruCache& operator=(const LruCache&) = delete;
    LruCache(LruCache&&) = delete;
    LruCache& operator=(LruCache&&) = delete;
    ~LruCache() = default;

    [[nodiscard]] static constexpr std::size_t entry_bytes(
        std::string_view key, std::size_t value_bytes
    ) {
        return key.size() + value_bytes + kEntryOverhead;
    }

    // Stores `value` under `key`, fresh for `ttl` from now, replacing any older entry and
    // making it the most recently used. `value_bytes` is the caller's estimate of the memory
    // the value keeps alive. Returns false (nothing stored) when ttl <= 0 or the entry is
    // larger than a shard's byte budget.
    bool put(std::string_view key, V value, std::size_t value_bytes, Clock::duration ttl) {
        if (ttl <= Clock::duration::zero()) {
            return false;
        }
        const auto now = clock_.now();
        return store(key, std::move(value), value_bytes, now, now + std::min(ttl, kMaxTtl), now);
    }

    // Same, with explicit times (an entry copied from another tier keeps its age). Returns
    // false when the entry is already dead (expires_at + serve_stale <= now) or too large.
    bool put_at(
        std::string_view key,
        V value,
        std::size_t value_bytes,
        Clock::time_point fetched_at,
        Clock::time_point expires_at
    ) {
        const auto now = clock_.now();
        if (expires_at + options_.serve_stale <= now) {
            return false;
        }
        return store(key, std::move(value), value_bytes, fetched_at, expires_at, now);
    }

    // The fresh entry under `key`, if any; marks it most recently used.
    [[nodiscard]] std::optional<Hit<V>> get(std::string_view key) { return find(key, false); }

    // The fresh or stale entry under `key` (Hit::stale tells which); marks it most recently
    // used. For the path where the source of truth failed.
    [[nodiscard]] std::optional<Hit<V>> get_allow_stale(std::string_view key) {
        return find(key, true);
    }

    // Removes the entry under `key`; returns whether there was one.
    bool erase(std::string_view key) {
        Shard& shard = shard_for(key);
        List graveyard;
        {
            const std::lock_guard lock(shard.mutex);
            const auto it = shard.index.find(key);
            if (it == shard.index.end()) {
                return false;
            }
            remove_locked(shard, it->second, graveyard);
            publish_size_locked(shard);
        }
        return true;
    }

    // Removes every entry (counted neither as eviction nor expiration).
    void clear() {
        for (std::size_t i = 0; i < options_.shards; ++i) {
            Shard& shard = shards_[i];
            List graveyard;
            {
                const std::lock_guard lock(shard.mutex);
                shard.index.clear();
                graveyard.splice(graveyard.end(), shard.lru);
                shard.bytes = 0;
                publish_size_locked(shard);
            }
        }
    }

    [[nodiscard]] Stats stats() const {
        Stats total;
        for (std::size_t i = 0; i < options_.shards; ++i) {
            const Shard& shard = shards_[i];
            total.expirations += shard.expirations.load(std::memory_order_relaxed);
            total.evictions += shard.evictions.load(std::memory_order_relaxed);
            total.insertions += shard.insertions.load(std::memory_order_relaxed);
            total.rejections += shard.rejections.load(std::memory_order_relaxed);
            total.entries += shard.entry_count.load(std::memory_order_relaxed);
            total.bytes += shard.byte_count.load(std::memory_order_relaxed);
        }
        return total;
    }

    // The options in effect (shards rounded up to a power of two).
    [[nodiscard]] const Options& options() const { return options_; }
    [[nodiscard]] std::size_t max_entries_per_shard() const { return max_entries_per_shard_; }
    [[nodiscard]] std::size_t max_bytes_per_shard() const { return max_bytes_per_shard_; }
    [[nodiscard]] const Clock& clock() const { return clock_; }

    // Which shard `key` lives in (tests use it to build collisions deliberately).
    [[nodiscard]] std::size_t shard_index_for_test(std::string_view key) const {
        return shard_index(key);
    }

private:
    struct Entry {
        std::string key;
        V value;
        std::size_t bytes;
        Clock::time_point fetched_at;
        Clock::time_point expires_at;
    };
    using List = std::list<Entry>;
    // Index keys view Entry::key inside the list node; list nodes never move, so the views stay
    // valid until the node is erased (the index entry is always erased first).
    using Index = std::unordered_map<std::string_view, typename List::iterator>;

    // Shards sit on their own cache lines: threads working on different shards do not share.
    struct alignas(64) Shard {
        mutable std::mutex mutex;
        List lru;  // front = most recently used
        Index index;
        std::size_t bytes = 0;  // guarded by mutex; byte_count mirrors it for stats()

        std::atomic<std::uint64_t> expirations{0};
        std::atomic<std::uint64_t> evictions{0};
        std::atomic<std::uint64_t> insertions{0};
        std::atomic<std::uint64_t> rejections{0};
        std::atomic<std::size_t> entry_count{0};
        std::atomic<std::size_t> byte_count{0};
    };

    // Longer TTLs are clamped so time_point arithmetic cannot overflow.
    static constexpr Clock::duration kMaxTtl = std::chrono::hours(24 * 365 * 10);

    static Options normalized(Options options) {
        options.shards = std::bit_ceil(std::max<std::size_t>(1, options.shards));
        options.serve_stale = std::clamp(
            options.serve_stale,
            std::chrono::milliseconds::zero(),
            std::chrono::duration_cast<std::chrono::milliseconds>(kMaxTtl)
        );
        return options;
    }

    static void bump(std::atomic<std::uint64_t>& counter) {
        counter.fetch_add(1, std::memory_order_relaxed);
    }

    [[nodiscard]] std::size_t shard_index(std::string_view key) const {
        // Fibonacci hashing on the high bits, so the shard choice is independent of the low
        // bits the shard's own hash table uses for its buckets.
        const auto hash = static_cast<std::uint64_t>(std::hash<std::string_view>{}(key));
        return options_.shards == 1
                   ? 0
                   : static_cast<std::size_t>((hash * 0x9E3779B97F4A7C15ULL) >> shard_shift_);
    }

    Shard& shard_for(std::string_view key) { return shards_[shard_index(key)]; }

    bool store(
        std::string_view key,
        V value,
        std::size_t value_bytes,
        Clock::time_point fetched_at,
        Clock::time_point expires_at,
        Clock::time_point now
    ) {
        Shard& shard = shard_for(key);
        const std::size_t bytes = entry_bytes(key, value_bytes);
        List graveyard;
        std::lock_guard lock(shard.mutex);
        const auto found = shard.index.find(key);
        if (bytes > max_bytes_per_shard_) {
            bump(shard.rejections);
            if (found != shard.index.end()) {
                remove_locked(shard, found->second, graveyard);
                publish_size_locked(shard);
            }
            return false;
        }
        if (found != shard.index.end()) {
            Entry& entry = *found->second;
            std::swap(entry.value, value);  // the old value dies with `value`, after unlocking
            shard.bytes = shard.bytes - entry.bytes + bytes;
            entry.bytes = bytes;
            entry.fetched_at = fetched_at;
            entry.expires_at = expires_at;
            shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
        } else {
            shard.lru.push_front(Entry{
                std::string(key), std::move(value), bytes, fetched_at, expires_at});
            try {
                shard.index.emplace(std::string_view(shard.lru.front().key), shard.lru.begin());
            } catch (...) {
                shard.lru.pop_front();
                throw;
            }
            shard.bytes += bytes;
        }
        bump(shard.insertions);
        // The new entry is at the front and fits on its own, so the loop never removes it.
        while (shard.lru.size() > 1 &&
               (shard.lru.size() > max_entries_per_shard_ || shard.bytes > max_bytes_per_shard_)) {
            const auto victim = std::prev(shard.lru.end());
            bump(is_dead(*victim, now) ? shard.expirations : shard.evictions);
            remove_locked(shard, victim, graveyard);
        }
        publish_size_locked(shard);
        return true;
    }

    std::optional<Hit<V>> find(std::string_view key, bool allow_stale) {
        Shard& shard = shard_for(key);
        const auto now = clock_.now();
        List graveyard;
        const std::lock_guard lock(shard.mutex);
        const auto found = shard.index.find(key);
        if (found == shard.index.end()) {
            return std::nullopt;
        }
        const auto it = found->second;
        if (now < it->expires_at) {
            shard.lru.splice(shard.lru.begin(), shard.lru, it);
            return Hit<V>{it->value, it->fetched_at, it->expires_at, false};
        }
        if (is_dead(*it, now)) {
            bump(shard.expirations);
            remove_locked(shard, it, graveyard);
            publish_size_locked(shard);
        } else if (allow_stale) {
            shard.lru.splice(shard.lru.begin(), shard.lru, it);
            return Hit<V>{it->value, it->fetched_at, it->expires_at, true};
        }
        return std::nullopt;
    }

    [[nodiscard]] bool is_dead(const Entry& entry, Clock::time_point now) const {
        return entry.expires_at + options_.serve_stale <= now;
    }

    // Unlinks `it` into `graveyard` (destroyed by the caller after unlocking).
    static void remove_locked(Shard& shard, typename List::iterator it, List& graveyard) {
        shard.index.erase(std::string_view(it->key));
        shard.bytes -= it->bytes;
        graveyard.splice(graveyard.end(), shard.lru, it);
    }

    static void publish_size_locked(Shard& shard) {
        shard.entry_count.store(shard.lru.size(), std::memory_order_relaxed);
        shard.byte_count.store(shard.bytes, std::memory_order_relaxed);
    }

    const Options options_;
    const Clock& clock_;
    const unsigned shard_shift_;
    const std::size_t max_entries_per_shard_;
    const std::size_t max_bytes_per_shard_;
    const std::unique_ptr<Shard[]> shards_;
};

}  // namespace scout::cache
