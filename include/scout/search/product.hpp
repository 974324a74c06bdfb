// The clean product model Scout serves, the client-selectable field set and the JSON shape of
// one product in a /search response. Search area; plain values and pure functions, thread-safe.
#pragma once

#include <scout/search/money.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scout::search {

struct Shop {
    std::int64_t id = 0;  // > 0
    std::string name;     // cleaned; may be empty

    bool operator==(const Shop&) const = default;
};

// One product after validation (validator.hpp); every field is sane and display-ready.
struct Product {
    std::int64_t product_id = 0;               // > 0
    std::string title;                         // clean_text(): valid UTF-8, trimmed, never empty
    Money price;                               // > 0, known currency
    std::optional<Money> original_price;       // same currency, > price
    int discount_percent = 0;                  // 0..100
    std::optional<double> rating;              // 0.0..5.0, one decimal; nullopt = unrated
    std::int64_t orders = 0;                   // >= 0
    std::string image_url;                     // absolute http(s) or empty
    std::string product_url;                   // absolute http(s)
    std::optional<std::string> affiliate_url;  // absolute http(s) when present
    std::optional<Shop> shop;
    std::int64_t category_id = 0;  // 0 when unknown
    double quality_score = 0.0;    // [0, 1], set by quality.hpp
    std::string normalized_title;  // normalize_title(title), for dedupe and suggestions

    bool operator==(const Product&) const = default;
};

// The fields a client may select, in output order.
enum class Field : std::uint8_t {
    kProductId,
    kTitle,
    kPrice,
    kOriginalPrice,
    kDiscountPercent,
    kRating,
    kOrders,
    kImageUrl,
    kProductUrl,
    kAffiliateUrl,
    kShop,
    kCategoryId,
    kQualityScore,
};
inline constexpr std::size_t kFieldCount = 13;

// JSON key of a field ("product_id", "original_price", ...).
std::string_view to_string(Field field) noexcept;

// Inverse of to_string (exact, case-sensitive); nullopt for unknown names.
std::optional<Field> parse_field(std::string_view name) noexcept;

// A set of fields (a bit set; cheap to copy).
class FieldSet {
public:
    constexpr FieldSet() = default;

    static constexpr FieldSet all() noexcept {
        FieldSet set;
        set.bits_ = (1u << kFieldCount) - 1;
        return set;
    }

    constexpr FieldSet& insert(Field field) noexcept {
        bits_ |= bit(field);
        return *this;
    }
    [[nodiscard]] constexpr bool contains(Field field) const noexcept {
        return (bits_ & bit(field)) != 0;
    }
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
    [[nodiscard]] std::size_t size() const noexcept;

    constexpr bool operator==(const FieldSet&) const = default;

private:
    static constexpr std::uint32_t bit(Field field) noexcept {
        return 1u << static_cast<unsigned>(field);
    }

    std::uint32_t bits_ = 0;
};

// Canonical comma-separated list in output order ("product_id,title,price"); the same set
// always gives the same text, so it can be part of a cache key. all() -> every field.
std::string to_string(FieldSet fields);

// Why a `fields` parameter was refused. `field` is the offending name (sanitised and cut to
// 64 bytes, safe to echo), empty when the list named no field at all.
struct FieldsError {
    std::string field;
    std::string message;  // client-facing: "unknown field 'foo'; allowed: product_id, ..."
};

// Found by ADL from result<FieldSet, FieldsError>::value(); throws std::invalid_argument.
[[noreturn]] void throw_exception_from_error(
    const FieldsError& error, const boost::source_location& location
);

// Parses "product_id,title,price": names separated by commas, blanks around names ignored,
// empty items skipped, duplicates allowed. Fails on the first unknown name, or when no name is
// given at all.
boost::system::result<FieldSet, FieldsError> parse_fields(std::string_view list);

// The JSON object of one product with only `fields`, keys as in to_string(Field):
//   product_id: string (int64 stays exact in JavaScript); title: string;
//   price, original_price: {"amount": "12.99", "currency": "USD"} (original_price may be null);
//   discount_percent, orders, category_id: integers; rating: number or null;
//   image_url, product_url: strings (image_url may be ""); affiliate_url: string or null;
//   shop: {"id": integer, "name": string} or null (shop ids are far below 2^53); quality_score:
//   number rounded to 3 decimals.
// Strings are copied as they are: serialise with an error handler (or only validated products,
// whose text is valid UTF-8).
nlohmann::json to_json(const Product& product, FieldSet fields = FieldSet::all());

}  // namespace scout::search
