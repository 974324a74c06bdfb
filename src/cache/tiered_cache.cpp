#include <scout/cache/tiered_cache.hpp>
#include <scout/log/log.hpp>

#include "cache/digest.hpp"

#include <algorithm>
#include <utility>

namespace scout::cache {
namespace {

using std::chrono::system_clock;

const log::Logger& logger() {
    static const log::Logger instance("cache");
    return instance;
}

void bump(monitoring::Counter* counter) {
    counter->inc();
}

monitoring::Counter* cell(
    monitoring::Registry& registry,
    const char* name,
    const char* help,
    const std::string& tier,
    const std::string& kind
) {
    return &registry.counter(name, help, {"tier", "kind"}).with({tier, kind});
}

}  // namespace

TieredCache::TierCounters::TierCounters(
    monitoring::Registry& registry, const std::string& tier, const std::string& kind
) {
    auto& requests = registry.counter(
        "scout_cache_requests_total",
        "Cache lookups by tier, kind and result (hit, miss, stale)",
        {"tier", "kind", "result"}
    );
    hits = &requests.with({tier, kind, "hit"});
    misses = &requests.with({tier, kind, "miss"});
    stale_serves = &requests.with({tier, kind, "stale"});
    errors = cell(
        registry, "scout_cache_errors_total", "Failed cache reads and malformed values", tier, kind
    );
    rejected = cell(
        registry,
        "scout_cache_rejected_total",
        "Cached values refused: too large, unauthenticated or unsafe (each also a miss)",
        tier,
        kind
    );
    skipped = cell(
        registry,
        "scout_cache_skipped_total",
        "Lookups that did not ask the tier (no store, or it is unavailable)",
        tier,
        kind
    );
    auto& written = registry.counter(
        "scout_cache_writes_total",
        "Values stored, by result (ok, error)",
        {"tier", "kind", "result"}
    );
    writes = &written.with({tier, kind, "ok"});
    write_errors = &written.with({tier, kind, "error"});
    latency = &registry
                   .histogram(
                       "scout_cache_read_duration_seconds",
                       "Cache read time (get and get_stale) by tier and kind",
                       {"tier", "kind"}
                   )
                   .with({tier, kind});
}

TierStats TieredCache::TierCounters::snapshot() const {
    TierStats stats;
    stats.hits = hits->value();
    stats.misses = misses->value();
    stats.stale_serves = stale_serves->value();
    stats.errors = errors->value();
    stats.rejected = rejected->value();
    stats.skipped = skipped->value();
    stats.writes = writes->value();
    stats.write_errors = write_errors->value();
    const monitoring::HistogramSnapshot read = latency->snapshot();
    stats.latency_ns_sum = static_cast<std::uint64_t>(read.sum * 1e9);
    stats.latency_count = read.count;
    return stats;
}

void TieredCache::TierCounters::record_latency(Clock::duration elapsed) const {
    latency->observe(std::chrono::duration<double>(elapsed).count());
}

TieredCache::TieredCache(
    const Options& options,
    Store* store,
    const Clock& clock,
    WallClock wall_clock,
    monitoring::Registry* metrics
)
    : own_metrics_(metrics == nullptr ? std::make_unique<monitoring::Registry>() : nullptr),
      metrics_(metrics == nullptr ? *own_metrics_ : *metrics),
      clock_(clock),
      store_(store),
      serve_stale_(std::max(options.l1.serve_stale, std::chrono::milliseconds::zero())),
      l2_secret_(options.l2_secret.empty() ? detail::random_hex(32) : options.l2_secret),
      max_l2_value_bytes_(options.max_l2_value_bytes),
      rejection_log_(log::kRepeatInterval, clock),
      l1_(options.l1, clock),
      wall_clock_(std::move(wall_clock)),
      other_{metrics_, "other", options.default_kind} {
    for (const auto& [name, kind_options] : options.kinds) {
        kinds_.emplace(name, std::make_unique<KindState>(metrics_, name, kind_options));
    }
    add_l1_collector(metrics_);
}

void TieredCache::add_l1_collector(monitoring::Registry& registry) const {
    registry.add_collector([this](std::vector<monitoring::FamilySnapshot>& out) {
        const LruStats l1 = l1_.stats();
        const auto add =
            [&out](std::string name, std::string help, monitoring::MetricType type, auto value) {
                out.push_back(
                    {std::move(name),
                     std::move(help),
                     type,
                     {"tier"},
                     {{{"l1"}, static_cast<double>(value), {}}}}
                );
            };
        using monitoring::MetricType;
        add("scout_cache_entries", "Entries in the cache tier", MetricType::kGauge, l1.entries);
        add("scout_cache_bytes", "Bytes held by the cache tier", MetricType::kGauge, l1.bytes);
        add("scout_cache_evictions_total",
            "Live entries removed to respect the tier's bounds",
            MetricType::kCounter,
            l1.evictions);
        add("scout_cache_expirations_total",
            "Entries removed past their stale window",
            MetricType::kCounter,
            l1.expirations);
        add("scout_cache_insertions_total",
            "Values stored in the tier",
            MetricType::kCounter,
            l1.insertions);
        add("scout_cache_oversize_rejections_total",
            "Values refused by the tier for being larger than a shard's byte budget",
            MetricType::kCounter,
            l1.rejections);
    });
}

system_clock::time_point TieredCache::wall_now() const {
    return wall_clock_ ? wall_clock_() : system_clock::now();
}

bool TieredCache::store_usable() const {
    return store_ != nullptr && store_->available();
}

TieredCache::KindState& TieredCache::state_for(std::string_view kind) {
    const auto it = kinds_.find(kind);
    return it == kinds_.end() ? other_ : *it->second;
}

const TieredCache::KindState& TieredCache::state_for(std::string_view kind) const {
    const auto it = kinds_.find(kind);
    return it == kinds_.end() ? other_ : *it->second;
}

std::chrono::seconds TieredCache::ttl_for(std::string_view kind) const {
    return state_for(kind).options.ttl;
}

KindStats TieredCache::snapshot(const KindState& state) {
    return KindStats{state.name, state.l1.snapshot(), state.l2.snapshot()};
}

std::vector<KindStats> TieredCache::stats() const {
    std::vector<KindStats> all;
    all.reserve(kinds_.size() + 1);
    for (const auto& [name, state] : kinds_) {
        all.push_back(snapshot(*state));
    }
    all.push_back(snapshot(other_));
    return all;
}

KindStats TieredCache::stats(std::string_view kind) const {
    return snapshot(state_for(kind));
}

awaitable<Lookup> TieredCache::get(std::string kind, std::string key, Tiers tiers) {
    return lookup(std::move(kind), std::move(key), false, tiers);
}

Lookup TieredCache::probe_l1(
    std::string_view kind, std::string_view key, int refresh_ahead_percent
) {
    // Not timed: reading the clock twice would cost about as much as the probe itself.
    auto hit = l1_.get(key);
    if (!hit || (refresh_ahead_percent > 0 &&
                 in_refresh_window(*hit->value, wall_now(), refresh_ahead_percent))) {
        return Lookup{};
    }
    bump(state_for(kind).l1.hits);
    return Lookup{std::move(hit->value), Lookup::Source::kL1, false};
}

awaitable<Lookup> TieredCache::get_stale(std::string kind, std::string key) {
    return lookup(std::move(kind), std::move(key), true, Tiers::kBoth);
}

awaitable<Lookup> TieredCache::lookup(
    std::string kind, std::string key, bool allow_stale, Tiers tiers
) {
    KindState& state = state_for(kind);

    const auto l1_start = clock_.now();
    auto hit = allow_stale ? l1_.get_allow_stale(key) : l1_.get(key);
    state.l1.record_latency(clock_.now() - l1_start);
    if (hit) {
        bump(hit->stale ? state.l1.stale_serves : state.l1.hits);
        co_return Lookup{std::move(hit->value), Lookup::Source::kL1, hit->stale};
    }
    bump(state.l1.misses);

    if (tiers == Tiers::kL1Only || !store_usable()) {
        bump(state.l2.skipped);
        co_return Lookup{};
    }
    const auto l2_start = clock_.now();
    auto reply = co_await store_->get(key);
    state.l2.record_latency(clock_.now() - l2_start);
    if (!reply && reply.error() == cache_errc::kValueTooLarge) {
        reject(state, key, "too large");
        bump(state.l2.misses);
        co_return Lookup{};
    }
    if (!reply) {
        bump(state.l2.errors);
        Lookup failed;
        failed.l2_failed = true;
        co_return failed;
    }
    if (!reply->has_value()) {
        bump(state.l2.misses);
        co_return Lookup{};
    }
    const Now at = now();
    std::shared_ptr<const CachedResponse> value = accept_l2_value(state, key, **reply, at);
    if (!value) {
        bump(state.l2.misses);
        co_return Lookup{};
    }
    const auto expires_at = at.to_steady(value->expires_at);
    // Also keeps a stale value in L1, so get_stale() finds it without another round trip.
    if (l1_.put_at(key, value, value->bytes(), at.to_steady(value->fetched_at), expires_at)) {
        bump(state.l1.writes);
    }
    if (at.steady < expires_at) {
        bump(state.l2.hits);
        co_return Lookup{std::move(value), Lookup::Source::kL2, false};
    }
    if (allow_stale && at.steady < expires_at + serve_stale_) {
        bump(state.l2.stale_serves);
        co_return Lookup{std::move(value), Lookup::Source::kL2, true};
    }
    bump(state.l2.misses);
    co_return Lookup{};
}

awaitable<std::shared_ptr<const CachedResponse>> TieredCache::adopt_newer_l2(
    std::string kind, std::string key, system_clock::time_point than
) {
    if (!store_usable()) {
        co_return nullptr;
    }
    KindState& state = state_for(kind);
    auto reply = co_await store_->get(key);
    if (!reply || !reply->has_value()) {
        co_return nullptr;
    }
    const Now at = now();
    std::shared_ptr<const CachedResponse> value = accept_l2_value(state, key, **reply, at);
    if (!value || value->expires_at <= than) {
        co_return nullptr;
    }
    const auto fetched_at = at.to_steady(value->fetched_at);
    if (l1_.put_at(key, value, value->bytes(), fetched_at, at.to_steady(value->expires_at))) {
        bump(state.l1.writes);
    }
    co_return value;
}

std::shared_ptr<const CachedResponse> TieredCache::accept_l2_value(
    KindState& state, std::string_view key, std::string_view encoded, const Now& at
) {
    if (encoded.size() > max_l2_value_bytes_) {
        reject(state, key, "too large");
        return nullptr;
    }
    Decoded decoded = decode(encoded, ValueBinding{key, l2_secret_});
    if (decoded.status == DecodeStatus::kMalformed) {
        bump(state.l2.errors);  // corrupt, or written by a build with another format
        return nullptr;
    }
    if (!decoded.value) {
        reject(state, key, to_string(decoded.status));
        return nullptr;
    }
    // Freshness is this instance's: at most its TTL from the fetch (another instance may run
    // with a longer one), and a fetch time in the future counts as now.
    CachedResponse& value = *decoded.value;
    value.fetched_at = std::min(value.fetched_at, at.wall);
    value.expires_at = std::min(value.expires_at, value.fetched_at + state.options.ttl);
    return std::make_shared<const CachedResponse>(std::move(value));
}

void TieredCache::reject(KindState& state, std::string_view key, std::string_view reason) {
    bump(state.l2.rejected);
    const auto suppressed = rejection_log_.allow();
    if (!suppressed) {
        return;
    }
    logger().warn(
        "cached value from redis rejected; treated as a miss",
        {{"key", key}, {"reason", reason}, {"suppressed", *suppressed}}
    );
}

awaitable<std::shared_ptr<const CachedResponse>> TieredCache::put(
    std::string kind, std::string key, CachedResponse response, Tiers tiers
) {
    KindState& state = state_for(kind);
    const auto ttl = state.options.ttl;
    const Now at = now();
    const auto wall = at.wall;
    if (response.fetched_at == system_clock::time_point{} || response.fetched_at > wall) {
        response.fetched_at = wall;
    }
    response.expires_at = response.fetched_at + ttl;
    std::shared_ptr<const CachedResponse> value =
        std::make_shared<const CachedResponse>(std::move(response));
    if (ttl <= std::chrono::seconds::zero() || value->expires_at <= wall) {
        co_return value;
    }

    if (l1_.put_at(
            key,
            value,
            value->bytes(),
            at.to_steady(value->fetched_at),
            at.to_steady(value->expires_at)
        )) {
        bump(state.l1.writes);
    }
    if (tiers == Tiers::kL1Only || !store_usable()) {
        co_return value;
    }
    const auto l2_ttl =
        std::chrono::ceil<std::chrono::milliseconds>(value->expires_at - wall) + serve_stale_;
    // The L2 write runs in the background: a slow Redis must not delay the response.
    asio::co_spawn(
        co_await asio::this_coro::executor,
        write_l2(state, key, encode(*value, ValueBinding{key, l2_secret_}), l2_ttl),
        asio::detached
    );
    co_return value;
}

awaitable<void> TieredCache::write_l2(
    KindState& state, std::string key, std::string encoded, std::chrono::milliseconds ttl
) {
    const auto ec = co_await store_->set(std::move(key), std::move(encoded), ttl);
    bump(ec ? state.l2.write_errors : state.l2.writes);
}

}  // namespace scout::cache
