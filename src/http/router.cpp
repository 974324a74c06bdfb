#include <scout/http/router.hpp>

#include <algorithm>
#include <utility>

namespace scout::http {
namespace {

bool match_pattern(
    std::string_view pattern,
    std::string_view path,
    std::vector<std::pair<std::string_view, std::string_view>>& params
) {
    params.clear();
    std::size_t pi = 0;
    std::size_t si = 0;
    for (;;) {
        if (pi >= pattern.size() || si >= path.size()) {
            return pi >= pattern.size() && si >= path.size();
        }
        if (pattern[pi] != '/' || path[si] != '/') {
            return false;
        }
        ++pi;
        ++si;
        const std::size_t pe = std::min(pattern.find('/', pi), pattern.size());
        const std::size_t se = std::min(path.find('/', si), path.size());
        const std::string_view ps = pattern.substr(pi, pe - pi);
        const std::string_view ss = path.substr(si, se - si);
        if (ps.size() >= 2 && ps.front() == '{' && ps.back() == '}') {
            if (ss.empty()) {
                return false;
            }
            params.emplace_back(ps.substr(1, ps.size() - 2), ss);
        } else if (ps != ss) {
            return false;
        }
        pi = pe;
        si = se;
    }
}

void append_allow(std::string& allow, std::string_view method) {
    if (allow.find(method) != std::string::npos) {
        return;
    }
    if (!allow.empty()) {
        allow += ", ";
    }
    allow += method;
}

}  // namespace

void Router::add(
    Verb method, std::string pattern, std::string name, Handler handler, RouteOptions options
) {
    routes_.push_back(Route{
        std::move(name), method, std::move(pattern), std::move(handler), options});
}

void Router::match(Verb method, std::string_view path, RequestContext& ctx) const {
    ctx.route = nullptr;
    ctx.allow.clear();
    ctx.route_outcome = RouteOutcome::kNotFound;
    const Verb effective = method == Verb::head ? Verb::get : method;
    std::vector<std::pair<std::string_view, std::string_view>> params;
    for (const Route& route : routes_) {
        if (!match_pattern(route.pattern, path, params)) {
            continue;
        }
        if (route.method == effective) {
            ctx.route = &route;
            ctx.route_outcome = RouteOutcome::kFound;
            ctx.path_params = std::move(params);
            ctx.allow.clear();
            return;
        }
        append_allow(ctx.allow, boost::beast::http::to_string(route.method));
        if (route.method == Verb::get) {
            append_allow(ctx.allow, "HEAD");
        }
        ctx.route_outcome = RouteOutcome::kMethodNotAllowed;
    }
}

}  // namespace scout::http
