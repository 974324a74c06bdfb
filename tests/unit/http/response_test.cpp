#include <scout/http/response.hpp>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/write.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

namespace scout::http {
namespace {

namespace field = boost::beast::http;

// What Beast's own serializer writes for the head of `response`.
std::string beast_head(const Response& response) {
    std::ostringstream out;
    out << response.base();
    return out.str();
}

std::string head_of(const Response& response) {
    std::string out = "left alone|";
    append_head(response, out);
    EXPECT_TRUE(out.starts_with("left alone|"));  // appends, never overwrites
    return out.substr(11);
}

TEST(AppendHead, MatchesBeastsSerializerForATypicalResponse) {
    Response response = json_response(Status::ok, R"({"ok":true})");
    response.set(field::field::etag, "\"abc\"");
    response.set(field::field::vary, "Accept-Encoding");
    response.set("X-Cache", "HIT");
    response.keep_alive(true);
    response.prepare_payload();
    const std::string head = head_of(response);
    EXPECT_EQ(head, beast_head(response));
    EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n"));
    EXPECT_NE(head.find("\r\nContent-Length: 11\r\n"), std::string::npos);
    EXPECT_NE(head.find("\r\nX-Cache: HIT\r\n"), std::string::npos);
    EXPECT_TRUE(head.ends_with("\r\n\r\n"));
}

TEST(AppendHead, WritesTheDateRightAfterTheStatusLine) {
    Response response = json_response(Status::ok, "{}");
    std::string out;
    append_head(response, out, "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
    EXPECT_TRUE(out.ends_with(beast_head(response).substr(17)));  // then the fields as Beast
}

TEST(HttpDate, IsAnImfFixdate) {
    EXPECT_EQ(format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110 5.6.7
    EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(current_http_date().size(), 29U);
    EXPECT_TRUE(current_http_date().ends_with(" GMT"));
}

TEST(AppendHead, KeepsBeastsFieldOrderRepeatedFieldsAndCustomReasons) {
    Response response{Status::not_found, 11};
    response.insert("Set-Cookie", "a=1");
    response.insert("X-Trace", "first");
    response.insert("Set-Cookie", "b=2");
    response.reason("Nothing Here");
    EXPECT_EQ(head_of(response), beast_head(response));
    // Beast keeps fields in insertion order, except that a repeated name joins its group.
    EXPECT_EQ(
        head_of(response),
        "HTTP/1.1 404 Nothing Here\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Trace: "
        "first\r\n\r\n"
    );
}

TEST(AppendHead, WritesHttp10AndKeepAliveAsBeastDoes) {
    Response response{Status::not_modified, 10};
    response.keep_alive(true);  // HTTP/1.0: an explicit "Connection: keep-alive"
    EXPECT_EQ(head_of(response), beast_head(response));
    EXPECT_TRUE(head_of(response).starts_with("HTTP/1.0 304 Not Modified\r\n"));
    EXPECT_NE(head_of(response).find("Connection: keep-alive\r\n"), std::string::npos);

    Response closing{Status::service_unavailable, 11};
    closing.keep_alive(false);
    EXPECT_EQ(head_of(closing), beast_head(closing));
    EXPECT_NE(head_of(closing).find("Connection: close\r\n"), std::string::npos);
}

TEST(AppendHead, UnknownStatusCodesAndVersionsAreWrittenAsTheyAre) {
    Response response;
    response.result(299U);
    EXPECT_EQ(head_of(response), beast_head(response));
    EXPECT_TRUE(head_of(response).starts_with("HTTP/1.1 299 "));
    response.version(12);
    EXPECT_EQ(head_of(response), beast_head(response));
    EXPECT_TRUE(head_of(response).starts_with("HTTP/1.2 299 "));
}

TEST(ErrorResponse, HasTheJsonErrorShape) {
    const Response response = error_response(Status::bad_request, "bad", "no good", "rid");
    EXPECT_EQ(response.result(), Status::bad_request);
    EXPECT_EQ(response[field::field::content_type], "application/json");
    const auto body = nlohmann::json::parse(response.body().view());
    EXPECT_EQ(body["error"]["code"], "bad");
    EXPECT_EQ(body["error"]["message"], "no good");
    EXPECT_EQ(body["error"]["request_id"], "rid");
    EXPECT_EQ(response[field::field::content_length], std::to_string(response.body().size()));
}

}  // namespace
}  // namespace scout::http
