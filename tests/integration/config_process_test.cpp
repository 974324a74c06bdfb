// Process-level tests of configuration safety, reload and the process's resilience to its
// output: real scout (and scout-sim for cursors) on loopback.
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <thread>

namespace scout::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kReloadFailed =
    "configuration reload failed; keeping the current configuration";

bool health_ok(int port) {
    const auto response = http_get(port, "/health");
    return response && response->status == 200;
}

// ---- A3: numbers beyond a double --------------------------------------------------------------

TEST(ScoutConfigSafety, NumberBeyondADoubleExits78WithTheErrorNotAnAbort) {
    for (const char* number : {"1e400", "-1e999"}) {
        const std::string file =
            std::string(R"({"upstream":{"retry":{"multiplier":)") + number + "}}}";
        for (const auto& args :
             {std::vector<std::string>{"--check-config"}, std::vector<std::string>{}}) {
            const RunResult result = run_scout(args, {}, file);
            EXPECT_EQ(result.status, 78) << number << "\n" << result.err;
            EXPECT_NE(result.err.find("invalid JSON"), std::string::npos) << result.err;
            EXPECT_NE(result.err.find("default.json"), std::string::npos) << result.err;
        }
    }
}

TEST(ScoutConfigSafety, SighupWithANumberBeyondADoubleKeepsServingTheRunningConfig) {
    ScoutProcess scout({});
    HttpConnection idle(scout.port());  // an open keep-alive connection, as in production
    ASSERT_TRUE(idle.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(idle.read_response());

    scout.dir().write("config/development.json", R"({"upstream":{"retry":{"multiplier":1e400}}})");
    scout.process().signal(SIGHUP);
    ASSERT_TRUE(eventually(seconds(10), [&] {
        return scout.log_text().find(kReloadFailed) != std::string::npos ||
               !scout.process().running();
    }));
    ASSERT_TRUE(scout.process().running()) << scout.process().stderr_text();
    EXPECT_NE(scout.log_text().find(kReloadFailed), std::string::npos) << scout.log_text();
    EXPECT_TRUE(health_ok(scout.port()));
    ASSERT_TRUE(idle.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto again = idle.read_response();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);

    // A fixed file is taken by the next SIGHUP.
    scout.dir().write("config/development.json", R"({"log":{"level":"debug"}})");
    scout.process().signal(SIGHUP);
    EXPECT_TRUE(eventually(seconds(10), [&] {
        return scout.log_text().find("configuration reloaded") != std::string::npos;
    }));
}

// ---- A7: Redis passwords with URL delimiters ---------------------------------------------------

TEST(ScoutConfigSafety, RedisPasswordWithUrlDelimitersIsNeverPrinted) {
    // '/' makes the URL invalid: the error line shows it, redacted.
    const RunResult checked = run_scout(
        {"--check-config"}, {{"SCOUT_REDIS_URL", "redis://default:pa55/w0rd@127.0.0.1:6379/0"}}
    );
    EXPECT_EQ(checked.status, 78) << checked.err;
    EXPECT_NE(checked.err.find("redis.url"), std::string::npos) << checked.err;
    EXPECT_NE(checked.err.find("<redacted>"), std::string::npos) << checked.err;
    EXPECT_EQ((checked.out + checked.err).find("pa55"), std::string::npos) << checked.err;
    EXPECT_EQ((checked.out + checked.err).find("w0rd"), std::string::npos) << checked.err;

    // '@', '?' and '#' in a valid URL: --print-config redacts the whole password.
    const RunResult printed = run_scout(
        {"--print-config"}, {{"SCOUT_REDIS_URL", "redis://default:p@ss?w#rd@127.0.0.1:6379/0"}}
    );
    EXPECT_EQ(printed.status, 0) << printed.err;
    EXPECT_EQ(
        json::parse(printed.out)["redis"]["url"], "redis://default:<redacted>@127.0.0.1:6379/0"
    );
    EXPECT_EQ((printed.out + printed.err).find("ss?w"), std::string::npos);
}

// ---- production rules --------------------------------------------------------------------------

std::map<std::string, std::string> production_credentials() {
    return {
        {"SCOUT_UPSTREAM_APP_KEY", "500000"},
        {"SCOUT_UPSTREAM_APP_SECRET", "from-a-secret-store"},
        {"SCOUT_ADMIN_TOKEN", "admin-token"},
        {"SCOUT_SEARCH_CURSOR_SECRET", R"(["cursor-new", "cursor-old"])"},
        {"SCOUT_CACHE_L2_SECRET", "shared-by-the-instances"}};
}

TEST(ScoutConfigSafety, ProductionRequiresCursorSecretHttpsAndAGraceCoveringRequests) {
    auto env = production_credentials();
    EXPECT_EQ(run_scout({"--env", "production", "--check-config"}, env).status, 0);

    // With Redis (the default redis.url), the L2 secret is required; memory-only, it is not.
    auto without_l2 = env;
    without_l2.erase("SCOUT_CACHE_L2_SECRET");
    const RunResult no_l2 = run_scout({"--env", "production", "--check-config"}, without_l2);
    EXPECT_EQ(no_l2.status, 78);
    EXPECT_NE(no_l2.err.find("cache.l2_secret"), std::string::npos) << no_l2.err;
    without_l2["SCOUT_REDIS_URL"] = "";
    EXPECT_EQ(run_scout({"--env", "production", "--check-config"}, without_l2).status, 0);

    env.erase("SCOUT_SEARCH_CURSOR_SECRET");
    RunResult result = run_scout({"--env", "production", "--check-config"}, env);
    EXPECT_EQ(result.status, 78);
    EXPECT_NE(result.err.find("search.cursor_secret"), std::string::npos) << result.err;

    result = run_scout(
        {"--env",
         "production",
         "--check-config",
         "--set",
         "upstream.gateway_url=http://api-sg.aliexpress.com/sync",
         "--set",
         "server.shutdown_grace_ms=2000"},
        production_credentials()
    );
    EXPECT_EQ(result.status, 78);
    EXPECT_NE(result.err.find("upstream.gateway_url"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("server.shutdown_grace_ms"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("upstream.request_timeout_ms"), std::string::npos) << result.err;

    // Elsewhere a short grace period is only a warning.
    result = run_scout({"--check-config", "--set", "server.shutdown_grace_ms=2000"});
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("config warning: server.shutdown_grace_ms"), std::string::npos)
        << result.err;
}

// ---- A8: a closed stdout pipe ----------------------------------------------------------------

// A FIFO that scout writes its stdout to; the test holds the read end without reading.
class StdoutPipe {
public:
    StdoutPipe() : path_(dir_.path() + "/stdout.fifo") {
        if (::mkfifo(path_.c_str(), 0600) != 0) {
            throw std::runtime_error("mkfifo failed");
        }
        reader_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK);  // before scout opens it
    }
    StdoutPipe(const StdoutPipe&) = delete;
    StdoutPipe& operator=(const StdoutPipe&) = delete;
    StdoutPipe(StdoutPipe&&) = delete;
    StdoutPipe& operator=(StdoutPipe&&) = delete;
    ~StdoutPipe() { close_reader(); }

    [[nodiscard]] const std::string& path() const { return path_; }
    void close_reader() {
        if (reader_ >= 0) {
            ::close(reader_);
            reader_ = -1;
        }
    }

private:
    TempDir dir_;
    std::string path_;
    int reader_ = -1;
};

TEST(ScoutOutput, AClosedStdoutPipeDoesNotKillAMemoryOnlyScout) {
    StdoutPipe pipe;
    // Memory-only (ScoutProcess's default): SIGPIPE used to be ignored only with Redis.
    ScoutProcess scout({.stdout_path = pipe.path()});
    pipe.close_reader();            // the log shipper went away
    for (int i = 0; i < 50; ++i) {  // access log lines now hit the closed pipe
        (void)http_get(scout.port(), "/health");
    }
    ASSERT_TRUE(scout.process().running())
        << "exit " << scout.process().wait_for(seconds(1)).value_or(-1);
    EXPECT_TRUE(health_ok(scout.port()));
    scout.process().signal(SIGTERM);
    EXPECT_EQ(scout.process().wait_for(seconds(20)), 0);
}

// ---- B8: a stdout pipe nobody reads -----------------------------------------------------------

TEST(ScoutOutput, AStdoutPipeNobodyReadsNeverStallsRequests) {
    StdoutPipe pipe;  // held open and never read: full after 64 KiB
    ScoutProcess scout(
        {.settings = {{"server.threads", "1"}, {"server.max_requests_per_connection", "0"}},
         .stdout_path = pipe.path()}
    );
    // More access-log lines than the pipe and the log queue (8192 lines) hold together;
    // pipelined in batches on one keep-alive connection to keep the test short.
    constexpr int kRequests = 12'000;
    constexpr int kBatch = 50;
    std::string batch;
    for (int i = 0; i < kBatch; ++i) {
        batch += "GET /health HTTP/1.1\r\nHost: scout\r\n\r\n";
    }
    HttpConnection connection(scout.port(), seconds(10));
    int answered = 0;
    while (answered < kRequests) {
        ASSERT_TRUE(connection.send(batch)) << "after " << answered << " answers";
        for (int i = 0; i < kBatch; ++i) {
            const auto response = connection.read_response();
            ASSERT_TRUE(response) << "no answer after " << answered << " answers";
            ASSERT_EQ(response->status, 200);
            ++answered;
        }
    }
    EXPECT_TRUE(scout.process().running());
}

// ---- B7, A10: cursors across instances, rotation and expiry -----------------------------------

ScoutProcess::Options cursor_scout(const SimProcess& sim, const std::string& secrets) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings();
    options.settings.emplace_back("search.cursor_secret", secrets);
    return options;
}

constexpr const char* kFirstPage = "/search?q=usb+cable&page_size=5";

std::string next_cursor(const ScoutProcess& scout) {
    const auto response = http_get(scout.port(), kFirstPage);
    EXPECT_TRUE(response && response->status == 200);
    if (!response || response->status != 200) {
        return {};
    }
    return json::parse(response->body)["page"]["next_cursor"].get<std::string>();
}

int follow(const ScoutProcess& scout, const std::string& cursor, std::string* body = nullptr) {
    const auto response = http_get(scout.port(), std::string(kFirstPage) + "&cursor=" + cursor);
    if (!response) {
        return -1;
    }
    if (body != nullptr) {
        *body = response->body;
    }
    return response->status;
}

TEST(ScoutCursors, InstancesSharingTheSecretsAcceptEachOthersCursorsAcrossARotation) {
    SimProcess sim;
    ScoutProcess a(cursor_scout(sim, R"(["old-key"])"));
    ScoutProcess b(cursor_scout(sim, R"(["old-key"])"));
    const std::string from_a = next_cursor(a);
    ASSERT_FALSE(from_a.empty());
    EXPECT_EQ(follow(b, from_a), 200);

    // Rotation: the new key signs, the old one still verifies.
    ScoutProcess rotated(cursor_scout(sim, R"(["new-key", "old-key"])"));
    EXPECT_EQ(follow(rotated, from_a), 200);
    const std::string from_rotated = next_cursor(rotated);
    EXPECT_EQ(follow(b, from_rotated), 400) << "signed with the new key only";

    // Once the old key is dropped, its cursors are refused with a JSON 400.
    ScoutProcess new_only(cursor_scout(sim, "new-key"));  // the single-string form
    EXPECT_EQ(follow(new_only, from_rotated), 200);
    std::string body;
    EXPECT_EQ(follow(new_only, from_a, &body), 400);
    EXPECT_EQ(json::parse(body)["error"]["code"], "invalid_parameter") << body;
}

TEST(ScoutCursors, AnExpiredCursorIsAClear400) {
    SimProcess sim;
    auto options = cursor_scout(sim, "key");
    options.settings.emplace_back("search.cursor_max_age_s", "1");
    ScoutProcess scout(options);
    const std::string cursor = next_cursor(scout);
    ASSERT_FALSE(cursor.empty());
    // Ages are whole seconds: more than 2 s later the cursor is at least 2 s old.
    std::this_thread::sleep_for(milliseconds(3'100));
    std::string body;
    EXPECT_EQ(follow(scout, cursor, &body), 400);
    const json error = json::parse(body)["error"];
    EXPECT_NE(error["message"].get<std::string>().find("expired"), std::string::npos) << body;
}

}  // namespace
}  // namespace scout::test
