// A small blocking HTTP/1.1 client over loopback for process-level tests: raw bytes in,
// parsed responses out, every read bounded by a timeout. Not for production use.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scout::test {

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;

    [[nodiscard]] std::string header(const std::string& lower_name) const {
        const auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

class HttpConnection {
public:
    // `source` binds the client end to that loopback address (any of 127.0.0.0/8 on Linux),
    // so that one test can be many clients; empty: the kernel's choice.
    explicit HttpConnection(
        int port,
        std::chrono::milliseconds timeout = std::chrono::seconds(10),
        const std::string& source = {}
    );
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;
    HttpConnection(HttpConnection&&) = delete;
    HttpConnection& operator=(HttpConnection&&) = delete;
    ~HttpConnection();

    [[nodiscard]] bool connected() const { return fd_ >= 0; }
    // Sends raw bytes; false if the peer closed.
    bool send(std::string_view bytes);
    // Reads one response (Content-Length framed); nullopt on timeout or EOF first.
    std::optional<HttpResponse> read_response(bool head_request = false);
    // True if the server closes the connection within `within` (reads and discards data).
    bool closed_by_peer(std::chrono::milliseconds within);

private:
    bool fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::chrono::milliseconds timeout_;
    std::string buffer_;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One request on a fresh connection ("Connection: close" is added).
std::optional<HttpResponse> http_request(
    int port,
    std::string_view method,
    std::string_view target,
    const Headers& headers = {},
    std::string_view body = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(10)
);

inline std::optional<HttpResponse> http_get(
    int port, std::string_view target, const Headers& headers = {}
) {
    return http_request(port, "GET", target, headers);
}

// GET on a fresh connection from the loopback address `source` (e.g. "127.0.0.7").
std::optional<HttpResponse> http_get_from(
    int port, const std::string& source, std::string_view target, const Headers& headers = {}
);

// Builds the raw text of a request (for pipelining tests).
std::string raw_request(
    std::string_view method,
    std::string_view target,
    const Headers& headers = {},
    std::string_view body = {},
    bool close = false
);

}  // namespace scout::test
