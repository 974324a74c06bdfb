// A /search request: its parameters parsed and validated from a query string (GET /search)
// or a JSON body (POST /api/products/smart-search), normalised, and turned into the
// canonical form that keys the cache and fingerprints cursors. Pure functions; thread-safe.
#pragma once

#include <scout/search/features.hpp>
#include <scout/search/product.hpp>
#include <scout/search/ranking.hpp>

#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scout::search {

struct SearchRequest {
    std::string q;  // normalised keywords (trimmed, collapsed, lower-case)
    std::optional<std::int64_t> category_id;
    std::optional<std::int64_t> min_price;  // minor units of `currency`
    std::optional<std::int64_t> max_price;  // minor units of `currency`
    std::string currency;                   // ISO 4217, upper-case
    std::string language;                   // upper-case, e.g. "EN"
    std::string ship_to;                    // ISO 3166 alpha-2, upper-case, or empty
    SortOrder sort = SortOrder::kRelevance;
    int page_size = 20;          // 1..50
    std::string cursor;          // opaque, from a previous response
    std::optional<int> page_no;  // 1-based page (compatibility endpoint only)
    FieldSet fields = FieldSet::all();
    bool affiliate = true;
    // Not a parameter: what the feature flags let this client use (all on unless set).
    Features features;
};

// What was wrong, client-facing: the parameter and what is allowed.
struct ParamError {
    std::string parameter;
    std::string message;
};

struct RequestDefaults {
    std::string currency = "USD";
    std::string language = "EN";
    // How deep results go, in products (SearchOptions::max_upstream_pages x upstream_page_size,
    // where the cursor walk ends): a page_no starting deeper is a 400 naming the limit.
    std::int64_t max_depth = 100 * 50;
};

// GET /search?... (raw query string, percent-encoded, '+' = space).
boost::system::result<SearchRequest, ParamError> parse_query_string(
    std::string_view query, const RequestDefaults& defaults
);

// POST /api/products/smart-search: a JSON object with the same parameters (numbers may be
// JSON numbers or strings), `keywords` as an alias of `q`, and `page_no` accepted (a page
// number instead of a cursor).
boost::system::result<SearchRequest, ParamError> parse_json_body(
    std::string_view body, const RequestDefaults& defaults
);

// The normalised parameters that identify the result set (not the page position): the
// cursor fingerprint covers these, so a cursor only works for the query that made it.
std::vector<std::pair<std::string, std::string>> query_identity(const SearchRequest& request);

// The normalised parameters as JSON for the response's "query" object.
nlohmann::json query_json(const SearchRequest& request);

}  // namespace scout::search
