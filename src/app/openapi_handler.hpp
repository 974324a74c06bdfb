// GET /openapi.json: the API contract (docs/openapi.yaml), converted to JSON at build time and
// embedded in the binary, so the served contract is the one this build was checked against.
// Stateless; thread-safe.
#pragma once

#include <scout/http/pipeline.hpp>

#include <string_view>

namespace scout::app {

extern const std::string_view kOpenApiJson;

class OpenApiHandler {
public:
    awaitable<http::Response> operator()(http::RequestContext& ctx) const;
};

}  // namespace scout::app
