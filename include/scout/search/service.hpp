// The search pipeline behind GET /search: cache lookup, single-flight, upstream query,
// validation, quality, de-duplication, ranking, affiliate links, pagination, suggestions,
// and the serialised response kept ready (body, gzip form, ETag) for cache hits.
// One SearchService per worker (it uses that worker's ProductSource); the caches, the
// single-flight table, the vocabulary and the stats it is given are shared and thread-safe.
#pragma once

#include <scout/cache/cached_response.hpp>
#include <scout/cache/lru_cache.hpp>
#include <scout/cache/redis_client.hpp>
#include <scout/cache/single_flight.hpp>
#include <scout/cache/tiered_cache.hpp>
#include <scout/core/asio.hpp>
#include <scout/monitoring/request_journal.hpp>
#include <scout/search/cursor.hpp>
#include <scout/search/dedupe.hpp>
#include <scout/search/quality.hpp>
#include <scout/search/request.hpp>
#include <scout/search/suggestions.hpp>
#include <scout/search/validator.hpp>
#include <scout/upstream/client.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace scout::search {

struct SearchOptions {
    ValidatorOptions validator;  // `currency` is set per request
    QualityOptions quality;
    QualityFilter filter;
    DedupeOptions dedupe;
    CursorKeys cursor_keys;                        // next_cursor keys (a secret required)
    std::size_t max_response_bytes = 256U << 10U;  // larger pages are cut (auto-pagination)
    int upstream_page_size = 50;                   // products asked per upstream page
    int max_upstream_pages = 100;                  // deepest page walked
    // Time budget of the upstream pages behind one response (the first one and those that fill
    // it up), read for every page built so that a config reload applies. Empty: 3 s.
    std::function<std::chrono::milliseconds()> page_budget;
    // zlib level of the gzip copy kept with each page built, read per page so that a reload of
    // compression.level applies to the pages built after it. Empty: 6.
    std::function<int()> gzip_level;
    std::string tracking_id;                            // for link.generate
    std::chrono::milliseconds affiliate_timeout{1000};  // link generation budget per page
    std::chrono::milliseconds affiliate_link_ttl{std::chrono::hours(24)};
    // A hit in the last this-% of its freshness starts a background refresh; 0 = off.
    int refresh_ahead_percent = 0;
};

// The search pipeline's own counts (cache and upstream count theirs), in the registry:
//   scout_search_products_dropped_total{reason}  validator reasons, low_quality, duplicate
//   scout_search_upstream_failures_total         searches the upstream gave no page for
//   scout_search_empty_results_total             pages built without a product
//   scout_affiliate_links_total{result}          products needing a link: generated | missing
//   scout_affiliate_link_cache_hits_total        links found in the link cache
//   scout_single_flight_total{role}              leader (fetched) | waiter (joined a fetch)
//   scout_search_refresh_ahead_total{result}     background refreshes of hot pages: ok |
//                                                failed | elsewhere (another instance's lock)
// Thread-safe.
struct SearchMetrics {
    explicit SearchMetrics(monitoring::Registry& registry);

    ValidationStats validation;
    monitoring::Counter& low_quality;
    monitoring::Counter& duplicates;
    monitoring::Counter& upstream_failures;
    monitoring::Counter& empty_results;
    monitoring::Counter& links_generated;
    monitoring::Counter& links_missing;
    monitoring::Counter& link_cache_hits;
    monitoring::Counter& flight_leaders;
    monitoring::Counter& flight_waiters;
    monitoring::Counter& refreshed;
    monitoring::Counter& refresh_failed;
    monitoring::Counter& refreshed_elsewhere;
};

// Keys whose refresh-ahead this process has under way, or leaves to another instance until
// a given time (one refresh per key). Thread-safe.
class RefreshTable {
public:
    using Time = std::chrono::system_clock::time_point;

    // True if the caller now owns the refresh of `key`; it then calls release() or hold().
    [[nodiscard]] bool try_claim(const std::string& key, Time now);
    void release(const std::string& key);
    // Another instance refreshes `key`: no claim on it here before `until`.
    void hold(const std::string& key, Time until);

private:
    std::mutex mutex_;
    std::unordered_map<std::string, Time> keys_;  // key -> claimed until (max: in progress)
};

// Shared by all workers of a process. The link cache's size is read at scrape time:
//   scout_affiliate_link_cache_entries, scout_affiliate_link_cache_bytes (gauges)
// so `registry` must outlive this object, as it does every cache reading into it.
struct SearchShared {
    SearchShared(
        cache::TieredCache& tiered,
        monitoring::Registry& registry,
        const cache::LruOptions& link_options,
        cache::RedisStore* redis = nullptr
    );
    SearchShared(const SearchShared&) = delete;  // the collector holds `this`
    SearchShared& operator=(const SearchShared&) = delete;
    SearchShared(SearchShared&&) = delete;
    SearchShared& operator=(SearchShared&&) = delete;
    ~SearchShared() = default;

    cache::TieredCache& cache;
    // L2 when Redis is configured (null = memory-only): its availability is reported to
    // clients, and it carries the cross-instance single-flight lock.
    cache::RedisStore* redis_store;
    bool distributed_single_flight = true;
    cache::LruCache<std::shared_ptr<const std::string>> links;  // product URL -> affiliate link
    SearchMetrics metrics;
    cache::SingleFlight<upstream::Result<std::shared_ptr<const cache::CachedResponse>>> flights;
    RefreshTable refreshing;
    Vocabulary vocabulary;
};

struct SearchResult {
    enum class CacheState { kHit, kMiss, kStale };
    std::shared_ptr<const cache::CachedResponse> response;  // set on success
    CacheState cache = CacheState::kMiss;
    bool from_l2 = false;                   // a hit read from L2 (Redis), not L1
    std::string_view l2 = "disabled";       // "ok" | "unavailable" (memory-only now) | "disabled"
    std::optional<ParamError> bad_request;  // e.g. a tampered cursor
    std::optional<upstream::UpstreamError> upstream;  // the upstream failed, nothing stale
    std::string key;  // the page's cache key (set once the request is valid)
    // Where the time went (cache reads, upstream, ranking, serialisation); a request that
    // waited for another's fetch counts the wait as upstream time.
    monitoring::Timings timings;
};

class SearchService {
public:
    SearchService(upstream::ProductSource& source, SearchShared& shared, SearchOptions options);

    // `request_id` names this request in logs. `page_id` is recorded in a page this request
    // fetches (meta.generated_by) and must be server-minted: cached pages are served to every
    // client, so a client-chosen X-Request-ID must never go into one.
    awaitable<SearchResult> search(
        SearchRequest request, std::string request_id, std::string page_id
    );

    // The cache-hit fast path: the fresh page under `key` (a SearchResult::key of an earlier
    // search) if L1 holds it, counted as a search and a hit; otherwise nothing (not counted:
    // the caller then runs search()). Never suspends.
    [[nodiscard]] std::optional<SearchResult> search_cached(std::string_view key);

private:
    struct Position {
        int upstream_page = 1;
        int offset = 0;
        std::vector<std::int64_t> seen_tail;
    };
    using Built = upstream::Result<std::shared_ptr<const cache::CachedResponse>>;
    using Deadline = std::chrono::steady_clock::time_point;
    // One upstream page after validation, filters, de-duplication and ranking: the list that
    // cursor offsets index.
    struct Batch {
        int upstream_page = 1;
        std::vector<std::int64_t> seen_tail;  // ids left out as served from the page before
        std::vector<Product> products;
        std::int64_t total_estimate = 0;
        bool more = false;      // a next upstream page exists and may be walked
        bool at_limit = false;  // a next one exists but lies past max_upstream_pages
        std::size_t invalid = 0;
        std::size_t low_quality = 0;
        std::size_t duplicates = 0;
    };
    // The products of one response: from `position` on, through as many upstream pages as it
    // takes to hold page_size products.
    struct Filled {
        std::vector<Batch> batches;
        std::vector<std::pair<std::size_t, std::size_t>> served;  // (batch, index) in page order
        std::string_view short_reason;  // why it holds fewer than page_size; empty when full
    };

    // Before a leader fetches: the page found after all (value), and the cross-instance lock
    // when this instance took it (lock_token, to release once the page is stored).
    struct Claim {
        std::shared_ptr<const cache::CachedResponse> value;
        std::optional<std::string> lock_token;
    };

    // Leader of a single-flight: claims the page (claim()), fetches and stores it unless found,
    // and releases the lock.
    // `phases` receives the leader's upstream, ranking and serialisation times.
    awaitable<Built> build(
        SearchRequest request,
        Position position,
        std::string key,
        std::string request_id,
        std::string page_id,
        bool l2_usable,
        std::shared_ptr<monitoring::Timings> phases
    );
    awaitable<Built> fetch_and_store(
        SearchRequest request,
        Position position,
        std::string key,
        std::string request_id,
        monitoring::Timings& phases
    );
    awaitable<upstream::Result<Filled>> fill_page(
        const SearchRequest& request,
        Position position,
        std::string request_id,
        Deadline deadline,
        monitoring::Timings& phases
    );
    awaitable<upstream::Result<Batch>> fetch_batch(
        const SearchRequest& request,
        int upstream_page,
        std::vector<std::int64_t> seen_tail,
        std::string request_id,
        Deadline deadline,
        monitoring::Timings& phases
    );
    // next_cursor after the first `taken` products of `filled`; null when nothing follows.
    [[nodiscard]] nlohmann::json next_cursor(
        const Filled& filled, std::size_t taken, const std::string& fingerprint
    ) const;
    // Re-checks L1, then (when `l2_usable`) L2 or, with the distributed lock, wait_for_peer().
    awaitable<Claim> claim(std::string key, bool l2_usable);
    // Across instances: one takes the lock (and re-reads L2 once it has it) while the others
    // poll L2 until the page appears, the lock is free again (then one of them takes it) or
    // lock_ttl() has passed (then they fetch without it). Redis failing ends the wait.
    awaitable<Claim> wait_for_peer(std::string key);
    // On a hit in its refresh window (SearchOptions::refresh_ahead_percent): one background
    // refresh per key in this process (RefreshTable) and, with Redis, across instances (the
    // single-flight lock, not waited for: its holder is already fetching the page).
    void refresh_if_due(
        const cache::CachedResponse& hit,
        const SearchRequest& request,
        const Position& position,
        const std::string& key,
        const std::string& page_id,
        const asio::any_io_executor& executor
    );
    awaitable<void> refresh(
        SearchRequest request,
        Position position,
        std::string key,
        std::string page_id,
        std::chrono::system_clock::time_point expires_at
    );
    // How long the lock may live: the upstream timeout + the links budget + a margin.
    [[nodiscard]] std::chrono::milliseconds lock_ttl() const;
    // What SearchResult::l2 reports: "disabled", "ok" or "unavailable".
    [[nodiscard]] std::string_view l2_state() const;
    // Fills affiliate_url where missing, with at most `attempts` per upstream call (0: the
    // setting); returns "ok" | "partial" | "unavailable".
    awaitable<std::string> attach_links(
        std::vector<Product>& products,
        std::string request_id,
        int attempts,
        monitoring::Timings& phases
    );

    upstream::ProductSource& source_;
    SearchShared& shared_;
    SearchOptions options_;
};

}  // namespace scout::search
