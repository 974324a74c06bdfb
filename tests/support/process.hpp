// Process fixtures for integration tests: start a real binary with arguments and extra
// environment, capture its stdout/stderr to files, signal it, wait with a bound, and kill it
// by PID on destruction. Plus a free loopback port probe and temp directories.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace scout::test {

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// A fresh directory under $TMPDIR (or /tmp), removed by the destructor.
class TempDir {
public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;
    ~TempDir();
    [[nodiscard]] const std::string& path() const { return path_; }
    // Writes `text` to path()/name and returns the full path.
    std::string write(const std::string& name, const std::string& text) const;

private:
    std::string path_;
};

std::string read_file(const std::string& path);

class Process {
public:
    struct Options {
        std::string program;
        std::vector<std::string> args;
        std::map<std::string, std::string> env;  // added to (and overriding) the environment
        std::vector<std::string> unset_env;      // removed from the environment
        std::string stdout_path;                 // empty: /dev/null
        std::string stderr_path;                 // empty: /dev/null
    };

    explicit Process(Options options);
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    Process(Process&&) = delete;
    Process& operator=(Process&&) = delete;
    ~Process();  // SIGKILL + reap if still running

    [[nodiscard]] pid_t pid() const { return pid_; }
    void signal(int sig) const;
    // Exit status (or 128+signal) once it exits within `timeout`; nullopt if still running.
    std::optional<int> wait_for(std::chrono::milliseconds timeout);
    [[nodiscard]] bool running();
    void kill();
    [[nodiscard]] std::string stdout_text() const;
    [[nodiscard]] std::string stderr_text() const;

private:
    Options options_;
    pid_t pid_ = -1;
    std::optional<int> status_;
};

// Polls `predicate` every 10 ms until true or `timeout` passes.
template <typename Predicate>
bool eventually(std::chrono::milliseconds timeout, Predicate predicate) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (predicate()) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        struct timespec pause {
            0, 10'000'000
        };
        nanosleep(&pause, nullptr);
    }
}

}  // namespace scout::test
