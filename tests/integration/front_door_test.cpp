// Process-level tests of the HTTP/1.1 front door's limits: bounded buffers, strict framing,
// lingering close, connection cap, keep-alive limits, drain and start-up on a taken port.
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <memory>
#include <regex>
#include <thread>

namespace scout::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::size_t kMiB = 1U << 20U;

// Resident memory of `pid` in KiB (0 if unreadable).
long rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:")) {
            return std::stol(line.substr(6));
        }
    }
    return 0;
}

std::string error_code_of(const HttpResponse& response) {
    return json::parse(response.body)["error"]["code"].get<std::string>();
}

// Sends `prefix`, then `filler` bytes of 'a' that never complete the line; returns the answer
// read after the first MiB (the server must not wait for the line to end) and keeps sending
// up to `filler` bytes while the server discards them.
std::optional<HttpResponse> send_endless_line(
    HttpConnection& connection, const std::string& prefix, std::size_t filler
) {
    EXPECT_TRUE(connection.send(prefix));
    const std::string blob(kMiB, 'a');
    EXPECT_TRUE(connection.send(blob));
    auto response = connection.read_response();
    for (std::size_t sent = kMiB; sent < filler && connection.send(blob); sent += kMiB) {
    }
    return response;
}

TEST(FrontDoor, EndlessChunkExtensionOrTrailerIsRefusedEarlyWithBoundedMemory) {
    ScoutProcess scout({.settings = {{"server.threads", "1"}}});
    const long rss_before = rss_kib(scout.process().pid());
    const std::string chunked =
        "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    {
        HttpConnection connection(scout.port());
        const auto response = send_endless_line(connection, chunked + "1;ext=", 48 * kMiB);
        ASSERT_TRUE(response) << "no answer while the chunk extension was still growing";
        EXPECT_EQ(response->status, 400);
        EXPECT_EQ(error_code_of(*response), "bad_request");
        EXPECT_TRUE(connection.closed_by_peer(seconds(10)));
    }
    {
        HttpConnection connection(scout.port());
        const auto response =
            send_endless_line(connection, chunked + "0\r\nX-Trailer: ", 16 * kMiB);
        ASSERT_TRUE(response) << "no answer while the trailer was still growing";
        EXPECT_EQ(response->status, 400);
        EXPECT_TRUE(connection.closed_by_peer(seconds(10)));
    }
    const long rss_after = rss_kib(scout.process().pid());
    EXPECT_LT(rss_after - rss_before, 32L * 1024)
        << "RSS grew from " << rss_before << " KiB to " << rss_after << " KiB";
    const auto ok = http_get(scout.port(), "/health");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
}

// One request on a fresh connection: its answer, and whether the server closed afterwards.
struct Answer {
    std::optional<HttpResponse> response;
    bool closed = false;
};

Answer send_raw(int port, const std::string& raw) {
    HttpConnection connection(port);
    Answer answer;
    if (!connection.send(raw)) {
        return answer;
    }
    answer.response = connection.read_response();
    answer.closed = connection.closed_by_peer(seconds(10));
    return answer;
}

TEST(FrontDoor, AmbiguousFramingIs400AndTheConnectionCloses) {
    ScoutProcess scout({});
    const std::string smuggled =
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Request-ID: smuggled\r\n\r\n";
    const std::vector<std::string> requests = {
        // The body would be read as a second request (RFC 9112 6.3: 400 and close).
        "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" + smuggled,
        "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n" + smuggled,
        "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n" + smuggled,
        "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: " +
            std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled,
        "POST /health HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /health HTTP/1.1\r\n\r\n",                        // no Host
        "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  // two Hosts
    };
    for (const std::string& raw : requests) {
        const Answer answer = send_raw(scout.port(), raw);
        ASSERT_TRUE(answer.response) << raw;
        EXPECT_EQ(answer.response->status, 400) << raw;
        EXPECT_EQ(error_code_of(*answer.response), "bad_request") << raw;
        EXPECT_EQ(answer.response->header("connection"), "close") << raw;
        EXPECT_TRUE(answer.closed) << "a second response followed: " << raw;
    }
}

TEST(FrontDoor, AbsoluteFormTargetIsRoutedByItsPath) {
    ScoutProcess scout({});
    const std::string target = "http://127.0.0.1:" + std::to_string(scout.port()) + "/health";
    const auto response = http_get(scout.port(), target);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
}

TEST(FrontDoor, ContinueIsSentOnlyToHttp11Clients) {
    ScoutProcess scout({});
    {
        HttpConnection old_client(scout.port());
        ASSERT_TRUE(old_client.send(
            "POST /health HTTP/1.0\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
            "hello"
        ));
        const auto response = old_client.read_response();
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 405);  // no "100 Continue" before it
    }
    HttpConnection client(scout.port());
    ASSERT_TRUE(client.send(
        "POST /health HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
    ));
    const auto interim = client.read_response();
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    ASSERT_TRUE(client.send("hello"));
    const auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 405);
}

TEST(FrontDoor, EveryResponseCarriesADate) {
    ScoutProcess scout({.settings = {{"server.max_body_bytes", "16"}}});
    const std::regex imf_fixdate(R"([A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT)");
    const auto ok = http_get(scout.port(), "/health");
    const auto missing = http_get(scout.port(), "/nope");
    const auto too_large = http_request(scout.port(), "POST", "/health", {}, std::string(64, 'x'));
    for (const auto* response : {&ok, &missing, &too_large}) {
        ASSERT_TRUE(*response);
        EXPECT_TRUE(std::regex_match((*response)->header("date"), imf_fixdate))
            << (*response)->status << " Date: " << (*response)->header("date");
    }
    EXPECT_EQ(too_large->status, 413);
}

// A client that sends everything before it reads (Python's http.client, many SDKs).
TEST(FrontDoor, ClientSendingAWholeOversizedRequestBeforeReadingSeesTheError) {
    ScoutProcess scout(
        {.settings = {{"server.max_body_bytes", "1024"}, {"server.max_header_bytes", "4096"}}}
    );
    const std::string body(16 * kMiB, 'x');
    {
        HttpConnection connection(scout.port());
        ASSERT_TRUE(connection.send(raw_request("POST", "/health", {}, body)));
        const auto response = connection.read_response();
        ASSERT_TRUE(response) << "the 413 was lost (connection reset)";
        EXPECT_EQ(response->status, 413);
        EXPECT_EQ(error_code_of(*response), "payload_too_large");
    }
    {
        HttpConnection connection(scout.port());
        ASSERT_TRUE(
            connection.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Filler: " + body + "\r\n\r\n")
        );
        const auto response = connection.read_response();
        ASSERT_TRUE(response) << "the 431 was lost (connection reset)";
        EXPECT_EQ(response->status, 431);
    }
}

TEST(FrontDoor, IdleKeepAliveTimeoutIsSeparateFromTheHeaderTimeout) {
    ScoutProcess patient(
        {.settings = {{"server.header_timeout_ms", "300"}, {"server.idle_timeout_ms", "60000"}}}
    );
    HttpConnection idle(patient.port());
    ASSERT_TRUE(idle.send(raw_request("GET", "/health")));
    ASSERT_TRUE(idle.read_response());
    EXPECT_FALSE(idle.closed_by_peer(seconds(2)));  // well past the header timeout
    ASSERT_TRUE(idle.send(raw_request("GET", "/health")));
    ASSERT_TRUE(idle.read_response());

    ScoutProcess strict(
        {.settings = {{"server.header_timeout_ms", "60000"}, {"server.idle_timeout_ms", "300"}}}
    );
    HttpConnection dropped(strict.port());
    ASSERT_TRUE(dropped.send(raw_request("GET", "/health")));
    ASSERT_TRUE(dropped.read_response());
    EXPECT_TRUE(dropped.closed_by_peer(seconds(10)));
}

ScoutProcess::Options with_sim(
    const SimProcess& sim, std::vector<std::pair<std::string, std::string>> extra
) {
    ScoutProcess::Options options;
    options.settings = {
        {"upstream.gateway_url", sim.gateway_url()},
        {"upstream.app_key", kSimAppKey},
        {"upstream.app_secret", kSimAppSecret},
        {"search.cursor_secret", "test-cursor-secret"},
    };
    options.settings.insert(options.settings.end(), extra.begin(), extra.end());
    return options;
}

// A client that pipelines requests and never reads: the server's write blocks once the socket
// buffers are full, and server.write_timeout_ms (not the body timeout) ends the connection.
TEST(FrontDoor, ResponsesNotReadWithinTheWriteTimeoutCloseTheConnection) {
    SimProcess sim;
    ScoutProcess scout(
        with_sim(sim, {{"server.write_timeout_ms", "500"}, {"server.body_timeout_ms", "60000"}})
    );
    const std::string target = "/search?q=usb&page_size=50";
    const auto warm = http_get(scout.port(), target);  // later answers are cache hits
    ASSERT_TRUE(warm);
    ASSERT_EQ(warm->status, 200);
    std::string pipelined;
    for (std::size_t bytes = 0; bytes < 64 * kMiB; bytes += warm->body.size()) {
        pipelined += raw_request("GET", target);
    }
    HttpConnection never_reads(scout.port());
    never_reads.send(pipelined);  // may fail once the server gives up on the connection
    std::this_thread::sleep_for(seconds(3));
    EXPECT_TRUE(never_reads.closed_by_peer(seconds(2)));
}

TEST(FrontDoor, LastRequestAllowedOnAConnectionIsAnsweredWithConnectionClose) {
    ScoutProcess scout({.settings = {{"server.max_requests_per_connection", "3"}}});
    HttpConnection connection(scout.port());
    for (int i = 1; i <= 3; ++i) {
        ASSERT_TRUE(connection.send(raw_request("GET", "/health")));
        const auto response = connection.read_response();
        ASSERT_TRUE(response) << "request " << i;
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->header("connection"), i < 3 ? "" : "close") << "request " << i;
    }
    EXPECT_TRUE(connection.closed_by_peer(seconds(10)));

    // Requests pipelined past the last one are discarded: no reset destroys its answer.
    HttpConnection pipelining(scout.port());
    std::string five;
    for (int i = 0; i < 5; ++i) {
        five += raw_request("GET", "/health");
    }
    ASSERT_TRUE(pipelining.send(five));
    for (int i = 1; i <= 3; ++i) {
        const auto response = pipelining.read_response();
        ASSERT_TRUE(response) << "pipelined request " << i;
        EXPECT_EQ(response->status, 200);
    }
    EXPECT_TRUE(pipelining.closed_by_peer(seconds(10)));
}

// More idle keep-alive connections than file descriptors allow: the cap keeps fds in reserve,
// idle connections make room for new ones, and /health from a new connection is answered.
TEST(FrontDoor, HealthIsAnsweredWhileMoreConnectionsAreHeldThanFdsAllow) {
    ScoutProcess scout(
        {.settings =
             {{"server.threads", "1"},
              {"server.header_timeout_ms", "60000"},
              {"admin.token", "front-door-test-token-0123456789"}},
         .max_open_files = 64}
    );
    std::vector<std::unique_ptr<HttpConnection>> held;
    for (int i = 0; i < 100; ++i) {
        held.push_back(std::make_unique<HttpConnection>(scout.port()));
        ASSERT_TRUE(held.back()->send(raw_request("GET", "/health")));
    }
    const auto response = http_request(scout.port(), "GET", "/health", {}, {}, seconds(20));
    ASSERT_TRUE(response) << "a new connection was not served";
    EXPECT_EQ(response->status, 200);
    const std::string log = scout.log_text();
    EXPECT_NE(
        log.find("server.max_connections lowered to fit the open-file limit"), std::string::npos
    );
    EXPECT_EQ(log.find("Too many open files"), std::string::npos);
    const auto metrics = http_get(
        scout.port(), "/metrics", {{"Authorization", "Bearer front-door-test-token-0123456789"}}
    );
    ASSERT_TRUE(metrics);
    const std::string name = "\nscout_http_connection_limit_reached_total ";
    const auto at = metrics->body.find(name);
    ASSERT_NE(at, std::string::npos) << metrics->body;
    EXPECT_GT(std::stod(metrics->body.substr(at + name.size())), 0.0);
}

TEST(FrontDoor, SecondInstanceOnATakenPortExits70) {
    ScoutProcess first({});
    ScoutProcess second(
        {.settings = {{"server.listen", "127.0.0.1:" + std::to_string(first.port())}},
         .wait_ready = false}
    );
    EXPECT_EQ(second.process().wait_for(seconds(20)), 70);
    EXPECT_NE(second.process().stderr_text().find("another process listening"), std::string::npos)
        << second.process().stderr_text();
    const auto ok = http_get(first.port(), "/health");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
}

TEST(FrontDoor, DrainClosesIdleKeepAliveConnectionsAndAnswersInFlightOnesWithClose) {
    ScoutProcess scout({.settings = {{"server.shutdown_grace_ms", "20000"}}});
    HttpConnection idle(scout.port());
    ASSERT_TRUE(idle.send(raw_request("GET", "/health")));
    ASSERT_TRUE(idle.read_response());
    HttpConnection in_flight(scout.port());
    ASSERT_TRUE(in_flight.send("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab"));
    std::this_thread::sleep_for(milliseconds(200));

    scout.process().signal(SIGTERM);
    EXPECT_TRUE(idle.closed_by_peer(seconds(5)));  // long before the 20 s grace period
    EXPECT_TRUE(scout.process().running());
    ASSERT_TRUE(in_flight.send("cd"));
    const auto finished = in_flight.read_response();
    ASSERT_TRUE(finished);
    EXPECT_EQ(finished->status, 405);
    EXPECT_EQ(finished->header("connection"), "close");
    EXPECT_EQ(scout.process().wait_for(seconds(10)), 0);
}

// A2: a session suspended in an upstream call when the workers stop must be destroyed while
// what it refers to is alive (the ASan build reports any use after free).
TEST(FrontDoor, SigtermDuringASlowUpstreamCallExitsCleanly) {
    SimProcess sim;
    ScoutProcess scout(
        {.settings =
             {{"upstream.gateway_url", sim.gateway_url()},
              {"upstream.app_key", kSimAppKey},
              {"upstream.app_secret", kSimAppSecret},
              {"search.cursor_secret", "test-cursor-secret"},
              {"server.threads", "1"},
              {"server.shutdown_grace_ms", "0"}}}
    );
    sim.add_fault({{"kind", "delay"}, {"delay_ms", 2500}});
    std::thread client([&] { (void)http_get(scout.port(), "/search?q=usb+cable"); });
    std::this_thread::sleep_for(milliseconds(300));
    scout.process().signal(SIGTERM);
    EXPECT_EQ(scout.process().wait_for(seconds(20)), 0) << scout.process().stderr_text();
    client.join();
    EXPECT_EQ(scout.process().stderr_text().find("AddressSanitizer"), std::string::npos)
        << scout.process().stderr_text();
}

}  // namespace
}  // namespace scout::test
