#include "redis_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <utility>

namespace scout::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string encode(const std::vector<std::string>& args) {
    std::string out = "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& arg : args) {
        out += "$" + std::to_string(arg.size()) + "\r\n";
        out += arg;
        out += "\r\n";
    }
    return out;
}

// A blocking loopback connection whose every read and write ends by one deadline.
class RespConnection {
public:
    RespConnection(int port, Clock::time_point deadline) : deadline_(deadline) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) {
            return;
        }
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    RespConnection(const RespConnection&) = delete;
    RespConnection& operator=(const RespConnection&) = delete;
    RespConnection(RespConnection&&) = delete;
    RespConnection& operator=(RespConnection&&) = delete;
    ~RespConnection() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }

    [[nodiscard]] bool ok() const { return fd_ >= 0; }

    bool send(const std::string& bytes) {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            if (!wait(POLLOUT)) {
                return false;
            }
            const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) {
                return false;
            }
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }

    std::optional<RespReply> read_reply() {
        const auto line = read_line();
        if (!line || line->empty()) {
            return std::nullopt;
        }
        RespReply reply;
        const char kind = line->front();
        const std::string rest = line->substr(1);
        switch (kind) {
            case '+':
                reply.kind = RespReply::Kind::kStatus;
                reply.text = rest;
                return reply;
            case '-':
                reply.kind = RespReply::Kind::kError;
                reply.text = rest;
                return reply;
            case ':':
                reply.kind = RespReply::Kind::kInteger;
                reply.integer = std::stoll(rest);
                return reply;
            case '$': {
                const long long size = std::stoll(rest);
                if (size < 0) {
                    reply.kind = RespReply::Kind::kNil;
                    return reply;
                }
                auto body = read_exact(static_cast<std::size_t>(size) + 2);
                if (!body) {
                    return std::nullopt;
                }
                body->resize(static_cast<std::size_t>(size));
                reply.kind = RespReply::Kind::kBulk;
                reply.text = std::move(*body);
                return reply;
            }
            case '*': {
                const long long count = std::stoll(rest);
                if (count < 0) {
                    reply.kind = RespReply::Kind::kNil;
                    return reply;
                }
                reply.kind = RespReply::Kind::kArray;
                for (long long i = 0; i < count; ++i) {
                    auto element = read_reply();
                    if (!element) {
                        return std::nullopt;
                    }
                    reply.elements.push_back(std::move(*element));
                }
                return reply;
            }
            default:
                return std::nullopt;
        }
    }

private:
    bool wait(short events) const {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd p{fd_, events, 0};
        return ::poll(&p, 1, static_cast<int>(left.count())) == 1;
    }

    bool fill() {
        if (!wait(POLLIN)) {
            return false;
        }
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
        if (n <= 0) {
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    std::optional<std::string> read_line() {
        for (;;) {
            const auto end = buffer_.find("\r\n");
            if (end != std::string::npos) {
                std::string line = buffer_.substr(0, end);
                buffer_.erase(0, end + 2);
                return line;
            }
            if (!fill()) {
                return std::nullopt;
            }
        }
    }

    std::optional<std::string> read_exact(std::size_t size) {
        while (buffer_.size() < size) {
            if (!fill()) {
                return std::nullopt;
            }
        }
        std::string out = buffer_.substr(0, size);
        buffer_.erase(0, size);
        return out;
    }

    int fd_ = -1;
    Clock::time_point deadline_;
    std::string buffer_;
};

int major_version(const std::string& binary, const std::string& scratch_dir) {
    const std::string out_path = scratch_dir + "/version.txt";
    Process version({.program = binary, .args = {"--version"}, .stdout_path = out_path});
    version.wait_for(std::chrono::seconds(10));
    std::smatch match;
    const std::string text = read_file(out_path);
    if (std::regex_search(text, match, std::regex(R"(v=(\d+)\.)"))) {
        return std::stoi(match[1].str());
    }
    return 0;
}

}  // namespace

namespace {

// $`variable`, else the first `name` on $PATH; empty if none.
std::string find_binary(const char* variable, const std::string& name) {
    if (const char* configured = std::getenv(variable)) {
        return std::filesystem::exists(configured) ? std::string(configured) : std::string();
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const auto colon = dirs.find(':', start);
        const std::string dir = dirs.substr(start, colon - start);
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        if (colon == std::string::npos) {
            break;
        }
        start = colon + 1;
    }
    return {};
}

}  // namespace

std::string find_redis_server() {
    return find_binary("SCOUT_REDIS_SERVER", "redis-server");
}

std::string find_redis_sentinel() {
    return find_binary("SCOUT_REDIS_SENTINEL", "redis-sentinel");
}

RedisServer::RedisServer(Options options) : options_(std::move(options)) {
    binary_ = find_redis_server();
    if (binary_.empty()) {
        throw std::runtime_error("redis-server not found (install it or set SCOUT_REDIS_SERVER)");
    }
    port_ = options_.port;
    // A free port may be taken between the probe and the bind: try a few.
    constexpr int kAttempts = 3;
    for (int attempt = 1;; ++attempt) {
        if (options_.port == 0) {
            port_ = free_port();
        }
        try {
            start();
            return;
        } catch (const std::runtime_error&) {
            if (attempt == kAttempts || options_.port != 0) {
                throw;
            }
        }
    }
}

RedisServer::~RedisServer() {
    kill();
}

std::string RedisServer::url(int db) const {
    const std::string auth = options_.password.empty() ? "" : ":" + options_.password + "@";
    return "redis://" + auth + "127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

void RedisServer::kill() {
    if (process_) {
        process_->kill();
        process_.reset();
    }
}

bool RedisServer::running() {
    return process_ && process_->running();
}

void RedisServer::launch() {
    static const int version = major_version(binary_, dir_.path());
    Process::Options p;
    p.program = binary_;
    p.args = {
        "--port",
        std::to_string(port_),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--dir",
        dir_.path(),
    };
    if (version >= 7) {
        // DEBUG SLEEP drives the timeout tests; Redis 7 refuses DEBUG unless enabled.
        p.args.insert(p.args.end(), {"--enable-debug-command", "local"});
    }
    if (!options_.password.empty()) {
        p.args.insert(p.args.end(), {"--requirepass", options_.password});
    }
    p.args.insert(p.args.end(), options_.extra_args.begin(), options_.extra_args.end());
    ++generation_;
    p.stdout_path = dir_.path() + "/redis-" + std::to_string(generation_) + ".out";
    p.stderr_path = dir_.path() + "/redis-" + std::to_string(generation_) + ".err";
    process_ = std::make_unique<Process>(std::move(p));
}

void RedisServer::start() {
    kill();
    launch();
    const bool ready = eventually(std::chrono::seconds(10), [&] {
        if (!process_->running()) {
            return true;
        }
        const auto pong = command({"PING"}, std::chrono::milliseconds(200));
        return pong && pong->is(RespReply::Kind::kStatus, "PONG");
    });
    if (!ready || !process_->running()) {
        const std::string out = process_->stdout_text();
        kill();
        throw std::runtime_error(
            "redis-server did not start on port " + std::to_string(port_) + ": " + out
        );
    }
}

std::optional<std::vector<RespReply>> resp_commands(
    int port,
    const std::string& password,
    const std::vector<std::vector<std::string>>& commands,
    std::chrono::milliseconds timeout
) {
    RespConnection connection(port, Clock::now() + timeout);
    if (!connection.ok()) {
        return std::nullopt;
    }
    std::vector<std::vector<std::string>> all;
    if (!password.empty()) {
        all.push_back({"AUTH", password});
    }
    all.insert(all.end(), commands.begin(), commands.end());
    std::vector<RespReply> replies;
    for (const auto& args : all) {
        if (!connection.send(encode(args))) {
            return std::nullopt;
        }
        auto reply = connection.read_reply();
        if (!reply) {
            return std::nullopt;
        }
        replies.push_back(std::move(*reply));
    }
    if (!password.empty()) {
        replies.erase(replies.begin());
    }
    return replies;
}

std::optional<RespReply> resp_command(
    int port,
    const std::string& password,
    const std::vector<std::string>& args,
    std::chrono::milliseconds timeout
) {
    auto replies = resp_commands(port, password, {args}, timeout);
    if (!replies || replies->empty()) {
        return std::nullopt;
    }
    return std::move(replies->front());
}

std::optional<std::vector<RespReply>> RedisServer::commands(
    const std::vector<std::vector<std::string>>& commands, std::chrono::milliseconds timeout
) const {
    return resp_commands(port_, options_.password, commands, timeout);
}

std::optional<RespReply> RedisServer::command(
    const std::vector<std::string>& args, std::chrono::milliseconds timeout
) const {
    return resp_command(port_, options_.password, args, timeout);
}

// ---- Sentinel -----------------------------------------------------------------------------

RedisSentinel::RedisSentinel(Options options) : options_(std::move(options)) {
    const std::string binary = find_redis_sentinel();
    if (binary.empty()) {
        throw std::runtime_error("redis-sentinel not found (install it or set SCOUT_REDIS_SENTINEL)"
        );
    }
    port_ = free_port();
    const std::string& name = options_.master_name;
    // Sentinel rewrites its config file: one of its own in the temp dir.
    const std::string config = dir_.write(
        "sentinel.conf",
        "port " + std::to_string(port_) + "\nbind 127.0.0.1\ndaemonize no\ndir " + dir_.path() +
            "\nsentinel monitor " + name + " 127.0.0.1 " + std::to_string(options_.master_port) +
            " " + std::to_string(options_.quorum) + "\nsentinel down-after-milliseconds " + name +
            " " + std::to_string(options_.down_after_ms) + "\nsentinel failover-timeout " + name +
            " " + std::to_string(options_.failover_timeout_ms) + "\n"
    );
    process_ = std::make_unique<Process>(Process::Options{
        .program = binary,
        .args = {config},
        .stdout_path = dir_.path() + "/sentinel.out",
        .stderr_path = dir_.path() + "/sentinel.err",
    });
    const bool ready = eventually(std::chrono::seconds(10), [&] {
        const auto pong = command({"PING"}, std::chrono::milliseconds(200));
        return !process_->running() || (pong && pong->is(RespReply::Kind::kStatus, "PONG"));
    });
    if (!ready || !process_->running()) {
        throw std::runtime_error("redis-sentinel did not start: " + process_->stdout_text());
    }
}

RedisSentinel::~RedisSentinel() {
    process_->kill();
}

std::optional<RespReply> RedisSentinel::command(
    const std::vector<std::string>& args, std::chrono::milliseconds timeout
) const {
    return resp_command(port_, "", args, timeout);
}

int RedisSentinel::master_port() const {
    const auto reply = command({"SENTINEL", "get-master-addr-by-name", options_.master_name});
    if (!reply || reply->kind != RespReply::Kind::kArray || reply->elements.size() != 2) {
        return 0;
    }
    return std::stoi(reply->elements[1].text);
}

int RedisSentinel::master_field(const std::string& field) const {
    const auto reply = command({"SENTINEL", "master", options_.master_name});
    if (!reply || reply->kind != RespReply::Kind::kArray) {
        return -1;
    }
    for (std::size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
        if (reply->elements[i].text == field) {
            return std::stoi(reply->elements[i + 1].text);
        }
    }
    return -1;
}

// ---- the topology ---------------------------------------------------------------------------

SentinelTopology::SentinelTopology()
    : replica(RedisServer::Options{
          .extra_args = {"--replicaof", "127.0.0.1", std::to_string(master.port())}}) {
    for (int i = 0; i < 3; ++i) {
        sentinels.push_back(std::make_unique<RedisSentinel>(RedisSentinel::Options{
            .master_port = master.port(),
        }));
    }
}

bool SentinelTopology::wait_ready(std::chrono::milliseconds limit) {
    return eventually(limit, [&] {
        const auto info = replica.command({"INFO", "replication"});
        if (!info || info->text.find("master_link_status:up") == std::string::npos) {
            return false;
        }
        return std::all_of(sentinels.begin(), sentinels.end(), [](const auto& sentinel) {
            return sentinel->master_field("num-slaves") == 1 &&
                   sentinel->master_field("num-other-sentinels") == 2;
        });
    });
}

bool SentinelTopology::wait_master(int port, std::chrono::milliseconds limit) {
    return eventually(limit, [&] {
        return std::all_of(sentinels.begin(), sentinels.end(), [port](const auto& sentinel) {
            return sentinel->master_port() == port;
        });
    });
}

std::vector<std::string> SentinelTopology::addresses() const {
    std::vector<std::string> out;
    for (const auto& sentinel : sentinels) {
        out.push_back(sentinel->address());
    }
    return out;
}

}  // namespace scout::test