#include <scout/http/response.hpp>
#include <scout/log/json_text.hpp>

#include <boost/beast/http/field.hpp>

#include <array>
#include <chrono>
#include <cstdio>

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
    // Written directly (no JSON document built): a flood of 429s is answered at the cost of
    // a /health. Invalid UTF-8 a client sent (echoed in a message) becomes U+FFFD.
    std::string body;
    body.reserve(64 + code.size() + message.size() + request_id.size());
    body += R"({"error":{"code":)";
    log::append_json_string(body, code);
    body += R"(,"message":)";
    log::append_json_string(body, message);
    body += R"(,"request_id":)";
    log::append_json_string(body, request_id);
    body += "}}";
    return body;
}

std::string format_http_date(std::time_t time) {
    // By hand rather than strftime: %a and %b follow the C locale.
    static constexpr std::array<const char*, 7> kDays = {
        "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm utc{};
    gmtime_r(&time, &utc);
    std::array<char, 32> text{};
    const int length = std::snprintf(
        text.data(),
        text.size(),
        "%s, %02d %s %04d %02d:%02d:%02d GMT",
        kDays.at(static_cast<std::size_t>(utc.tm_wday)),
        utc.tm_mday,
        kMonths.at(static_cast<std::size_t>(utc.tm_mon)),
        utc.tm_year + 1900,
        utc.tm_hour,
        utc.tm_min,
        utc.tm_sec
    );
    return {text.data(), static_cast<std::size_t>(length > 0 ? length : 0)};
}

std::string_view current_http_date() {
    thread_local std::time_t formatted_at = -1;
    thread_local std::string text;
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    if (now != formatted_at) {
        formatted_at = now;
        text = format_http_date(now);
    }
    return text;
}

void append_head(const Response& response, std::string& out, std::string_view date) {
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
    if (!date.empty()) {
        out += "Date: ";
        out.append(date.data(), date.size());
        out += "\r\n";
    }
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
