// Per-request state carried through the middleware chain: the parsed request, its id,
// the client, the matched route and timing. Owned by the session coroutine; lives for one
// request on one worker thread (not thread-safe, never shared).
#pragma once

#include <scout/http/body.hpp>
#include <scout/monitoring/request_journal.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scout::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<SharedBody>;
using Status = boost::beast::http::status;
using Verb = boost::beast::http::verb;

struct Route;

enum class RouteOutcome { kFound, kNotFound, kMethodNotAllowed };

struct RequestContext {
    Request request;
    std::string request_id;               // set by the request_id middleware
    bool request_id_from_client = false;  // request_id is the client's X-Request-ID
    std::string trace_id;        // W3C traceparent trace id (32 hex), when the client sent one
    std::string client_address;  // "ip:port" of the peer
    std::string api_key_id;      // the id of a valid X-API-Key (api_key middleware); never the key
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

    std::string_view path;   // request target without the query string (view into request)
    std::string_view query;  // raw query string without '?', possibly empty

    RouteOutcome route_outcome = RouteOutcome::kNotFound;
    const Route* route = nullptr;  // set when route_outcome == kFound
    std::string allow;             // "GET, HEAD" when route_outcome == kMethodNotAllowed
    std::vector<std::pair<std::string_view, std::string_view>> path_params;

    monitoring::Timings timings;  // filled by handlers that measure their phases
    // Where a cached route's answer came from, for the access log: "HIT_L1", "HIT_L2",
    // "STALE", "MISS" (static strings); empty for routes without a cache.
    std::string_view cache_status;

    // Returns the path parameter named `name` ("{id}" in the route pattern), or empty.
    [[nodiscard]] std::string_view path_param(std::string_view name) const {
        for (const auto& [key, value] : path_params) {
            if (key == name) {
                return value;
            }
        }
        return {};
    }
};

}  // namespace scout::http
