// Micro-benchmarks of writing a cache-hit response: Scout's head formatter (append_head, then
// head and body go out in one gather write) against Beast's serializer walking the same
// message. Both produce the same bytes; the benchmark copies them into one buffer, as a socket
// write would.
#include <scout/http/response.hpp>

#include <benchmark/benchmark.h>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/serializer.hpp>

#include <memory>
#include <string>

namespace {

namespace bhttp = boost::beast::http;
using scout::http::Response;

// A /search cache hit as the handler builds it: ten header fields, a shared 15 KB body.
Response hit_response() {
    Response response{bhttp::status::ok, 11};
    response.insert(bhttp::field::content_type, "application/json");
    response.insert(bhttp::field::etag, "\"2efb13dc1d2ec1d10c2b189d73e6579d\"");
    response.insert(bhttp::field::vary, "Accept-Encoding");
    response.insert(bhttp::field::cache_control, "public, max-age=299");
    response.insert("X-Cache", "HIT");
    response.insert("X-Cache-L2", "ok");
    response.insert("X-Request-ID", "d6d2e13c49f0cd001b4fe3bd2279cf58");
    response.body() = std::make_shared<const std::string>(15'702, 'x');
    response.keep_alive(true);
    response.prepare_payload();
    return response;
}

void BM_WriteHitAppendHead(benchmark::State& state) {
    const Response response = hit_response();
    std::string head;
    std::string wire;
    for (auto _ : state) {
        head.clear();
        scout::http::append_head(response, head);
        wire.assign(head);
        wire.append(response.body().view());
        benchmark::DoNotOptimize(wire.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_WriteHitAppendHead);

void BM_WriteHitBeastSerializer(benchmark::State& state) {
    const Response response = hit_response();
    std::string wire;
    for (auto _ : state) {
        wire.clear();
        bhttp::serializer<false, scout::http::SharedBody> serializer(response);
        boost::system::error_code ec;
        while (!serializer.is_done() && !ec) {
            serializer.next(ec, [&](boost::system::error_code& /*ec*/, const auto& buffers) {
                std::size_t bytes = 0;
                for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
                    wire.append(static_cast<const char*>(buffer.data()), buffer.size());
                    bytes += buffer.size();
                }
                serializer.consume(bytes);
            });
        }
        benchmark::DoNotOptimize(wire.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_WriteHitBeastSerializer);

}  // namespace
