#include "sim/product_json.hpp"

#include <array>
#include <charconv>

namespace scout::sim {

namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kHex = "0123456789abcdef";

constexpr std::array<std::string_view, 3> kImageHosts{
    {"ae01.alicdn.com", "ae04.alicdn.com", "ae-pic-a1.aliexpress-media.com"}};
constexpr std::array<std::string_view, 4> kRegionalHosts{
    {"pt.aliexpress.com", "es.aliexpress.com", "aliexpress.us", "fr.aliexpress.com"}};

std::uint64_t fnv_seed(std::string_view s) {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001B3ULL;
    }
    return h;
}

std::string hex_string(std::uint64_t seed, std::size_t length) {
    std::string out;
    out.reserve(length);
    std::uint64_t h = seed;
    for (std::size_t i = 0; i < length; ++i) {
        if (i % 16 == 0) {
            h = mix64(h + i);
        }
        out.push_back(kHex[(h >> ((i % 16) * 4)) & 0xFU]);
    }
    return out;
}

std::string base62_string(Rng& rng, std::size_t length) {
    std::string out;
    out.reserve(length);
    for (std::size_t i = 0; i < length; ++i) {
        out.push_back(kBase62[rng.below(kBase62.size())]);
    }
    return out;
}

std::string_view scheme(const Product& product) {
    return product.has(ProductFlag::kProtocolRelative) ? "//" : "https://";
}

std::string image_url(const Product& product, std::size_t k) {
    const std::uint64_t h = hash_combine(product.media_seed, k);
    std::string url(scheme(product));
    url += kImageHosts[product.image_host % kImageHosts.size()];
    url += "/kf/";
    url += (product.image_host < 2 && (h & 1U) != 0) ? 'H' : 'S';
    url += hex_string(h, 32);
    url += ".jpg";
    return url;
}

std::string detail_url(const Product& product) {
    std::string url(scheme(product));
    url += product.has(ProductFlag::kRegionalHost)
               ? kRegionalHosts[product.media_seed % kRegionalHosts.size()]
               : std::string_view("www.aliexpress.com");
    url += "/item/";
    url += std::to_string(product.id);
    url += ".html";
    if (product.has(ProductFlag::kTrackingQuery)) {
        const std::string sale = format_cents(product.sale_cents);
        const std::string original = format_cents(product.original_cents);
        url += "?pdp_npi=4%40dis%21USD%21" + original + "%21" + sale + "%21%21%21" + original +
               "%21" + sale + "%21%40" + hex_string(product.media_seed ^ 1U, 24) + "%21" +
               std::to_string(product.sku_id) +
               "%21sea%21US%210%21AB&dp=" + hex_string(product.media_seed ^ 2U, 40) +
               "&aff_fcid=" + hex_string(product.media_seed ^ 3U, 32);
    }
    return url;
}

std::string video_url(const Product& product) {
    const std::uint64_t h = hash_combine(product.media_seed, 99);
    return std::string(scheme(product)) + "video.aliexpress-media.com/play/u/ae_sg_item/" +
           std::to_string(2200000000ULL + h % 1000000000ULL) + "/p/1/e/6/t/10301/" +
           std::to_string(1100000000000ULL + (h >> 20U) % 1000000000000ULL) + ".mp4";
}

// A price field value with the product's price quirks applied.
std::string price_text(const Product& product, std::int64_t cents, bool usd, bool range) {
    const bool thousands = product.has(ProductFlag::kThousands) && (cents >= 100000);
    std::string text = format_cents(cents, thousands);
    if (range && product.has(ProductFlag::kPriceRange) && cents > 0) {
        text += " - " + format_cents(cents + cents / 5 + 1, thousands);
    }
    if (usd && product.has(ProductFlag::kCurrencyText)) {
        text = "US $" + text;
    }
    return text;
}

// Appends fields without ordered_json's per-insert duplicate scan (keys are unique here);
// rendering is the hot path of every search call.
class ObjectBuilder {
public:
    explicit ObjectBuilder(std::size_t capacity) { fields_.reserve(capacity); }

    template <class V>
    void add(const char* key, V&& value) {
        fields_.emplace_back(key, Json(std::forward<V>(value)));
    }

    template <class T>
    void add_id(const char* key, T id, bool as_string) {
        if (as_string) {
            add(key, std::to_string(id));
        } else {
            add(key, id);
        }
    }

    Json build() && { return Json(std::move(fields_)); }

private:
    Json::object_t fields_;
};

std::string ship_to_days(const Product& product, std::string_view country) {
    const std::string days = std::to_string(product.ship_days);
    if (!product.has(ProductFlag::kFreeTextShipDays)) {
        return days;
    }
    const std::string c(country);
    switch ((product.media_seed >> 8U) % 4) {
        case 0:
            return "Ship to " + c + " in " + days + " days";
        case 1:
            return "ship to " + c + " in " + days + " days";
        case 2:
            return days + " days";
        default:
            return days;
    }
}

std::string_view platform_name(PlatformType platform) {
    switch (platform) {
        case PlatformType::kPlaza:
            return "PLAZA";
        case PlatformType::kTmall:
            return "TMALL";
        case PlatformType::kAll:
            return "ALL";
    }
    return "ALL";
}

}  // namespace

std::string permille_percent(unsigned permille) {
    return std::to_string(permille / 10) + "." + std::to_string(permille % 10) + "%";
}

std::string basis_points_percent(unsigned basis_points) {
    return std::to_string(basis_points / 100) + "." + std::to_string((basis_points % 100) / 10) +
           "%";
}

Json render_product(const Catalogue& catalogue, const Product& product, const RenderContext& ctx) {
    static const Currency kUsd{"USD", 1.0};
    const Currency& target = ctx.currency != nullptr ? *ctx.currency : kUsd;
    const std::string target_code(target.code);
    const Category& second = catalogue.category_of(product);
    const Category& first = catalogue.first_level_of(product);
    const Shop& shop = catalogue.shop_of(product);
    const bool ids_as_strings = product.has(ProductFlag::kIdAsString);
    const bool no_original = product.has(ProductFlag::kMissingOriginalPrice);

    ObjectBuilder p(40);
    p.add("app_sale_price", price_text(product, product.app_sale_cents, true, false));
    p.add("app_sale_price_currency", "USD");
    p.add("commission_rate", basis_points_percent(product.commission_bp));
    p.add("discount", std::to_string(product.discount_percent) + "%");
    p.add("evaluate_rate", permille_percent(product.evaluate_permille));
    p.add_id("first_level_category_id", first.id, ids_as_strings || first.id_as_string);
    p.add("first_level_category_name", first.name);
    p.add("hot_product_commission_rate", basis_points_percent(product.hot_commission_bp));
    if (product.has(ProductFlag::kVolumeAsString)) {
        p.add("lastest_volume", std::to_string(product.volume));
    } else {
        p.add("lastest_volume", product.volume);
    }
    if (!no_original) {
        p.add("original_price", price_text(product, product.original_cents, true, false));
        p.add("original_price_currency", "USD");
    }
    p.add("platform_product_type", platform_name(product.platform));
    if (!product.has(ProductFlag::kInvalidNoDetailUrl)) {
        p.add("product_detail_url", detail_url(product));
    }
    p.add_id("product_id", product.id, ids_as_strings);
    p.add("product_main_image_url", image_url(product, 0));
    if (!product.has(ProductFlag::kMissingSmallImages)) {
        Json images = Json::array();
        for (std::size_t k = 0; k < product.small_images; ++k) {
            images.push_back(image_url(product, k));
        }
        if (product.has(ProductFlag::kBareSmallImages)) {
            p.add("product_small_image_urls", std::move(images));
        } else {
            Json wrapped = Json::object();
            wrapped["string"] = std::move(images);
            p.add("product_small_image_urls", std::move(wrapped));
        }
    }
    p.add("product_title", product.title);
    if (product.has(ProductFlag::kHasVideo)) {
        p.add("product_video_url", video_url(product));
    } else if (product.has(ProductFlag::kEmptyVideoUrl)) {
        p.add("product_video_url", "");
    }
    if (!ctx.tracking_id.empty() && product.affiliate() &&
        !product.has(ProductFlag::kMissingPromotionLink)) {
        std::string link = "https://s.click.aliexpress.com/s/";
        if (ctx.per_call_rng != nullptr) {
            link += base62_string(*ctx.per_call_rng, 180);
        } else {
            Rng stable(
                hash_combine(static_cast<std::uint64_t>(product.id), fnv_seed(ctx.tracking_id))
            );
            link += base62_string(stable, 180);
        }
        p.add("promotion_link", std::move(link));
    }
    p.add("relevant_market_commission_rate", basis_points_percent(product.market_commission_bp));
    p.add("sale_price", price_text(product, product.sale_cents, true, true));
    p.add("sale_price_currency", "USD");
    p.add_id("second_level_category_id", second.id, ids_as_strings || second.id_as_string);
    p.add("second_level_category_name", second.name);
    p.add("ship_to_days", ship_to_days(product, ctx.ship_to_country));
    p.add_id("shop_id", shop.id, ids_as_strings);
    if (!product.has(ProductFlag::kMissingShopName)) {
        p.add("shop_name", shop.name);
    }
    p.add(
        "shop_url",
        std::string(scheme(product)) + "www.aliexpress.com/store/" + std::to_string(shop.id)
    );
    p.add("sku_id", product.sku_id);
    p.add(
        "target_app_sale_price",
        price_text(product, convert_cents(product.app_sale_cents, target), false, false)
    );
    p.add("target_app_sale_price_currency", target_code);
    if (!no_original) {
        p.add(
            "target_original_price",
            price_text(product, convert_cents(product.original_cents, target), false, false)
        );
        p.add("target_original_price_currency", target_code);
    }
    p.add(
        "target_sale_price",
        price_text(product, convert_cents(product.sale_cents, target), false, true)
    );
    p.add("target_sale_price_currency", target_code);
    p.add("tax_rate", "0.00");
    return std::move(p).build();
}

std::string canonical_detail_url(const Product& product) {
    return "https://www.aliexpress.com/item/" + std::to_string(product.id) + ".html";
}

std::string short_promotion_link(Rng& rng) {
    return "https://s.click.aliexpress.com/e/_" + base62_string(rng, 8);
}

std::optional<std::int64_t> product_id_from_source(std::string_view source) {
    const auto parse_digits = [](std::string_view digits) -> std::optional<std::int64_t> {
        if (digits.empty() || digits.size() > 18) {
            return std::nullopt;
        }
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec != std::errc() || end != digits.data() + digits.size()) {
            return std::nullopt;
        }
        return value;
    };
    if (auto bare = parse_digits(source)) {
        return bare;
    }
    std::string_view rest = source;
    if (rest.starts_with("https://")) {
        rest.remove_prefix(8);
    } else if (rest.starts_with("http://")) {
        rest.remove_prefix(7);
    } else if (rest.starts_with("//")) {
        rest.remove_prefix(2);
    }
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view host = rest.substr(0, slash);
    const bool aliexpress_host = host == "aliexpress.com" || host == "aliexpress.us" ||
                                 host.ends_with(".aliexpress.com") ||
                                 host.ends_with(".aliexpress.us");
    if (!aliexpress_host) {
        return std::nullopt;
    }
    std::string_view path = rest.substr(slash);
    if (!path.starts_with("/item/")) {
        return std::nullopt;
    }
    path.remove_prefix(6);
    const auto dot = path.find(".html");
    if (dot == std::string_view::npos) {
        return std::nullopt;
    }
    return parse_digits(path.substr(0, dot));
}

}  // namespace scout::sim
