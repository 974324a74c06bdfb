#include <scout/http/router.hpp>
#include <scout/middleware/access_log.hpp>

#include <chrono>

namespace scout::middleware {

AccessLog::AccessLog() : logger_("access") {}

awaitable<http::Response> AccessLog::operator()(http::RequestContext& ctx, http::Next next) const {
    http::Response response = co_await next(ctx);
    if (logger_.enabled(log::Level::kInfo)) {
        const auto elapsed = std::chrono::steady_clock::now() - ctx.start;
        const double duration_ms = std::chrono::duration<double, std::milli>(elapsed).count();
        const std::string_view route =
            ctx.route != nullptr ? std::string_view(ctx.route->name) : "-";
        logger_.info(
            "request",
            {{"request_id", ctx.request_id},
             {"method", std::string_view(ctx.request.method_string())},
             {"path", ctx.path},
             {"route", route},
             {"status", response.result_int()},
             {"bytes", response.body().size()},
             {"duration_ms", duration_ms},
             {"client", ctx.client_address}}
        );
    }
    co_return response;
}

}  // namespace scout::middleware
