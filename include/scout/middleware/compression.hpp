// compression: gzip on every route, as a response hook (no coroutine frame). When the client
// accepts gzip (Accept-Encoding with q-values, "*", identity;q=0) and the body is at least
// compression.min_bytes of a compressible type, the body is sent gzip-encoded: the bytes the
// handler attached already compressed (a cache hit's L1 entry) when there are some, else
// compressed here at compression.level. Vary: Accept-Encoding on every response; a body
// already encoded is never encoded again; an ETag becomes the gzip representation's own.
// A client that accepts neither gzip nor identity gets 406. Options are reloadable.
#pragma once

#include <scout/middleware/chain.hpp>

#include <atomic>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace scout::middleware {

// What an Accept-Encoding value allows (RFC 9110 12.5.3): a coding is acceptable when listed
// with q > 0, or not listed and "*" has q > 0; identity is acceptable unless refused by name
// or by "*;q=0". An empty value (or no header) allows identity only.
struct AcceptEncoding {
    bool gzip = false;
    bool identity = true;
};
[[nodiscard]] AcceptEncoding parse_accept_encoding(std::string_view value);

// Whether a Content-Type names text that compresses (text/*, JSON, XML, JavaScript, SVG).
[[nodiscard]] bool is_compressible_type(std::string_view content_type);

// The ETag of the gzip representation: `"abc"` -> `"abc-gz"`, into `buffer` when it fits,
// else into `fallback`.
[[nodiscard]] std::string_view gzip_etag(
    std::string_view etag, std::span<char> buffer, std::string& fallback
);

// Built once per process: the live options and the counters.
class CompressionState {
public:
    explicit CompressionState(const ChainContext& context);
    void reload(const config::Config& next);

    struct Options {
        bool enabled;
        std::size_t min_bytes;
        int level;
    };
    [[nodiscard]] Options options() const;

    monitoring::Counter& compressed;  // responses sent gzip-encoded
    monitoring::Counter& bytes_in;    // their identity size
    monitoring::Counter& bytes_out;   // their encoded size

private:
    std::atomic<bool> enabled_;
    std::atomic<std::size_t> min_bytes_;
    std::atomic<int> level_;
};

class Compression {
public:
    explicit Compression(CompressionState& state) : state_(&state) {}
    void operator()(const http::RequestContext& ctx, http::Response& response) const;

private:
    CompressionState* state_;
};

}  // namespace scout::middleware
