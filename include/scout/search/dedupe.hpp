// Removes duplicate products from a result list: the same product_id, and near-duplicates (same
// shop, near-identical normalised titles). Search area; pure functions, thread-safe.
#pragma once

#include <scout/search/product.hpp>

#include <cstddef>
#include <string_view>
#include <vector>

namespace scout::search {

struct DedupeOptions {
    // Near-duplicate threshold on token_set_similarity(); > 1 disables near-duplicate removal.
    double title_similarity = 0.9;
};

struct DedupeReport {
    std::size_t same_id = 0;         // dropped because their product_id was already present
    std::size_t near_duplicate = 0;  // dropped as near-duplicates within a shop

    [[nodiscard]] std::size_t total() const noexcept { return same_id + near_duplicate; }
};

// Jaccard similarity of the sets of distinct space-separated tokens: |A ∩ B| / |A ∪ B|, in
// [0, 1]. (Not the fuzzywuzzy token_set_ratio, which scores any subset as 100: "usb cable" vs
// "usb cable holder stand" would be a duplicate there; here it is 0.5.) 0 when either side has
// no token.
double token_set_similarity(std::string_view normalized_a, std::string_view normalized_b);

// 1. Same product_id: keep the one with the higher quality_score (the earlier on a tie).
// 2. Within each shop (products without a shop are never near-duplicates): products are visited
//    best score first (input order on ties); one whose normalized_title is at least
//    `title_similarity` similar to an already kept product of the same shop is dropped.
// Survivors keep their input order. O(n log n) + O(k^2) per shop of k products.
DedupeReport dedupe(std::vector<Product>& products, const DedupeOptions& options = {});

}  // namespace scout::search
