#include <scout/monitoring/admin_page.hpp>

#include <boost/beast/http/field.hpp>

#include <memory>
#include <string>

namespace scout::monitoring {

awaitable<http::Response> AdminPageHandler::operator()(http::RequestContext& ctx) const {
    namespace field = boost::beast::http;
    static const auto page = std::make_shared<const std::string>(kAdminPageHtml);
    http::Response response{http::Status::ok, ctx.request.version()};
    response.set(field::field::content_type, "text/html; charset=utf-8");
    response.set(field::field::cache_control, "no-store");
    // Inline script and style only; data from this origin only; never framed.
    response.set(
        "Content-Security-Policy",
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    );
    response.set("X-Frame-Options", "DENY");
    response.set("Referrer-Policy", "no-referrer");
    response.body() = http::SharedBody::value_type(page);
    co_return response;
}

}  // namespace scout::monitoring
