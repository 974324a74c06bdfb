// The two cache tiers composed: an in-process LRU (L1) in front of an optional shared Store
// (L2, Redis), with per-kind TTLs, a serve-stale window and per-tier, per-kind counters.
// Cache area. One instance is shared by all workers; all members are thread-safe.
#pragma once

#include <scout/cache/cached_response.hpp>
#include <scout/cache/lru_cache.hpp>
#include <scout/cache/store.hpp>
#include <scout/core/asio.hpp>
#include <scout/core/clock.hpp>
#include <scout/log/throttle.hpp>
#include <scout/monitoring/metrics.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scout::cache {

struct KindOptions {
    std::chrono::seconds ttl{60};  // freshness of a new entry; 0 = this kind is not cached
};

struct TieredCacheOptions {
    LruOptions l1;               // in-process bounds; l1.serve_stale is the stale window of BOTH
                                 // tiers (L2 keeps values that much longer than their TTL)
    KindOptions default_kind{};  // kinds not listed below
    std::map<std::string, KindOptions, std::less<>> kinds;  // "search", "affiliate_link", ...
    // HMAC key of L2 values (see ValueBinding); instances sharing the store must share it.
    // Empty = a random key for this process: its L2 values are readable by itself only.
    std::string l2_secret;
    // L2 values larger than this are not decoded (a miss, counted as rejected). A store may
    // refuse them before reading them, with cache_errc::kValueTooLarge (counted the same).
    std::size_t max_l2_value_bytes = 8U << 20U;
};

// Counters of one tier for one kind (a plain snapshot).
struct TierStats {
    std::uint64_t hits = 0;            // fresh value returned
    std::uint64_t misses = 0;          // no usable value in this tier
    std::uint64_t stale_serves = 0;    // stale value returned by get_stale()
    std::uint64_t errors = 0;          // L2: failed reads and malformed values
    std::uint64_t rejected = 0;        // L2: values too large, unauthenticated or with unsafe
                                       // headers (each also a miss)
    std::uint64_t skipped = 0;         // L2: not asked because no store / store unavailable
    std::uint64_t writes = 0;          // values stored
    std::uint64_t write_errors = 0;    // L2: failed writes
    std::uint64_t latency_ns_sum = 0;  // get/get_stale reads: total time spent (Clock time)
    std::uint64_t latency_count = 0;   // reads timed (probe_l1 hits are not)
};

struct KindStats {
    std::string kind;  // a configured kind, or "other" for unlisted kinds
    TierStats l1;
    TierStats l2;
};

struct Lookup {
    enum class Source { kMiss, kL1, kL2 };

    std::shared_ptr<const CachedResponse> value;  // null on a miss
    Source source = Source::kMiss;
    bool stale = false;      // only from get_stale(): past expires_at, inside the stale window
    bool l2_failed = false;  // L2 was asked and failed (timeout, error): it is slow or down

    explicit operator bool() const { return value != nullptr; }
};

// Which tiers a get() or put() may use: kL1Only keeps a request off Redis (the
// enhanced_caching feature flag switched off for its client).
enum class Tiers { kBoth, kL1Only };

// Times: L1 runs on the injected Clock (steady). Values carry wall-clock times
// (CachedResponse::fetched_at / expires_at, written into L2) so an L2 hit in any instance keeps
// the value's age and remaining TTL; they are converted to Clock time when a value enters L1.
// The wall clock is injectable too (tests derive it from their ManualClock).
//
// Store failures never throw out of get/get_stale/put: they are counted, and the call goes on
// as if L2 had missed (memory-only).
//
// Counted in the metrics registry, per tier (l1, l2) and kind:
//   scout_cache_requests_total{tier,kind,result}   result: hit | miss | stale
//   scout_cache_errors_total{tier,kind}            failed reads, malformed values
//   scout_cache_rejected_total{tier,kind}          values refused (too large, unauthenticated)
//   scout_cache_skipped_total{tier,kind}           L2 not asked (no store / unavailable)
//   scout_cache_writes_total{tier,kind,result}     result: ok | error
//   scout_cache_read_duration_seconds{tier,kind}   get/get_stale reads
// and read at scrape time from L1: scout_cache_entries, scout_cache_bytes (gauges),
// scout_cache_evictions_total, scout_cache_expirations_total, scout_cache_insertions_total,
// scout_cache_oversize_rejections_total (tier="l1").
class TieredCache {
public:
    using Options = TieredCacheOptions;
    using WallClock = std::function<std::chrono::system_clock::time_point()>;

    // `store` may be null (memory-only). `store` and `clock` must outlive the cache. An empty
    // `wall_clock` means std::chrono::system_clock::now. `metrics` null: counted in a registry
    // of the cache's own (tests); otherwise the cache must outlive that registry's snapshots.
    explicit TieredCache(
        const Options& options,
        Store* store = nullptr,
        const Clock& clock = SteadyClock::instance(),
        WallClock wall_clock = {},
        monitoring::Registry* metrics = nullptr
    );

    TieredCache(const TieredCache&) = delete;
    TieredCache& operator=(const TieredCache&) = delete;
    TieredCache(TieredCache&&) = delete;
    TieredCache& operator=(TieredCache&&) = delete;
    ~TieredCache() = default;

    // A fresh value: L1, else L2, else a miss. An L2 value is authenticated and checked
    // (decode()); one that fails is a miss, counted as rejected and logged (rate-limited).
    // An L2 hit is fresh until min(its expires_at, its fetched_at + this instance's TTL for
    // the kind): it is copied into L1 until then and served with that expires_at, so that an
    // instance with a longer TTL never extends freshness here. A stale L2 value is copied into
    // L1 too (for get_stale) but reported as a miss.
    awaitable<Lookup> get(std::string kind, std::string key, Tiers tiers = Tiers::kBoth);

    // A fresh value from L1 only, without suspending: the cache-hit fast path. A hit is
    // counted; a miss is not (the caller falls back to get(), which counts it), nor is a value
    // in its last `refresh_ahead_percent` % of freshness, which this treats as a miss so that
    // the caller's get() path starts its refresh. Not timed: the read duration covers get()
    // and get_stale() reads only.
    [[nodiscard]] Lookup probe_l1(
        std::string_view kind, std::string_view key, int refresh_ahead_percent = 0
    );

    // A fresh or stale value (Lookup::stale), L1 then L2: for when the upstream failed.
    awaitable<Lookup> get_stale(std::string kind, std::string key);

    // Stores `response` in L1 and L2 with the kind's TTL and returns the shared value (serve
    // it: it is what later hits return). fetched_at is kept if set (else now); expires_at
    // becomes fetched_at + TTL. L2 keeps it for the remaining TTL + the stale window. Returns
    // the value without storing it when the kind's TTL is 0 or it is already expired.
    awaitable<std::shared_ptr<const CachedResponse>> put(
        std::string kind, std::string key, CachedResponse response, Tiers tiers = Tiers::kBoth
    );

    // Removes `key` from L1 only (L2 entries expire on their own).
    void erase_local(std::string_view key) { l1_.erase(key); }

    [[nodiscard]] std::chrono::seconds ttl_for(std::string_view kind) const;

    // One entry per configured kind, then "other".
    [[nodiscard]] std::vector<KindStats> stats() const;
    // The counters `kind` is recorded under ("other" for unlisted kinds).
    [[nodiscard]] KindStats stats(std::string_view kind) const;
    [[nodiscard]] LruStats l1_stats() const { return l1_.stats(); }

    // For a refresh-ahead holding the page's lock: the L2 value of `key` if it expires after
    // `than` (another instance refreshed the page meanwhile), also put into L1 in place of the
    // older copy; null otherwise (the caller fetches the page itself).
    awaitable<std::shared_ptr<const CachedResponse>> adopt_newer_l2(
        std::string kind, std::string key, std::chrono::system_clock::time_point than
    );

    // Current wall-clock time as this cache sees it.
    [[nodiscard]] std::chrono::system_clock::time_point wall_now() const;

private:
    // Cells of one tier and kind in the registry, resolved once.
    struct TierCounters {
        TierCounters(
            monitoring::Registry& registry, const std::string& tier, const std::string& kind
        );

        monitoring::Counter* hits;
        monitoring::Counter* misses;
        monitoring::Counter* stale_serves;
        monitoring::Counter* errors;
        monitoring::Counter* rejected;
        monitoring::Counter* skipped;
        monitoring::Counter* writes;
        monitoring::Counter* write_errors;
        monitoring::Histogram* latency;

        [[nodiscard]] TierStats snapshot() const;
        void record_latency(Clock::duration elapsed) const;
    };

    struct KindState {
        KindState(monitoring::Registry& registry, std::string kind_name, KindOptions kind_options)
            : name(std::move(kind_name)),
              options(kind_options),
              l1(registry, "l1", name),
              l2(registry, "l2", name) {}

        std::string name;
        KindOptions options;
        TierCounters l1;
        TierCounters l2;
    };

    using Memory = LruCache<std::shared_ptr<const CachedResponse>>;

    // Both clocks read once, to convert value times into Clock time.
    struct Now {
        Clock::time_point steady;
        std::chrono::system_clock::time_point wall;

        [[nodiscard]] Clock::time_point to_steady(std::chrono::system_clock::time_point at) const {
            return steady + std::chrono::duration_cast<Clock::duration>(at - wall);
        }
    };

    awaitable<Lookup> lookup(std::string kind, std::string key, bool allow_stale, Tiers tiers);
    // The L2 value under `key`, authenticated, with this instance's TTL applied; null (and
    // counted) when it is missing, too large or fails decode().
    std::shared_ptr<const CachedResponse> accept_l2_value(
        KindState& state, std::string_view key, std::string_view encoded, const Now& at
    );
    // Counts and logs (at most one line per 10 s, with the number held back) a refused value.
    void reject(KindState& state, std::string_view key, std::string_view reason);
    awaitable<void> write_l2(
        KindState& state, std::string key, std::string encoded, std::chrono::milliseconds ttl
    );
    KindState& state_for(std::string_view kind);
    [[nodiscard]] const KindState& state_for(std::string_view kind) const;
    [[nodiscard]] Now now() const { return Now{clock_.now(), wall_now()}; }
    [[nodiscard]] bool store_usable() const;
    static KindStats snapshot(const KindState& state);

    // Registers the L1 collector (entries, bytes, evictions ...) with `registry`.
    void add_l1_collector(monitoring::Registry& registry) const;

    std::unique_ptr<monitoring::Registry> own_metrics_;  // when none was given
    monitoring::Registry& metrics_;
    const Clock& clock_;
    Store* const store_;
    const std::chrono::milliseconds serve_stale_;
    const std::string l2_secret_;
    const std::size_t max_l2_value_bytes_;
    log::Throttle rejection_log_;  // shared by all workers
    Memory l1_;
    const WallClock wall_clock_;
    // Built once; read without locks.
    std::map<std::string, std::unique_ptr<KindState>, std::less<>> kinds_;
    KindState other_;
};

}  // namespace scout::cache
