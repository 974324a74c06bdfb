#include <scout/http/response.hpp>

#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

namespace scout::http {

Response json_response(Status status, std::string body, unsigned version) {
    Response response{status, version};
    response.set(boost::beast::http::field::content_type, "application/json");
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
}

std::string error_body(
    std::string_view code, std::string_view message, std::string_view request_id
) {
    nlohmann::json body;
    auto& error = body["error"];
    error["code"] = code;
    error["message"] = message;
    error["request_id"] = request_id;
    // Replace rather than throw on invalid UTF-8 that a client may have sent us.
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_head(const Response& response, std::string& out) {
    const unsigned version = response.version();
    out += "HTTP/";
    out += static_cast<char>('0' + version / 10 % 10);
    out += '.';
    out += static_cast<char>('0' + version % 10);
    out += ' ';
    const unsigned status = response.result_int();
    // Status codes are three digits (Beast rejects others when the status is set).
    out += static_cast<char>('0' + status / 100 % 10);
    out += static_cast<char>('0' + status / 10 % 10);
    out += static_cast<char>('0' + status % 10);
    out += ' ';
    const auto reason = response.reason();
    out.append(reason.data(), reason.size());
    out += "\r\n";
    for (const auto& field : response.base()) {
        const auto name = field.name_string();
        const auto value = field.value();
        out.append(name.data(), name.size());
        out += ": ";
        out.append(value.data(), value.size());
        out += "\r\n";
    }
    out += "\r\n";
}

Response error_response(
    Status status,
    std::string_view code,
    std::string_view message,
    std::string_view request_id,
    unsigned version
) {
    return json_response(status, error_body(code, message, request_id), version);
}

}  // namespace scout::http
