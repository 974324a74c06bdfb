// Fuzz target: the /search parameters from a query string (GET /search) and from a JSON body
// (POST /api/products/smart-search), with the validation behind both. Either a request within
// the documented bounds or a ParamError naming a parameter; the normalised query renders as
// strict JSON and its identity is stable; errors echo the input only in printable form.
#include <scout/search/request.hpp>

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using scout::fuzz::check;
using scout::search::ParamError;
using scout::search::SearchRequest;

void check_request(const SearchRequest& request) {
    check(!request.q.empty() && request.q.size() <= 800, "q length");
    check(request.page_size >= 1 && request.page_size <= 50, "page_size within 1..50");
    check(!request.page_no || *request.page_no >= 1, "page_no >= 1");
    check(!request.category_id || *request.category_id > 0, "category_id > 0");
    check(!request.min_price || *request.min_price >= 0, "min_price >= 0");
    check(!request.max_price || *request.max_price >= 0, "max_price >= 0");
    check(
        !request.min_price || !request.max_price || *request.min_price <= *request.max_price,
        "min_price <= max_price"
    );
    check(request.currency.size() == 3, "currency is a 3-letter code");
    check(request.language.size() == 2, "language is a 2-letter code");
    check(request.cursor.size() <= 1024, "cursor length");
    scout::fuzz::check_strict_json(scout::search::query_json(request), "query_json is UTF-8");
    check(
        scout::search::query_identity(request) == scout::search::query_identity(request),
        "query_identity is deterministic"
    );
}

void check_error(const ParamError& error) {
    // The parameter may be "" when the client sent an empty name ("=x"): that is its name.
    check(!error.message.empty(), "ParamError has a message");
    // Echoed input is cut and made printable, so the message needs no replacement characters.
    scout::fuzz::check_strict_json(
        {{"parameter", error.parameter}, {"message", error.message}}, "ParamError is UTF-8"
    );
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    static const scout::search::RequestDefaults defaults;
    for (const auto parse : {&scout::search::parse_query_string, &scout::search::parse_json_body}) {
        const auto parsed = parse(input, defaults);
        if (parsed) {
            check_request(*parsed);
        } else {
            check_error(parsed.error());
        }
    }
    return 0;
}
