#include <scout/middleware/conditional.hpp>

#include "middleware/header_list.hpp"

#include <boost/beast/http/field.hpp>

namespace scout::middleware {
namespace {

namespace field = boost::beast::http;

// `"abc-gz"` -> `"abc`, `"abc"` -> `"abc`: the validator of the body, whatever its encoding.
std::string_view entity(std::string_view etag) {
    if (etag.size() >= 2 && etag.back() == '"') {
        etag.remove_suffix(1);
    }
    if (etag.ends_with("-gz")) {
        etag.remove_suffix(3);
    }
    return etag;
}

}  // namespace

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    if (detail::trim(if_none_match) == "*") {
        return true;
    }
    if (etag.size() < 2 || etag.front() != '"' || etag.back() != '"') {
        return false;
    }
    return detail::any_list_item(if_none_match, [etag](std::string_view candidate) {
        if (candidate.starts_with("W/")) {
            candidate.remove_prefix(2);
        }
        return candidate.size() >= 2 && candidate.front() == '"' && candidate.back() == '"' &&
               entity(candidate) == entity(etag);
    });
}

void Conditional::operator()(const http::RequestContext& ctx, http::Response& response) const {
    const http::Verb method = ctx.request.method();
    if (response.result() != http::Status::ok ||
        (method != http::Verb::get && method != http::Verb::head)) {
        return;
    }
    const std::string_view etag = response[field::field::etag];
    const std::string_view if_none_match = ctx.request[field::field::if_none_match];
    if (etag.empty() || if_none_match.empty() || !etag_matches(if_none_match, etag)) {
        return;
    }
    response.result(http::Status::not_modified);
    response.body().clear();
    response.erase(field::field::content_type);
    response.erase(field::field::content_encoding);
}

}  // namespace scout::middleware
