// Micro-benchmarks of the cache hot path: L1 hits and puts (1 and 2 threads), key building,
// ETag and gzip of a typical /search body.
#include <scout/cache/cache_key.hpp>
#include <scout/cache/cached_response.hpp>
#include <scout/cache/lru_cache.hpp>
#include <scout/middleware/gzip.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

using scout::cache::CachedResponse;
using Cache = scout::cache::LruCache<std::shared_ptr<const CachedResponse>>;

constexpr int kKeys = 4096;

// About 15 KB of JSON shaped like a /search page.
std::string search_body() {
    std::string body = R"({"page":1,"page_size":20,"products":[)";
    for (int i = 0; body.size() < 15'000; ++i) {
        if (i > 0) {
            body += ',';
        }
        body += R"({"product_id":"10050055)" + std::to_string(10000 + i) +
                R"(","title":"Wireless Bluetooth earbuds noise cancelling model )" +
                std::to_string(i) + R"(","sale_price":")" + std::to_string(10 + i % 40) +
                R"(.99","currency":"USD","rating":4.)" + std::to_string(i % 10) + R"(,"orders":)" +
                std::to_string(100 * i) + R"(,"url":"https://s.click.aliexpress.com/e/_Dabc)" +
                std::to_string(i) + R"("})";
    }
    body += "]}";
    return body;
}

const std::vector<std::string>& keys() {
    static const std::vector<std::string> all = [] {
        std::vector<std::string> out;
        out.reserve(kKeys);
        for (int i = 0; i < kKeys; ++i) {
            out.push_back(
                scout::cache::make_key("search", {{"keywords", "query " + std::to_string(i)}})
            );
        }
        return out;
    }();
    return all;
}

std::shared_ptr<const CachedResponse> shared_response() {
    static const auto response = std::make_shared<const CachedResponse>(
        scout::cache::make_cached_response(search_body(), "application/json")
    );
    return response;
}

scout::cache::LruOptions cache_options() {
    scout::cache::LruOptions options;
    options.max_entries = 2 * kKeys;
    return options;
}

// One cache shared by the benchmark threads, as the workers share L1; every key is present.
Cache& shared_cache() {
    static Cache cache(cache_options());
    static const bool filled = [] {
        for (const auto& key : keys()) {
            cache.put(key, shared_response(), shared_response()->bytes(), std::chrono::hours(1));
        }
        return true;
    }();
    (void)filled;
    return cache;
}

void BM_L1GetHit(benchmark::State& state) {
    Cache& cache = shared_cache();
    const auto& all = keys();
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 997;
    for (auto _ : state) {
        auto hit = cache.get(all[i++ % all.size()]);
        benchmark::DoNotOptimize(hit);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_L1GetHit)->Threads(1)->Threads(2)->UseRealTime();

void BM_L1Put(benchmark::State& state) {
    Cache& cache = shared_cache();
    const auto value = shared_response();
    const std::size_t bytes = value->bytes();
    const auto& all = keys();
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 991;
    for (auto _ : state) {
        cache.put(all[i++ % all.size()], value, bytes, std::chrono::hours(1));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_L1Put)->Threads(1)->Threads(2)->UseRealTime();

void BM_MakeKey(benchmark::State& state) {
    for (auto _ : state) {
        auto key = scout::cache::make_key(
            "search",
            {{"keywords", "wireless earbuds"},
             {"page", "2"},
             {"sort", "price_asc"},
             {"min_price", "10.5"}}
        );
        benchmark::DoNotOptimize(key);
    }
}
BENCHMARK(BM_MakeKey);

void BM_StrongEtag15KB(benchmark::State& state) {
    const std::string body = search_body();
    for (auto _ : state) {
        auto etag = scout::cache::strong_etag(body);
        benchmark::DoNotOptimize(etag);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_StrongEtag15KB);

void BM_GzipCompress15KB(benchmark::State& state) {
    const std::string body = search_body();
    for (auto _ : state) {
        auto gz = scout::middleware::gzip_compress(body, static_cast<int>(state.range(0)));
        benchmark::DoNotOptimize(gz);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_GzipCompress15KB)->Arg(1)->Arg(6);

}  // namespace
