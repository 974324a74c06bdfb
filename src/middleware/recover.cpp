#include <scout/http/response.hpp>
#include <scout/http/router.hpp>
#include <scout/middleware/recover.hpp>

#include <exception>
#include <string>

namespace scout::middleware {

Recover::Recover() : logger_("http"), caught_(std::make_shared<std::atomic<std::uint64_t>>(0)) {}

awaitable<http::Response> Recover::operator()(http::RequestContext& ctx, http::Next next) const {
    std::string what;
    try {
        co_return co_await next(ctx);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
        what = "unknown exception";
    }
    caught_->fetch_add(1, std::memory_order_relaxed);
    logger_.error(
        "unhandled exception in request",
        {{"request_id", ctx.request_id},
         {"route", ctx.route != nullptr ? std::string_view(ctx.route->name) : "-"},
         {"error", what}}
    );
    co_return http::error_response(
        http::Status::internal_server_error,
        "internal",
        "internal error",
        ctx.request_id,
        ctx.request.version()
    );
}

}  // namespace scout::middleware
