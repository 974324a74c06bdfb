#include <scout/http/request_id.hpp>
#include <scout/middleware/request_id.hpp>

#include <algorithm>

namespace scout::middleware {
namespace {

bool lower_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
}

bool all_zero(std::string_view text) {
    return text.find_first_not_of('0') == std::string_view::npos;
}

}  // namespace

std::string_view traceparent_trace_id(std::string_view value) {
    // version(2) - trace-id(32) - parent-id(16) - flags(2); later versions may append fields.
    constexpr std::size_t kLength = 55;
    if (value.size() < kLength || value[2] != '-' || value[35] != '-' || value[52] != '-') {
        return {};
    }
    const std::string_view version = value.substr(0, 2);
    const std::string_view trace = value.substr(3, 32);
    const std::string_view parent = value.substr(36, 16);
    const std::string_view flags = value.substr(53, 2);
    const bool well_formed =
        lower_hex(version) && lower_hex(trace) && lower_hex(parent) && lower_hex(flags) &&
        version != "ff" && (value.size() == kLength || (version != "00" && value[kLength] == '-'));
    if (!well_formed || all_zero(trace) || all_zero(parent)) {
        return {};
    }
    return trace;
}

awaitable<http::Response> RequestId::operator()(http::RequestContext& ctx, http::Next next) const {
    const auto incoming = ctx.request["X-Request-ID"];
    ctx.request_id_from_client = http::is_acceptable_request_id(incoming);
    ctx.request_id = ctx.request_id_from_client ? std::string(incoming) : http::mint_request_id();
    ctx.trace_id = traceparent_trace_id(ctx.request["traceparent"]);
    http::Response response = co_await next(ctx);
    response.set("X-Request-ID", ctx.request_id);
    co_return response;
}

}  // namespace scout::middleware
