#include <scout/core/version.hpp>
#include <scout/http/response.hpp>
#include <scout/monitoring/health.hpp>

#include <boost/beast/http/field.hpp>

#include <string>

namespace scout::monitoring {

awaitable<http::Response> HealthHandler::operator()(http::RequestContext& ctx) const {
    const bool draining = state_->draining.load(std::memory_order_relaxed);
    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - state_->started
    );
    std::string body;
    body.reserve(80);
    body += draining ? R"({"status":"draining","version":")" : R"({"status":"ok","version":")";
    body += kVersion;
    body += R"(","uptime_s":)";
    body += std::to_string(uptime.count());
    body += '}';
    http::Response response = http::json_response(
        draining ? http::Status::service_unavailable : http::Status::ok,
        std::move(body),
        ctx.request.version()
    );
    response.set(boost::beast::http::field::cache_control, "no-store");
    co_return response;
}

}  // namespace scout::monitoring
