// HTTP glue of the search API: GET /search and POST /api/products/smart-search (the older
// Python service's endpoint, same pipeline and response). Parses parameters (400 naming the
// parameter), runs the worker's SearchService and answers with the cached representation:
// body, its ETag and its pre-compressed gzip (which the conditional and compression
// middlewares use), X-Cache and Cache-Control.
// One per worker; not thread-safe.
#pragma once

#include <scout/http/pipeline.hpp>
#include <scout/search/features.hpp>
#include <scout/search/service.hpp>
#include <scout/upstream/errors.hpp>

#include <array>
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
    static constexpr std::size_t kDefaultCapacity = 4096;

    explicit HotKeys(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

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

    // `flags` (shared, outlives the handler) decides per client what it may use; null: all.
    SearchHandler(
        std::shared_ptr<search::SearchService> service,
        search::RequestDefaults defaults,
        Input input,
        const search::FeatureFlags* flags = nullptr
    )
        : service_(std::move(service)),
          defaults_(std::move(defaults)),
          input_(input),
          flags_(flags),
          hot_keys_(input == Input::kQueryString ? std::make_shared<VariantKeys>() : nullptr) {}

    awaitable<http::Response> operator()(http::RequestContext& ctx) const;

private:
    // One table per page variant: a URL names a different page when ranking or validation is
    // off for the client.
    using VariantKeys = std::array<HotKeys, search::Features::kPageVariants>;

    // The response when the URL was seen before and its page is fresh in L1, else nothing.
    [[nodiscard]] std::optional<http::Response> answer_from_cache(
        http::RequestContext& ctx, search::Features features
    ) const;
    // Parses the request and runs the search service (L1, L2, single-flight, upstream).
    [[nodiscard]] awaitable<http::Response> search(
        http::RequestContext& ctx, search::Features features
    ) const;

    // The response for a search outcome: the cached representation or the error.
    [[nodiscard]] http::Response respond(
        http::RequestContext& ctx, const search::SearchResult& result
    ) const;

    std::shared_ptr<search::SearchService> service_;
    search::RequestDefaults defaults_;
    Input input_;
    const search::FeatureFlags* flags_;
    // GET only (a POST body is not memoised); shared by the copies of this handler (one worker).
    std::shared_ptr<VariantKeys> hot_keys_;
};

// The key a client is rolled out by: the peer's address without its port ("ip:port" or
// "[v6]:port"). The rate limiter's client key (a trusted proxy's X-Forwarded-For) replaces it
// once that exists.
std::string_view client_key(const http::RequestContext& ctx);

// The client-facing answer to a failed upstream call: 503 (+ Retry-After) while the breaker
// is open or the upstream rate-limits us, 504 on timeouts, 502 otherwise.
http::Response upstream_error_response(
    const upstream::UpstreamError& error, const http::RequestContext& ctx
);

}  // namespace scout::app
