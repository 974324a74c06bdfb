#include <scout/upstream/response.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace scout::upstream {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxBodySnippet = 120;

const json* member(const json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

json* member(json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::string string_field(const json& object, std::string_view key) {
    const json* value = member(object, key);
    return value == nullptr ? std::string() : read_string(*value);
}

std::optional<std::int64_t> int_field(const json& object, std::string_view key) {
    const json* value = member(object, key);
    return value == nullptr ? std::nullopt : read_int64(*value);
}

// Counts (not ids) may also arrive as integral floats ("224.0" never seen, 224.0 possible
// from a generic serialiser); ids never accept floats.
std::int64_t count_field(const json& object, std::string_view key) {
    const json* value = member(object, key);
    if (value == nullptr) {
        return 0;
    }
    if (const auto n = read_int64(*value)) {
        return *n;
    }
    if (value->is_number_float()) {
        const double d = value->get<double>();
        // 2^63 is exactly representable; anything below it converts without overflow.
        if (std::isfinite(d) && d == std::floor(d) && d >= -9.2233720368547758e18 &&
            d < 9.2233720368547758e18) {
            return static_cast<std::int64_t>(d);
        }
    }
    return 0;
}

// Elements of a list that may be wrapped one level ({"product": [...]}) or bare ([...]).
// A wrapped single object ({"product": {...}}, as XML-to-JSON converters produce) counts
// as a one-element list.
std::vector<const json*> list_items(
    const json& container, std::string_view key, std::string_view element_key
) {
    std::vector<const json*> items;
    const json* list = member(container, key);
    if (list == nullptr) {
        return items;
    }
    if (list->is_object()) {
        list = member(*list, element_key);
        if (list == nullptr) {
            return items;
        }
        if (list->is_object()) {
            items.push_back(list);
            return items;
        }
    }
    if (list->is_array()) {
        items.reserve(list->size());
        for (const json& item : *list) {
            items.push_back(&item);
        }
    }
    return items;
}

std::string body_snippet(std::string_view body) {
    std::string out;
    for (const char c : body.substr(0, kMaxBodySnippet)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20U || u == 0x7FU ? ' ' : c);
    }
    if (body.size() > kMaxBodySnippet) {
        out.append("...");
    }
    return out;
}

UpstreamError gateway_error_from(const json& error, const json& root, int http_status) {
    std::string message = string_field(error, "msg");
    if (message.empty()) {
        message = string_field(error, "message");
    }
    std::string request_id = string_field(error, "request_id");
    if (request_id.empty()) {
        request_id = string_field(root, "request_id");
    }
    return make_gateway_error(
        string_field(error, "code"),
        string_field(error, "type"),
        string_field(error, "sub_code"),
        std::move(message),
        string_field(error, "sub_msg"),
        std::move(request_id),
        http_status
    );
}

std::string response_key(std::string_view method) {
    std::string key(method);
    for (char& c : key) {
        if (c == '.') {
            c = '_';
        }
    }
    key.append("_response");
    return key;
}

UpstreamError bad_response(std::string message, int http_status) {
    return make_upstream_error(upstream_errc::kBadResponse, std::move(message), http_status);
}

RawProduct parse_product(const json& p, std::int64_t product_id) {
    RawProduct out;
    out.product_id = product_id;
    out.sku_id = int_field(p, "sku_id");
    out.title = string_field(p, "product_title");
    out.detail_url = string_field(p, "product_detail_url");
    out.promotion_link = string_field(p, "promotion_link");
    out.main_image_url = string_field(p, "product_main_image_url");
    for (const json* url : list_items(p, "product_small_image_urls", "string")) {
        std::string s = read_string(*url);
        if (!s.empty()) {
            out.small_image_urls.push_back(std::move(s));
        }
    }
    out.video_url = string_field(p, "product_video_url");
    out.sale_price = string_field(p, "sale_price");
    out.sale_price_currency = string_field(p, "sale_price_currency");
    out.original_price = string_field(p, "original_price");
    out.original_price_currency = string_field(p, "original_price_currency");
    out.target_sale_price = string_field(p, "target_sale_price");
    out.target_sale_price_currency = string_field(p, "target_sale_price_currency");
    out.target_original_price = string_field(p, "target_original_price");
    out.target_original_price_currency = string_field(p, "target_original_price_currency");
    out.discount = string_field(p, "discount");
    out.evaluate_rate = string_field(p, "evaluate_rate");
    out.lastest_volume = count_field(p, "lastest_volume");
    out.commission_rate = string_field(p, "commission_rate");
    out.hot_product_commission_rate = string_field(p, "hot_product_commission_rate");
    out.first_level_category_id = int_field(p, "first_level_category_id").value_or(0);
    out.first_level_category_name = string_field(p, "first_level_category_name");
    out.second_level_category_id = int_field(p, "second_level_category_id").value_or(0);
    out.second_level_category_name = string_field(p, "second_level_category_name");
    out.shop_id = int_field(p, "shop_id").value_or(0);
    out.shop_url = string_field(p, "shop_url");
    out.shop_name = string_field(p, "shop_name");
    out.ship_to_days = string_field(p, "ship_to_days");
    return out;
}

}  // namespace

std::optional<std::int64_t> read_int64(const json& value) {
    if (value.is_number_unsigned()) {
        const auto u = value.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(u);
    }
    if (value.is_number_integer()) {
        return value.get<std::int64_t>();
    }
    if (!value.is_string()) {
        return std::nullopt;  // floats (ids must never pass through double), bools, null...
    }
    std::string_view s = value.get_ref<const std::string&>();
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
    }
    if (s.empty()) {
        return std::nullopt;
    }
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return out;
}

std::string read_string(const json& value) {
    switch (value.type()) {
        case json::value_t::string:
            return value.get<std::string>();
        case json::value_t::number_integer:
            return std::to_string(value.get<std::int64_t>());
        case json::value_t::number_unsigned:
            return std::to_string(value.get<std::uint64_t>());
        case json::value_t::number_float:
        case json::value_t::boolean:
            return value.dump();
        default:
            return {};
    }
}

boost::system::result<json, UpstreamError> unwrap(
    std::string_view method,
    int http_status,
    std::string_view body,
    std::string_view retry_after_header
) {
    json root = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);

    if (http_status != 200) {
        // A gateway error envelope says more than the bare status (e.g. the ban length).
        if (const json* error = member(root, "error_response"); error && error->is_object()) {
            return gateway_error_from(*error, root, http_status);
        }
        std::string message = "HTTP " + std::to_string(http_status);
        if (!body.empty()) {
            message.append(": ").append(body_snippet(body));
        }
        return make_http_status_error(
            http_status, std::move(message), parse_retry_after_header(retry_after_header)
        );
    }

    if (root.is_discarded()) {
        return bad_response("body is not valid JSON: " + body_snippet(body), http_status);
    }
    if (!root.is_object()) {
        return bad_response("body is not a JSON object: " + body_snippet(body), http_status);
    }
    if (const json* error = member(root, "error_response")) {
        if (error->is_object()) {
            return gateway_error_from(*error, root, http_status);
        }
        return bad_response("error_response is not an object", http_status);
    }

    const std::string key = response_key(method);
    json* response = member(root, key);
    if (response == nullptr) {
        // IOP /rest style: the error fields sit at top level; code "0" means success.
        if (const json* code = member(root, "code")) {
            const std::string code_text = read_string(*code);
            if (!code_text.empty() && code_text != "0") {
                return gateway_error_from(root, root, http_status);
            }
        }
        return bad_response("missing " + key, http_status);
    }
    if (!response->is_object()) {
        return bad_response(key + " is not an object", http_status);
    }
    const std::string request_id = string_field(*response, "request_id");
    json* resp_result = member(*response, "resp_result");
    if (resp_result == nullptr || !resp_result->is_object()) {
        return bad_response(key + ".resp_result missing or not an object", http_status);
    }
    const auto resp_code = int_field(*resp_result, "resp_code");
    if (!resp_code) {
        return bad_response(key + ".resp_result.resp_code missing or not an integer", http_status);
    }
    if (*resp_code != 200) {
        const int code = *resp_code > std::numeric_limits<int>::max() ||
                                 *resp_code < std::numeric_limits<int>::min()
                             ? -1
                             : static_cast<int>(*resp_code);
        return make_business_error(
            code, string_field(*resp_result, "resp_msg"), request_id, http_status
        );
    }
    json* result = member(*resp_result, "result");
    if (result == nullptr || result->is_null()) {
        return json::object();
    }
    if (!result->is_object()) {
        return bad_response(key + ".resp_result.result is not an object", http_status);
    }
    return std::move(*result);
}

ProductPage parse_product_page(const json& result) {
    ProductPage page;
    page.current_page_no = count_field(result, "current_page_no");
    page.current_record_count = count_field(result, "current_record_count");
    page.total_record_count = count_field(result, "total_record_count");
    const auto items = list_items(result, "products", "product");
    page.products.reserve(items.size());
    for (const json* item : items) {
        const auto id = item->is_object() ? int_field(*item, "product_id") : std::nullopt;
        if (!id || *id <= 0) {
            ++page.skipped;
            continue;
        }
        page.products.push_back(parse_product(*item, *id));
    }
    return page;
}

ProductPage parse_product_detail(const json& result) {
    return parse_product_page(result);
}

std::vector<PromotionLink> parse_promotion_links(const json& result) {
    std::vector<PromotionLink> links;
    for (const json* item : list_items(result, "promotion_links", "promotion_link")) {
        if (!item->is_object()) {
            continue;
        }
        PromotionLink link;
        link.source_value = string_field(*item, "source_value");
        if (link.source_value.empty()) {
            continue;
        }
        link.promotion_link = string_field(*item, "promotion_link");
        links.push_back(std::move(link));
    }
    return links;
}

std::vector<Category> parse_categories(const json& result) {
    std::vector<Category> categories;
    for (const json* item : list_items(result, "categories", "category")) {
        if (!item->is_object()) {
            continue;
        }
        const auto id = int_field(*item, "category_id");
        if (!id || *id <= 0) {
            continue;
        }
        Category category;
        category.id = *id;
        category.name = string_field(*item, "category_name");
        if (const auto parent = int_field(*item, "parent_category_id"); parent && *parent > 0) {
            category.parent_id = *parent;
        }
        categories.push_back(std::move(category));
    }
    return categories;
}

}  // namespace scout::upstream
