#include <scout/http/response.hpp>
#include <scout/middleware/compression.hpp>
#include <scout/middleware/gzip.hpp>

#include "middleware/header_list.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <new>
#include <optional>

namespace scout::middleware {
namespace {

namespace field = boost::beast::http;
using detail::trim;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// The q-value of one Accept-Encoding item's parameters ("q=0.5"): whether it is above zero.
// A malformed q is treated as 1 (the item stays acceptable).
bool q_above_zero(std::string_view params) {
    params = trim(params);
    if (params.size() < 2 || (params[0] != 'q' && params[0] != 'Q') || params[1] != '=') {
        return true;
    }
    const std::string_view q = trim(params.substr(2));
    return q.empty() || q[0] != '0' || q.find_first_not_of("0.") != std::string_view::npos;
}

monitoring::Counter& counter(const ChainContext& context, const char* name, const char* help) {
    return context.metrics.counter(name, help, {}).with({});
}

// Vary: Accept-Encoding, added to what the handler put there.
void add_vary(http::Response& response) {
    const std::string_view vary = response[field::field::vary];
    if (vary.empty()) {
        response.insert(field::field::vary, "Accept-Encoding");
    } else if (vary != "*" && !detail::any_list_item(vary, [](std::string_view item) {
                   return iequals(item, "Accept-Encoding");
               })) {
        response.set(field::field::vary, std::string(vary) + ", Accept-Encoding");
    }
}

bool has_content(const http::Response& response) {
    const unsigned status = response.result_int();
    return status >= 200 && status != 204 && status != 304 && !response.body().empty();
}

http::Response not_acceptable(const http::RequestContext& ctx) {
    http::Response response = http::error_response(
        http::Status::not_acceptable,
        "not_acceptable",
        "no acceptable content coding: this server sends gzip or identity",
        ctx.request_id,
        ctx.request.version()
    );
    add_vary(response);
    return response;
}

}  // namespace

AcceptEncoding parse_accept_encoding(std::string_view value) {
    std::optional<bool> gzip;
    std::optional<bool> identity;
    std::optional<bool> any;
    detail::any_list_item(value, [&](std::string_view item) {
        const auto semi = item.find(';');
        const std::string_view coding = trim(item.substr(0, semi));
        const bool accepted = semi == std::string_view::npos || q_above_zero(item.substr(semi + 1));
        if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
            gzip = accepted;
        } else if (iequals(coding, "identity")) {
            identity = accepted;
        } else if (coding == "*") {
            any = accepted;
        }
        return false;
    });
    return {gzip.value_or(any.value_or(false)), identity.value_or(any.value_or(true))};
}

bool is_compressible_type(std::string_view content_type) {
    std::string_view type = trim(content_type.substr(0, content_type.find(';')));
    const auto lower_starts = [&type](std::string_view prefix) {
        return type.size() >= prefix.size() && iequals(type.substr(0, prefix.size()), prefix);
    };
    const auto lower_ends = [&type](std::string_view suffix) {
        return type.size() >= suffix.size() &&
               iequals(type.substr(type.size() - suffix.size()), suffix);
    };
    return lower_starts("text/") || iequals(type, "application/json") ||
           iequals(type, "application/javascript") || iequals(type, "application/xml") ||
           lower_ends("+json") || lower_ends("+xml");
}

std::string_view gzip_etag(std::string_view etag, std::span<char> buffer, std::string& fallback) {
    const bool quoted = etag.size() >= 2 && etag.back() == '"';
    const std::string_view stem = quoted ? etag.substr(0, etag.size() - 1) : etag;
    const std::string_view suffix = quoted ? "-gz\"" : "-gz";
    if (stem.size() + suffix.size() > buffer.size()) {
        fallback = std::string(stem) + std::string(suffix);
        return fallback;
    }
    std::copy(stem.begin(), stem.end(), buffer.begin());
    std::copy(
        suffix.begin(), suffix.end(), buffer.begin() + static_cast<std::ptrdiff_t>(stem.size())
    );
    return {buffer.data(), stem.size() + suffix.size()};
}

CompressionState::CompressionState(const ChainContext& context)
    : compressed(
          counter(context, "scout_http_responses_compressed_total", "Responses sent gzip-encoded")
      ),
      bytes_in(counter(
          context,
          "scout_http_compression_in_bytes_total",
          "Identity size of the responses sent gzip-encoded"
      )),
      bytes_out(counter(
          context,
          "scout_http_compression_out_bytes_total",
          "Encoded size of the responses sent gzip-encoded"
      )) {
    reload(context.config);
}

void CompressionState::reload(const config::Config& next) {
    enabled_.store(next.compression.enabled, std::memory_order_relaxed);
    min_bytes_.store(next.compression.min_bytes, std::memory_order_relaxed);
    level_.store(next.compression.level, std::memory_order_relaxed);
}

CompressionState::Options CompressionState::options() const {
    return {
        enabled_.load(std::memory_order_relaxed),
        min_bytes_.load(std::memory_order_relaxed),
        level_.load(std::memory_order_relaxed)};
}

void Compression::operator()(const http::RequestContext& ctx, http::Response& response) const {
    add_vary(response);
    // No body, or one the handler encoded itself: never encode twice.
    if (!has_content(response) || response.count(field::field::content_encoding) != 0) {
        return;
    }
    const AcceptEncoding accept = parse_accept_encoding(ctx.request[field::field::accept_encoding]);
    const CompressionState::Options options = state_->options();
    const bool gzip = accept.gzip && options.enabled;
    if (!gzip && !accept.identity) {
        response = not_acceptable(ctx);
        return;
    }
    // Small or binary bodies go as they are, unless the client refuses identity.
    const std::size_t size = response.body().size();
    if (!gzip ||
        (accept.identity && (size < options.min_bytes ||
                             !is_compressible_type(response[field::field::content_type])))) {
        return;
    }
    if (const auto& ready = response.body().precompressed_gzip()) {
        response.body() = ready;
    } else {
        std::string encoded;
        try {
            encoded = gzip_compress(response.body().view(), options.level);
        } catch (const std::bad_alloc&) {
            return;  // identity is still a valid answer when accepted
        }
        if (encoded.size() >= size && accept.identity) {
            return;
        }
        response.body() = std::move(encoded);
    }
    response.insert(field::field::content_encoding, "gzip");
    if (const std::string_view etag = response[field::field::etag]; !etag.empty()) {
        std::array<char, 128> buffer{};
        std::string fallback;
        response.set(field::field::etag, gzip_etag(etag, buffer, fallback));
    }
    state_->compressed.inc();
    state_->bytes_in.inc(size);
    state_->bytes_out.inc(response.body().size());
}

}  // namespace scout::middleware
