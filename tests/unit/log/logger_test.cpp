#include <scout/log/log.hpp>

#include "split_lines.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace scout::log {
namespace {

using test::split_lines;

const std::regex& ts_regex() {
    static const std::regex regex(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
    return regex;
}

class LogTest : public ::testing::Test {
protected:
    void TearDown() override {
        shutdown();
        set_level(Level::kInfo);
    }

    // Captures lines in `out_`; the sink must outlive the backend (shutdown in TearDown).
    void init_captured(Options options) {
        sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        init_for_test(options, sink_);
    }

    std::vector<std::string> lines() {
        flush();
        return split_lines(out_.str());
    }

    std::ostringstream out_;
    std::shared_ptr<spdlog::sinks::sink> sink_;
};

TEST_F(LogTest, EventsFromTwoThreadsAreCompleteJsonLines) {
    Options options;
    constexpr int kPerThread = 500;
    options.queue_size = 2 * kPerThread;  // room for all: a full queue drops lines
    init_captured(options);
    auto produce = [](int thread) {
        const Logger logger("worker-" + std::to_string(thread));
        for (int i = 0; i < kPerThread; ++i) {
            logger.info(
                "event \"quoted\"\n",
                {{"i", i}, {"request_id", "req-" + std::to_string(i)}, {"thread", thread}}
            );
        }
    };
    std::thread first(produce, 0);
    std::thread second(produce, 1);
    first.join();
    second.join();

    const auto all = lines();
    ASSERT_EQ(all.size(), 2U * kPerThread);
    int next[2] = {0, 0};
    for (const auto& line : all) {
        nlohmann::json json;
        ASSERT_NO_THROW(json = nlohmann::json::parse(line)) << line;
        EXPECT_TRUE(std::regex_match(json["ts"].get<std::string>(), ts_regex())) << line;
        EXPECT_EQ(json["level"], "info");
        EXPECT_EQ(json["msg"], "event \"quoted\"\n");
        const int thread = json["thread"].get<int>();
        ASSERT_TRUE(thread == 0 || thread == 1);
        EXPECT_EQ(json["logger"], "worker-" + std::to_string(thread));
        // Each thread's events arrive complete and in order.
        EXPECT_EQ(json["i"].get<int>(), next[thread]);
        EXPECT_EQ(json["request_id"], "req-" + std::to_string(next[thread]));
        ++next[thread];
        // Key order: ts, level, logger, msg, request_id, then fields.
        EXPECT_EQ(line.rfind(R"({"ts":)", 0), 0U);
        EXPECT_LT(line.find(R"("msg":)"), line.find(R"("request_id":)"));
        EXPECT_LT(line.find(R"("request_id":)"), line.find(R"("i":)"));
    }
    EXPECT_EQ(next[0], kPerThread);
    EXPECT_EQ(next[1], kPerThread);
}

TEST_F(LogTest, FiltersByLevelAndFollowsSetLevelAtRunTime) {
    Options options;
    options.level = Level::kWarn;
    init_captured(options);
    const Logger logger("lvl");
    EXPECT_EQ(level(), Level::kWarn);
    EXPECT_FALSE(logger.enabled(Level::kInfo));
    EXPECT_TRUE(logger.enabled(Level::kWarn));
    logger.info("dropped-1");
    logger.warn("kept-1");
    logger.error("kept-2");

    set_level(Level::kDebug);
    EXPECT_EQ(level(), Level::kDebug);
    logger.trace("dropped-2");
    logger.debug("kept-3");

    set_level(Level::kOff);
    EXPECT_FALSE(logger.enabled(Level::kCritical));
    EXPECT_FALSE(logger.enabled(Level::kOff));
    logger.critical("dropped-3");
    logger.log(Level::kOff, "dropped-4");

    std::vector<std::string> messages;
    std::vector<std::string> levels;
    for (const auto& line : lines()) {
        const auto json = nlohmann::json::parse(line);
        messages.push_back(json["msg"]);
        levels.push_back(json["level"]);
    }
    EXPECT_EQ(messages, (std::vector<std::string>{"kept-1", "kept-2", "kept-3"}));
    EXPECT_EQ(levels, (std::vector<std::string>{"warn", "error", "debug"}));
}

TEST_F(LogTest, TextFormatWritesOneLinePerEvent) {
    Options options;
    options.json = false;
    init_captured(options);
    const Logger logger("http");
    logger.info(
        "line1\nline2",
        {{"request_id", "abc"}, {"key", "value"}, {"key2", "quoted string"}, {"n", 3}, {"ok", true}}
    );
    logger.warn("second");
    const auto all = lines();
    ASSERT_EQ(all.size(), 2U);
    const std::regex first(
        R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z INFO  \[http\] line1\\nline2 )"
        R"(key=value key2="quoted string" n=3 ok=true request_id=abc$)"
    );
    EXPECT_TRUE(std::regex_match(all[0], first)) << all[0];
    EXPECT_NE(all[1].find(" WARN  [http] second"), std::string::npos) << all[1];
}

TEST_F(LogTest, ThirdPartySpdlogMessagesComeOutAsValidLines) {
    init_captured(Options{});
    spdlog::info("raw \"{}\"\tend", 42);
    spdlog::debug("below the level");
    const auto all = lines();
    ASSERT_EQ(all.size(), 1U);
    const auto json = nlohmann::json::parse(all[0]);
    EXPECT_EQ(json["msg"], "raw \"42\"\tend");
    EXPECT_EQ(json["level"], "info");
    EXPECT_EQ(json["logger"], "scout");
}

TEST_F(LogTest, InitAgainReplacesTheSinks) {
    init_captured(Options{});
    const Logger logger("re");
    logger.info("one");

    std::ostringstream second_out;
    init_for_test(Options{}, std::make_shared<spdlog::sinks::ostream_sink_mt>(second_out));
    logger.info("two");
    flush();

    const auto first_lines = split_lines(out_.str());
    ASSERT_EQ(first_lines.size(), 1U);
    EXPECT_EQ(nlohmann::json::parse(first_lines[0])["msg"], "one");
    const auto second_lines = split_lines(second_out.str());
    ASSERT_EQ(second_lines.size(), 1U);
    EXPECT_EQ(nlohmann::json::parse(second_lines[0])["msg"], "two");
    shutdown();  // before second_out goes out of scope
}

TEST_F(LogTest, AfterShutdownEventsGoToStderrAsText) {
    init_captured(Options{});
    const Logger logger("late");
    logger.info("before");
    shutdown();
    ::testing::internal::CaptureStderr();
    logger.info("after shutdown", {{"k", 1}});
    flush();
    const std::string captured = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(captured.find(" INFO  [late] after shutdown k=1\n"), std::string::npos) << captured;
    EXPECT_EQ(out_.str().find("after shutdown"), std::string::npos);
    EXPECT_NE(out_.str().find("before"), std::string::npos);
}

// A sink whose writes block while it is stalled, like a stdout pipe nobody reads.
class StallingSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    void stall() {
        const std::lock_guard lock(state_);
        stalled_ = true;
    }
    void resume() {
        const std::lock_guard lock(state_);
        stalled_ = false;
        changed_.notify_all();
    }
    // True once the logging thread is blocked in a write.
    bool wait_blocked(std::chrono::seconds timeout) {
        std::unique_lock lock(state_);
        return changed_.wait_for(lock, timeout, [&] { return blocked_; });
    }
    std::vector<std::string> lines() {
        const std::lock_guard lock(state_);
        return lines_;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        std::unique_lock lock(state_);
        blocked_ = stalled_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return !stalled_; });
        blocked_ = false;
        lines_.emplace_back(line.data(), line.size() - 1);  // without the '\n'
    }
    void flush_() override {}

private:
    std::mutex state_;
    std::condition_variable changed_;
    bool stalled_ = false;
    bool blocked_ = false;
    std::vector<std::string> lines_;
};

TEST_F(LogTest, AStalledSinkNeverBlocksTheCallerAndDroppedLinesAreCountedAndReported) {
    auto sink = std::make_shared<StallingSink>();
    Options options;
    options.queue_size = 8;
    options.drop_report_interval = std::chrono::milliseconds(0);
    init_for_test(options, sink);
    const Logger logger("worker");
    const std::uint64_t dropped_before = dropped_events();

    sink->stall();
    logger.info("first");  // the logging thread takes it and blocks in the sink
    ASSERT_TRUE(sink->wait_blocked(std::chrono::seconds(30)));
    // Far more events than the queue holds: every call returns although nothing is written.
    constexpr int kEvents = 1000;
    auto producer = std::async(std::launch::async, [&] {
        for (int i = 0; i < kEvents; ++i) {
            logger.info("event", {{"i", i}});
        }
    });
    const bool returned = producer.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
    sink->resume();  // also frees a producer that did block
    producer.wait();
    ASSERT_TRUE(returned) << "logging waited for a stalled sink";

    flush();
    logger.info("after");
    flush();
    const std::uint64_t dropped = dropped_events() - dropped_before;
    EXPECT_GE(dropped, static_cast<std::uint64_t>(kEvents) - 2 * options.queue_size);
    EXPECT_LT(dropped, static_cast<std::uint64_t>(kEvents));

    // Once the sink takes lines again, warnings (rate-limited; here: interval 0) say how many
    // were lost.
    std::uint64_t reported = 0;
    bool after_written = false;
    for (const auto& line : sink->lines()) {
        const auto event = nlohmann::json::parse(line);
        if (event["logger"] == "log") {
            EXPECT_EQ(event["level"], "warn");
            reported += event["dropped"].get<std::uint64_t>();
        }
        after_written = after_written || event["msg"] == "after";
    }
    EXPECT_EQ(reported, dropped);
    EXPECT_TRUE(after_written);
    shutdown();  // before the sink goes
}

class TempDir {
public:
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = std::filesystem::temp_directory_path() /
                ("scout_log_test_" + std::to_string(::getpid()) + "_" + info->name());
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

std::vector<std::string> read_lines(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return split_lines(text.str());
}

TEST_F(LogTest, FileSinkRotatesAndKeepsAtMostMaxFiles) {
    const TempDir dir;
    Options options;
    options.console = false;
    options.file = (dir.path() / "scout.log").string();
    options.max_file_bytes = 1024;
    options.max_files = 2;
    init(options);
    const Logger logger("rot");
    for (int i = 0; i < 200; ++i) {
        logger.info("rotation test event with some padding", {{"i", i}});
    }
    flush();

    const auto current = dir.path() / "scout.log";
    const auto first = dir.path() / "scout.1.log";
    const auto second = dir.path() / "scout.2.log";
    ASSERT_TRUE(std::filesystem::exists(current));
    ASSERT_TRUE(std::filesystem::exists(first));
    ASSERT_TRUE(std::filesystem::exists(second));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "scout.3.log"));
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        ++files;
    }
    EXPECT_EQ(files, 3U);

    int last = -1;
    for (const auto& path : {second, first, current}) {
        EXPECT_LE(std::filesystem::file_size(path), options.max_file_bytes) << path;
        const auto file_lines = read_lines(path);
        EXPECT_FALSE(file_lines.empty()) << path;
        for (const auto& line : file_lines) {
            const int i = nlohmann::json::parse(line)["i"].get<int>();
            if (last >= 0) {
                EXPECT_EQ(i, last + 1);  // oldest file first, no gaps across files
            }
            last = i;
        }
    }
    EXPECT_EQ(last, 199);  // the newest event is in the current file, after flush()
}

TEST_F(LogTest, InitRejectsZeroMaxFileBytes) {
    Options options;
    options.console = false;
    options.file = "unused.log";
    options.max_file_bytes = 0;
    EXPECT_THROW(init(options), std::invalid_argument);
}

}  // namespace
}  // namespace scout::log
