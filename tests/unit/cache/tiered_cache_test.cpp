#include <scout/cache/cache_key.hpp>
#include <scout/cache/tiered_cache.hpp>

#include "fake_store.hpp"
#include "support/manual_clock.hpp"
#include "support/run_co.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace scout::cache {
namespace {

using namespace std::chrono_literals;
using Source = Lookup::Source;

TieredCacheOptions options() {
    TieredCacheOptions result;
    result.l1.serve_stale = 120s;
    result.default_kind.ttl = 30s;
    result.kinds["search"] = KindOptions{60s};
    result.kinds["affiliate_link"] = KindOptions{3600s};
    result.kinds["nocache"] = KindOptions{0s};
    result.l2_secret = "test-l2-secret";  // shared by the "instances" of a test
    return result;
}

CachedResponse response(const std::string& body) {
    return make_cached_response(body, "application/json");
}

class TieredCacheTest : public ::testing::Test {
protected:
    Lookup get(TieredCache& cache, const std::string& key, const std::string& kind = "search") {
        return test::run_co(io_, cache.get(kind, key));
    }
    Lookup get_stale(
        TieredCache& cache, const std::string& key, const std::string& kind = "search"
    ) {
        return test::run_co(io_, cache.get_stale(kind, key));
    }
    std::shared_ptr<const CachedResponse> put(
        TieredCache& cache,
        const std::string& key,
        const std::string& body,
        const std::string& kind = "search"
    ) {
        return test::run_co(io_, cache.put(kind, key, response(body)));
    }

    asio::io_context io_;
    test::ManualClock clock_;
    // Wall time moves with the manual clock (from a realistic date).
    TieredCache::WallClock wall_ = [this] {
        return std::chrono::system_clock::time_point(1'700'000'000s) +
               std::chrono::duration_cast<std::chrono::system_clock::duration>(
                   clock_.now().time_since_epoch()
               );
    };
    test::FakeStore store_{clock_};
    const std::string key_ = make_key("search", {{"keywords", "red shoes"}});
};

TEST_F(TieredCacheTest, MissesEverywhereThenHitsL1AfterPut) {
    TieredCache cache(options(), &store_, clock_, wall_);
    const Lookup miss = get(cache, key_);
    EXPECT_FALSE(miss);
    EXPECT_EQ(miss.source, Source::kMiss);
    EXPECT_EQ(cache.stats("search").l1.misses, 1U);
    EXPECT_EQ(cache.stats("search").l2.misses, 1U);

    const auto stored = put(cache, key_, R"({"products":[1]})");
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->fetched_at, cache.wall_now());
    EXPECT_EQ(stored->expires_at, cache.wall_now() + 60s);
    ASSERT_TRUE(store_.raw(key_).has_value());

    const Lookup hit = get(cache, key_);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit.source, Source::kL1);
    EXPECT_FALSE(hit.stale);
    EXPECT_EQ(hit.value, stored);  // the very object: nothing is rebuilt on a hit
    EXPECT_EQ(store_.gets(), 1U);  // the hit did not ask L2

    const KindStats stats = cache.stats("search");
    EXPECT_EQ(stats.l1.hits, 1U);
    EXPECT_EQ(stats.l1.writes, 1U);
    EXPECT_EQ(stats.l2.writes, 1U);
    EXPECT_EQ(stats.l1.latency_count, 2U);
    EXPECT_EQ(stats.l2.latency_count, 1U);
}

TEST_F(TieredCacheTest, L1OnlyNeitherReadsNorWritesL2ButServesL1) {
    // enhanced_caching off for a client: Redis is not used for its requests.
    TieredCache cache(options(), &store_, clock_, wall_);
    const Lookup miss = test::run_co(io_, cache.get("search", key_, Tiers::kL1Only));
    EXPECT_FALSE(miss);
    EXPECT_FALSE(miss.l2_failed);
    EXPECT_EQ(store_.gets(), 0U);
    EXPECT_EQ(cache.stats("search").l2.skipped, 1U);

    const auto stored =
        test::run_co(io_, cache.put("search", key_, response(R"({"p":1})"), Tiers::kL1Only));
    ASSERT_TRUE(stored);
    io_.restart();
    io_.run();  // a background L2 write would run now
    EXPECT_EQ(store_.sets(), 0U);
    EXPECT_FALSE(store_.raw(key_).has_value());

    const Lookup hit = test::run_co(io_, cache.get("search", key_, Tiers::kL1Only));
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit.value, stored);
    EXPECT_EQ(store_.gets(), 0U);
}

TEST_F(TieredCacheTest, ProbeL1ServesFreshL1ValuesWithoutAskingL2) {
    TieredCache cache(options(), &store_, clock_, wall_);
    EXPECT_FALSE(cache.probe_l1("search", key_));
    const auto stored = put(cache, key_, R"({"products":[3]})");
    const Lookup hit = cache.probe_l1("search", key_);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit.source, Source::kL1);
    EXPECT_EQ(hit.value, stored);
    clock_.advance(61s);  // past the TTL: the fast path never serves stale values
    EXPECT_FALSE(cache.probe_l1("search", key_));
    EXPECT_EQ(store_.gets(), 0U);
    const KindStats stats = cache.stats("search");
    EXPECT_EQ(stats.l1.hits, 1U);
    EXPECT_EQ(stats.l1.misses, 0U);         // the caller's fallback get() counts the miss
    EXPECT_EQ(stats.l1.latency_count, 0U);  // probes are not timed
}

TEST_F(TieredCacheTest, ProbeL1LeavesAValueInItsRefreshWindowToTheFullPath) {
    TieredCache cache(options(), &store_, clock_, wall_);  // TTL 60 s
    put(cache, key_, R"({"products":[4]})");
    clock_.advance(53s);  // 7 s left: outside the last 10 %
    EXPECT_TRUE(cache.probe_l1("search", key_, 10));
    clock_.advance(2s);  // 5 s left: inside it
    EXPECT_FALSE(cache.probe_l1("search", key_, 10));
    EXPECT_TRUE(cache.probe_l1("search", key_, 0)) << "0 = refresh-ahead off";
    EXPECT_EQ(cache.stats("search").l1.hits, 2U) << "the value left to get() is not counted";
    EXPECT_TRUE(get(cache, key_)) << "get() still serves it: it is fresh";
}

TEST_F(TieredCacheTest, L2HitFillsL1AndKeepsTheValuesAgeAndExpiry) {
    TieredCache writer(options(), &store_, clock_, wall_);
    const auto stored = put(writer, key_, R"({"products":[2]})");
    // The value lives in L2 for its TTL plus the stale window.
    EXPECT_EQ(store_.ttl_of(key_), std::chrono::milliseconds(60s + 120s));

    clock_.advance(20s);
    TieredCache reader(options(), &store_, clock_, wall_);  // another instance, empty L1
    const Lookup from_l2 = get(reader, key_);
    ASSERT_TRUE(from_l2);
    EXPECT_EQ(from_l2.source, Source::kL2);
    EXPECT_FALSE(from_l2.stale);
    EXPECT_EQ(*from_l2.value->body, *stored->body);
    EXPECT_EQ(from_l2.value->gzip_body != nullptr, stored->gzip_body != nullptr);
    EXPECT_EQ(from_l2.value->etag, stored->etag);
    EXPECT_EQ(from_l2.value->fetched_at, stored->fetched_at);
    EXPECT_EQ(from_l2.value->expires_at, stored->expires_at);
    EXPECT_EQ(reader.stats("search").l2.hits, 1U);
    EXPECT_EQ(reader.stats("search").l1.writes, 1U);

    const Lookup from_l1 = get(reader, key_);
    EXPECT_EQ(from_l1.source, Source::kL1);
    EXPECT_EQ(from_l1.value, from_l2.value);

    // L1 keeps the original expiry (t = 60 s), not 60 s from the L2 read.
    clock_.advance(39s);
    EXPECT_EQ(get(reader, key_).source, Source::kL1);
    clock_.advance(2s);
    EXPECT_FALSE(get(reader, key_));
    EXPECT_EQ(store_.gets(), 2U);
}

TEST_F(TieredCacheTest, StaleValueServedOnlyByGetStaleWithinTheWindow) {
    TieredCache cache(options(), &store_, clock_, wall_);
    put(cache, key_, "{}");
    clock_.advance(61s);
    EXPECT_FALSE(get(cache, key_));

    const Lookup stale = get_stale(cache, key_);
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale.source, Source::kL1);
    EXPECT_TRUE(stale.stale);
    EXPECT_EQ(cache.stats("search").l1.stale_serves, 1U);

    clock_.advance(120s);  // 181 s: beyond 60 s + 120 s
    EXPECT_FALSE(get_stale(cache, key_));
}

TEST_F(TieredCacheTest, StaleValueFromL2ServedByGetStale) {
    TieredCache writer(options(), &store_, clock_, wall_);
    put(writer, key_, "{}");
    clock_.advance(100s);

    TieredCache reader(options(), &store_, clock_, wall_);
    EXPECT_FALSE(get(reader, key_));  // stale: a miss for get(), but kept in L1
    EXPECT_EQ(reader.stats("search").l2.misses, 1U);

    const Lookup stale = get_stale(reader, key_);
    ASSERT_TRUE(stale);
    EXPECT_TRUE(stale.stale);
    EXPECT_EQ(stale.source, Source::kL1);
    EXPECT_EQ(store_.gets(), 1U);

    TieredCache third(options(), &store_, clock_, wall_);
    const Lookup direct = get_stale(third, key_);
    ASSERT_TRUE(direct);
    EXPECT_TRUE(direct.stale);
    EXPECT_EQ(direct.source, Source::kL2);
    EXPECT_EQ(third.stats("search").l2.stale_serves, 1U);
}

TEST_F(TieredCacheTest, UnavailableStoreMeansMemoryOnlyWithoutErrors) {
    store_.set_available(false);
    TieredCache cache(options(), &store_, clock_, wall_);
    put(cache, key_, "{}");
    EXPECT_EQ(get(cache, key_).source, Source::kL1);
    EXPECT_FALSE(get(cache, "v1:search:other"));

    const KindStats stats = cache.stats("search");
    EXPECT_EQ(stats.l2.errors, 0U);
    EXPECT_EQ(stats.l2.write_errors, 0U);
    EXPECT_EQ(stats.l2.skipped, 1U);
    EXPECT_EQ(store_.gets(), 0U);
    EXPECT_EQ(store_.sets(), 0U);

    store_.set_available(true);  // back: used again
    put(cache, key_, "{}");
    EXPECT_EQ(store_.sets(), 1U);
}

TEST_F(TieredCacheTest, WorksWithoutAStore) {
    TieredCache cache(options(), nullptr, clock_, wall_);
    EXPECT_FALSE(get(cache, key_));
    put(cache, key_, "{}");
    EXPECT_EQ(get(cache, key_).source, Source::kL1);
    EXPECT_EQ(cache.stats("search").l2.skipped, 1U);
}

TEST_F(TieredCacheTest, L2WriteFailureIsCountedNotThrown) {
    store_.fail_sets(true);
    TieredCache cache(options(), &store_, clock_, wall_);
    EXPECT_NO_THROW(put(cache, key_, "{}"));
    EXPECT_EQ(cache.stats("search").l2.write_errors, 1U);
    EXPECT_EQ(cache.stats("search").l2.writes, 0U);
    EXPECT_EQ(get(cache, key_).source, Source::kL1);  // L1 still has it
}

TEST_F(TieredCacheTest, L2ReadFailureIsCountedAndTreatedAsMiss) {
    TieredCache writer(options(), &store_, clock_, wall_);
    put(writer, key_, "{}");
    store_.fail_gets(true);
    TieredCache reader(options(), &store_, clock_, wall_);
    EXPECT_FALSE(get(reader, key_));
    EXPECT_EQ(reader.stats("search").l2.errors, 1U);
    EXPECT_EQ(reader.stats("search").l2.misses, 0U);
}

TEST_F(TieredCacheTest, UndecodableL2ValueIsCountedAndTreatedAsMiss) {
    store_.put_raw(key_, "SC0 written by an older build", 60s);
    TieredCache cache(options(), &store_, clock_, wall_);
    EXPECT_FALSE(get(cache, key_));
    EXPECT_FALSE(get_stale(cache, key_));
    EXPECT_EQ(cache.stats("search").l2.errors, 2U);
}

TEST_F(TieredCacheTest, EachKindHasItsOwnTtl) {
    TieredCache cache(options(), &store_, clock_, wall_);
    put(cache, "v1:search:a", "{}", "search");
    put(cache, "v1:affiliate_link:b", "{}", "affiliate_link");
    put(cache, "v1:product:c", "{}", "product");  // not configured: default 30 s
    EXPECT_EQ(cache.ttl_for("product"), 30s);
    EXPECT_EQ(store_.ttl_of("v1:search:a"), std::chrono::milliseconds(180s));
    EXPECT_EQ(store_.ttl_of("v1:affiliate_link:b"), std::chrono::milliseconds(3720s));
    EXPECT_EQ(store_.ttl_of("v1:product:c"), std::chrono::milliseconds(150s));

    clock_.advance(31s);
    EXPECT_FALSE(get(cache, "v1:product:c", "product"));
    EXPECT_TRUE(get(cache, "v1:search:a", "search"));
    clock_.advance(30s);
    EXPECT_FALSE(get(cache, "v1:search:a", "search"));
    EXPECT_TRUE(get(cache, "v1:affiliate_link:b", "affiliate_link"));

    EXPECT_EQ(cache.stats("product").kind, "other");
    EXPECT_EQ(cache.stats("product").l1.misses, 1U);
    EXPECT_EQ(cache.stats("affiliate_link").l1.hits, 1U);
    const auto all = cache.stats();
    ASSERT_EQ(all.size(), 4U);
    EXPECT_EQ(all.back().kind, "other");
}

TEST_F(TieredCacheTest, ZeroTtlKindIsNotCached) {
    TieredCache cache(options(), &store_, clock_, wall_);
    const auto value = put(cache, "v1:nocache:x", "{}", "nocache");
    ASSERT_TRUE(value);
    EXPECT_EQ(*value->body, "{}");
    EXPECT_FALSE(get(cache, "v1:nocache:x", "nocache"));
    EXPECT_EQ(store_.sets(), 0U);
}

TEST_F(TieredCacheTest, KeepsTheCallersFetchTimeForTheTtl) {
    TieredCache cache(options(), &store_, clock_, wall_);
    CachedResponse earlier = response("{}");
    earlier.fetched_at = cache.wall_now() - 50s;
    const auto stored = test::run_co(io_, cache.put("search", key_, std::move(earlier)));
    EXPECT_EQ(stored->expires_at, cache.wall_now() + 10s);
    EXPECT_EQ(store_.ttl_of(key_), std::chrono::milliseconds(10s + 120s));
    clock_.advance(11s);
    EXPECT_FALSE(get(cache, key_));
}

TEST_F(TieredCacheTest, L2ValueStaysFreshNoLongerThanTheLocalTtl) {
    auto long_lived = options();
    long_lived.kinds["search"].ttl = 3600s;
    TieredCache writer(long_lived, &store_, clock_, wall_);
    put(writer, key_, "{}");

    TieredCache reader(options(), &store_, clock_, wall_);  // search TTL 60 s here
    EXPECT_EQ(get(reader, key_).source, Source::kL2);
    clock_.advance(61s);
    store_.set_available(false);
    EXPECT_FALSE(get(reader, key_));
}

// B4: a value written by an instance with a longer TTL is fresh here for this instance's TTL
// from the fetch, not from the read, and is served with that expiry (Cache-Control max-age).
TEST_F(TieredCacheTest, L2HitExpiresAtTheLocalTtlFromTheFetchNotFromTheRead) {
    auto long_lived = options();
    long_lived.kinds["search"].ttl = 3600s;
    TieredCache writer(long_lived, &store_, clock_, wall_);
    const auto stored = put(writer, key_, "{}");

    clock_.advance(30s);
    TieredCache reader(options(), &store_, clock_, wall_);  // search TTL 60 s here
    const Lookup from_l2 = get(reader, key_);
    ASSERT_EQ(from_l2.source, Source::kL2);
    EXPECT_EQ(from_l2.value->fetched_at, stored->fetched_at);
    EXPECT_EQ(from_l2.value->expires_at, stored->fetched_at + 60s);

    clock_.advance(31s);  // 61 s after the fetch; Redis still holds the value
    EXPECT_FALSE(get(reader, key_));
    EXPECT_EQ(reader.stats("search").l2.misses, 1U);
}

// A5: what is not a value this cache family wrote under this key is a miss, never served.
TEST_F(TieredCacheTest, L2ValueOfAnotherSecretIsRejectedAndCounted) {
    auto other = options();
    other.l2_secret = "another-secret";
    TieredCache writer(other, &store_, clock_, wall_);
    put(writer, key_, "{}");

    TieredCache reader(options(), &store_, clock_, wall_);
    EXPECT_FALSE(get(reader, key_));
    EXPECT_FALSE(get_stale(reader, key_));
    const auto stats = reader.stats("search");
    EXPECT_EQ(stats.l2.rejected, 2U);
    EXPECT_EQ(stats.l2.misses, 2U);
    EXPECT_EQ(stats.l2.errors, 0U);
    EXPECT_EQ(stats.l1.writes, 0U);
}

TEST_F(TieredCacheTest, L2ValueCopiedUnderAnotherKeyIsRejected) {
    TieredCache cache(options(), &store_, clock_, wall_);
    put(cache, key_, R"({"products":["expensive"]})");
    const std::string popular = make_key("search", {{"keywords", "usb cable"}});
    store_.put_raw(popular, *store_.raw(key_), 60s);

    TieredCache reader(options(), &store_, clock_, wall_);
    EXPECT_FALSE(get(reader, popular));
    EXPECT_EQ(reader.stats("search").l2.rejected, 1U);
    EXPECT_TRUE(get(reader, key_));  // the original still reads back
}

TEST_F(TieredCacheTest, L2ValueLargerThanTheBoundIsRejected) {
    TieredCache writer(options(), &store_, clock_, wall_);
    put(writer, key_, std::string(2000, 'x'));
    auto bounded = options();
    bounded.max_l2_value_bytes = 1000;
    TieredCache reader(bounded, &store_, clock_, wall_);
    EXPECT_FALSE(get(reader, key_));
    EXPECT_EQ(reader.stats("search").l2.rejected, 1U);
}

// Without a configured secret an instance's values are readable by itself only.
TEST_F(TieredCacheTest, EmptySecretMeansARandomOneReadableByThisCacheOnly) {
    auto unset = options();
    unset.l2_secret.clear();
    TieredCache writer(unset, &store_, clock_, wall_);
    put(writer, key_, "{}");
    writer.erase_local(key_);
    EXPECT_EQ(get(writer, key_).source, Source::kL2);
    TieredCache other(unset, &store_, clock_, wall_);
    EXPECT_FALSE(get(other, key_));
    EXPECT_EQ(other.stats("search").l2.rejected, 1U);
}

TEST_F(TieredCacheTest, RecordsReadLatencyPerTier) {
    store_.set_latency(&clock_, 5ms);
    TieredCache cache(options(), &store_, clock_, wall_);
    EXPECT_FALSE(get(cache, key_));
    EXPECT_FALSE(get(cache, key_));
    const KindStats stats = cache.stats("search");
    EXPECT_EQ(stats.l2.latency_count, 2U);
    EXPECT_EQ(stats.l2.latency_ns_sum, 10'000'000U);
    EXPECT_EQ(stats.l1.latency_ns_sum, 0U);  // the manual clock does not move inside L1
}

TEST_F(TieredCacheTest, ConcurrentWorkersShareOneCache) {
    TieredCache cache(options(), &store_, clock_, wall_);
    constexpr int kOpsPerWorker = 300;
    std::atomic<int> wrong{0};
    std::atomic<std::uint64_t> gets{0};
    std::vector<std::thread> workers;
    workers.reserve(2);
    for (int w = 0; w < 2; ++w) {
        workers.emplace_back([&, w] {
            asio::io_context io;
            for (int i = 0; i < kOpsPerWorker; ++i) {
                const std::string body = "body-" + std::to_string(i % 16);
                const std::string key = "v1:search:" + std::to_string(i % 16);
                if ((i + w) % 3 == 0) {
                    test::run_co(io, cache.put("search", key, response(body)));
                } else {
                    const Lookup found = test::run_co(io, cache.get("search", key));
                    gets.fetch_add(1);
                    if (found && *found.value->body != body) {
                        wrong.fetch_add(1);
                    }
                }
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    EXPECT_EQ(wrong.load(), 0);
    const KindStats stats = cache.stats("search");
    EXPECT_EQ(stats.l1.hits + stats.l1.misses, gets.load());
    EXPECT_GT(stats.l1.hits, 0U);
}

}  // namespace
}  // namespace scout::cache

namespace scout::cache {
namespace {

double requests(
    const std::vector<monitoring::FamilySnapshot>& families,
    const std::string& tier,
    const std::string& result
) {
    double total = 0;
    for (const auto& family : families) {
        if (family.name != "scout_cache_requests_total") {
            continue;
        }
        for (const auto& sample : family.samples) {
            if (sample.labels[0] == tier && sample.labels[2] == result) {
                total += sample.value;
            }
        }
    }
    return total;
}

// The registry is the one place the cache counts: every lookup is one L1 result, every L1
// miss one L2 result, and L1's size is read at scrape time.
TEST_F(TieredCacheTest, CountsEveryLookupOnceInTheRegistryPerTier) {
    monitoring::Registry registry;
    TieredCache cache(options(), &store_, clock_, wall_, &registry);
    const int lookups = 5;
    for (int i = 0; i < lookups; ++i) {
        get(cache, "absent-" + std::to_string(i));
    }
    put(cache, key_, "page");
    get(cache, key_);
    ASSERT_TRUE(cache.probe_l1("search", key_));
    const auto families = registry.snapshot();
    EXPECT_EQ(requests(families, "l1", "hit"), 2);
    EXPECT_EQ(requests(families, "l1", "miss"), lookups);
    EXPECT_EQ(requests(families, "l2", "miss"), lookups);
    EXPECT_EQ(
        requests(families, "l1", "hit") + requests(families, "l1", "miss") +
            requests(families, "l1", "stale"),
        lookups + 2
    );
    EXPECT_EQ(cache.stats("search").l1.hits, 2U);  // the same cells, read back
    bool entries_seen = false;
    for (const auto& family : families) {
        if (family.name == "scout_cache_entries") {
            entries_seen = true;
            EXPECT_EQ(family.samples.at(0).value, 1);
        }
    }
    EXPECT_TRUE(entries_seen);
    registry.reset();
    EXPECT_EQ(cache.stats("search").l1.hits, 0U);
}

}  // namespace
}  // namespace scout::cache
