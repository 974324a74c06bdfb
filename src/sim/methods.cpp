#include "sim/methods.hpp"

#include "sim/currency.hpp"
#include "sim/product_json.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <unordered_set>
#include <vector>

namespace scout::sim {

namespace {

constexpr std::array<std::string_view, 5> kMethodNames{{
    "aliexpress.affiliate.product.query",
    "aliexpress.affiliate.hotproduct.query",
    "aliexpress.affiliate.productdetail.get",
    "aliexpress.affiliate.link.generate",
    "aliexpress.affiliate.category.get",
}};

std::optional<std::int64_t> parse_int(std::string_view text) {
    if (text.empty() || text.size() > 18) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.front() == '-') {
        return std::nullopt;
    }
    return value;
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

// Non-empty, trimmed items of a comma-separated list.
std::vector<std::string_view> split_list(std::string_view list) {
    std::vector<std::string_view> items;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        const auto end = comma == std::string_view::npos ? list.size() : comma;
        const std::string_view item = trim(list.substr(start, end - start));
        if (!item.empty()) {
            items.push_back(item);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return items;
}

GatewayError invalid(std::string param, std::string detail) {
    return GatewayError{ErrorKind::kInvalidParameter, std::move(param), std::move(detail), 0};
}

GatewayError missing(std::string param) {
    return GatewayError{ErrorKind::kMissingParameter, std::move(param), {}, 0};
}

std::optional<SortOrder> parse_sort(std::string_view text, bool hot) {
    if (text == "SALE_PRICE_ASC") {
        return SortOrder::kSalePriceAsc;
    }
    if (text == "SALE_PRICE_DESC") {
        return SortOrder::kSalePriceDesc;
    }
    if (text == "LAST_VOLUME_ASC") {
        return SortOrder::kVolumeAsc;
    }
    if (text == "LAST_VOLUME_DESC") {
        return SortOrder::kVolumeDesc;
    }
    if (hot && text == "DISCOUNT_ASC") {
        return SortOrder::kDiscountAsc;
    }
    if (hot && text == "DISCOUNT_DESC") {
        return SortOrder::kDiscountDesc;
    }
    return std::nullopt;
}

std::optional<PlatformType> parse_platform(std::string_view text) {
    if (text == "ALL") {
        return PlatformType::kAll;
    }
    if (text == "PLAZA") {
        return PlatformType::kPlaza;
    }
    if (text == "TMALL") {
        return PlatformType::kTmall;
    }
    return std::nullopt;
}

std::optional<GatewayError> check_int(
    const Params& params, std::string_view name, std::int64_t min, std::int64_t max
) {
    const std::string* value = find_param(params, name);
    if (value == nullptr) {
        return std::nullopt;
    }
    const auto parsed = parse_int(*value);
    if (!parsed) {
        return invalid(std::string(name), "must be a non-negative integer");
    }
    if (*parsed < min || *parsed > max) {
        return invalid(
            std::string(name),
            "must be between " + std::to_string(min) + " and " + std::to_string(max)
        );
    }
    return std::nullopt;
}

std::optional<GatewayError> check_currency(const Params& params) {
    const std::string* currency = find_param(params, "target_currency");
    if (currency != nullptr && find_currency(*currency) == nullptr) {
        return invalid("target_currency", "unsupported currency " + *currency);
    }
    return std::nullopt;
}

std::optional<GatewayError> validate_search(const Params& params, bool hot) {
    if (auto e = check_int(params, "page_no", 1, 1000000)) {
        return e;
    }
    if (auto e = check_int(params, "page_size", 1, kMaxPageSize)) {
        return e;
    }
    constexpr std::int64_t kMaxPrice = 1'000'000'000'000LL;
    if (auto e = check_int(params, "min_sale_price", 0, kMaxPrice)) {
        return e;
    }
    if (auto e = check_int(params, "max_sale_price", 0, kMaxPrice)) {
        return e;
    }
    if (auto e = check_int(params, "delivery_days", 1, 365)) {
        return e;
    }
    if (const std::string* ids = find_param(params, "category_ids")) {
        for (const auto item : split_list(*ids)) {
            if (!parse_int(item)) {
                return invalid("category_ids", "not a numeric id: " + std::string(item));
            }
        }
    }
    if (const std::string* sort = find_param(params, "sort")) {
        if (!parse_sort(*sort, hot)) {
            return invalid("sort", "unsupported sort " + *sort);
        }
    }
    if (const std::string* platform = find_param(params, "platform_product_type")) {
        if (!parse_platform(*platform)) {
            return invalid("platform_product_type", "expected ALL, PLAZA or TMALL");
        }
    }
    return check_currency(params);
}

std::optional<GatewayError> validate_detail(const Params& params) {
    const std::string* ids = find_param(params, "product_ids");
    if (ids == nullptr || trim(*ids).empty()) {
        return missing("product_ids");
    }
    const auto items = split_list(*ids);
    if (items.size() > kMaxDetailIds) {
        return invalid("product_ids", "at most " + std::to_string(kMaxDetailIds) + " ids per call");
    }
    for (const auto item : items) {
        if (!parse_int(item)) {
            return invalid("product_ids", "not a numeric id: " + std::string(item));
        }
    }
    return check_currency(params);
}

std::optional<GatewayError> validate_link(const Params& params) {
    const std::string* sources = find_param(params, "source_values");
    if (sources == nullptr || split_list(*sources).empty()) {
        return missing("source_values");
    }
    if (split_list(*sources).size() > kMaxLinkSources) {
        return invalid(
            "source_values", "at most " + std::to_string(kMaxLinkSources) + " values per call"
        );
    }
    const std::string* tracking = find_param(params, "tracking_id");
    if (tracking == nullptr || trim(*tracking).empty()) {
        return missing("tracking_id");
    }
    if (auto e = check_int(params, "promotion_link_type", 0, 2)) {
        return e;
    }
    return std::nullopt;
}

std::string_view param_or(const Params& params, std::string_view name, std::string_view fallback) {
    const std::string* value = find_param(params, name);
    return value == nullptr ? fallback : std::string_view(*value);
}

std::optional<std::int64_t> int_param(const Params& params, std::string_view name) {
    const std::string* value = find_param(params, name);
    return value == nullptr ? std::nullopt : parse_int(*value);
}

RenderContext render_context(const Params& params, const MethodSettings& settings, Rng& rng) {
    RenderContext ctx;
    ctx.currency = find_currency(param_or(params, "target_currency", "USD"));
    ctx.tracking_id = param_or(params, "tracking_id", "");
    ctx.ship_to_country = param_or(params, "ship_to_country", "US");
    if (ctx.ship_to_country.empty()) {
        ctx.ship_to_country = "US";
    }
    ctx.per_call_rng = settings.live_like ? &rng : nullptr;
    return ctx;
}

Json wrap_products(Json products) {
    Json wrapped = Json::object();
    wrapped["product"] = std::move(products);
    return wrapped;
}

Json run_search(
    const Params& params,
    const Catalogue& catalogue,
    const MethodSettings& settings,
    Rng& rng,
    bool hot
) {
    SearchQuery query;
    query.keywords = param_or(params, "keywords", "");
    if (const std::string* ids = find_param(params, "category_ids")) {
        for (const auto item : split_list(*ids)) {
            query.category_ids.push_back(parse_int(item).value_or(0));
        }
    }
    query.currency = find_currency(param_or(params, "target_currency", "USD"));
    query.min_price = int_param(params, "min_sale_price");
    query.max_price = int_param(params, "max_sale_price");
    if (const auto days = int_param(params, "delivery_days")) {
        query.max_ship_days = static_cast<int>(*days);
    }
    if (const std::string* platform = find_param(params, "platform_product_type")) {
        query.platform = parse_platform(*platform);
    }
    if (const std::string* sort = find_param(params, "sort")) {
        query.sort = parse_sort(*sort, hot).value_or(SortOrder::kRelevance);
    }
    query.hot_only = hot;
    query.partial_match_share = catalogue.quirks().rate(Quirk::kWeakRelevance);

    const std::int64_t page_no = int_param(params, "page_no").value_or(1);
    const std::int64_t page_size = int_param(params, "page_size").value_or(hot ? 50 : 20);
    // Only the requested page (plus the live-like swap window) needs ordering.
    query.sorted_limit =
        page_no <= settings.max_page ? static_cast<std::size_t>(page_no * page_size + 1) : 0;
    std::vector<std::uint32_t> matches = catalogue.search(query);
    auto total = static_cast<std::int64_t>(matches.size());

    std::vector<std::uint32_t> page;
    if (page_no <= settings.max_page) {
        std::int64_t start = (page_no - 1) * page_size;
        if (settings.live_like && page_no > 1 &&
            rng.chance(catalogue.quirks().rate(Quirk::kDuplicateAcrossPages))) {
            start = std::max<std::int64_t>(0, start - rng.between(1, 2));  // overlap
        }
        if (start < total) {
            const std::int64_t end = std::min(total, start + page_size);
            // One extra item beyond the page lets adjacent swaps move items across pages.
            const std::int64_t window_end = std::min(total, end + 1);
            std::vector<std::uint32_t> window(
                matches.begin() + start, matches.begin() + window_end
            );
            if (settings.live_like) {
                for (std::size_t k = 0; k + 1 < window.size(); ++k) {
                    if (rng.chance(0.1)) {
                        std::swap(window[k], window[k + 1]);
                    }
                }
            }
            window.resize(static_cast<std::size_t>(end - start));
            page = std::move(window);
        }
    }
    if (settings.live_like && total >= 250) {
        const double jitter = (rng.unit() * 2.0 - 1.0) * 0.004 * static_cast<double>(total);
        total += static_cast<std::int64_t>(jitter);
    }

    const RenderContext ctx = render_context(params, settings, rng);
    Json result = Json::object();
    result["current_page_no"] = page_no;
    result["current_record_count"] = page.size();
    result["total_record_count"] = total;
    if (!page.empty()) {
        Json products = Json::array();
        for (const std::uint32_t i : page) {
            products.push_back(render_product(catalogue, catalogue.products()[i], ctx));
        }
        result["products"] = wrap_products(std::move(products));
    }
    return result;
}

Json run_detail(
    const Params& params, const Catalogue& catalogue, const MethodSettings& settings, Rng& rng
) {
    const RenderContext ctx = render_context(params, settings, rng);
    Json products = Json::array();
    std::unordered_set<std::int64_t> seen;
    for (const auto item : split_list(param_or(params, "product_ids", ""))) {
        const auto id = parse_int(item);
        if (!id || !seen.insert(*id).second) {
            continue;
        }
        const Product* product = catalogue.find(*id);
        if (product != nullptr && product->affiliate()) {  // others are silently absent
            products.push_back(render_product(catalogue, *product, ctx));
        }
    }
    Json result = Json::object();
    result["current_record_count"] = products.size();
    if (!products.empty()) {
        result["products"] = wrap_products(std::move(products));
    }
    return result;
}

Json run_link(
    const Params& params, const Catalogue& catalogue, const MethodSettings& settings, Rng& rng
) {
    Json links = Json::array();
    std::size_t generated = 0;
    for (const auto source : split_list(param_or(params, "source_values", ""))) {
        std::string link;
        if (const auto id = product_id_from_source(source)) {
            const Product* product = catalogue.find(*id);
            if (product != nullptr && product->affiliate()) {
                link = short_promotion_link(rng);
                ++generated;
            }
        }
        Json entry = Json::object();
        entry["promotion_link"] = std::move(link);
        entry["source_value"] = source;
        links.push_back(std::move(entry));
    }
    if (settings.live_like) {  // callers must match by source_value, not by position
        for (std::size_t k = links.size(); k > 1; --k) {
            std::swap(links[k - 1], links[rng.below(k)]);
        }
    }
    Json wrapped = Json::object();
    wrapped["promotion_link"] = std::move(links);
    Json result = Json::object();
    result["promotion_links"] = std::move(wrapped);
    result["total_result_count"] = generated;
    result["tracking_id"] = trim(param_or(params, "tracking_id", ""));
    return result;
}

Json run_categories(const Catalogue& catalogue) {
    Json list = Json::array();
    for (const auto& category : catalogue.categories()) {
        Json entry = Json::object();
        if (category.id_as_string) {
            entry["category_id"] = std::to_string(category.id);
        } else {
            entry["category_id"] = category.id;
        }
        entry["category_name"] = category.name;
        if (category.parent_id != 0) {
            if (category.id_as_string) {
                entry["parent_category_id"] = std::to_string(category.parent_id);
            } else {
                entry["parent_category_id"] = category.parent_id;
            }
        }
        list.push_back(std::move(entry));
    }
    Json result = Json::object();
    result["total_result_count"] = list.size();
    Json wrapped = Json::object();
    wrapped["category"] = std::move(list);
    result["categories"] = std::move(wrapped);
    return result;
}

}  // namespace

std::optional<ApiMethod> api_method_from_name(std::string_view name) {
    for (std::size_t i = 0; i < kMethodNames.size(); ++i) {
        if (kMethodNames[i] == name) {
            return static_cast<ApiMethod>(i);
        }
    }
    return std::nullopt;
}

std::string_view api_method_name(ApiMethod method) {
    return kMethodNames[static_cast<std::size_t>(method)];
}

std::optional<GatewayError> validate_business(ApiMethod method, const Params& params) {
    switch (method) {
        case ApiMethod::kProductQuery:
            return validate_search(params, false);
        case ApiMethod::kHotProductQuery:
            return validate_search(params, true);
        case ApiMethod::kProductDetail:
            return validate_detail(params);
        case ApiMethod::kLinkGenerate:
            return validate_link(params);
        case ApiMethod::kCategoryGet:
            return std::nullopt;
    }
    return std::nullopt;
}

Json run_method(
    ApiMethod method,
    const Params& params,
    const Catalogue& catalogue,
    const MethodSettings& settings,
    Rng& rng
) {
    switch (method) {
        case ApiMethod::kProductQuery:
            return run_search(params, catalogue, settings, rng, false);
        case ApiMethod::kHotProductQuery:
            return run_search(params, catalogue, settings, rng, true);
        case ApiMethod::kProductDetail:
            return run_detail(params, catalogue, settings, rng);
        case ApiMethod::kLinkGenerate:
            return run_link(params, catalogue, settings, rng);
        case ApiMethod::kCategoryGet:
            return run_categories(catalogue);
    }
    return Json::object();
}

}  // namespace scout::sim
