// admin_auth middleware: routes registered with RouteOptions::admin require
// `Authorization: Bearer <admin.token>`. No token configured: the admin routes answer 404 (they
// do not exist for this instance). No or malformed credentials: 401 with WWW-Authenticate;
// a wrong token: 403. Tokens are compared in constant time (as SHA-256 digests, so the
// length does not leak either) and never logged. Immutable after construction; one per worker.
#pragma once

#include <scout/http/pipeline.hpp>

#include <array>
#include <string>
#include <string_view>

namespace scout::middleware {

enum class AdminCheck { kAllowed, kDisabled, kMissing, kWrong };

class AdminAuth {
public:
    explicit AdminAuth(std::string_view token);
    awaitable<http::Response> operator()(http::RequestContext& ctx, http::Next next) const;

    // The decision for an Authorization header value (empty when absent).
    [[nodiscard]] AdminCheck check(std::string_view authorization) const;

private:
    bool enabled_ = false;
    std::array<unsigned char, 32> digest_{};
};

}  // namespace scout::middleware
