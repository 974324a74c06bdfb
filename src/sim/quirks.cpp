#include "sim/quirks.hpp"

#include <algorithm>

namespace scout::sim {

const std::array<QuirkInfo, kQuirkCount>& quirk_table() {
    static const std::array<QuirkInfo, kQuirkCount> kTable{{
        {Quirk::kIdAsString, "id_as_string", 0.05},
        {Quirk::kVolumeAsString, "volume_as_string", 0.05},
        {Quirk::kEmptyVideoUrl, "empty_video_url", 0.9},
        {Quirk::kProtocolRelativeUrl, "protocol_relative_url", 0.03},
        {Quirk::kCurrencyTextPrice, "currency_text_price", 0.01},
        {Quirk::kThousandsSeparator, "thousands_separator", 0.5},
        {Quirk::kPriceRange, "price_range", 0.01},
        {Quirk::kTitleTruncation, "title_truncation", 1.0},
        {Quirk::kDoubleSpace, "double_space", 0.03},
        {Quirk::kEnDash, "en_dash", 0.03},
        {Quirk::kHtmlEntity, "html_entity", 0.01},
        {Quirk::kMojibake, "mojibake", 0.003},
        {Quirk::kNearDuplicate, "near_duplicate", 0.04},
        {Quirk::kDuplicateAcrossPages, "duplicate_across_pages", 0.1},
        {Quirk::kMissingShopName, "missing_shop_name", 0.1},
        {Quirk::kMissingOriginalPrice, "missing_original_price", 0.02},
        {Quirk::kBareSmallImages, "bare_small_images", 0.02},
        {Quirk::kMissingSmallImages, "missing_small_images", 0.03},
        {Quirk::kInvalidProduct, "invalid_product", 0.005},
        {Quirk::kTrackingQueryUrl, "tracking_query_url", 0.3},
        {Quirk::kRegionalHost, "regional_host", 0.03},
        {Quirk::kUnrated, "unrated", 0.08},
        {Quirk::kWeakRelevance, "weak_relevance", 0.05},
        {Quirk::kNonAffiliate, "non_affiliate", 0.02},
        {Quirk::kFreeTextShipDays, "free_text_ship_days", 1.0},
        {Quirk::kMissingPromotionLink, "missing_promotion_link", 0.05},
    }};
    return kTable;
}

std::optional<Quirk> quirk_from_name(std::string_view name) {
    for (const auto& info : quirk_table()) {
        if (info.name == name) {
            return info.quirk;
        }
    }
    return std::nullopt;
}

std::string_view quirk_name(Quirk quirk) {
    return quirk_table()[static_cast<std::size_t>(quirk)].name;
}

QuirkRates QuirkRates::defaults() {
    QuirkRates rates;
    for (const auto& info : quirk_table()) {
        rates.set(info.quirk, info.default_rate);
    }
    return rates;
}

QuirkRates QuirkRates::none() {
    return QuirkRates{};
}

void QuirkRates::set(Quirk quirk, double rate) {
    rates_[static_cast<std::size_t>(quirk)] = std::clamp(rate, 0.0, 1.0);
}

}  // namespace scout::sim
