// Sort orders a client may ask for and the stable ranking of a result list. Search area; pure
// functions, thread-safe.
#pragma once

#include <scout/search/product.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace scout::search {

enum class SortOrder : std::uint8_t {
    kRelevance,  // upstream order, untouched
    kPriceAsc,
    kPriceDesc,
    kOrders,    // most orders first
    kRating,    // best rated first; unrated after every rated product
    kDiscount,  // biggest discount first
    kQuality,   // highest quality_score first
};

// "relevance", "price_asc", "price_desc", "orders", "rating", "discount", "quality".
std::string_view to_string(SortOrder order) noexcept;

// Inverse of to_string (exact); nullopt for anything else.
std::optional<SortOrder> parse_sort_order(std::string_view text) noexcept;

// Sorts in place. kRelevance leaves the list as it is. The other orders compare their key
// (price: Money::cents, one currency assumed), then quality_score descending, then product_id
// ascending; the sort is stable, so products equal in all three keep their relative order.
void rank(std::vector<Product>& products, SortOrder order);

}  // namespace scout::search
