// Building responses: the one function that makes every client error body
// {"error":{"code","message","request_id"}}, and JSON success responses. Thread-safe (pure).
#pragma once

#include <scout/http/request_context.hpp>

#include <ctime>
#include <string>
#include <string_view>

namespace scout::http {

// A JSON response with Content-Type application/json and the given body.
Response json_response(Status status, std::string body, unsigned version = 11);

// The error body for `status`; `code` is a stable machine-readable token ("not_found").
Response error_response(
    Status status,
    std::string_view code,
    std::string_view message,
    std::string_view request_id,
    unsigned version = 11
);

// Appends the status line and header block of `response` (through the blank line) to `out`,
// as Beast's serializer would write them: the head of a response whose body is written right
// after it as is, in the same gather write. Only for a response that is not chunked (the
// body would need chunk framing: use Beast's serializer for those). A non-empty `date` is
// written as a `Date` field right after the status line.
void append_head(const Response& response, std::string& out, std::string_view date = {});

// `time` as an IMF-fixdate (RFC 9110 5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(std::time_t time);

// The current IMF-fixdate, formatted at most once per second per thread; the view stays
// valid until the calling thread asks again.
std::string_view current_http_date();

// Only the JSON text of an error body (for tests and non-Beast callers).
std::string error_body(
    std::string_view code, std::string_view message, std::string_view request_id
);

}  // namespace scout::http
