// Process-level tests of the access log (log.access.*): real scout + scout-sim, the log file
// read back. Lines are batched per worker; these tests check that what users rely on holds:
// every request's line arrives (on SIGTERM, across SIGHUP and rotation), with the fields an
// operator looks for first, and no secret in it.
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace scout::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

ScoutProcess::Options with_sim(
    const SimProcess& sim, std::vector<std::pair<std::string, std::string>> extra = {}
) {
    ScoutProcess::Options options;
    options.settings = sim.scout_settings({{"search.cursor_secret", "test-cursor-secret"}});
    options.settings.insert(options.settings.end(), extra.begin(), extra.end());
    return options;
}

// The access lines of every file matching the log path (rotated ones included).
std::vector<json> access_lines(const ScoutProcess& scout) {
    std::vector<json> lines;
    const std::filesystem::path log = scout.log_path();
    for (const auto& entry : std::filesystem::directory_iterator(log.parent_path())) {
        if (!entry.path().filename().string().starts_with(log.stem().string())) {
            continue;
        }
        std::ifstream in(entry.path());
        for (std::string line; std::getline(in, line);) {
            json event = json::parse(line);  // every line is whole JSON
            if (event.value("logger", "") == "access") {
                lines.push_back(std::move(event));
            }
        }
    }
    return lines;
}

void stop(ScoutProcess& scout) {
    scout.process().signal(SIGTERM);
    ASSERT_EQ(scout.process().wait_for(seconds(20)), 0);
}

TEST(AccessLog, ALineCarriesTheQueryWithSecretsRedactedTheCacheResultAndTheErrorCode) {
    SimProcess sim;
    ScoutProcess scout(with_sim(sim));
    const std::string search = "/search?q=earbuds&page_size=5";
    ASSERT_EQ(http_get(scout.port(), search)->status, 200);  // miss
    ASSERT_EQ(http_get(scout.port(), search)->status, 200);  // L1 hit
    // Scout refuses unknown parameters, but their values still reach the log line.
    ASSERT_EQ(http_get(scout.port(), "/search?q=x&api_key=hunter2")->status, 400);
    stop(scout);

    const auto lines = access_lines(scout);
    std::vector<std::string> caches;
    bool saw_error = false;
    for (const json& line : lines) {
        EXPECT_EQ(line.dump().find("hunter2"), std::string::npos) << line.dump();
        if (line["path"] == "/search" && line["status"] == 200) {
            EXPECT_EQ(line["query"], "q=earbuds&page_size=5");
            caches.push_back(line["cache"]);
        }
        if (line["status"] == 400) {
            saw_error = true;
            EXPECT_EQ(line["error"], "invalid_parameter");
            EXPECT_EQ(line["query"], "q=x&api_key=REDACTED");
        }
    }
    std::sort(caches.begin(), caches.end());  // two workers: their batches come in any order
    EXPECT_EQ(caches, (std::vector<std::string>{"HIT_L1", "MISS"}));
    EXPECT_TRUE(saw_error);
}

TEST(AccessLog, EveryRequestsLineIsWrittenBySigtermAcrossSighupAndRotation) {
    SimProcess sim;
    // A small file rotated often, and a flush interval longer than the test: only the batch
    // size and the drain on SIGTERM write the lines.
    ScoutProcess scout(with_sim(
        sim,
        {{"log.max_file_bytes", "65536"},
         {"log.max_files", "50"},
         {"log.access.buffer_bytes", "4096"},
         {"log.access.flush_ms", "60000"},
         {"server.threads", "2"}}
    ));
    constexpr int kRequests = 1200;
    for (int i = 0; i < kRequests; ++i) {
        if (i == kRequests / 2) {
            scout.process().signal(SIGHUP);
        }
        const auto response =
            http_get(scout.port(), "/health", {{"X-Request-ID", "n-" + std::to_string(i)}});
        ASSERT_TRUE(response);
    }
    stop(scout);
    std::set<std::string> ids;
    for (const json& line : access_lines(scout)) {
        const std::string id = line.value("request_id", "");
        if (id.starts_with("n-")) {
            ids.insert(id);
        }
    }
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(kRequests));
    std::size_t files = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(scout.log_path()).parent_path()
         )) {
        files += entry.path().filename().string().starts_with("scout") ? 1 : 0;
    }
    EXPECT_GT(files, 2U) << "the log was not rotated";
}

TEST(AccessLog, AQuietWorkersLinesAreWrittenWithinTheFlushInterval) {
    ScoutProcess scout({.settings = {{"log.access.flush_ms", "200"}}});
    ASSERT_TRUE(http_get(scout.port(), "/health", {{"X-Request-ID", "quiet-one"}}));
    bool written = false;
    const auto deadline = std::chrono::steady_clock::now() + seconds(10);
    while (!written && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        written = scout.log_text().find("quiet-one") != std::string::npos;
    }
    EXPECT_TRUE(written) << "the line stayed in its batch";
}

TEST(AccessLog, SamplingKeepsThatShareOfSuccessesAndEveryError) {
    ScoutProcess scout({.settings = {{"log.access.sample_2xx", "0.25"}, {"server.threads", "1"}}});
    for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE(http_get(scout.port(), "/health", {{"X-Request-ID", "s-" + std::to_string(i)}})
        );
        ASSERT_TRUE(http_get(scout.port(), "/no-such-route", {{"X-Request-ID", "s-404"}}));
    }
    stop(scout);
    int ok = 0;
    int not_found = 0;
    for (const json& line : access_lines(scout)) {
        if (!line.value("request_id", "").starts_with("s-")) {
            continue;  // readiness probes
        }
        ok += line["status"] == 200 ? 1 : 0;
        not_found += line["status"] == 404 ? 1 : 0;
    }
    EXPECT_EQ(not_found, 200);
    // One in four; the readiness probes before the loop shift where the count starts.
    EXPECT_GE(ok, 49);
    EXPECT_LE(ok, 51);
}

TEST(AccessLog, CanBeSwitchedOffWhileTheOtherLogsStay) {
    ScoutProcess scout({.settings = {{"log.access.enabled", "false"}}});
    ASSERT_TRUE(http_get(scout.port(), "/health"));
    stop(scout);
    EXPECT_TRUE(access_lines(scout).empty());
    EXPECT_NE(scout.log_text().find("scout listening"), std::string::npos);
}

}  // namespace
}  // namespace scout::test
