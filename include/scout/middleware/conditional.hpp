// conditional: If-None-Match on every route, as a response hook (no coroutine frame). A 200
// to a GET or HEAD that carries an ETag matching the request's If-None-Match (weak
// comparison, "*" matches, the gzip and identity representations of one body match each
// other) becomes a 304 without body or representation metadata; ETag, Cache-Control and
// Vary stay. Runs after compression, so the ETag is the one of the chosen representation.
// Stateless.
#pragma once

#include <scout/http/pipeline.hpp>

#include <string_view>

namespace scout::middleware {

// Whether an If-None-Match value matches `etag` (weak comparison over the list, "*" matches;
// a trailing -gz before the closing quote is ignored on both sides).
[[nodiscard]] bool etag_matches(std::string_view if_none_match, std::string_view etag);

struct Conditional {
    void operator()(const http::RequestContext& ctx, http::Response& response) const;
};

}  // namespace scout::middleware
