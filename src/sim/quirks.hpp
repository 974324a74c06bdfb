// The messy-data realities scout-sim reproduces (api doc §6), each with a rate that can be
// changed from the CLI (--quirk name=rate, --no-quirks). Value type; not synchronised.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace scout::sim {

enum class Quirk : unsigned char {
    kIdAsString,            // product/category ids as JSON strings
    kVolumeAsString,        // lastest_volume as a JSON string
    kEmptyVideoUrl,         // product without video: product_video_url "" (else field absent)
    kProtocolRelativeUrl,   // "//www.aliexpress.com/..." detail, shop and image URLs
    kCurrencyTextPrice,     // "US $14.99" in the USD price fields
    kThousandsSeparator,    // "1,299.00" for prices >= 1000 (share of such products)
    kPriceRange,            // "12.34 - 15.99" sale prices
    kTitleTruncation,       // long titles cut at 128 chars mid-word (else at a word end)
    kDoubleSpace,           // "USB  Cable"
    kEnDash,                // " – " separator in the title
    kHtmlEntity,            // "&amp;" / "&#39;" in the title
    kMojibake,              // UTF-8 en dash decoded as Latin-1 ("â\u0080\u0093")
    kNearDuplicate,         // same title stem, similar price, another shop and id
    kDuplicateAcrossPages,  // live-like only: a page repeats items of the previous page
    kMissingShopName,       // no shop_name
    kMissingOriginalPrice,  // no original_price / target_original_price
    kBareSmallImages,       // product_small_image_urls as a bare array
    kMissingSmallImages,    // no product_small_image_urls
    kInvalidProduct,        // price "0.00", negative price or no product_detail_url
    kTrackingQueryUrl,      // detail URL with a long pdp_npi tracking query
    kRegionalHost,          // pt.aliexpress.com / aliexpress.us / es.aliexpress.com
    kUnrated,               // evaluate_rate "0.0%"
    kWeakRelevance,         // multi-word queries also return partial matches
    kNonAffiliate,          // product outside the affiliate programme (absent from results)
    kFreeTextShipDays,      // ship_to_days as free text ("Ship to US in 7 days") vs "7"
    kMissingPromotionLink,  // no promotion_link in search results although a tracking id applies
    kCount
};

inline constexpr std::size_t kQuirkCount = static_cast<std::size_t>(Quirk::kCount);

struct QuirkInfo {
    Quirk quirk;
    std::string_view name;
    double default_rate;
};

// One entry per quirk, in enum order.
const std::array<QuirkInfo, kQuirkCount>& quirk_table();
std::optional<Quirk> quirk_from_name(std::string_view name);
std::string_view quirk_name(Quirk quirk);

class QuirkRates {
public:
    // Every quirk at its default rate.
    static QuirkRates defaults();
    // Every quirk off: clean data.
    static QuirkRates none();

    [[nodiscard]] double rate(Quirk quirk) const { return rates_[static_cast<std::size_t>(quirk)]; }
    [[nodiscard]] bool enabled(Quirk quirk) const { return rate(quirk) > 0.0; }
    // Clamped to [0, 1].
    void set(Quirk quirk, double rate);

private:
    std::array<double, kQuirkCount> rates_{};
};

}  // namespace scout::sim
