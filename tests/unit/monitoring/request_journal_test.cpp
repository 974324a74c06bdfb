#include <scout/monitoring/request_journal.hpp>

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace scout::monitoring {
namespace {

RequestRecord record(std::int64_t unix_ms, std::string_view id) {
    RequestRecord r;
    r.unix_ms = unix_ms;
    r.request_id.assign(id);
    return r;
}

TEST(RequestJournal, RecentIsNewestFirstAndBounded) {
    RequestJournal journal(std::chrono::milliseconds(100));
    for (int i = 0; i < 200; ++i) {
        journal.record(record(i, "r" + std::to_string(i)), false);
    }
    const auto last = journal.recent(3);
    ASSERT_EQ(last.size(), 3U);
    EXPECT_EQ(last[0].request_id.view(), "r199");
    EXPECT_EQ(last[2].request_id.view(), "r197");
    // One thread writes one shard: its ring keeps the newest kRecentPerShard.
    EXPECT_EQ(journal.recent(1000).size(), RequestJournal::kRecentPerShard);
    EXPECT_TRUE(journal.slow(10).empty());
}

TEST(RequestJournal, SlowRequestsAreKeptApart) {
    RequestJournal journal(std::chrono::milliseconds(100));
    EXPECT_FALSE(journal.is_slow(std::chrono::milliseconds(99)));
    EXPECT_TRUE(journal.is_slow(std::chrono::milliseconds(100)));
    journal.set_slow_threshold(std::chrono::milliseconds(5));
    EXPECT_TRUE(journal.is_slow(std::chrono::milliseconds(5)));
    journal.record(record(1, "fast"), false);
    journal.record(record(2, "slow"), true);
    const auto slow = journal.slow(10);
    ASSERT_EQ(slow.size(), 1U);
    EXPECT_EQ(slow[0].request_id.view(), "slow");
    EXPECT_EQ(journal.recent(10).size(), 2U);
}

TEST(RequestJournal, LongFieldsAreTruncatedNotOverflowed) {
    RequestRecord r;
    r.target.assign(std::string(10'000, 'x'));
    EXPECT_EQ(r.target.view().size(), 159U);
    r.method.assign("GET");
    EXPECT_EQ(r.method.view(), "GET");
}

TEST(RequestJournal, ThreadsRecordConcurrentlyWithoutLosingTheirNewest) {
    RequestJournal journal(std::chrono::milliseconds(100));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&journal, t] {
            for (int i = 0; i < 1000; ++i) {
                journal.record(record(i, "t" + std::to_string(t)), i % 10 == 0);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const auto recent = journal.recent(4);
    ASSERT_EQ(recent.size(), 4U);
    for (const auto& r : recent) {
        EXPECT_EQ(r.unix_ms, 999);
    }
    EXPECT_FALSE(journal.slow(1000).empty());
}

}  // namespace
}  // namespace scout::monitoring
