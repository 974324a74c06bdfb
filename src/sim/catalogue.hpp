// scout-sim's product catalogue: categories, shops and products generated deterministically
// from a seed, with the messy-data quirk decisions fixed per product, plus a token index for
// keyword search. Immutable after construction; safe to share between threads.
#pragma once

#include "sim/currency.hpp"
#include "sim/quirks.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace scout::sim {

struct CatalogueOptions {
    std::uint64_t seed = 42;   // same seed + size + quirk rates -> identical catalogue
    std::size_t size = 20000;  // number of products
    QuirkRates quirks = QuirkRates::defaults();
};

struct Category {
    std::int64_t id = 0;
    std::string name;
    std::int64_t parent_id = 0;  // 0 for a top-level category
    bool test = false;           // test entry of the production list (never has products)
    bool id_as_string = false;   // quirk: ids rendered as JSON strings
};

struct Shop {
    std::int64_t id = 0;
    std::string name;
};

enum class PlatformType : std::uint8_t { kPlaza, kTmall, kAll };

// Per-product decisions (quirks and a few plain attributes), fixed at generation.
enum class ProductFlag : std::uint32_t {
    kIdAsString = 1U << 0U,
    kVolumeAsString = 1U << 1U,
    kHasVideo = 1U << 2U,
    kEmptyVideoUrl = 1U << 3U,
    kProtocolRelative = 1U << 4U,
    kCurrencyText = 1U << 5U,
    kThousands = 1U << 6U,
    kPriceRange = 1U << 7U,
    kMissingShopName = 1U << 8U,
    kMissingOriginalPrice = 1U << 9U,
    kBareSmallImages = 1U << 10U,
    kMissingSmallImages = 1U << 11U,
    kInvalidZeroPrice = 1U << 12U,
    kInvalidNegativePrice = 1U << 13U,
    kInvalidNoDetailUrl = 1U << 14U,
    kTrackingQuery = 1U << 15U,
    kRegionalHost = 1U << 16U,
    kNonAffiliate = 1U << 17U,
    kFreeTextShipDays = 1U << 18U,
    kNearDuplicate = 1U << 19U,
    kDoubleSpace = 1U << 20U,
    kEnDash = 1U << 21U,
    kHtmlEntity = 1U << 22U,
    kMojibake = 1U << 23U,
    kMissingPromotionLink = 1U << 24U,
    kTitleCutMidWord = 1U << 24U,
    kTitleCut = 1U << 25U,  // title was longer than 128 characters
};

struct Product {
    std::int64_t id = 0;
    std::int64_t sku_id = 0;  // always > 2^53
    std::string title;        // as served (quirks applied, at most 128 code points)
    std::uint64_t media_seed = 0;
    std::uint32_t shop = 0;         // index into Catalogue::shops()
    std::uint16_t category = 0;     // index of the second-level category
    std::uint16_t first_level = 0;  // index of its top-level category
    std::int32_t sale_cents = 0;    // USD; 0 or negative only for invalid products
    std::int32_t original_cents = 0;
    std::int32_t app_sale_cents = 0;
    std::int32_t volume = 0;
    std::uint16_t evaluate_permille = 0;  // 953 = "95.3%", 0 = unrated
    std::uint16_t commission_bp = 0;      // 700 = "7.0%", 0 = outside the affiliate programme
    std::uint16_t hot_commission_bp = 0;  // 0 = not a hot product
    std::uint16_t market_commission_bp = 0;
    std::uint8_t discount_percent = 0;
    std::uint8_t ship_days = 7;
    std::uint8_t image_host = 0;
    std::uint8_t small_images = 0;
    PlatformType platform = PlatformType::kPlaza;
    std::uint32_t flags = 0;
    float popularity = 0.0F;  // base of the relevance order

    [[nodiscard]] bool has(ProductFlag flag) const {
        return (flags & static_cast<std::uint32_t>(flag)) != 0;
    }
    [[nodiscard]] bool affiliate() const { return commission_bp > 0; }
};

enum class SortOrder {
    kRelevance,
    kSalePriceAsc,
    kSalePriceDesc,
    kVolumeAsc,
    kVolumeDesc,
    kDiscountAsc,
    kDiscountDesc,
};

struct SearchQuery {
    std::string_view keywords;               // empty = no keyword filter
    std::vector<std::int64_t> category_ids;  // first- or second-level; empty = any
    std::optional<std::int64_t> min_price;   // hundredths of `currency`, inclusive
    std::optional<std::int64_t> max_price;
    const Currency* currency = nullptr;  // nullptr = USD
    SortOrder sort = SortOrder::kRelevance;
    bool hot_only = false;                 // hotproduct.query
    std::optional<int> max_ship_days;      // delivery_days
    std::optional<PlatformType> platform;  // PLAZA / TMALL filter
    double partial_match_share = 0.0;      // weak relevance: partial matches appended,
                                           // at most this share of the full matches
    std::size_t sorted_limit =
        static_cast<std::size_t>(-1);  // only this many leading
                                       // results are ordered; the rest follow in
                                       // unspecified order (the count stays exact)
};

// Lower-case ASCII alphanumeric runs, plural 's' stripped, stop words and one-letter tokens
// dropped. Used for both titles and queries.
std::vector<std::string> search_tokens(std::string_view text);

class Catalogue {
public:
    explicit Catalogue(const CatalogueOptions& options);

    [[nodiscard]] const CatalogueOptions& options() const { return options_; }
    [[nodiscard]] const QuirkRates& quirks() const { return options_.quirks; }
    [[nodiscard]] std::span<const Category> categories() const { return categories_; }
    [[nodiscard]] std::span<const Shop> shops() const { return shops_; }
    [[nodiscard]] std::span<const Product> products() const { return products_; }

    // Any product, affiliate or not; nullptr when unknown.
    [[nodiscard]] const Product* find(std::int64_t product_id) const;
    [[nodiscard]] const Category* find_category(std::int64_t category_id) const;
    [[nodiscard]] const Category& category_of(const Product& product) const {
        return categories_[product.category];
    }
    [[nodiscard]] const Category& first_level_of(const Product& product) const {
        return categories_[product.first_level];
    }
    [[nodiscard]] const Shop& shop_of(const Product& product) const { return shops_[product.shop]; }

    // Indices into products() of the affiliate products matching `query`, in result order.
    [[nodiscard]] std::vector<std::uint32_t> search(const SearchQuery& query) const;

private:
    struct Matches {
        std::vector<std::uint32_t> full;     // every keyword matches (ascending index)
        std::vector<std::uint32_t> partial;  // some keywords match (weak relevance)
        std::uint64_t query_hash = 0x1234567;
    };

    void build_categories();
    void build_shops();
    void build_products();
    void build_index();
    [[nodiscard]] bool passes_filters(std::uint32_t index, const SearchQuery& query) const;
    [[nodiscard]] Matches match(const SearchQuery& query) const;

    CatalogueOptions options_;
    std::vector<Category> categories_;
    std::vector<std::uint16_t> subcategory_index_;  // spec order -> categories_ index
    std::vector<std::uint16_t> parent_index_;       // spec order -> its top-level's index
    std::vector<Shop> shops_;
    std::vector<Product> products_;
    std::unordered_map<std::int64_t, std::uint32_t> by_id_;
    std::unordered_map<std::string, std::vector<std::uint32_t>> index_;
};

}  // namespace scout::sim
