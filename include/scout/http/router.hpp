// Method + path routing. Built once per worker at start-up, read-only afterwards (so safe to
// share read-only across threads). Patterns are literal segments or "{name}" captures.
#pragma once

#include <scout/core/asio.hpp>
#include <scout/http/request_context.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace scout::http {

using Handler = std::function<awaitable<Response>(RequestContext&)>;

struct RouteOptions {
    bool admin = false;   // admin_auth middleware requires the admin token
    bool exempt = false;  // not a product route (health probes): no rate limit, no API key
};

struct Route {
    std::string name;  // stable label for logs and metrics ("health", "search")
    Verb method;
    std::string pattern;
    Handler handler;
    RouteOptions options;
};

class Router {
public:
    // Registers a route. A GET route also answers HEAD (body omitted).
    void add(
        Verb method,
        std::string pattern,
        std::string name,
        Handler handler,
        RouteOptions options = {}
    );

    // Matches `path` (no query string) and fills ctx.route_outcome, ctx.route, ctx.allow and
    // ctx.path_params (views into `path`).
    void match(Verb method, std::string_view path, RequestContext& ctx) const;

    [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace scout::http
