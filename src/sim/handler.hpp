// scout-sim's request handling as a plain function of the HTTP request: the /sync gateway
// pipeline (params, auth checks in the gateway's order, limits, faults, methods) and the
// /__sim control API. Socket-free so tests call it directly. One per server; not thread-safe
// (the server runs one io_context on one thread).
#pragma once

#include <scout/core/clock.hpp>

#include "sim/catalogue.hpp"
#include "sim/envelope.hpp"
#include "sim/faults.hpp"
#include "sim/methods.hpp"
#include "sim/params.hpp"
#include "sim/rate_limiter.hpp"
#include "sim/rng.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace scout::sim {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct SimSettings {
    std::string app_key;
    std::string app_secret;
    Dialect dialect = Dialect::kIop;
    std::chrono::milliseconds latency{0};    // base /sync latency, +-25 % jitter
    std::int64_t timestamp_window_s = 7200;  // accepted clock skew
    MethodSettings methods;
    RateLimitOptions limits;
    std::uint64_t seed = 42;  // runtime randomness (faults, links, ids)
    // Empty: the control API (/__sim/*) answers loopback peers only. Otherwise every control
    // request must carry it in X-Sim-Control-Token, from any address.
    std::string control_token;
};

// What the server should do with a request.
struct Outcome {
    enum class Action {
        kRespond,  // wait `delay`, then write `response`
        kReset,    // wait `delay`, then close the socket with RST
        kHang,     // never answer; hold the connection
    };
    Action action = Action::kRespond;
    HttpResponse response;
    std::chrono::milliseconds delay{0};
};

struct Stats {
    std::uint64_t requests_total = 0;            // every /sync request
    std::map<std::string, std::uint64_t> calls;  // authenticated calls that reached a method
    std::map<std::string, std::uint64_t> faults_injected;  // by fault kind
    std::uint64_t signature_failures = 0;         // real verification failures (not injected)
    std::uint64_t rate_limited = 0;               // bans from the rate limiter (not injected)
    std::map<std::string, std::uint64_t> errors;  // error envelopes sent, by dialect code

    [[nodiscard]] nlohmann::json to_json() const;
};

// Unix time in milliseconds.
using WallClock = std::function<std::int64_t()>;
std::int64_t system_unix_ms();

class Handler {
public:
    Handler(
        SimSettings settings,
        std::shared_ptr<const Catalogue> catalogue,
        const Clock& clock = SteadyClock::instance(),
        WallClock wall_ms = &system_unix_ms
    );

    // `loopback_peer`: the request came from a loopback address (127.0.0.0/8, ::1).
    Outcome handle(const HttpRequest& request, bool loopback_peer);

    [[nodiscard]] const Stats& stats() const { return stats_; }
    [[nodiscard]] const SimSettings& settings() const { return settings_; }
    [[nodiscard]] const Catalogue& catalogue() const { return *catalogue_; }
    FaultPlan& faults() { return faults_; }

private:
    Outcome handle_sync(const HttpRequest& request);
    Outcome process_sync(const HttpRequest& request);
    // Missing params -> app key -> timestamp -> signature; the first failure.
    std::optional<GatewayError> authenticate(const Params& params, std::int64_t now_ms);
    // Authentication, method, validation, limits, application faults, the method itself.
    Outcome call_api(const Params& params, std::string_view method_name);
    Outcome handle_control(const HttpRequest& request, std::string_view path);
    // Why a control request is refused (403), or nothing when it may proceed.
    [[nodiscard]] std::optional<std::string_view> control_refusal(
        const HttpRequest& request, bool loopback_peer
    ) const;
    Outcome error_outcome(const GatewayError& error);
    Outcome json_outcome(unsigned status, const nlohmann::json& body) const;
    std::string next_request_id();
    std::chrono::milliseconds jittered_latency();

    SimSettings settings_;
    std::shared_ptr<const Catalogue> catalogue_;
    const Clock& clock_;
    WallClock wall_ms_;
    FaultPlan faults_;
    RateLimiter limiter_;
    Stats stats_;
    Rng rng_;
};

}  // namespace scout::sim
