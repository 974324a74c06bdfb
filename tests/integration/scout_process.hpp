// Starts the real `scout` binary for a test on a free loopback port, with a config directory
// of the test's own (empty layers unless given) and JSON logs in a file; waits until
// /health answers. Stops it by PID in the destructor.
#pragma once

#include "support/http_client.hpp"
#include "support/process.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace scout::test {

class ScoutProcess {
public:
    struct Options {
        std::vector<std::pair<std::string, std::string>> settings;  // --set path=value
        std::map<std::string, std::string> env;
        std::string default_json = "{}";
        std::string development_json = "{}";
        bool wait_ready = true;
        std::string stdout_path;  // empty: <dir>/stdout.txt (e.g. a FIFO to test pipes)
        int max_open_files = 0;   // > 0: start under `ulimit -n` (soft and hard limit)
    };

    explicit ScoutProcess(Options options);

    [[nodiscard]] int port() const { return port_; }
    Process& process() { return *process_; }
    [[nodiscard]] const TempDir& dir() const { return dir_; }
    [[nodiscard]] std::string log_path() const { return dir_.path() + "/scout.log"; }
    [[nodiscard]] std::string log_text() const { return read_file(log_path()); }
    // Lines of the JSON log file that parse (every line must).
    [[nodiscard]] std::vector<std::string> log_lines() const;
    bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(20));

private:
    TempDir dir_;
    int port_;
    std::unique_ptr<Process> process_;
};

// Redis connects in the background, one connection per worker: true once several requests in
// a row (spread over the workers) report L2 "ok" (X-Cache-L2), false after `limit`.
bool wait_l2_ready(
    const ScoutProcess& scout, std::chrono::milliseconds limit = std::chrono::seconds(20)
);

// The value of the first /metrics line starting with `line_prefix` followed by a space (a name,
// or a name with its labels), read with the admin token; -1 when absent or not served.
double scrape_metric(
    const ScoutProcess& scout, const std::string& admin_token, const std::string& line_prefix
);

// Runs `scout` with the given arguments to completion (bounded) and returns its exit status.
struct RunResult {
    int status = -1;
    std::string out;
    std::string err;
};
RunResult run_scout(
    const std::vector<std::string>& args,
    const std::map<std::string, std::string>& env = {},
    const std::string& default_json = "{}"
);

}  // namespace scout::test
