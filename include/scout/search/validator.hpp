// Turns one raw upstream product into a clean Product or a rejection reason (drop or repair,
// aliexpress-api.md §3.6 and §6). The pipeline owns the options and one ValidationStats and does
// the logging. validate() is pure and thread-safe; ValidationStats is thread-safe (atomics).
#pragma once

#include <scout/monitoring/metrics.hpp>
#include <scout/search/product.hpp>
#include <scout/upstream/response.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace scout::search {

enum class RejectReason : std::uint8_t {
    kMissingId,         // product_id <= 0
    kMissingTitle,      // title empty after clean_text()
    kMissingPrice,      // neither target_sale_price nor sale_price given
    kBadPrice,          // price text unparseable, or zero
    kPriceTooHigh,      // above the configured ceiling for its currency
    kBadCurrency,       // price currency empty or not in the currency table
    kCurrencyMismatch,  // only a price in a currency other than ValidatorOptions::currency
    kMissingUrl,        // product_detail_url empty
    kBadUrl,            // product_detail_url not an absolute http(s) URL with a host
};
inline constexpr std::size_t kRejectReasonCount = 9;

// "missing_id", "missing_title", "missing_price", "bad_price", "price_too_high",
// "bad_currency", "currency_mismatch", "missing_url", "bad_url".
std::string_view to_string(RejectReason reason) noexcept;

// Repairs applied to an accepted product (for counters; never a reason to drop it).
enum class Repair : std::uint8_t {
    kProtocolRelativeUrl,   // "//host/..." completed to "https://host/..." (any URL field)
    kBasePriceUsed,         // target_* price unusable or absent; sale_price used
    kOriginalPriceDropped,  // original price given but unparseable / not above the price
    kImageFromGallery,      // main image unusable; first usable small image taken
    kImageDropped,          // no usable image at all (image_url = "")
    kAffiliateUrlDropped,   // promotion_link given but not a usable URL
    kDiscountComputed,      // discount text missing/invalid; computed from the prices
    kUrlSynthesized,        // detail URL missing; built from the id (option)
};
inline constexpr std::size_t kRepairCount = 8;

std::string_view to_string(Repair repair) noexcept;

class RepairSet {
public:
    constexpr RepairSet& insert(Repair repair) noexcept {
        bits_ |= static_cast<std::uint16_t>(1u << static_cast<unsigned>(repair));
        return *this;
    }
    [[nodiscard]] constexpr bool contains(Repair repair) const noexcept {
        return (bits_ & (1u << static_cast<unsigned>(repair))) != 0;
    }
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
    constexpr bool operator==(const RepairSet&) const = default;

private:
    std::uint16_t bits_ = 0;
};

// Rough ceilings (about USD 100k) for currencies whose unit is worth far less than a dollar, so
// that the default max_price does not reject ordinary JPY / KRW / IDR / VND prices. Config may
// replace the map; currencies not listed use ValidatorOptions::max_price.
std::map<std::string, std::int64_t, std::less<>> default_max_price_by_currency();

struct ValidatorOptions {
    // Highest accepted price, in major units of the price's currency.
    std::int64_t max_price = 100000;
    // Per-currency overrides of max_price (major units), keyed by ISO code.
    std::map<std::string, std::int64_t, std::less<>> max_price_by_currency =
        default_max_price_by_currency();
    // The currency Scout asked for (target_currency). When set, prices in other currencies
    // are not used (kCurrencyMismatch if nothing else is left), and a target price without a
    // currency is taken to be in this one. Empty: accept any known currency.
    std::string currency;
    // Build "https://www.aliexpress.com/item/<id>.html" when product_detail_url is empty,
    // instead of rejecting with kMissingUrl.
    bool synthesize_missing_url = false;
};

struct ValidationResult {
    std::optional<Product> product;      // set when accepted (quality_score still 0)
    std::optional<RejectReason> reason;  // set when rejected
    std::string detail;  // rejected: one line for the log (product id, field, value cut to 64
                         // bytes, non-printable bytes as '?'); accepted: empty
    RepairSet repairs;   // accepted: what was repaired

    [[nodiscard]] bool ok() const noexcept { return product.has_value(); }
};

// Rules:
//  - id: product_id > 0, else kMissingId. Title: clean_text(), empty -> kMissingTitle.
//  - price: target_sale_price (+ target currency) first, then sale_price (+ its currency).
//    A pair is usable when its currency is known (and equals options.currency if set) and
//    parse_price() gives > 0. Neither given -> kMissingPrice; otherwise the preferred pair's
//    failure (kBadCurrency, kCurrencyMismatch, kBadPrice). Above the ceiling -> kPriceTooHigh.
//  - original price: the original price of the same pair; kept only if it parses and is above
//    the price and not above the ceiling.
//  - discount: discount text ("31%") when it is 0..100 (rounded half-up), else computed from
//    the prices (half-up), else 0.
//  - rating: evaluate_rate "95.3%" -> 95.3 / 100 * 5 rounded half-up to one decimal (4.8);
//    "0.0%", missing, unparseable or above 100% -> unrated.
//  - orders: lastest_volume, negatives -> 0. category_id: second level, else first level.
//  - URLs: trimmed; "//host/path" -> "https://host/path"; must then be http(s)://host[:port]...
//    with a host of letters, digits, '-', '.', no user info, only printable ASCII. The detail
//    URL is required (kMissingUrl / kBadUrl); the image falls back to the first usable small
//    image, else ""; an unusable promotion_link is dropped.
//  - shop: present when shop_id > 0; name clean_text()'d.
ValidationResult validate(const upstream::RawProduct& raw, const ValidatorOptions& options);

// Validation outcomes, counted in the metrics registry:
//   scout_search_products_accepted_total
//   scout_search_products_dropped_total{reason}   every RejectReason (the search service adds
//                                                 low_quality and duplicate to the family)
//   scout_search_products_repaired_total{repair}
// Shared by all workers; thread-safe.
class ValidationStats {
public:
    explicit ValidationStats(monitoring::Registry& registry);

    void record(const ValidationResult& result) noexcept;

    [[nodiscard]] std::uint64_t accepted() const noexcept;
    [[nodiscard]] std::uint64_t rejected(RejectReason reason) const noexcept;
    [[nodiscard]] std::uint64_t rejected_total() const noexcept;
    [[nodiscard]] std::uint64_t repaired(Repair repair) const noexcept;

private:
    monitoring::Counter* accepted_;
    std::array<monitoring::Counter*, kRejectReasonCount> rejected_{};
    std::array<monitoring::Counter*, kRepairCount> repaired_{};
};

// The family products dropped from a search page are counted in, by reason.
monitoring::Family<monitoring::Counter>& dropped_products(monitoring::Registry& registry);

}  // namespace scout::search
