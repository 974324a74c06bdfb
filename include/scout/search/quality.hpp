// Quality score of a product in [0, 1] (rating, orders, discount, completeness) and the
// threshold filter applied after scoring. Search area; pure functions, thread-safe.
#pragma once

#include <scout/search/product.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace scout::search {

// Relative weights; normalised by their sum. Negative or non-finite weights count as 0; if
// nothing positive is left the defaults are used.
struct QualityWeights {
    double rating = 0.4;
    double orders = 0.3;
    double discount = 0.1;
    double completeness = 0.2;
};

struct QualityOptions {
    QualityWeights weights;
    double unrated_prior = 0.5;              // rating component of an unrated product, in [0, 1]
    std::int64_t orders_cap = 10000;         // orders at which the orders component saturates
    int suspicious_discount_percent = 90;    // discounts above this are not believed...
    double suspicious_discount_score = 0.5;  // ...and score this instead
};

// The four components, each in [0, 1]:
//   rating:       rating / 5, or unrated_prior;
//   orders:       log10(1 + orders) / log10(1 + orders_cap), capped at 1;
//   discount:     discount / suspicious_discount_percent up to it, suspicious_discount_score
//                 above it;
//   completeness: thirds for an image, a shop and an original price.
struct QualityComponents {
    double rating = 0;
    double orders = 0;
    double discount = 0;
    double completeness = 0;
};

QualityComponents quality_components(const Product& product, const QualityOptions& options);

// Weighted mean of the components, clamped to [0, 1].
double quality_score(const Product& product, const QualityOptions& options);

// Sets quality_score on every product.
void score_all(std::vector<Product>& products, const QualityOptions& options);

struct QualityFilter {
    double min_score = 0.0;            // keep quality_score >= min_score
    std::optional<double> min_rating;  // when set: keep rated products with rating >= it
                                       // (unrated products are dropped)
    std::int64_t min_orders = 0;       // keep orders >= min_orders
};

bool passes(const Product& product, const QualityFilter& filter);

// Removes the products that do not pass (order of the others kept); returns how many went.
std::size_t apply_filter(std::vector<Product>& products, const QualityFilter& filter);

}  // namespace scout::search
