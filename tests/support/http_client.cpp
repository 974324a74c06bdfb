#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace scout::test {

HttpConnection::HttpConnection(int port, std::chrono::milliseconds timeout, std::uint32_t source)
    : timeout_(timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (source != 0) {  // another loopback address (127.0.0.0/8): another client to the server
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_addr.s_addr = htonl(source);
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
        ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local));
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(fd_);
        fd_ = -1;
        return;
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

HttpConnection::~HttpConnection() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool HttpConnection::send(std::string_view bytes) {
    while (!bytes.empty() && fd_ >= 0) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return fd_ >= 0;
}

bool HttpConnection::fill(std::chrono::steady_clock::time_point deadline) {
    if (fd_ < 0) {
        return false;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()
    );
    if (left.count() <= 0) {
        return false;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        return false;
    }
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
        return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::optional<HttpResponse> HttpConnection::read_response(bool head_request) {
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    std::size_t end = 0;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(deadline)) {
            return std::nullopt;
        }
    }
    HttpResponse response;
    const std::string head = buffer_.substr(0, end);
    std::size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) {
        return std::nullopt;
    }
    response.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
        const std::size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        const std::string line = head.substr(
            start, line_end == std::string::npos ? std::string::npos : line_end - start
        );
        const auto colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
            return std::tolower(c);
        });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        response.headers[name] = value;
    }
    buffer_.erase(0, end + 4);
    std::size_t length = 0;
    if (!head_request && response.status != 204 && response.status != 304 &&
        response.status >= 200) {
        const std::string cl = response.header("content-length");
        length = cl.empty() ? 0 : std::stoul(cl);
    }
    while (buffer_.size() < length) {
        if (!fill(deadline)) {
            return std::nullopt;
        }
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
}

bool HttpConnection::closed_by_peer(std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()
        );
        if (left.count() <= 0) {
            return false;
        }
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            continue;
        }
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
        if (n <= 0) {
            return true;
        }
    }
}

std::string raw_request(
    std::string_view method,
    std::string_view target,
    const Headers& headers,
    std::string_view body,
    bool close
) {
    std::string raw;
    raw.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (const auto& [name, value] : headers) {
        raw.append(name).append(": ").append(value).append("\r\n");
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
        raw.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    }
    if (close) {
        raw.append("Connection: close\r\n");
    }
    raw.append("\r\n").append(body);
    return raw;
}

std::optional<HttpResponse> http_request(
    int port,
    std::string_view method,
    std::string_view target,
    const Headers& headers,
    std::string_view body,
    std::chrono::milliseconds timeout
) {
    HttpConnection connection(port, timeout);
    if (!connection.connected() ||
        !connection.send(raw_request(method, target, headers, body, true))) {
        return std::nullopt;
    }
    return connection.read_response(method == "HEAD");
}

}  // namespace scout::test
