#include <scout/search/ranking.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace scout::search {
namespace {

constexpr std::array<std::string_view, 7> kOrderNames{
    "relevance",
    "price_asc",
    "price_desc",
    "orders",
    "rating",
    "discount",
    "quality",
};

// NaN never appears in a scored product; if it does, it sorts last rather than breaking the
// strict weak ordering.
double score_key(const Product& p) {
    return std::isnan(p.quality_score) ? -1.0 : p.quality_score;
}

// -1: a before b, 1: b before a, 0: equal on the primary key.
template <typename Key>
int compare_desc(const Key& a, const Key& b) {
    return a > b ? -1 : (b > a ? 1 : 0);
}

int primary(const Product& a, const Product& b, SortOrder order) {
    switch (order) {
        case SortOrder::kPriceAsc:
            return -compare_desc(a.price.cents, b.price.cents);
        case SortOrder::kPriceDesc:
            return compare_desc(a.price.cents, b.price.cents);
        case SortOrder::kOrders:
            return compare_desc(a.orders, b.orders);
        case SortOrder::kRating:
            if (a.rating.has_value() != b.rating.has_value()) {
                return a.rating.has_value() ? -1 : 1;
            }
            return a.rating ? compare_desc(*a.rating, *b.rating) : 0;
        case SortOrder::kDiscount:
            return compare_desc(a.discount_percent, b.discount_percent);
        case SortOrder::kQuality:
        case SortOrder::kRelevance:
            return 0;
    }
    return 0;
}

}  // namespace

std::string_view to_string(SortOrder order) noexcept {
    return kOrderNames[static_cast<std::size_t>(order)];
}

std::optional<SortOrder> parse_sort_order(std::string_view text) noexcept {
    for (std::size_t i = 0; i < kOrderNames.size(); ++i) {
        if (kOrderNames[i] == text) {
            return static_cast<SortOrder>(i);
        }
    }
    return std::nullopt;
}

void rank(std::vector<Product>& products, SortOrder order) {
    if (order == SortOrder::kRelevance) {
        return;
    }
    std::stable_sort(products.begin(), products.end(), [order](const Product& a, const Product& b) {
        if (const int c = primary(a, b, order); c != 0) {
            return c < 0;
        }
        if (const int c = compare_desc(score_key(a), score_key(b)); c != 0) {
            return c < 0;
        }
        return a.product_id < b.product_id;
    });
}

}  // namespace scout::search
