// The kernel floor of the /search vs /health ratio: a bare epoll HTTP responder that does no
// work at all besides answering every request with a fixed body of N bytes, either copied by
// sendmsg (what Scout does) or sent zero-copy from a memfd with sendfile. bench/load/floor.sh
// runs it under the same wrk setup as bench/load/run.sh. Not part of Scout; an experiment kept
// so that the numbers in docs/performance.md can be reproduced.
//
//   floor_server PORT copy|sendfile BODY_BYTES|@BODY_FILE [CONTENT_ENCODING]
// With @BODY_FILE it answers that file's bytes (e.g. Scout's own cache-hit body, or its gzip
// form with CONTENT_ENCODING gzip): the practical limit for serving those bytes here.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void die(const char* what) {
    std::perror(what);
    std::exit(1);
}

// Sends all of `bytes` on a blocking socket; false if the peer went away.
bool send_all(int fd, std::string_view bytes, int flags) {
    while (!bytes.empty()) {
        const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), flags | MSG_NOSIGNAL);
        if (sent <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

std::string read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        die(path);
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool respond_copy(int fd, const std::string& head, const std::string& body) {
    std::array<iovec, 2> parts{
        iovec{const_cast<char*>(head.data()), head.size()},
        iovec{const_cast<char*>(body.data()), body.size()}};
    msghdr message{};
    message.msg_iov = parts.data();
    message.msg_iovlen = parts.size();
    const ssize_t sent = ::sendmsg(fd, &message, MSG_NOSIGNAL);
    if (sent < 0) {
        return false;
    }
    const auto done = static_cast<std::size_t>(sent);
    if (done < head.size()) {
        return send_all(fd, std::string_view(head).substr(done), 0) && send_all(fd, body, 0);
    }
    return send_all(fd, std::string_view(body).substr(done - head.size()), 0);
}

bool respond_sendfile(int fd, const std::string& head, int body_fd, std::size_t body_size) {
    if (!send_all(fd, head, MSG_MORE)) {
        return false;
    }
    off_t offset = 0;
    while (static_cast<std::size_t>(offset) < body_size) {
        if (::sendfile(fd, body_fd, &offset, body_size - static_cast<std::size_t>(offset)) <= 0) {
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::fprintf(
            stderr,
            "usage: %s PORT copy|sendfile BODY_BYTES|@BODY_FILE [CONTENT_ENCODING]\n",
            argv[0]
        );
        return 2;
    }
    const int port = std::atoi(argv[1]);
    const bool use_sendfile = std::string_view(argv[2]) == "sendfile";
    const std::string body = argv[3][0] == '@'
                                 ? read_file(argv[3] + 1)
                                 : std::string(static_cast<std::size_t>(std::atol(argv[3])), 'x');
    const std::size_t size = body.size();
    const std::string encoding =
        argc == 5 ? "Content-Encoding: " + std::string(argv[4]) + "\r\n" : std::string();
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + encoding +
                             "Content-Length: " + std::to_string(size) + "\r\n\r\n";
    const int body_fd = ::memfd_create("floor-body", MFD_CLOEXEC);
    if (body_fd < 0 || ::write(body_fd, body.data(), body.size()) != static_cast<ssize_t>(size)) {
        die("memfd");
    }

    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listener, 1024) != 0) {
        die("listen");
    }
    const int poller = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = listener;
    ::epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
    std::printf("listening on 127.0.0.1:%d\n", port);
    std::fflush(stdout);

    std::array<epoll_event, 256> ready{};
    std::array<char, 16384> buffer{};
    std::array<unsigned, 65536> matched{};  // per fd: bytes of "\r\n\r\n" matched so far
    for (;;) {
        const int count = ::epoll_wait(poller, ready.data(), static_cast<int>(ready.size()), -1);
        for (int i = 0; i < count; ++i) {
            const int fd = ready[static_cast<std::size_t>(i)].data.fd;
            if (fd == listener) {
                const int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
                if (client >= 0 && static_cast<std::size_t>(client) < matched.size()) {
                    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                    matched[static_cast<std::size_t>(client)] = 0;
                    epoll_event client_event{};
                    client_event.events = EPOLLIN;
                    client_event.data.fd = client;
                    ::epoll_ctl(poller, EPOLL_CTL_ADD, client, &client_event);
                } else if (client >= 0) {
                    ::close(client);
                }
                continue;
            }
            const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
            bool alive = got > 0;
            unsigned& state = matched[static_cast<std::size_t>(fd)];
            for (ssize_t j = 0; alive && j < got; ++j) {
                // Counts request ends ("\r\n\r\n"); requests carry no body.
                const char c = buffer[static_cast<std::size_t>(j)];
                const char want = (state % 2 == 0) ? '\r' : '\n';
                state = c == want ? state + 1 : (c == '\r' ? 1 : 0);
                if (state == 4) {
                    state = 0;
                    alive = use_sendfile ? respond_sendfile(fd, head, body_fd, size)
                                         : respond_copy(fd, head, body);
                }
            }
            if (!alive) {
                ::close(fd);
            }
        }
    }
}
