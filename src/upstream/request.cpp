#include <scout/core/currency.hpp>
#include <scout/upstream/request.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace scout::upstream {
namespace {

template <typename Range>
std::string join_ids(const Range& ids) {
    std::string out;
    for (const std::int64_t id : ids) {
        if (!out.empty()) {
            out.push_back(',');
        }
        out.append(std::to_string(id));
    }
    return out;
}

void put_if_not_empty(Params& params, std::string_view name, std::string value) {
    if (!value.empty()) {
        params.insert_or_assign(std::string(name), std::move(value));
    }
}

void put_if_positive(Params& params, std::string_view name, int value) {
    if (value > 0) {
        params.insert_or_assign(std::string(name), std::to_string(value));
    }
}

std::int64_t pow10(int digits) {
    std::int64_t out = 1;
    for (int i = 0; i < digits; ++i) {
        out *= 10;
    }
    return out;
}

// Floor / ceiling division for a positive divisor.
std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
    std::int64_t q = value / divisor;
    if (value % divisor != 0 && value < 0) {
        --q;
    }
    return q;
}

std::int64_t ceil_div(std::int64_t value, std::int64_t divisor) {
    std::int64_t q = value / divisor;
    if (value % divisor != 0 && value > 0) {
        ++q;
    }
    return q;
}

// A price in minor units of a currency with `from_digits` decimals, re-expressed with
// `to_digits` decimals: exact when gaining digits (saturating), else rounded down for a
// lower bound and up for an upper bound, so the filter never excludes a matching item.
std::int64_t rescale(std::int64_t amount, int from_digits, int to_digits, bool round_up) {
    if (to_digits >= from_digits) {
        std::int64_t out = 0;
        if (__builtin_mul_overflow(amount, pow10(to_digits - from_digits), &out)) {
            return amount < 0 ? std::numeric_limits<std::int64_t>::min()
                              : std::numeric_limits<std::int64_t>::max();
        }
        return out;
    }
    const std::int64_t divisor = pow10(from_digits - to_digits);
    return round_up ? ceil_div(amount, divisor) : floor_div(amount, divisor);
}

std::string upper_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

}  // namespace

Params build_request(
    std::string_view method,
    Params business,
    const Credentials& creds,
    SignMethod sign_method,
    std::chrono::system_clock::time_point now
) {
    Params params = std::move(business);
    params.erase(std::string(kSignParam));

    const auto epoch_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    params.insert_or_assign("app_key", trim_credential(creds.app_key));
    params.insert_or_assign("method", std::string(method));
    params.insert_or_assign("timestamp", std::to_string(epoch_ms));
    params.insert_or_assign("sign_method", std::string(to_string(sign_method)));
    params.insert_or_assign("format", "json");
    if (sign_method == SignMethod::kSha256) {
        params.insert_or_assign("simplify", "false");
        params.erase("v");
    } else {
        params.insert_or_assign("v", "2.0");
        params.erase("simplify");
    }

    // Never send an empty parameter: the TOP reference signer skips them while the IOP SDK
    // signs them, so only "absent" is unambiguous.
    std::erase_if(params, [](const auto& entry) { return entry.second.empty(); });

    const std::string secret = trim_credential(creds.app_secret);
    std::string signature = sign(params, secret, sign_method);
    params.insert_or_assign(std::string(kSignParam), std::move(signature));
    return params;
}

std::string_view to_string(ProductSort sort) {
    switch (sort) {
        case ProductSort::kRelevance:
            return {};
        case ProductSort::kSalePriceAsc:
            return "SALE_PRICE_ASC";
        case ProductSort::kSalePriceDesc:
            return "SALE_PRICE_DESC";
        case ProductSort::kLastVolumeAsc:
            return "LAST_VOLUME_ASC";
        case ProductSort::kLastVolumeDesc:
            return "LAST_VOLUME_DESC";
        case ProductSort::kDiscountAsc:
            return "DISCOUNT_ASC";
        case ProductSort::kDiscountDesc:
            return "DISCOUNT_DESC";
    }
    return {};
}

Params to_params(const ProductQuery& query) {
    Params params;
    put_if_not_empty(params, "keywords", query.keywords);
    put_if_not_empty(params, "category_ids", join_ids(query.category_ids));
    put_if_positive(params, "page_no", query.page_no);
    put_if_positive(params, "page_size", query.page_size);
    put_if_not_empty(params, "sort", std::string(to_string(query.sort)));

    const int digits = currency::minor_digits(upper_ascii(query.target_currency));
    const int wire_digits = query.price_unit == PriceUnit::kMajor ? 0 : 2;
    if (query.min_sale_price) {
        const std::int64_t wire = rescale(*query.min_sale_price, digits, wire_digits, false);
        params.insert_or_assign("min_sale_price", std::to_string(wire));
    }
    if (query.max_sale_price) {
        const std::int64_t wire = rescale(*query.max_sale_price, digits, wire_digits, true);
        params.insert_or_assign("max_sale_price", std::to_string(wire));
    }
    put_if_not_empty(params, "target_currency", query.target_currency);
    put_if_not_empty(params, "target_language", query.target_language);
    put_if_not_empty(params, "ship_to_country", query.ship_to_country);
    put_if_not_empty(params, "tracking_id", query.tracking_id);
    return params;
}

std::string encode_source_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == ',') {
            out.append("%2C");
        } else {
            out.push_back(c);
        }
    }
    return out;
}

Params to_params(const LinkGenerate& request) {
    Params params;
    std::string joined;
    for (const std::string& value : request.source_values) {
        if (value.empty()) {
            continue;
        }
        if (!joined.empty()) {
            joined.push_back(',');
        }
        joined.append(encode_source_value(value));
    }
    put_if_not_empty(params, "source_values", std::move(joined));
    params.insert_or_assign(
        "promotion_link_type", std::to_string(static_cast<int>(request.promotion_link_type))
    );
    put_if_not_empty(params, "tracking_id", request.tracking_id);
    return params;
}

Params to_params(const ProductDetail& request) {
    Params params;
    put_if_not_empty(params, "product_ids", join_ids(request.product_ids));
    put_if_not_empty(params, "target_currency", request.target_currency);
    put_if_not_empty(params, "target_language", request.target_language);
    put_if_not_empty(params, "country", request.country);
    put_if_not_empty(params, "tracking_id", request.tracking_id);
    return params;
}

Params to_params(const CategoryGet& /*request*/) {
    return {};
}

Params redact_for_log(const Params& params) {
    Params out = params;
    for (const std::string_view name :
         {kSignParam,
          std::string_view("app_secret"),
          std::string_view("access_token"),
          std::string_view("session")}) {
        if (const auto it = out.find(name); it != out.end()) {
            out.erase(it);
        }
    }
    return out;
}

}  // namespace scout::upstream
