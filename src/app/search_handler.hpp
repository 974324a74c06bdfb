// HTTP glue of the search API: GET /search and POST /api/products/smart-search (the older
// Python service's endpoint, same pipeline and response). Parses parameters (400 naming the
// parameter), runs the worker's SearchService and answers with the cached representation:
// body, its ETag and its pre-compressed gzip (which the conditional and compression
// middlewares use), X-Cache and Cache-Control.
// One per worker; not thread-safe.
#pragma once

#include <scout/http/pipeline.hpp>
#include <scout/search/service.hpp>
#include <scout/upstream/errors.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace scout::app {

// Raw query string of a GET /search -> the cache key its page is stored under, so a repeated
// URL skips parsing, normalisation and key hashing on a cache hit. The mapping is a pure
// function of the query string for the life of the process (the request defaults, the cursor
// secret and the upstream page size are fixed at start-up; none is reloadable), so entries
// never go stale; only a valid request's key is remembered. Bounded: at `capacity` entries the
// table starts over, and queries longer than kMaxQueryBytes are not remembered.
// One per worker; not thread-safe.
class HotKeys {
public:
    static constexpr std::size_t kMaxQueryBytes = 512;

    explicit HotKeys(std::size_t capacity) : capacity_(capacity) {}

    // The key remembered for `query`, or null.
    [[nodiscard]] const std::string* find(std::string_view query) const;
    void remember(std::string_view query, const std::string& key);
    [[nodiscard]] std::size_t size() const { return keys_.size(); }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };

    std::size_t capacity_;
    std::unordered_map<std::string, std::string, Hash, std::equal_to<>> keys_;
};

class SearchHandler {
public:
    enum class Input { kQueryString, kJsonBody };

    SearchHandler(
        std::shared_ptr<search::SearchService> service,
        search::RequestDefaults defaults,
        Input input
    )
        : service_(std::move(service)),
          defaults_(std::move(defaults)),
          input_(input),
          hot_keys_(input == Input::kQueryString ? std::make_shared<HotKeys>(kHotKeys) : nullptr) {}

    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    static constexpr std::size_t kHotKeys = 4096;

    // The response when the URL was seen before and its page is fresh in L1, else nothing.
    [[nodiscard]] std::optional<http::Response> answer_from_cache(http::RequestContext& ctx) const;
    // Parses the request and runs the search service (L1, L2, single-flight, upstream).
    [[nodiscard]] awaitable<http::Response> search(http::RequestContext& ctx) const;

    // The response for a search outcome: the cached representation or the error.
    [[nodiscard]] http::Response respond(
        http::RequestContext& ctx, const search::SearchResult& result
    ) const;

    std::shared_ptr<search::SearchService> service_;
    search::RequestDefaults defaults_;
    Input input_;
    // GET only (a POST body is not memoised); shared by the copies of this handler (one worker).
    std::shared_ptr<HotKeys> hot_keys_;
};

// The client-facing answer to a failed upstream call: 503 (+ Retry-After) while the breaker
// is open or the upstream rate-limits us, 504 on timeouts, 502 otherwise.
http::Response upstream_error_response(
    const upstream::UpstreamError& error, const http::RequestContext& ctx
);

}  // namespace scout::app
