#include <scout/cache/lru_cache.hpp>

#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace scout::cache {
namespace {

using namespace std::chrono_literals;
using Cache = LruCache<std::shared_ptr<const std::string>>;

std::shared_ptr<const std::string> text(std::string value) {
    return std::make_shared<const std::string>(std::move(value));
}

LruOptions one_shard(std::size_t max_entries, std::size_t max_bytes = std::size_t{1} << 30U) {
    LruOptions options;
    options.max_entries = max_entries;
    options.max_bytes = max_bytes;
    options.shards = 1;
    return options;
}

TEST(LruCache, ReturnsFreshEntryWithItsTimes) {
    test::ManualClock clock;
    Cache cache(one_shard(10), clock);
    const auto put_at = clock.now();
    ASSERT_TRUE(cache.put("k", text("v"), 1, 10s));

    clock.advance(3s);
    const auto hit = cache.get("k");
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(*hit->value, "v");
    EXPECT_FALSE(hit->stale);
    EXPECT_EQ(hit->fetched_at, put_at);
    EXPECT_EQ(hit->expires_at, put_at + 10s);

    const auto stats = cache.stats();
    EXPECT_EQ(stats.insertions, 1U);
    EXPECT_EQ(stats.entries, 1U);
    EXPECT_EQ(stats.bytes, Cache::entry_bytes("k", 1));
}

TEST(LruCache, FindsKeysThroughNonTerminatedViews) {
    test::ManualClock clock;
    Cache cache(one_shard(10), clock);
    const std::string backing = "alphabet";
    ASSERT_TRUE(cache.put(std::string_view(backing).substr(0, 5), text("a"), 1, 10s));
    EXPECT_TRUE(cache.get("alpha").has_value());
    EXPECT_FALSE(cache.get("alphabet").has_value());
}

TEST(LruCache, AbsentKeyIsAMissForBothLookups) {
    test::ManualClock clock;
    Cache cache(one_shard(10), clock);
    EXPECT_FALSE(cache.get("absent").has_value());
    EXPECT_FALSE(cache.get_allow_stale("absent").has_value());
}

TEST(LruCache, GetNeverReturnsAStaleEntryButKeepsItForTheStalePath) {
    test::ManualClock clock;
    LruOptions options = one_shard(4);
    options.serve_stale = 60s;
    Cache cache(options, clock);
    ASSERT_TRUE(cache.put("k", text("v"), 1, 10s));
    clock.advance(10s);
    EXPECT_FALSE(cache.get("k"));
    EXPECT_EQ(
        cache.stats().entries, 1U
    );  // still inside the stale window: kept for get_allow_stale
}

TEST(LruCache, EntryExpiresExactlyAtItsTtl) {
    test::ManualClock clock;
    Cache cache(one_shard(10), clock);
    ASSERT_TRUE(cache.put("k", text("v"), 1, 10s));

    clock.advance(10s - 1ns);
    EXPECT_TRUE(cache.get("k").has_value());
    clock.advance(1ns);
    EXPECT_FALSE(cache.get("k").has_value());

    const auto stats = cache.stats();
    EXPECT_EQ(stats.expirations, 1U);  // no stale window: removed on access
    EXPECT_EQ(stats.entries, 0U);
    EXPECT_EQ(stats.bytes, 0U);
}

TEST(LruCache, StaleEntryServedOnlyByGetAllowStaleWithinTheWindow) {
    test::ManualClock clock;
    auto options = one_shard(10);
    options.serve_stale = 30s;
    Cache cache(options, clock);
    ASSERT_TRUE(cache.put("k", text("v"), 1, 10s));

    clock.advance(15s);
    EXPECT_FALSE(cache.get("k").has_value());
    EXPECT_EQ(cache.stats().entries, 1U);  // kept for the stale path
    const auto stale = cache.get_allow_stale("k");
    ASSERT_TRUE(stale.has_value());
    EXPECT_TRUE(stale->stale);
    EXPECT_EQ(*stale->value, "v");

    clock.advance(25s);  // 40 s: past expiry + window
    EXPECT_FALSE(cache.get_allow_stale("k").has_value());

    const auto stats = cache.stats();
    EXPECT_EQ(stats.expirations, 1U);
    EXPECT_EQ(stats.entries, 0U);
}

TEST(LruCache, FreshEntryFromGetAllowStaleIsNotStale) {
    test::ManualClock clock;
    auto options = one_shard(10);
    options.serve_stale = 30s;
    Cache cache(options, clock);
    ASSERT_TRUE(cache.put("k", text("v"), 1, 10s));
    const auto hit = cache.get_allow_stale("k");
    ASSERT_TRUE(hit.has_value());
    EXPECT_FALSE(hit->stale);
}

TEST(LruCache, EvictsLeastRecentlyUsedWhenEntryBoundIsReached) {
    test::ManualClock clock;
    Cache cache(one_shard(3), clock);
    ASSERT_TRUE(cache.put("a", text("a"), 1, 1h));
    ASSERT_TRUE(cache.put("b", text("b"), 1, 1h));
    ASSERT_TRUE(cache.put("c", text("c"), 1, 1h));
    ASSERT_TRUE(cache.get("a").has_value());  // b is now the least recently used

    ASSERT_TRUE(cache.put("d", text("d"), 1, 1h));
    EXPECT_FALSE(cache.get("b").has_value());
    EXPECT_TRUE(cache.get("a").has_value());
    EXPECT_TRUE(cache.get("c").has_value());
    EXPECT_TRUE(cache.get("d").has_value());
    EXPECT_EQ(cache.stats().evictions, 1U);
    EXPECT_EQ(cache.stats().entries, 3U);
}

TEST(LruCache, EvictsWhenByteBoundIsReached) {
    test::ManualClock clock;
    const std::size_t entry = Cache::entry_bytes("k1", 100);
    Cache cache(one_shard(100, 3 * entry), clock);
    ASSERT_TRUE(cache.put("k1", text("1"), 100, 1h));
    ASSERT_TRUE(cache.put("k2", text("2"), 100, 1h));
    ASSERT_TRUE(cache.put("k3", text("3"), 100, 1h));
    EXPECT_EQ(cache.stats().bytes, 3 * entry);
    EXPECT_EQ(cache.stats().evictions, 0U);

    ASSERT_TRUE(cache.put("k4", text("4"), 100, 1h));
    EXPECT_FALSE(cache.get("k1").has_value());
    EXPECT_TRUE(cache.get("k2").has_value());
    EXPECT_EQ(cache.stats().evictions, 1U);
    EXPECT_EQ(cache.stats().bytes, 3 * entry);

    // One byte more than k3 frees is enough to push out a second entry.
    ASSERT_TRUE(cache.put("k5", text("5"), 101, 1h));
    EXPECT_FALSE(cache.get("k3").has_value());
    EXPECT_FALSE(cache.get("k4").has_value());
    EXPECT_TRUE(cache.get("k2").has_value());
    EXPECT_EQ(cache.stats().evictions, 3U);
    EXPECT_EQ(cache.stats().bytes, 2 * entry + 1);
}

TEST(LruCache, RejectsEntryLargerThanAShardsByteBudget) {
    test::ManualClock clock;
    LruOptions options;
    options.shards = 2;
    options.max_bytes = 2000;  // 1000 per shard
    Cache cache(options, clock);
    EXPECT_EQ(cache.max_bytes_per_shard(), 1000U);

    ASSERT_TRUE(cache.put("k", text("small"), 10, 1h));
    EXPECT_FALSE(cache.put("k", text("huge"), 1000, 1h));
    // The older value is gone: the caller meant to replace it.
    EXPECT_FALSE(cache.get("k").has_value());
    const auto stats = cache.stats();
    EXPECT_EQ(stats.rejections, 1U);
    EXPECT_EQ(stats.entries, 0U);
    EXPECT_EQ(stats.bytes, 0U);
}

TEST(LruCache, ReplacingAKeyUpdatesValueTimesAndBytes) {
    test::ManualClock clock;
    Cache cache(one_shard(10), clock);
    ASSERT_TRUE(cache.put("k", text("old"), 10, 5s));
    clock.advance(4s);
    ASSERT_TRUE(cache.put("k", text("new"), 20, 5s));
    clock.advance(4s);  // the old entry would have expired by now

    const auto hit = cache.get("k");
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(*hit->value, "new");
    const auto stats = cache.stats();
    EXPECT_EQ(stats.entries, 1U);
    EXPECT_EQ(stats.bytes, Cache::entry_bytes("k", 20));
    EXPECT_EQ(stats.insertions, 2U);
}

TEST(LruCache, EvictingAnEntryPastItsStaleWindowCountsAsExpiration) {
    test::ManualClock clock;
    Cache cache(one_shard(2), clock);
    ASSERT_TRUE(cache.put("short", text("s"), 1, 1s));
    ASSERT_TRUE(cache.put("long", text("l"), 1, 1h));
    clock.advance(2s);
    ASSERT_TRUE(cache.put("new", text("n"), 1, 1h));
    const auto stats = cache.stats();
    EXPECT_EQ(stats.expirations, 1U);
    EXPECT_EQ(stats.evictions, 0U);
    EXPECT_TRUE(cache.get("long").has_value());
}

TEST(LruCache, RefusesNonPositiveTtlAndDeadEntries) {
    test::ManualClock clock;
    auto options = one_shard(10);
    options.serve_stale = 10s;
    Cache cache(options, clock);
    EXPECT_FALSE(cache.put("k", text("v"), 1, 0s));
    EXPECT_FALSE(cache.put("k", text("v"), 1, -1s));
    EXPECT_FALSE(cache.put_at("k", text("v"), 1, clock.now() - 1h, clock.now() - 10s));
    EXPECT_EQ(cache.stats().entries, 0U);

    // Expired but inside the stale window: kept for get_allow_stale.
    ASSERT_TRUE(cache.put_at("k", text("v"), 1, clock.now() - 1h, clock.now() - 5s));
    EXPECT_FALSE(cache.get("k").has_value());
    const auto stale = cache.get_allow_stale("k");
    ASSERT_TRUE(stale.has_value());
    EXPECT_TRUE(stale->stale);
    EXPECT_EQ(stale->fetched_at, clock.now() - 1h);
}

TEST(LruCache, RoundsShardsUpToAPowerOfTwoAndSplitsBounds) {
    test::ManualClock clock;
    LruOptions options;
    options.shards = 5;
    options.max_entries = 80;
    options.max_bytes = 8000;
    Cache cache(options, clock);
    EXPECT_EQ(cache.options().shards, 8U);
    EXPECT_EQ(cache.max_entries_per_shard(), 10U);
    EXPECT_EQ(cache.max_bytes_per_shard(), 1000U);

    options.shards = 0;
    Cache single(options, clock);
    EXPECT_EQ(single.options().shards, 1U);
    EXPECT_EQ(single.max_entries_per_shard(), 80U);
}

TEST(LruCache, EntryBoundHoldsAcrossShards) {
    test::ManualClock clock;
    LruOptions options;
    options.shards = 4;
    options.max_entries = 8;
    Cache cache(options, clock);
    std::vector<std::size_t> per_shard(4, 0);
    for (int i = 0; i < 200; ++i) {
        const std::string key = "key-" + std::to_string(i);
        ++per_shard[cache.shard_index_for_test(key)];
        ASSERT_TRUE(cache.put(key, text(key), 1, 1h));
    }
    for (const std::size_t count : per_shard) {
        EXPECT_GT(count, 0U);  // the hash spreads keys over every shard
    }
    const auto stats = cache.stats();
    EXPECT_EQ(stats.entries, 8U);  // 2 per shard, each shard got more than 2 keys
    EXPECT_EQ(stats.evictions, 200U - 8U);
}

TEST(LruCache, EraseAndClearRemoveEntries) {
    test::ManualClock clock;
    Cache cache(LruOptions{}, clock);
    ASSERT_TRUE(cache.put("a", text("a"), 1, 1h));
    ASSERT_TRUE(cache.put("b", text("b"), 1, 1h));
    ASSERT_TRUE(cache.put("c", text("c"), 1, 1h));
    EXPECT_TRUE(cache.erase("a"));
    EXPECT_FALSE(cache.erase("a"));
    EXPECT_FALSE(cache.get("a").has_value());
    EXPECT_EQ(cache.stats().entries, 2U);

    cache.clear();
    EXPECT_FALSE(cache.get("b").has_value());
    EXPECT_EQ(cache.stats().entries, 0U);
    EXPECT_EQ(cache.stats().bytes, 0U);
    EXPECT_EQ(cache.stats().evictions, 0U);
}

TEST(LruCache, ReleasesValuesItNoLongerHolds) {
    test::ManualClock clock;
    Cache cache(one_shard(1), clock);
    auto first = text("first");
    const std::weak_ptr<const std::string> watch = first;
    ASSERT_TRUE(cache.put("a", std::move(first), 1, 1h));
    EXPECT_FALSE(watch.expired());
    ASSERT_TRUE(cache.put("b", text("second"), 1, 1h));  // evicts a
    EXPECT_TRUE(watch.expired());
}

TEST(LruCache, ConcurrentReadersAndWritersKeepCountsConsistent) {
    test::ManualClock clock;
    LruOptions options;
    options.max_entries = 64;
    options.shards = 4;
    options.serve_stale = 1s;
    Cache cache(options, clock);
    constexpr int kThreads = 4;
    constexpr int kOps = 20'000;
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 rng(static_cast<std::uint32_t>(t));
            std::uniform_int_distribution<int> key_dist(0, 199);
            std::uniform_int_distribution<int> op_dist(0, 9);
            for (int i = 0; i < kOps; ++i) {
                const std::string key = "k" + std::to_string(key_dist(rng));
                const int op = op_dist(rng);
                if (op < 3) {
                    cache.put(key, text(key), key.size(), 2s);
                } else if (op < 8) {
                    const auto hit = cache.get(key);
                    if (hit) {
                        EXPECT_EQ(*hit->value, key);
                    }
                } else if (op < 9) {
                    (void)cache.get_allow_stale(key);
                } else {
                    cache.erase(key);
                }
                if (t == 0 && i % 1000 == 0) {
                    clock.advance(1s);
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const auto stats = cache.stats();
    EXPECT_LE(stats.entries, 64U);

    // The published sizes match what is really there (dead entries go while we look).
    std::size_t entries = 0;
    std::size_t bytes = 0;
    for (int i = 0; i < 200; ++i) {
        const std::string key = "k" + std::to_string(i);
        if (cache.get_allow_stale(key)) {
            ++entries;
            bytes += Cache::entry_bytes(key, key.size());
        }
    }
    EXPECT_EQ(cache.stats().entries, entries);
    EXPECT_EQ(cache.stats().bytes, bytes);
}

}  // namespace
}  // namespace scout::cache
