#include <scout/cache/cache_key.hpp>
#include <scout/core/nearest_name.hpp>
#include <scout/search/money.hpp>
#include <scout/search/request.hpp>
#include <scout/search/text.hpp>

#include "utf8.hpp"

#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <set>

namespace scout::search {
namespace {

using Result = boost::system::result<SearchRequest, ParamError>;

constexpr std::array<std::string_view, 12> kParameters = {
    "q",
    "category_id",
    "min_price",
    "max_price",
    "currency",
    "language",
    "ship_to",
    "sort",
    "page_size",
    "cursor",
    "fields",
    "affiliate"};
// Only in the JSON body of the compatibility endpoint.
constexpr std::array<std::string_view, 2> kCompatParameters = {"keywords", "page_no"};
constexpr std::size_t kMaxQueryCharacters = 200;

ParamError error(std::string parameter, std::string message) {
    return ParamError{std::move(parameter), std::move(message)};
}

// Client text made safe for an error message: bytes outside printable ASCII become '?'.
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte >= 0x20 && byte < 0x7F) ? c : '?';
    }
    return out;
}

// Printable, bounded echo of a client value for error messages.
std::string shown(std::string_view value) {
    return printable(value.substr(0, 40)) + (value.size() > 40 ? "..." : "");
}

std::optional<std::int64_t> parse_int(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::toupper(c));
    });
    return out;
}

bool all_alpha(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isalpha(c) != 0;
    });
}

// Collects raw (already decoded) values, then validates them all in one place.
struct RawParams {
    std::optional<std::string> q;
    std::optional<std::string> category_id;
    std::optional<std::string> min_price;
    std::optional<std::string> max_price;
    std::optional<std::string> currency;
    std::optional<std::string> language;
    std::optional<std::string> ship_to;
    std::optional<std::string> sort;
    std::optional<std::string> page_size;
    std::optional<std::string> cursor;
    std::optional<std::string> fields;
    std::optional<std::string> affiliate;
    std::optional<std::string> page_no;

    std::optional<std::string>* slot(std::string_view name, bool compat) {
        if (name == "q" || (compat && name == "keywords")) {
            return &q;
        }
        if (name == "category_id") {
            return &category_id;
        }
        if (name == "min_price") {
            return &min_price;
        }
        if (name == "max_price") {
            return &max_price;
        }
        if (name == "currency") {
            return &currency;
        }
        if (name == "language") {
            return &language;
        }
        if (name == "ship_to") {
            return &ship_to;
        }
        if (name == "sort") {
            return &sort;
        }
        if (name == "page_size") {
            return &page_size;
        }
        if (name == "cursor") {
            return &cursor;
        }
        if (name == "fields") {
            return &fields;
        }
        if (name == "affiliate") {
            return &affiliate;
        }
        if (compat && name == "page_no") {
            return &page_no;
        }
        return nullptr;
    }
};

// "unknown parameter 'pagesize' (did you mean page_size?); allowed: q, ..." (POST: "field").
ParamError unknown_name(std::string_view name, bool compat) {
    std::vector<std::string_view> known(kParameters.begin(), kParameters.end());
    if (compat) {
        known.insert(known.end(), kCompatParameters.begin(), kCompatParameters.end());
    }
    std::string message =
        std::string(compat ? "unknown field '" : "unknown parameter '") + shown(name) + "'";
    if (const std::string_view near = nearest_name(name, known); !near.empty()) {
        message += " (did you mean " + std::string(near) + "?)";
    }
    message += "; allowed: ";
    for (const std::string_view candidate : known) {
        message += std::string(candidate) + (candidate == known.back() ? "" : ", ");
    }
    return error(shown(name), std::move(message));
}

std::optional<ParamError> assign(
    RawParams& raw, std::string_view name, std::string value, bool compat
) {
    std::optional<std::string>* slot = raw.slot(name, compat);
    if (slot == nullptr) {
        return unknown_name(name, compat);
    }
    if (slot->has_value() && slot == &raw.q) {
        return error("q", "give q (or its alias keywords) once");
    }
    if (slot->has_value()) {
        return error(
            std::string(name), "parameter '" + std::string(name) + "' given more than once"
        );
    }
    *slot = std::move(value);
    return std::nullopt;
}

Result validate(RawParams raw, const RequestDefaults& defaults) {
    SearchRequest request;

    if (!raw.q) {
        return error("q", "q is required (1-200 characters)");
    }
    const std::string cleaned = clean_text(*raw.q);
    // Characters are code points (clean_text leaves valid UTF-8): 200 CJK characters are 600 bytes.
    const std::size_t characters = detail::code_point_count(cleaned);
    if (characters == 0 || characters > kMaxQueryCharacters) {
        return error(
            "q", "q must be 1-200 characters after trimming, got " + std::to_string(characters)
        );
    }
    request.q = cache::normalize_keywords(cleaned);

    if (raw.category_id) {
        const auto id = parse_int(*raw.category_id);
        if (!id || *id <= 0) {
            return error(
                "category_id",
                "category_id must be a positive integer, got '" + shown(*raw.category_id) + "'"
            );
        }
        request.category_id = id;
    }

    request.currency = raw.currency ? normalize_currency(*raw.currency) : defaults.currency;
    if (!is_known_currency(request.currency)) {
        return error(
            "currency",
            "currency must be a supported ISO 4217 code (e.g. USD, EUR, GBP), got '" +
                shown(raw.currency.value_or("")) + "'"
        );
    }
    request.language = raw.language ? upper(*raw.language) : defaults.language;
    if (request.language.size() != 2 || !all_alpha(request.language)) {
        return error(
            "language",
            "language must be a 2-letter code such as EN, got '" + shown(*raw.language) + "'"
        );
    }
    if (raw.ship_to) {
        request.ship_to = upper(*raw.ship_to);
        if (request.ship_to.size() != 2 || !all_alpha(request.ship_to)) {
            return error(
                "ship_to",
                "ship_to must be an ISO 3166 alpha-2 code such as US, got '" + shown(*raw.ship_to) +
                    "'"
            );
        }
    }
    for (auto [name, text, target] :
         {std::tuple{"min_price", &raw.min_price, &request.min_price},
          std::tuple{"max_price", &raw.max_price, &request.max_price}}) {
        if (text->has_value()) {
            const auto cents = parse_decimal_amount(**text, request.currency);
            if (!cents) {
                return error(
                    name,
                    std::string(name) + " must be a decimal number >= 0 with '.' as the decimal " +
                        "point and at most " + std::to_string(minor_digits(request.currency)) +
                        " decimals for " + request.currency + " (such as 12.50), got '" +
                        shown(**text) + "'"
                );
            }
            *target = cents;
        }
    }
    if (request.min_price && request.max_price && *request.min_price > *request.max_price) {
        return error("min_price", "min_price must not be greater than max_price");
    }
    if (raw.sort) {
        const auto sort = parse_sort_order(*raw.sort);
        if (!sort) {
            return error(
                "sort",
                "sort must be one of relevance, price_asc, price_desc, orders, rating, discount, "
                "quality; got '" +
                    shown(*raw.sort) + "'"
            );
        }
        request.sort = *sort;
    }
    if (raw.page_size) {
        const auto size = parse_int(*raw.page_size);
        if (!size || *size < 1 || *size > 50) {
            return error(
                "page_size",
                "page_size must be an integer between 1 and 50, got '" + shown(*raw.page_size) + "'"
            );
        }
        request.page_size = static_cast<int>(*size);
    }
    if (raw.cursor) {
        if (raw.cursor->empty() || raw.cursor->size() > 1024) {
            return error(
                "cursor", "cursor is invalid: pass next_cursor from a previous response unchanged"
            );
        }
        request.cursor = *raw.cursor;
    }
    if (raw.page_no) {
        const auto page = parse_int(*raw.page_no);
        if (!page || *page < 1 || *page > 1000) {
            return error(
                "page_no",
                "page_no must be an integer between 1 and 1000, got '" + shown(*raw.page_no) + "'"
            );
        }
        if (raw.cursor) {
            return error("page_no", "give either cursor or page_no, not both");
        }
        // The depth cursors stop at: a page must start within the first max_depth products.
        const std::int64_t deepest =
            (defaults.max_depth + request.page_size - 1) / request.page_size;
        if (*page > deepest) {
            return error(
                "page_no",
                "page_no must be at most " + std::to_string(deepest) + " at page_size " +
                    std::to_string(request.page_size) + ": results go " +
                    std::to_string(defaults.max_depth) + " products deep, got '" +
                    shown(*raw.page_no) + "'"
            );
        }
        request.page_no = static_cast<int>(*page);
    }
    if (raw.fields) {
        auto fields = parse_fields(*raw.fields);
        if (!fields) {
            return error("fields", fields.error().message);
        }
        request.fields = *fields;
    }
    if (raw.affiliate) {
        if (*raw.affiliate == "true" || *raw.affiliate == "1") {
            request.affiliate = true;
        } else if (*raw.affiliate == "false" || *raw.affiliate == "0") {
            request.affiliate = false;
        } else {
            return error(
                "affiliate", "affiliate must be true or false, got '" + shown(*raw.affiliate) + "'"
            );
        }
    }
    return request;
}

// nlohmann's DOM builder plus what its non-throwing mode drops: where and why the body is
// not JSON, keys repeated at the top level (the DOM would keep the last one silently) and
// nesting deeper than any parameter needs (a megabyte of '[' would cost ~100 MB as a DOM).
class BodyParser {
public:
    using Json = nlohmann::json;
    static constexpr int kMaxDepth = 8;

    explicit BodyParser(Json& out) : dom_(out, false) {}

    // What went wrong, client-facing; meaningful once sax_parse returned false.
    [[nodiscard]] const std::string& problem() const { return problem_; }

    bool null() { return dom_.null(); }
    bool boolean(bool value) { return dom_.boolean(value); }
    bool number_integer(Json::number_integer_t value) { return dom_.number_integer(value); }
    bool number_unsigned(Json::number_unsigned_t value) { return dom_.number_unsigned(value); }
    bool number_float(Json::number_float_t value, const Json::string_t& text) {
        return dom_.number_float(value, text);
    }
    bool string(Json::string_t& value) { return dom_.string(value); }
    bool binary(Json::binary_t& value) { return dom_.binary(value); }
    bool start_object(std::size_t size) { return enter() && dom_.start_object(size); }
    bool end_object() {
        --depth_;
        return dom_.end_object();
    }
    bool start_array(std::size_t size) { return enter() && dom_.start_array(size); }
    bool end_array() {
        --depth_;
        return dom_.end_array();
    }
    bool key(Json::string_t& name) {
        if (depth_ == 1 && !top_keys_.insert(name).second) {
            problem_ = "field '" + shown(name) + "' is given more than once";
            return false;
        }
        return dom_.key(name);
    }
    bool parse_error(
        std::size_t byte, const std::string& /*last_token*/, const nlohmann::detail::exception& ex
    ) {
        // what(): "[json.exception.parse_error.101] parse error at line 1, column 5: ...".
        std::string_view what = ex.what();
        if (const auto end = what.find("] "); what.starts_with("[json.") && end != what.npos) {
            what.remove_prefix(end + 2);
        }
        problem_ = "the body is not valid JSON (byte " + std::to_string(byte) +
                   "): " + printable(what.substr(0, 300));
        return false;
    }

private:
    bool enter() {
        if (++depth_ > kMaxDepth) {
            problem_ = "the body nests objects or arrays deeper than " + std::to_string(kMaxDepth) +
                       " levels";
            return false;
        }
        return true;
    }

    nlohmann::detail::json_sax_dom_parser<Json> dom_;
    int depth_ = 0;
    std::set<std::string> top_keys_;
    std::string problem_;
};

// A body field as the text its query-string form would have: strings as they are, numbers and
// booleans printed, `fields` also as a list of names.
using FieldText = boost::system::result<std::string, ParamError>;

FieldText field_text(const std::string& name, const nlohmann::json& value) {
    // in_place_value: ParamError is also constructible from a string.
    const auto text = [](std::string t) {
        return FieldText(boost::system::in_place_value, std::move(t));
    };
    if (value.is_string()) {
        return text(value.get<std::string>());
    }
    if (value.is_number()) {
        return text(value.dump());
    }
    if (value.is_boolean()) {
        return text(value.get<bool>() ? "true" : "false");
    }
    if (value.is_array() && name == "fields") {
        std::string names;
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (!value[i].is_string()) {
                return error(
                    "fields",
                    "fields[" + std::to_string(i) + "] must be a field name (a string), got " +
                        std::string(value[i].type_name())
                );
            }
            names += (i == 0 ? "" : ",") + value[i].get<std::string>();
        }
        return text(std::move(names));
    }
    return error(
        shown(name),
        "field '" + shown(name) + "' must be a string, number or boolean" +
            (name == "fields" ? " (or a list of names)" : "") + ", got " +
            std::string(value.type_name())
    );
}

}  // namespace

boost::system::result<SearchRequest, ParamError> parse_query_string(
    std::string_view query, const RequestDefaults& defaults
) {
    // Boost.URL 1.81's parse_query reads its argument as a NUL-terminated string: pass an
    // owned copy.
    const std::string owned(query);
    auto parsed = boost::urls::parse_query(owned);
    if (!parsed) {
        return error("query", "the query string is not valid percent-encoding");
    }
    boost::urls::encoding_opts plus_is_space;
    plus_is_space.space_as_plus = true;
    RawParams raw;
    for (const auto& param : *parsed) {
        std::string name = param.key.decode(plus_is_space);
        std::string value = param.has_value ? param.value.decode(plus_is_space) : std::string();
        if (auto problem = assign(raw, name, std::move(value), false)) {
            return *problem;
        }
    }
    return validate(std::move(raw), defaults);
}

boost::system::result<SearchRequest, ParamError> parse_json_body(
    std::string_view body, const RequestDefaults& defaults
) {
    nlohmann::json json;
    BodyParser parser(json);
    if (!nlohmann::json::sax_parse(body, &parser)) {
        return error("body", parser.problem());
    }
    if (!json.is_object()) {
        return error(
            "body", "the body must be a JSON object, got " + std::string(json.type_name())
        );
    }
    RawParams raw;
    for (const auto& [name, value] : json.items()) {
        if (value.is_null()) {
            continue;
        }
        auto text = field_text(name, value);
        if (!text) {
            return text.error();
        }
        if (auto problem = assign(raw, name, std::move(*text), true)) {
            return *problem;
        }
    }
    return validate(std::move(raw), defaults);
}

std::vector<std::pair<std::string, std::string>> query_identity(const SearchRequest& request) {
    std::vector<std::pair<std::string, std::string>> params = {
        {"q", request.q},
        {"currency", request.currency},
        {"language", request.language},
        {"sort", std::string(to_string(request.sort))},
        {"affiliate", request.affiliate ? "1" : "0"},
    };
    if (request.category_id) {
        params.emplace_back("category_id", std::to_string(*request.category_id));
    }
    if (request.min_price) {
        params.emplace_back("min_price", std::to_string(*request.min_price));
    }
    if (request.max_price) {
        params.emplace_back("max_price", std::to_string(*request.max_price));
    }
    if (!request.ship_to.empty()) {
        params.emplace_back("ship_to", request.ship_to);
    }
    return params;
}

nlohmann::json query_json(const SearchRequest& request) {
    nlohmann::json query = {
        {"q", request.q},
        {"currency", request.currency},
        {"language", request.language},
        {"sort", to_string(request.sort)},
        {"page_size", request.page_size},
        {"affiliate", request.affiliate},
        {"fields", to_string(request.fields)},
    };
    query["category_id"] =
        request.category_id ? nlohmann::json(*request.category_id) : nlohmann::json(nullptr);
    query["min_price"] = request.min_price
                             ? nlohmann::json(format_amount(*request.min_price, request.currency))
                             : nlohmann::json(nullptr);
    query["max_price"] = request.max_price
                             ? nlohmann::json(format_amount(*request.max_price, request.currency))
                             : nlohmann::json(nullptr);
    query["ship_to"] =
        request.ship_to.empty() ? nlohmann::json(nullptr) : nlohmann::json(request.ship_to);
    return query;
}

}  // namespace scout::search
