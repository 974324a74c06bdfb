#include <scout/log/batch.hpp>
#include <scout/log/log.hpp>

#include "split_lines.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/ostream_sink.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace scout::log {
namespace {

using test::split_lines;

// Counts the writes a sink receives: a batch is one write however many lines it holds.
class CountingSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    std::string text() {
        const std::lock_guard lock(mutex_);
        return text_;
    }
    std::size_t writes() {
        const std::lock_guard lock(mutex_);
        return writes_;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        text_.append(formatted.data(), formatted.size());
        ++writes_;
    }
    void flush_() override {}

private:
    std::string text_;
    std::size_t writes_ = 0;
};

// A sink whose writes block until released, like a stdout pipe nobody reads.
class StuckSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    void release() {
        const std::lock_guard lock(state_);
        stuck_ = false;
        changed_.notify_all();
    }

protected:
    void sink_it_(const spdlog::details::log_msg& /*msg*/) override {
        std::unique_lock lock(state_);
        changed_.wait(lock, [&] { return !stuck_; });
    }
    void flush_() override {}

private:
    std::mutex state_;
    std::condition_variable changed_;
    bool stuck_ = true;
};

class LineBatchTest : public ::testing::Test {
protected:
    void TearDown() override { shutdown(); }
};

TEST_F(LineBatchTest, LinesAreWrittenInTheLogFormatOnlyWhenTheBatchIsHandedOver) {
    auto sink = std::make_shared<CountingSink>();
    init_for_test(Options{}, sink);
    LineBatch batch("access", 64U << 10U);
    batch.add(Level::kInfo, "request", {{"request_id", "r1"}, {"status", 200}});
    batch.add(Level::kInfo, "request", {{"request_id", "r2"}, {"status", 404}});
    EXPECT_EQ(batch.pending_lines(), 2U);
    flush();
    EXPECT_EQ(sink->text(), "") << "lines left the batch before it was handed over";

    batch.flush();
    flush();
    const auto lines = split_lines(sink->text());
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(sink->writes(), 1U) << "a batch is one write";
    const auto first = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(first["logger"], "access");
    EXPECT_EQ(first["level"], "info");
    EXPECT_EQ(first["msg"], "request");
    EXPECT_EQ(first["request_id"], "r1");
    EXPECT_EQ(nlohmann::json::parse(lines[1])["status"], 404);
    EXPECT_EQ(batch.pending_lines(), 0U);
}

TEST_F(LineBatchTest, AFullBatchIsHandedOverByItselfAndTextFormatMatchesTheLogger) {
    auto sink = std::make_shared<CountingSink>();
    Options options;
    options.json = false;
    init_for_test(options, sink);
    LineBatch batch("access", 1024);
    for (int i = 0; i < 100; ++i) {
        batch.add(Level::kInfo, "request", {{"i", i}});
    }
    EXPECT_LT(batch.pending_lines(), 100U);
    flush();
    const auto written = split_lines(sink->text());
    EXPECT_EQ(written.size() + batch.pending_lines(), 100U);
    EXPECT_GE(sink->writes(), 2U);
    ASSERT_FALSE(written.empty());
    EXPECT_NE(written[0].find(" INFO  [access] request i=0"), std::string::npos) << written[0];
}

TEST_F(LineBatchTest, TheDestructorHandsOverWhatIsLeftAndShutdownWritesIt) {
    std::ostringstream out;
    init_for_test(Options{}, std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    {
        LineBatch batch("access", 64U << 10U);
        batch.add(Level::kInfo, "last words", {});
    }
    shutdown();
    EXPECT_NE(out.str().find("last words"), std::string::npos);
}

TEST_F(LineBatchTest, AStuckSinkNeverBlocksTheCallerAndDroppedLinesAreCounted) {
    auto sink = std::make_shared<StuckSink>();
    init_for_test(Options{}, sink);
    const std::uint64_t dropped_before = dropped_events();
    LineBatch batch("access", 4096);
    // Far more than LineBatch::kMaxQueuedBytes while the writer is stuck: every call returns.
    const std::string padding(2000, 'x');
    std::size_t added = 0;
    while (added * padding.size() < 3 * LineBatch::kMaxQueuedBytes) {
        batch.add(Level::kInfo, "request", {{"pad", padding}});
        ++added;
    }
    const std::uint64_t dropped = dropped_events() - dropped_before;
    EXPECT_GT(dropped, added / 2) << "lines beyond the queue bound were not counted as dropped";
    EXPECT_LE(dropped, added);
    sink->release();
}

}  // namespace
}  // namespace scout::log
