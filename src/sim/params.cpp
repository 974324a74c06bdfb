#include "sim/params.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>

#include <string>

namespace scout::sim {

namespace {

Result<Params> decode_into(std::string_view encoded, Params params) {
    if (encoded.empty()) {
        return params;
    }
    // Boost.URL 1.81's parse_query() rebuilds its view from s.data() as a C string, so the
    // input must be NUL-terminated right at its end: parse an owned copy, never a sub-view.
    const std::string owned(encoded);
    auto parsed = boost::urls::parse_query(owned);
    if (!parsed) {
        return fail("malformed x-www-form-urlencoded data: " + parsed.error().message());
    }
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    for (const auto& param : *parsed) {
        std::string key = param.key.decode(opts);
        if (key.empty()) {
            continue;  // "a=1&&b=2" or a stray "=x"
        }
        std::string value = param.has_value ? param.value.decode(opts) : std::string();
        params.insert_or_assign(std::move(key), std::move(value));
    }
    return params;
}

}  // namespace

Result<Params> parse_form(std::string_view encoded) {
    return decode_into(encoded, Params{});
}

Result<Params> collect_params(std::string_view target, std::string_view form_body) {
    std::string_view query;
    if (!target.empty()) {
        auto url = boost::urls::parse_origin_form(target);
        if (!url) {
            return fail("malformed request target: " + url.error().message());
        }
        query = url->encoded_query();
    }
    auto merged = decode_into(query, Params{});
    if (!merged) {
        return merged;
    }
    return decode_into(form_body, std::move(*merged));
}

const std::string* find_param(const Params& params, std::string_view name) {
    const auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
}

}  // namespace scout::sim
