#include <scout/cache/cache_key.hpp>
#include <scout/log/log.hpp>
#include <scout/log/throttle.hpp>
#include <scout/search/cursor.hpp>
#include <scout/search/ranking.hpp>
#include <scout/search/service.hpp>

#include <algorithm>
#include <chrono>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace scout::search {
namespace {

const log::Logger& logger() {
    static const log::Logger instance("search");
    return instance;
}

using SteadyTime = std::chrono::steady_clock::time_point;

// Adds the time since `since` to a phase of `Timings` (-1: not measured yet).
void add_phase(std::int64_t& phase_us, SteadyTime since) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - since
    )
                        .count();
    phase_us = std::max<std::int64_t>(phase_us, 0) + us;
}

// Repeated per request during an upstream outage: one line per interval, with the count held
// back (the outage itself is logged by the upstream client and its breakers).
log::Throttle& stale_log() {
    static log::Throttle throttle;
    return throttle;
}
log::Throttle& link_failure_log() {
    static log::Throttle throttle;
    return throttle;
}

upstream::ProductSort upstream_sort(SortOrder order) {
    // Orders the upstream can apply globally are pushed down; the rest rank each page locally.
    switch (order) {
        case SortOrder::kPriceAsc:
            return upstream::ProductSort::kSalePriceAsc;
        case SortOrder::kPriceDesc:
            return upstream::ProductSort::kSalePriceDesc;
        case SortOrder::kOrders:
            return upstream::ProductSort::kLastVolumeDesc;
        default:
            return upstream::ProductSort::kRelevance;
    }
}

// The ids a cursor keeps to suppress repeats on the next upstream page (encode_cursor keeps
// the last kMaxSeenTail): using exactly these when filling a page makes a resumed walk see the
// same next page as the request that made the cursor.
std::vector<std::int64_t> tail_ids(const std::vector<Product>& products) {
    const std::size_t skip = products.size() > kMaxSeenTail ? products.size() - kMaxSeenTail : 0;
    std::vector<std::int64_t> ids;
    ids.reserve(products.size() - skip);
    for (std::size_t i = skip; i < products.size(); ++i) {
        ids.push_back(products[i].product_id);
    }
    return ids;
}

// A request's share of a fetch: the leader's phases as measured; a request that joined
// another's fetch (nothing measured for it) spent its wait on the upstream.
void take_phases(monitoring::Timings& into, const monitoring::Timings& phases, SteadyTime since) {
    if (phases.upstream_us < 0 && phases.ranking_us < 0 && phases.serialize_us < 0) {
        add_phase(into.upstream_us, since);
        return;
    }
    into.upstream_us = phases.upstream_us;
    into.ranking_us = phases.ranking_us;
    into.serialize_us = phases.serialize_us;
}

monitoring::Family<monitoring::Counter>& affiliate_links(monitoring::Registry& registry) {
    return registry.counter(
        "scout_affiliate_links_total",
        "Products that needed an affiliate link: generated, or missing (failed call or no link)",
        {"result"}
    );
}

monitoring::Family<monitoring::Counter>& refresh_ahead(monitoring::Registry& registry) {
    return registry.counter(
        "scout_search_refresh_ahead_total",
        "Background refreshes of search pages hit near their expiry, by result",
        {"result"}
    );
}

monitoring::Family<monitoring::Counter>& single_flight(monitoring::Registry& registry) {
    return registry.counter(
        "scout_single_flight_total",
        "Search misses that fetched (leader) or waited for an identical fetch (waiter)",
        {"role"}
    );
}

// What the feature flags turned off for a request, as the lower layers take it.
cache::Tiers tiers(const Features& features) {
    return features.has(Feature::kEnhancedCaching) ? cache::Tiers::kBoth : cache::Tiers::kL1Only;
}
int max_attempts(const Features& features) {
    return features.has(Feature::kRetryLogic) ? 0 : 1;  // 0: upstream.retry.max_attempts
}

// data_validation off: only what a product cannot be shown without is still refused (no id,
// title, usable price or URL); the price ceiling is lifted and a missing detail URL is built
// from the id. Text cleaning and URL checks (what makes the output safe) stay.
ValidatorOptions without_business_drops(ValidatorOptions options) {
    constexpr std::int64_t kNoCeiling = std::numeric_limits<std::int64_t>::max() / 10'000;
    options.max_price = kNoCeiling;
    options.max_price_by_currency.clear();
    options.synthesize_missing_url = true;
    return options;
}

std::string dump(const nlohmann::json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The 400 message for a cursor that is refused: an expired one is normal (a page left open
// for a day), so it says what to do rather than hint at tampering.
std::string cursor_error_message(boost::system::error_code error) {
    if (error == cursor_errc::kExpired) {
        return "cursor has expired; repeat the search without a cursor";
    }
    return "cursor is invalid or belongs to another query: " + error.message();
}

}  // namespace

SearchMetrics::SearchMetrics(monitoring::Registry& registry)
    : validation(registry),
      low_quality(dropped_products(registry).with({"low_quality"})),
      duplicates(dropped_products(registry).with({"duplicate"})),
      upstream_failures(registry
                            .counter(
                                "scout_search_upstream_failures_total",
                                "Searches the upstream gave no page for (served stale or failed)"
                            )
                            .with({})),
      empty_results(
          registry.counter("scout_search_empty_results_total", "Search pages without a product")
              .with({})
      ),
      links_generated(affiliate_links(registry).with({"generated"})),
      links_missing(affiliate_links(registry).with({"missing"})),
      link_cache_hits(registry
                          .counter(
                              "scout_affiliate_link_cache_hits_total",
                              "Affiliate links found in the link cache"
                          )
                          .with({})),
      flight_leaders(single_flight(registry).with({"leader"})),
      flight_waiters(single_flight(registry).with({"waiter"})),
      refreshed(refresh_ahead(registry).with({"ok"})),
      refresh_failed(refresh_ahead(registry).with({"failed"})),
      refreshed_elsewhere(refresh_ahead(registry).with({"elsewhere"})) {}

bool RefreshTable::try_claim(const std::string& key, Time now) {
    const std::lock_guard lock(mutex_);
    const auto [it, inserted] = keys_.try_emplace(key, Time::max());
    if (!inserted && it->second > now) {
        return false;
    }
    it->second = Time::max();
    return true;
}

void RefreshTable::release(const std::string& key) {
    const std::lock_guard lock(mutex_);
    keys_.erase(key);
}

void RefreshTable::hold(const std::string& key, Time until) {
    const std::lock_guard lock(mutex_);
    keys_[key] = until;
}

SearchShared::SearchShared(
    cache::TieredCache& tiered,
    monitoring::Registry& registry,
    const cache::LruOptions& link_options,
    cache::RedisStore* redis
)
    : cache(tiered),
      redis_store(redis),
      links(link_options),
      metrics(registry),
      flights(metrics.flight_leaders, metrics.flight_waiters) {
    registry.add_collector([this](std::vector<monitoring::FamilySnapshot>& out) {
        const cache::LruStats stats = links.stats();
        const auto gauge = [&out](std::string name, std::string help, std::size_t value) {
            out.push_back(
                {std::move(name),
                 std::move(help),
                 monitoring::MetricType::kGauge,
                 {},
                 {{{}, static_cast<double>(value), {}}}}
            );
        };
        gauge(
            "scout_affiliate_link_cache_entries",
            "Products in the affiliate-link cache (a link, or the upstream's lack of one)",
            stats.entries
        );
        gauge(
            "scout_affiliate_link_cache_bytes",
            "Bytes held by the affiliate-link cache",
            stats.bytes
        );
    });
}

SearchService::SearchService(
    upstream::ProductSource& source, SearchShared& shared, SearchOptions options
)
    : source_(source), shared_(shared), options_(std::move(options)) {}

std::optional<SearchResult> SearchService::search_cached(std::string_view key) {
    // A page due for its refresh takes search(), which starts it.
    cache::Lookup hit = shared_.cache.probe_l1("search", key, options_.refresh_ahead_percent);
    if (!hit) {
        return std::nullopt;
    }
    SearchResult result;
    result.l2 = l2_state();
    result.response = std::move(hit.value);
    result.cache = SearchResult::CacheState::kHit;
    return result;
}

std::string_view SearchService::l2_state() const {
    if (shared_.redis_store == nullptr) {
        return "disabled";
    }
    return shared_.redis_store->available() ? "ok" : "unavailable";
}

awaitable<SearchResult> SearchService::search(
    SearchRequest request, std::string request_id, std::string page_id
) {
    SearchResult result;
    result.l2 = l2_state();
    const auto identity = query_identity(request);

    Position position;
    if (!request.cursor.empty()) {
        // Only a request with a cursor pays for the fingerprint (not the cache-hit path).
        const std::string fingerprint =
            query_fingerprint(cache::canonical_params("search", identity));
        auto decoded =
            decode_cursor(request.cursor, options_.cursor_keys, fingerprint, CursorClock::now());
        if (!decoded) {
            result.bad_request = ParamError{"cursor", cursor_error_message(decoded.error())};
            co_return result;
        }
        position.upstream_page = decoded->upstream_page;
        position.offset = decoded->offset;
        position.seen_tail = std::move(decoded->seen_tail);
    } else if (request.page_no) {
        const int first = (*request.page_no - 1) * request.page_size;
        position.upstream_page = first / options_.upstream_page_size + 1;
        position.offset = first % options_.upstream_page_size;
    }

    auto key_params = identity;
    key_params.emplace_back("page", std::to_string(position.upstream_page));
    key_params.emplace_back("offset", std::to_string(position.offset));
    key_params.emplace_back("size", std::to_string(request.page_size));
    key_params.emplace_back("fields", to_string(request.fields));
    std::string seen;
    for (const std::int64_t id : position.seen_tail) {
        seen += std::to_string(id) + ",";
    }
    key_params.emplace_back("seen", seen);
    if (const unsigned variant = request.features.page_variant(); variant != 0) {
        key_params.emplace_back("variant", std::to_string(variant));  // ranking/validation off
    }
    std::string key = cache::make_key("search", key_params);
    result.key = key;

    // Arguments of co_await'ed calls are named objects, never prvalues: GCC 12 mishandles
    // (destroys twice) coroutine arguments initialised from temporaries.
    std::string kind = "search";
    std::string lookup_key = key;
    const cache::Tiers use = tiers(request.features);
    const SteadyTime cache_start = std::chrono::steady_clock::now();
    cache::Lookup hit = co_await shared_.cache.get(std::move(kind), std::move(lookup_key), use);
    add_phase(result.timings.cache_us, cache_start);
    if (hit) {
        refresh_if_due(
            *hit.value, request, position, key, page_id, co_await asio::this_coro::executor
        );
        result.from_l2 = hit.source == cache::Lookup::Source::kL2;
        result.response = std::move(hit.value);
        result.cache = SearchResult::CacheState::kHit;
        co_return result;
    }

    // Concurrent identical misses wait for one upstream fetch (the lambda only forwards to
    // a member coroutine; it is not a coroutine itself).
    // A failed L2 read means Redis is slow or down: do not also re-read it or wait on its lock.
    const bool l2_usable = use == cache::Tiers::kBoth && !hit.l2_failed;
    // Shared with the fetch, which may outlive this request (a cancelled leader).
    auto phases = std::make_shared<monitoring::Timings>();
    auto fetch = [this, request, position, key, request_id, page_id, l2_usable, phases]() {
        return build(request, position, key, request_id, page_id, l2_usable, phases);
    };
    std::string flight_key = key;
    const SteadyTime flight_start = std::chrono::steady_clock::now();
    // An open breaker refuses now: no single-flight lock in Redis before the refusal.
    Built built = upstream::UpstreamError{};
    if (std::optional<upstream::UpstreamError> refused =
            source_.refusal(upstream::kProductQuery, request_id)) {
        built = std::move(*refused);
    } else {
        Built fetched = co_await shared_.flights.run(std::move(flight_key), std::move(fetch));
        built = std::move(fetched);
    }
    take_phases(result.timings, *phases, flight_start);
    if (built) {
        result.response = std::move(*built);
        co_return result;
    }
    shared_.metrics.upstream_failures.inc();
    if (use == cache::Tiers::kL1Only) {  // stale serving is part of enhanced caching
        result.upstream = std::move(built.error());
        co_return result;
    }
    std::string stale_kind = "search";
    const SteadyTime stale_start = std::chrono::steady_clock::now();
    cache::Lookup stale = co_await shared_.cache.get_stale(std::move(stale_kind), std::move(key));
    add_phase(result.timings.cache_us, stale_start);
    if (stale) {
        if (const auto suppressed = stale_log().allow()) {
            logger().warn(
                "serving a stale search result: the upstream failed",
                {{"request_id", request_id},
                 {"error", built.error().detail()},
                 {"suppressed", *suppressed}}
            );
        }
        result.response = std::move(stale.value);
        result.cache = SearchResult::CacheState::kStale;
        co_return result;
    }
    result.upstream = std::move(built.error());
    co_return result;
}

awaitable<SearchService::Claim> SearchService::claim(std::string key, bool l2_usable) {
    // Owning the flight does not mean the page is still missing: the previous flight for this
    // key may have stored it between our lookup and our joining.
    if (cache::Lookup again = shared_.cache.probe_l1("search", key)) {
        co_return Claim{std::move(again.value), std::nullopt};
    }
    if (!l2_usable) {
        co_return Claim{};
    }
    cache::RedisStore* redis = shared_.redis_store;
    if (redis != nullptr && shared_.distributed_single_flight && redis->available()) {
        co_return co_await wait_for_peer(std::move(key));
    }
    std::string kind = "search";
    cache::Lookup again = co_await shared_.cache.get(std::move(kind), std::move(key));
    co_return Claim{std::move(again.value), std::nullopt};
}

void SearchService::refresh_if_due(
    const cache::CachedResponse& hit,
    const SearchRequest& request,
    const Position& position,
    const std::string& key,
    const std::string& page_id,
    const asio::any_io_executor& executor
) {
    const auto now = shared_.cache.wall_now();
    if (!cache::in_refresh_window(hit, now, options_.refresh_ahead_percent) ||
        !shared_.refreshing.try_claim(key, now)) {
        return;
    }
    asio::co_spawn(
        executor, refresh(request, position, key, page_id, hit.expires_at), asio::detached
    );
}

awaitable<void> SearchService::refresh(
    SearchRequest request,
    Position position,
    std::string key,
    std::string page_id,
    std::chrono::system_clock::time_point expires_at
) {
    std::optional<std::string> token;
    cache::RedisStore* redis = shared_.redis_store;
    if (redis != nullptr && shared_.distributed_single_flight && redis->available()) {
        std::string lock_key = "lock:" + key;
        boost::system::result<std::optional<std::string>> taken =
            co_await redis->try_lock(std::move(lock_key), lock_ttl());
        if (taken && !*taken) {
            // Another instance is fetching the page: this one reads it from L2 once its own
            // copy expires, and does not ask again before then.
            shared_.metrics.refreshed_elsewhere.inc();
            shared_.refreshing.hold(key, expires_at);
            co_return;
        }
        if (taken) {
            token = std::move(**taken);
        }
    }
    std::shared_ptr<const cache::CachedResponse> newer;
    if (token) {
        std::string kind = "search";
        std::string probe = key;
        newer =
            co_await shared_.cache.adopt_newer_l2(std::move(kind), std::move(probe), expires_at);
    }
    if (newer) {
        // Refreshed by another instance between our hit and our lock.
        shared_.metrics.refreshed_elsewhere.inc();
        std::string lock_key = "lock:" + key;
        co_await redis->unlock(std::move(lock_key), std::move(*token));
        shared_.refreshing.release(key);
        co_return;
    }
    monitoring::Timings phases;
    std::string store_key = key;
    Built built = co_await fetch_and_store(
        std::move(request), std::move(position), std::move(store_key), std::move(page_id), phases
    );
    (built ? shared_.metrics.refreshed : shared_.metrics.refresh_failed).inc();
    if (token && redis != nullptr) {
        std::string lock_key = "lock:" + key;
        co_await redis->unlock(std::move(lock_key), std::move(*token));
    }
    shared_.refreshing.release(key);
}

std::chrono::milliseconds SearchService::lock_ttl() const {
    // As long as a fetch may take: its upstream pages (retries included), links, a margin.
    constexpr std::chrono::milliseconds kMargin{1000};
    const std::chrono::milliseconds upstream =
        options_.page_budget ? options_.page_budget() : std::chrono::milliseconds(3000);
    return upstream + options_.affiliate_timeout + kMargin;
}

awaitable<SearchService::Claim> SearchService::wait_for_peer(std::string key) {
    cache::RedisStore& redis = *shared_.redis_store;
    const std::chrono::milliseconds ttl = lock_ttl();
    // The holder's lock lives at most `ttl`: waiting longer would only wait for a lost one.
    const auto deadline = std::chrono::steady_clock::now() + ttl;
    constexpr std::chrono::milliseconds kMaxPause{200};
    std::chrono::milliseconds pause{25};
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        std::string lock_key = "lock:" + key;
        boost::system::result<std::optional<std::string>> token =
            co_await redis.try_lock(std::move(lock_key), ttl);
        if (!token) {
            co_return Claim{};  // Redis failed: fetch without a lock
        }
        std::string kind = "search";
        std::string probe = key;
        if (*token) {
            // Ours now; the previous holder may have filled L2 just before releasing it.
            cache::Lookup filled = co_await shared_.cache.get(std::move(kind), std::move(probe));
            co_return Claim{std::move(filled.value), std::move(*token)};
        }
        if (std::chrono::steady_clock::now() + pause > deadline) {
            co_return Claim{};
        }
        timer.expires_after(pause);
        co_await timer.async_wait(nothrow);
        pause = std::min(pause * 2, kMaxPause);
        cache::Lookup filled = co_await shared_.cache.get(std::move(kind), std::move(probe));
        if (filled || filled.l2_failed) {
            co_return Claim{std::move(filled.value), std::nullopt};
        }
    }
}

awaitable<SearchService::Built> SearchService::build(
    SearchRequest request,
    Position position,
    std::string key,
    std::string request_id,
    std::string page_id,
    bool l2_usable,
    std::shared_ptr<monitoring::Timings> phases
) {
    std::string claim_key = key;
    Claim claimed = co_await claim(std::move(claim_key), l2_usable);
    Built built = claimed.value;
    if (!claimed.value) {
        if (page_id != request_id) {
            // The page records a server-minted id: this line ties it to the client's id.
            logger().info(
                "fetching a search page", {{"request_id", request_id}, {"generated_by", page_id}}
            );
        }
        std::string store_key = key;
        built = co_await fetch_and_store(
            std::move(request),
            std::move(position),
            std::move(store_key),
            std::move(page_id),
            *phases
        );
    }
    if (claimed.lock_token && shared_.redis_store != nullptr) {
        // Released in the background (the lock also expires by itself), after the L2 write
        // put() queued on this worker's connection: a peer that takes the lock then finds the
        // page. Only our own token is deleted, never a later owner's lock.
        std::string lock_key = "lock:" + key;
        asio::co_spawn(
            co_await asio::this_coro::executor,
            shared_.redis_store->unlock(std::move(lock_key), std::move(*claimed.lock_token)),
            asio::detached
        );
    }
    co_return built;
}

awaitable<upstream::Result<SearchService::Batch>> SearchService::fetch_batch(
    const SearchRequest& request,
    int upstream_page,
    std::vector<std::int64_t> seen_tail,
    std::string request_id,
    Deadline deadline,
    monitoring::Timings& phases
) {
    upstream::ProductQuery query;
    query.keywords = request.q;
    if (request.category_id) {
        query.category_ids.push_back(*request.category_id);
    }
    query.page_no = upstream_page;
    query.page_size = options_.upstream_page_size;
    query.sort = upstream_sort(request.sort);
    query.min_sale_price = request.min_price;
    query.max_sale_price = request.max_price;
    query.target_currency = request.currency;
    query.target_language = request.language;
    query.ship_to_country = request.ship_to;
    query.tracking_id = options_.tracking_id;
    upstream::CallOptions call;
    call.request_id = request_id;
    call.deadline = deadline;
    const SteadyTime upstream_start = std::chrono::steady_clock::now();
    call.max_attempts = max_attempts(request.features);
    upstream::Result<upstream::ProductPage> page =
        co_await source_.query_products(std::move(query), std::move(call));
    add_phase(phases.upstream_us, upstream_start);
    if (!page) {
        co_return page.error();
    }
    const SteadyTime ranking_start = std::chrono::steady_clock::now();

    // Validate and sanitise every product; each rejection is logged once and counted.
    ValidatorOptions validator = request.features.has(Feature::kDataValidation)
                                     ? options_.validator
                                     : without_business_drops(options_.validator);
    validator.currency = request.currency;
    Batch batch;
    batch.upstream_page = upstream_page;
    batch.total_estimate = page->total_record_count;
    batch.products.reserve(page->products.size());
    batch.invalid = static_cast<std::size_t>(page->skipped);
    for (const upstream::RawProduct& raw : page->products) {
        ValidationResult checked = validate(raw, validator);
        shared_.metrics.validation.record(checked);
        if (!checked.product) {
            ++batch.invalid;
            logger().info(
                "product rejected",
                {{"request_id", request_id},
                 {"product_id", raw.product_id},
                 {"reason", checked.reason ? to_string(*checked.reason) : "unknown"},
                 {"detail", checked.detail}}
            );
            continue;
        }
        const std::int64_t cents = checked.product->price.cents;
        if ((request.min_price && cents < *request.min_price) ||
            (request.max_price && cents > *request.max_price)) {
            ++batch.invalid;
            continue;
        }
        shared_.vocabulary.add_title(checked.product->normalized_title);
        batch.products.push_back(std::move(*checked.product));
    }
    const bool ranked = request.features.has(Feature::kQualityRanking);
    if (ranked) {
        score_all(batch.products, options_.quality);
        batch.low_quality = apply_filter(batch.products, options_.filter);
    }
    batch.duplicates = dedupe(batch.products, options_.dedupe).total();
    shared_.metrics.low_quality.inc(batch.low_quality);
    shared_.metrics.duplicates.inc(batch.duplicates);
    if (ranked) {
        rank(batch.products, request.sort);
    }

    // Products already returned from the page before (upstream pages shift between calls).
    if (!seen_tail.empty()) {
        const std::unordered_set<std::int64_t> seen(seen_tail.begin(), seen_tail.end());
        std::erase_if(batch.products, [&](const Product& p) {
            return seen.contains(p.product_id);
        });
    }
    batch.seen_tail = std::move(seen_tail);

    const bool next_exists = page->total_record_count > static_cast<std::int64_t>(upstream_page) *
                                                            options_.upstream_page_size &&
                             !page->products.empty();
    batch.at_limit = next_exists && upstream_page >= options_.max_upstream_pages;
    batch.more = next_exists && !batch.at_limit;
    add_phase(phases.ranking_us, ranking_start);
    co_return batch;
}

awaitable<upstream::Result<SearchService::Filled>> SearchService::fill_page(
    const SearchRequest& request,
    Position position,
    std::string request_id,
    Deadline deadline,
    monitoring::Timings& phases
) {
    const auto wanted = static_cast<std::size_t>(request.page_size);
    Filled filled;
    int upstream_page = position.upstream_page;
    std::vector<std::int64_t> seen_tail = std::move(position.seen_tail);
    auto offset = static_cast<std::size_t>(position.offset);
    while (true) {
        upstream::Result<Batch> batch = co_await fetch_batch(
            request, upstream_page, std::move(seen_tail), request_id, deadline, phases
        );
        if (!batch) {
            if (filled.served.empty()) {
                co_return batch.error();  // nothing to show: stale copy or error response
            }
            const bool late = batch.error().code == upstream::upstream_errc::kTimeout ||
                              batch.error().code == upstream::upstream_errc::kDeadlineExceeded;
            filled.short_reason = late ? "deadline" : "upstream_error";
            logger().warn(
                "serving a short page: the upstream page that would fill it failed",
                {{"request_id", request_id}, {"error", batch.error().detail()}}
            );
            break;
        }
        filled.batches.push_back(std::move(*batch));
        const Batch& last = filled.batches.back();
        for (std::size_t i = std::min(offset, last.products.size());
             i < last.products.size() && filled.served.size() < wanted;
             ++i) {
            filled.served.emplace_back(filled.batches.size() - 1, i);
        }
        if (filled.served.size() == wanted) {
            break;
        }
        if (!last.more) {
            filled.short_reason = last.at_limit ? "upstream_page_limit" : "exhausted";
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            filled.short_reason = "deadline";
            break;
        }
        // The next page skips what this one showed: the same tail a cursor would carry.
        upstream_page = last.upstream_page + 1;
        seen_tail = tail_ids(last.products);
        offset = 0;
    }
    co_return filled;
}

nlohmann::json SearchService::next_cursor(
    const Filled& filled, std::size_t taken, const std::string& fingerprint
) const {
    // Resume right after the last product sent (after every batch when none was sent).
    std::size_t batch_index = filled.batches.size() - 1;
    std::size_t next = filled.batches.back().products.size();
    if (taken > 0) {
        batch_index = filled.served[taken - 1].first;
        next = filled.served[taken - 1].second + 1;
    }
    // Batches fetched after it that gave nothing (all filtered, or the end) are behind us too.
    while (next >= filled.batches[batch_index].products.size() &&
           batch_index + 1 < filled.batches.size()) {
        ++batch_index;
        next = 0;
    }
    const Batch& batch = filled.batches[batch_index];
    CursorState state;
    state.query_fingerprint = fingerprint;
    if (next < batch.products.size()) {
        state.upstream_page = batch.upstream_page;
        state.offset = static_cast<int>(next);
        state.seen_tail = batch.seen_tail;
    } else if (batch.more) {
        state.upstream_page = batch.upstream_page + 1;
        state.offset = 0;
        state.seen_tail = tail_ids(batch.products);
    } else {
        return nullptr;
    }
    return encode_cursor(state, options_.cursor_keys, CursorClock::now());
}

awaitable<SearchService::Built> SearchService::fetch_and_store(
    SearchRequest request,
    Position position,
    std::string key,
    std::string request_id,
    monitoring::Timings& phases
) {
    const auto budget =
        options_.page_budget ? options_.page_budget() : std::chrono::milliseconds(3000);
    const Deadline deadline = std::chrono::steady_clock::now() + budget;
    upstream::Result<Filled> page =
        co_await fill_page(request, position, request_id, deadline, phases);
    if (!page) {
        co_return page.error();
    }
    std::vector<Product> chosen;
    chosen.reserve(page->served.size());
    for (const auto& [batch, index] : page->served) {
        chosen.push_back(page->batches[batch].products[index]);
    }

    std::string affiliate_state = "disabled";
    if (request.affiliate) {
        std::string links_request_id = request_id;
        affiliate_state = co_await attach_links(
            chosen, std::move(links_request_id), max_attempts(request.features), phases
        );
    } else {
        for (Product& product : chosen) {
            product.affiliate_url.reset();
        }
    }

    const SteadyTime serialize_start = std::chrono::steady_clock::now();
    const std::string fingerprint =
        query_fingerprint(cache::canonical_params("search", query_identity(request)));
    nlohmann::json items = nlohmann::json::array();
    for (const Product& product : chosen) {
        items.push_back(to_json(product, request.fields));
    }
    std::size_t invalid = 0;
    std::size_t low_quality = 0;
    std::size_t duplicates = 0;
    for (const Batch& batch : page->batches) {
        invalid += batch.invalid;
        low_quality += batch.low_quality;
        duplicates += batch.duplicates;
    }
    nlohmann::json body = {
        {"query", query_json(request)},
        {"products", std::move(items)},
        {"page",
         {{"size", chosen.size()},
          {"next_cursor", next_cursor(*page, chosen.size(), fingerprint)},
          {"total_estimate", page->batches.front().total_estimate}}},
    };
    if (chosen.empty()) {
        shared_.metrics.empty_results.inc();
        body["suggestions"] = shared_.vocabulary.suggest(request.q, 5);
    }
    body["meta"] = {
        {"affiliate_links", affiliate_state},
        {"dropped",
         {{"invalid", invalid}, {"low_quality", low_quality}, {"duplicate", duplicates}}},
        {"short_page_reason",
         page->short_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(page->short_reason)},
        {"generated_by", request_id},
    };
    std::string text = dump(body);
    // Auto-pagination: a page that would exceed the size cap is cut, and its cursor resumes
    // right after the last product kept.
    while (text.size() > options_.max_response_bytes && body["products"].size() > 1) {
        body["products"].erase(body["products"].size() - 1);
        body["page"]["size"] = body["products"].size();
        body["page"]["next_cursor"] = next_cursor(*page, body["products"].size(), fingerprint);
        body["meta"]["short_page_reason"] = "response_size_limit";
        text = dump(body);
    }

    cache::CachedResponse response = cache::make_cached_response(
        std::move(text), "application/json", 1024, options_.gzip_level ? options_.gzip_level() : 6
    );
    add_phase(phases.serialize_us, serialize_start);
    // A page missing affiliate links, or cut short by a slow or failing upstream, is kept only
    // briefly, so the full page comes back soon after the upstream recovers.
    const bool degraded = (affiliate_state != "ok" && affiliate_state != "disabled") ||
                          page->short_reason == "deadline" ||
                          page->short_reason == "upstream_error";
    std::string kind = degraded ? "search_degraded" : "search";
    std::shared_ptr<const cache::CachedResponse> stored = co_await shared_.cache.put(
        std::move(kind), std::move(key), std::move(response), tiers(request.features)
    );
    co_return stored;
}

awaitable<std::string> SearchService::attach_links(
    std::vector<Product>& products,
    std::string request_id,
    int attempts,
    monitoring::Timings& phases
) {
    std::vector<Product*> missing;
    for (Product& product : products) {
        if (product.affiliate_url) {
            continue;
        }
        if (auto cached = shared_.links.get(product.product_url)) {
            shared_.metrics.link_cache_hits.inc();
            if (!cached->value->empty()) {  // empty: the upstream has no link for this product
                product.affiliate_url = *cached->value;
            }
            continue;
        }
        missing.push_back(&product);
    }
    if (missing.empty()) {
        co_return "ok";
    }
    std::size_t generated = 0;
    std::size_t batches = 0;
    std::size_t failed = 0;
    constexpr std::size_t kBatch = 50;  // link.generate's source_values limit
    for (std::size_t start = 0; start < missing.size(); start += kBatch) {
        ++batches;
        upstream::LinkGenerate request;
        request.tracking_id = options_.tracking_id;
        const std::size_t stop = std::min(missing.size(), start + kBatch);
        for (std::size_t i = start; i < stop; ++i) {
            request.source_values.push_back(missing[i]->product_url);
        }
        upstream::CallOptions call;
        call.request_id = request_id;
        call.deadline = std::chrono::steady_clock::now() + options_.affiliate_timeout;
        const SteadyTime upstream_start = std::chrono::steady_clock::now();
        call.max_attempts = attempts;
        upstream::Result<std::vector<upstream::PromotionLink>> links =
            co_await source_.generate_links(std::move(request), std::move(call));
        add_phase(phases.upstream_us, upstream_start);
        if (!links) {
            ++failed;
            if (const auto suppressed = link_failure_log().allow()) {
                logger().warn(
                    "affiliate link generation failed; returning original product URLs",
                    {{"request_id", request_id},
                     {"products", stop - start},
                     {"error", links.error().detail()},
                     {"suppressed", *suppressed}}
                );
            }
            continue;
        }
        std::unordered_map<std::string_view, std::string_view> by_source;
        for (const upstream::PromotionLink& link : *links) {
            by_source.emplace(link.source_value, link.promotion_link);
        }
        for (std::size_t i = start; i < stop; ++i) {
            const auto found = by_source.find(missing[i]->product_url);
            const bool usable = found != by_source.end() && found->second.starts_with("http");
            // Remember "no link" too (for an hour at most), so a product outside the affiliate
            // programme does not cost a link.generate call on every miss.
            auto link =
                std::make_shared<const std::string>(usable ? found->second : std::string_view{});
            const auto ttl = usable ? options_.affiliate_link_ttl
                                    : std::min<std::chrono::milliseconds>(
                                          options_.affiliate_link_ttl, std::chrono::hours(1)
                                      );
            const std::size_t bytes = link->size();
            shared_.links.put(missing[i]->product_url, std::move(link), bytes, ttl);
            if (usable) {
                missing[i]->affiliate_url = std::string(found->second);
                ++generated;
            }
        }
    }
    shared_.metrics.links_generated.inc(generated);
    shared_.metrics.links_missing.inc(missing.size() - generated);
    if (failed == 0) {
        co_return "ok";
    }
    co_return failed == batches ? "unavailable" : "partial";
}

}  // namespace scout::search
