#include "app/openapi_handler.hpp"

#include <boost/beast/http/field.hpp>

#include <memory>
#include <string>

namespace scout::app {

awaitable<http::Response> OpenApiHandler::operator()(http::RequestContext& ctx) const {
    namespace field = boost::beast::http;
    static const auto document = std::make_shared<const std::string>(kOpenApiJson);
    http::Response response{http::Status::ok, ctx.request.version()};
    response.set(field::field::content_type, "application/json");
    // Changes only with the binary; an hour keeps tooling fresh across a deploy.
    response.set(field::field::cache_control, "public, max-age=3600");
    response.body() = http::SharedBody::value_type(document);
    co_return response;
}

}  // namespace scout::app
