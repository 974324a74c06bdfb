#include <scout/http/response.hpp>
#include <scout/http/router.hpp>
#include <scout/middleware/admin_auth.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace scout::middleware {
namespace {

std::array<unsigned char, 32> sha256(std::string_view text) {
    std::array<unsigned char, 32> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return digest;
}

// The credentials of "Bearer <token>" (scheme case-insensitive, RFC 9110 11.1), or empty.
std::string_view bearer_token(std::string_view authorization) {
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size() ||
        !boost::beast::iequals(authorization.substr(0, kScheme.size()), kScheme)) {
        return {};
    }
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    return token;
}

}  // namespace

AdminAuth::AdminAuth(std::string_view token) : enabled_(!token.empty()), digest_(sha256(token)) {}

AdminCheck AdminAuth::check(std::string_view authorization) const {
    if (!enabled_) {
        return AdminCheck::kDisabled;
    }
    const std::string_view token = bearer_token(authorization);
    if (token.empty()) {
        return AdminCheck::kMissing;
    }
    const auto given = sha256(token);
    return CRYPTO_memcmp(given.data(), digest_.data(), digest_.size()) == 0 ? AdminCheck::kAllowed
                                                                            : AdminCheck::kWrong;
}

awaitable<http::Response> AdminAuth::operator()(http::RequestContext& ctx, http::Next next) const {
    if (ctx.route == nullptr || !ctx.route->options.admin) {
        co_return co_await next(ctx);
    }
    const auto version = ctx.request.version();
    switch (check(ctx.request[boost::beast::http::field::authorization])) {
        case AdminCheck::kAllowed:
            co_return co_await next(ctx);
        case AdminCheck::kDisabled:
            co_return http::error_response(
                http::Status::not_found,
                "not_found",
                "no route for " + std::string(ctx.path) + " (admin.token is not configured)",
                ctx.request_id,
                version
            );
        case AdminCheck::kMissing: {
            http::Response response = http::error_response(
                http::Status::unauthorized,
                "unauthorized",
                "this route needs Authorization: Bearer <admin token>",
                ctx.request_id,
                version
            );
            response.set(
                boost::beast::http::field::www_authenticate, R"(Bearer realm="scout-admin")"
            );
            co_return response;
        }
        case AdminCheck::kWrong:
            break;
    }
    co_return http::error_response(
        http::Status::forbidden,
        "forbidden",
        "the admin token is not valid",
        ctx.request_id,
        version
    );
}

}  // namespace scout::middleware
