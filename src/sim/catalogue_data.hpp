// Static vocabulary of scout-sim's generated catalogue: the category tree (ids, names,
// share of products, title nouns and attributes, price band) and word lists for brands
// and shops. Constant data; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace scout::sim::data {

struct TopCategorySpec {
    std::int64_t id;
    std::string_view name;
    bool test;  // a test entry of the production list (no products)
};

struct SubcategorySpec {
    std::int64_t parent_id;
    std::int64_t id;
    std::string_view name;
    std::uint32_t weight;         // relative share of generated products
    std::string_view nouns;       // '|'-separated core product phrases
    std::string_view attributes;  // '|'-separated title attributes
    std::int32_t min_cents;       // USD price band of the sale price
    std::int32_t max_cents;
};

std::span<const TopCategorySpec> top_categories();
std::span<const SubcategorySpec> subcategories();

std::span<const std::string_view> brand_words();
std::span<const std::string_view> title_prefixes();  // "2024 New", "Original", ...
std::span<const std::string_view> title_tails();     // "Free Shipping", "Dropshipping", ...
std::span<const std::string_view> shop_words();

}  // namespace scout::sim::data
