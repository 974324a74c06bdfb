#include <scout/search/product.hpp>

#include <boost/throw_exception.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace scout::search {
namespace {

constexpr std::array<std::string_view, kFieldCount> kFieldNames{
    "product_id",
    "title",
    "price",
    "original_price",
    "discount_percent",
    "rating",
    "orders",
    "image_url",
    "product_url",
    "affiliate_url",
    "shop",
    "category_id",
    "quality_score",
};

constexpr std::size_t kMaxEchoedField = 64;

// Client input echoed in an error message: printable ASCII only, cut to a sane length.
std::string sanitize_for_echo(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, kMaxEchoedField)) {
        out.push_back((c >= 0x20 && c < 0x7F) ? c : '?');
    }
    return out;
}

std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

nlohmann::json money_json(const Money& money) {
    return {{"amount", format_amount(money.cents, money.currency)}, {"currency", money.currency}};
}

}  // namespace

std::string_view to_string(Field field) noexcept {
    return kFieldNames[static_cast<std::size_t>(field)];
}

std::optional<Field> parse_field(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kFieldCount; ++i) {
        if (kFieldNames[i] == name) {
            return static_cast<Field>(i);
        }
    }
    return std::nullopt;
}

std::size_t FieldSet::size() const noexcept {
    return static_cast<std::size_t>(std::popcount(bits_));
}

std::string to_string(FieldSet fields) {
    std::string out;
    for (std::size_t i = 0; i < kFieldCount; ++i) {
        if (fields.contains(static_cast<Field>(i))) {
            if (!out.empty()) {
                out.push_back(',');
            }
            out += kFieldNames[i];
        }
    }
    return out;
}

void throw_exception_from_error(const FieldsError& error, const boost::source_location& location) {
    boost::throw_exception(std::invalid_argument(error.message), location);
}

boost::system::result<FieldSet, FieldsError> parse_fields(std::string_view list) {
    FieldSet fields;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t end = list.find(',', start);
        if (end == std::string_view::npos) {
            end = list.size();
        }
        const std::string_view name = trim_blanks(list.substr(start, end - start));
        if (!name.empty()) {
            const auto field = parse_field(name);
            if (!field) {
                std::string allowed;
                for (const std::string_view known : kFieldNames) {
                    allowed += allowed.empty() ? "" : ", ";
                    allowed += known;
                }
                std::string echoed = sanitize_for_echo(name);
                std::string message = "unknown field '" + echoed + "'; allowed: " + allowed;
                return FieldsError{std::move(echoed), std::move(message)};
            }
            fields.insert(*field);
        }
        start = end + 1;
    }
    if (fields.empty()) {
        return FieldsError{"", "fields must name at least one field"};
    }
    return fields;
}

nlohmann::json to_json(const Product& product, FieldSet fields) {
    nlohmann::json out = nlohmann::json::object();
    const auto want = [&](Field field) { return fields.contains(field); };
    if (want(Field::kProductId)) {
        out["product_id"] = std::to_string(product.product_id);
    }
    if (want(Field::kTitle)) {
        out["title"] = product.title;
    }
    if (want(Field::kPrice)) {
        out["price"] = money_json(product.price);
    }
    if (want(Field::kOriginalPrice)) {
        out["original_price"] =
            product.original_price ? money_json(*product.original_price) : nlohmann::json(nullptr);
    }
    if (want(Field::kDiscountPercent)) {
        out["discount_percent"] = product.discount_percent;
    }
    if (want(Field::kRating)) {
        out["rating"] = product.rating ? nlohmann::json(*product.rating) : nlohmann::json(nullptr);
    }
    if (want(Field::kOrders)) {
        out["orders"] = product.orders;
    }
    if (want(Field::kImageUrl)) {
        out["image_url"] = product.image_url;
    }
    if (want(Field::kProductUrl)) {
        out["product_url"] = product.product_url;
    }
    if (want(Field::kAffiliateUrl)) {
        out["affiliate_url"] = product.affiliate_url ? nlohmann::json(*product.affiliate_url)
                                                     : nlohmann::json(nullptr);
    }
    if (want(Field::kShop)) {
        out["shop"] = product.shop
                          ? nlohmann::json{{"id", product.shop->id}, {"name", product.shop->name}}
                          : nlohmann::json(nullptr);
    }
    if (want(Field::kCategoryId)) {
        out["category_id"] = product.category_id;
    }
    if (want(Field::kQualityScore)) {
        out["quality_score"] = std::round(product.quality_score * 1000.0) / 1000.0;
    }
    return out;
}

}  // namespace scout::search
