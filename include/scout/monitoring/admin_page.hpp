// GET /admin/: the admin status page, one self-contained HTML document embedded in the binary
// (no external script, font or stylesheet). The page itself holds no data: it asks for the
// admin token once, keeps it in the tab's sessionStorage and polls the admin JSON endpoints,
// which the admin_auth middleware protects. Stateless; thread-safe.
#pragma once

#include <scout/http/pipeline.hpp>

#include <string_view>

namespace scout::monitoring {

extern const std::string_view kAdminPageHtml;

class AdminPageHandler {
public:
    awaitable<http::Response> operator()(http::RequestContext& ctx) const;
};

}  // namespace scout::monitoring
