#include "sim/catalogue.hpp"

#include "sim/catalogue_data.hpp"
#include "sim/rng.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <unordered_set>

namespace scout::sim {

namespace {

constexpr std::size_t kMaxTitleChars = 128;
constexpr std::uint64_t kProductSalt = 0x5C0A7C47A106E001ULL;
constexpr std::uint64_t kQuirkSalt = 0x5C0A7C47A106E002ULL;
constexpr std::uint64_t kShopSalt = 0x5C0A7C47A106E003ULL;
constexpr std::uint64_t kCategorySalt = 0x5C0A7C47A106E004ULL;
constexpr std::string_view kEnDash = " \u2013 ";
// A UTF-8 en dash (E2 80 93) decoded as Latin-1 and re-encoded as UTF-8.
constexpr std::string_view kMojibakeDash = " \xC3\xA2\xC2\x80\xC2\x93 ";

constexpr std::array<std::string_view, 12> kStopWords{
    {"for", "with", "and", "the", "of", "in", "to", "an", "on", "amp", "by", "from"}};

std::vector<std::string_view> split_bars(std::string_view list) {
    std::vector<std::string_view> out;
    while (!list.empty()) {
        const auto bar = list.find('|');
        out.push_back(list.substr(0, bar));
        if (bar == std::string_view::npos) {
            break;
        }
        list.remove_prefix(bar + 1);
    }
    return out;
}

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

std::size_t count_code_points(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return !is_continuation(c);
    }));
}

// Byte offset just past the first `n` code points.
std::size_t code_point_offset(std::string_view s, std::size_t n) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!is_continuation(s[i])) {
            if (seen == n) {
                return i;
            }
            ++seen;
        }
    }
    return s.size();
}

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001B3ULL;
    }
    return h;
}

struct Vocabulary {
    std::vector<std::vector<std::string_view>> nouns;       // per subcategory spec
    std::vector<std::vector<std::string_view>> attributes;  // per subcategory spec
    std::vector<std::uint64_t> cumulative_weight;
    std::uint64_t total_weight = 0;

    Vocabulary() {
        for (const auto& spec : data::subcategories()) {
            nouns.push_back(split_bars(spec.nouns));
            attributes.push_back(split_bars(spec.attributes));
            total_weight += spec.weight;
            cumulative_weight.push_back(total_weight);
        }
    }

    std::size_t pick_subcategory(Rng& rng) const {
        const std::uint64_t x = rng.below(total_weight);
        const auto it = std::upper_bound(cumulative_weight.begin(), cumulative_weight.end(), x);
        return static_cast<std::size_t>(it - cumulative_weight.begin());
    }
};

// The title before any quirk: "[prefix] [brand] [attr] noun attr attr ... [tail]".
struct TitleParts {
    std::string_view prefix;
    std::string_view brand;
    std::string_view before;
    std::string_view noun;
    std::vector<std::string_view> attributes;
    std::string_view tail;
};

TitleParts draw_title(const Vocabulary& vocab, std::size_t sub, Rng& rng) {
    TitleParts parts;
    const auto& nouns = vocab.nouns[sub];
    std::vector<std::string_view> pool = vocab.attributes[sub];
    parts.noun = nouns[rng.below(nouns.size())];
    if (rng.chance(0.7)) {
        parts.brand = rng.pick(data::brand_words());
    }
    if (rng.chance(0.25)) {
        parts.prefix = rng.pick(data::title_prefixes());
    }
    const std::size_t wanted = std::min<std::size_t>(pool.size(), 2 + rng.below(7));
    for (std::size_t k = 0; k < wanted; ++k) {  // partial Fisher-Yates: distinct attributes
        const std::size_t j = k + rng.below(pool.size() - k);
        std::swap(pool[k], pool[j]);
        parts.attributes.push_back(pool[k]);
    }
    if (parts.attributes.size() > 2 && rng.chance(0.35)) {
        parts.before = parts.attributes.back();
        parts.attributes.pop_back();
    }
    if (rng.chance(0.15)) {
        parts.tail = rng.pick(data::title_tails());
    }
    return parts;
}

std::string assemble_title(const TitleParts& parts, std::string_view first_separator) {
    std::string title;
    const auto add = [&title](std::string_view piece, std::string_view separator) {
        if (piece.empty()) {
            return;
        }
        if (!title.empty()) {
            title += separator;
        }
        title += piece;
    };
    add(parts.prefix, " ");
    add(parts.brand, " ");
    add(parts.before, " ");
    add(parts.noun, " ");
    for (std::size_t i = 0; i < parts.attributes.size(); ++i) {
        add(parts.attributes[i], i == 0 ? first_separator : std::string_view(" "));
    }
    add(parts.tail, " ");
    return title;
}

void insert_html_entity(std::string& title, Rng& rng) {
    for (const std::string_view word : {"Women ", "Men "}) {
        const auto pos = title.find(word);
        if (pos != std::string::npos && (pos == 0 || title[pos - 1] == ' ')) {
            title.replace(
                pos, word.size() - 1, std::string(word.substr(0, word.size() - 1)) + "&#39;s"
            );
            return;
        }
    }
    // Otherwise join two words with " &amp; " somewhere in the second half.
    std::vector<std::size_t> spaces;
    for (std::size_t i = title.size() / 2; i < title.size(); ++i) {
        if (title[i] == ' ') {
            spaces.push_back(i);
        }
    }
    if (spaces.empty()) {
        title += " &amp; More";
        return;
    }
    title.replace(spaces[rng.below(spaces.size())], 1, " &amp; ");
}

void insert_double_space(std::string& title, Rng& rng) {
    std::vector<std::size_t> spaces;
    for (std::size_t i = 0; i < title.size(); ++i) {
        if (title[i] == ' ') {
            spaces.push_back(i);
        }
    }
    if (!spaces.empty()) {
        title.insert(spaces[rng.below(spaces.size())], 1, ' ');
    }
}

// Caps the title at 128 code points: mid-word (as the real API does) or at a word end.
bool cap_title(std::string& title, bool mid_word) {
    if (count_code_points(title) <= kMaxTitleChars) {
        return false;
    }
    std::size_t cut = code_point_offset(title, kMaxTitleChars);
    if (!mid_word) {
        const auto space = title.rfind(' ', cut);
        if (space != std::string::npos && space > 0) {
            cut = space;
        }
        while (cut > 0 && title[cut - 1] == ' ') {
            --cut;
        }
    }
    title.resize(cut);
    return true;
}

std::int32_t log_uniform_cents(Rng& rng, std::int32_t lo, std::int32_t hi) {
    const double a = std::log(static_cast<double>(lo));
    const double b = std::log(static_cast<double>(hi));
    auto cents = static_cast<std::int32_t>(std::exp(a + rng.unit() * (b - a)));
    if (cents >= 200 && rng.chance(0.45)) {
        cents = cents - cents % 100 + 99;  // "x.99" pricing
    }
    return std::max<std::int32_t>(cents, 1);
}

}  // namespace

std::vector<std::string> search_tokens(std::string_view text) {
    std::vector<std::string> tokens;
    std::string current;
    const auto flush = [&tokens, &current]() {
        if (current.size() > 3 && current.back() == 's' && current[current.size() - 2] != 's') {
            current.pop_back();
        }
        const bool stop =
            std::find(kStopWords.begin(), kStopWords.end(), current) != kStopWords.end();
        if (current.size() > 1 && !stop) {
            tokens.push_back(current);
        }
        current.clear();
    };
    for (const char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            current.push_back(c);
        } else if (c >= 'A' && c <= 'Z') {
            current.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (!current.empty()) {
            flush();
        }
    }
    if (!current.empty()) {
        flush();
    }
    return tokens;
}

Catalogue::Catalogue(const CatalogueOptions& options) : options_(options) {
    if (data::subcategories().size() > 0xFFFF) {
        throw std::logic_error("too many categories");
    }
    build_categories();
    build_shops();
    build_products();
    build_index();
}

void Catalogue::build_categories() {
    const double id_string_rate = options_.quirks.rate(Quirk::kIdAsString);
    const auto add = [this, id_string_rate](Category category) {
        const std::uint64_t h =
            hash_combine(options_.seed ^ kCategorySalt, static_cast<std::uint64_t>(category.id));
        category.id_as_string = to_unit(h) < id_string_rate;
        categories_.push_back(std::move(category));
    };
    subcategory_index_.resize(data::subcategories().size());
    parent_index_.resize(data::subcategories().size());
    for (const auto& top : data::top_categories()) {
        const auto top_index = static_cast<std::uint16_t>(categories_.size());
        add(Category{top.id, std::string(top.name), 0, top.test, false});
        const auto subs = data::subcategories();
        for (std::size_t s = 0; s < subs.size(); ++s) {
            if (subs[s].parent_id == top.id) {
                subcategory_index_[s] = static_cast<std::uint16_t>(categories_.size());
                parent_index_[s] = top_index;
                add(Category{subs[s].id, std::string(subs[s].name), top.id, false, false});
            }
        }
    }
}

void Catalogue::build_shops() {
    const std::size_t count = std::clamp<std::size_t>(options_.size / 7, 20, 5000);
    shops_.reserve(count);
    std::unordered_set<std::int64_t> ids;
    const auto words = data::shop_words();
    for (std::size_t s = 0; s < count; ++s) {
        Rng rng(hash_combine(options_.seed ^ kShopSalt, s));
        Shop shop;
        do {
            const double u = rng.unit();
            if (u < 0.55) {
                shop.id = 900000000 + rng.between(0, 99999999);
            } else if (u < 0.9) {
                shop.id = 1100000000 + rng.between(0, 99999999);
            } else {
                shop.id = 1000000 + rng.between(0, 8999999);
            }
        } while (!ids.insert(shop.id).second);
        const double style = rng.unit();
        if (style < 0.25) {
            shop.name = std::string(rng.pick(data::brand_words())) + " Official Store";
        } else if (style < 0.7) {
            shop.name =
                std::string(rng.pick(words)) + " " + std::string(rng.pick(words)) + " Store";
        } else if (style < 0.85) {
            shop.name = "Shop" + std::to_string(shop.id) + " Store";
        } else {
            shop.name =
                std::string(rng.pick(words)) + std::string(rng.pick(words)) + " Global Store";
        }
        shops_.push_back(std::move(shop));
    }
}

void Catalogue::build_products() {
    const Vocabulary vocab;
    const auto subs = data::subcategories();
    const QuirkRates& quirks = options_.quirks;
    const std::uint64_t seed = options_.seed;
    std::vector<std::vector<std::uint32_t>> by_subcategory(subs.size());
    std::unordered_set<std::int64_t> ids;
    ids.reserve(options_.size * 2);
    products_.reserve(options_.size);
    by_id_.reserve(options_.size * 2);

    for (std::size_t i = 0; i < options_.size; ++i) {
        Rng rng(hash_combine(seed ^ kProductSalt, i));
        const std::uint64_t quirk_base = hash_combine(seed ^ kQuirkSalt, i);
        const auto roll = [&quirks, quirk_base](Quirk quirk) {
            const double rate = quirks.rate(quirk);
            return rate > 0.0 &&
                   to_unit(hash_combine(quirk_base, static_cast<std::uint64_t>(quirk) + 1)) < rate;
        };
        Product product;
        std::uint32_t flags = 0;
        const auto set = [&flags](ProductFlag flag) { flags |= static_cast<std::uint32_t>(flag); };

        const std::size_t sub = vocab.pick_subcategory(rng);
        product.category = subcategory_index_[sub];
        product.first_level = parent_index_[sub];

        // Near-duplicate: reuse the title stem and price of an earlier listing of the same
        // subcategory, re-drawn from that listing's own seed.
        const Product* original = nullptr;
        TitleParts parts;
        if (roll(Quirk::kNearDuplicate) && !by_subcategory[sub].empty()) {
            const std::uint32_t j = by_subcategory[sub][rng.below(by_subcategory[sub].size())];
            original = &products_[j];
            Rng original_rng(hash_combine(seed ^ kProductSalt, j));
            (void)vocab.pick_subcategory(original_rng);
            parts = draw_title(vocab, sub, original_rng);
            parts.prefix = rng.chance(0.5) ? rng.pick(data::title_prefixes()) : std::string_view{};
            parts.tail = rng.chance(0.5) ? rng.pick(data::title_tails()) : std::string_view{};
            set(ProductFlag::kNearDuplicate);
        } else {
            parts = draw_title(vocab, sub, rng);
        }

        // Title quirks.
        std::string_view first_separator = " ";
        if (!parts.attributes.empty() && roll(Quirk::kMojibake)) {
            first_separator = kMojibakeDash;
            set(ProductFlag::kMojibake);
        } else if (!parts.attributes.empty() && roll(Quirk::kEnDash)) {
            first_separator = kEnDash;
            set(ProductFlag::kEnDash);
        }
        product.title = assemble_title(parts, first_separator);
        if (roll(Quirk::kHtmlEntity)) {
            insert_html_entity(product.title, rng);
            set(ProductFlag::kHtmlEntity);
        }
        if (roll(Quirk::kDoubleSpace)) {
            insert_double_space(product.title, rng);
            set(ProductFlag::kDoubleSpace);
        }
        const bool mid_word = roll(Quirk::kTitleTruncation);
        if (cap_title(product.title, mid_word)) {
            set(ProductFlag::kTitleCut);
            if (mid_word) {
                set(ProductFlag::kTitleCutMidWord);
            }
        }

        // Ids.
        do {
            const double u = rng.unit();
            if (u < 0.85) {
                product.id =
                    1005001000000000LL + rng.between(0, 8999999999LL);  // 1005001… to 1005009…
            } else if (u < 0.95) {
                product.id = 4000000000000LL + rng.between(0, 999999999999LL);
            } else {
                product.id = 32000000000LL + rng.between(0, 999999999LL);
            }
        } while (!ids.insert(product.id).second);
        product.sku_id = 12000000000000000LL + rng.between(0, 999999999999999LL);

        // Shop: a few big shops, a long tail of small ones; near-duplicates come from another.
        const auto shop_count = static_cast<double>(shops_.size());
        product.shop = static_cast<std::uint32_t>(shop_count * std::pow(rng.unit(), 1.6));
        if (original != nullptr && product.shop == original->shop) {
            product.shop = static_cast<std::uint32_t>((product.shop + 1) % shops_.size());
        }

        // Prices (USD cents).
        if (original != nullptr) {
            const double factor = 0.9 + 0.2 * rng.unit();
            product.sale_cents = std::max<std::int32_t>(
                1, static_cast<std::int32_t>(std::lround(original->sale_cents * factor))
            );
        } else {
            product.sale_cents = log_uniform_cents(rng, subs[sub].min_cents, subs[sub].max_cents);
        }
        product.discount_percent =
            rng.chance(0.35) ? 0 : static_cast<std::uint8_t>(rng.between(5, 75));
        product.original_cents = static_cast<std::int32_t>(std::lround(
            product.sale_cents * 100.0 / (100.0 - static_cast<double>(product.discount_percent))
        ));
        product.app_sale_cents =
            rng.chance(0.8) ? product.sale_cents
                            : static_cast<std::int32_t>(std::lround(product.sale_cents * 0.97));

        // Popularity and ratings.
        const double v = rng.unit();
        product.volume = rng.chance(0.08) ? 0 : static_cast<std::int32_t>(v * v * v * 30000.0);
        product.evaluate_permille =
            static_cast<std::uint16_t>(1000 - static_cast<int>(rng.unit() * rng.unit() * 120.0));
        if (roll(Quirk::kUnrated)) {
            product.evaluate_permille = 0;
        }
        product.commission_bp = static_cast<std::uint16_t>(rng.between(6, 18) * 50);
        if (roll(Quirk::kNonAffiliate)) {
            product.commission_bp = 0;
            set(ProductFlag::kNonAffiliate);
        }
        if (roll(Quirk::kMissingPromotionLink)) {
            set(ProductFlag::kMissingPromotionLink);
        }
        product.hot_commission_bp =
            rng.chance(0.3) ? static_cast<std::uint16_t>(rng.between(20, 100) * 50) : 0;
        product.market_commission_bp = rng.chance(0.5) ? 300 : 0;
        static constexpr std::array<std::uint8_t, 7> kShipDays{3, 5, 7, 10, 12, 15, 20};
        product.ship_days = kShipDays[rng.below(kShipDays.size())];
        const double platform = rng.unit();
        product.platform = platform < 0.85   ? PlatformType::kPlaza
                           : platform < 0.95 ? PlatformType::kTmall
                                             : PlatformType::kAll;

        // Media.
        product.media_seed = rng.next();
        product.image_host = static_cast<std::uint8_t>(rng.below(3));
        product.small_images = static_cast<std::uint8_t>(rng.between(3, 6));
        if (rng.chance(0.25)) {
            set(ProductFlag::kHasVideo);
        } else if (roll(Quirk::kEmptyVideoUrl)) {
            set(ProductFlag::kEmptyVideoUrl);
        }

        // Rendering quirks.
        if (roll(Quirk::kIdAsString)) {
            set(ProductFlag::kIdAsString);
        }
        if (roll(Quirk::kVolumeAsString)) {
            set(ProductFlag::kVolumeAsString);
        }
        if (roll(Quirk::kProtocolRelativeUrl)) {
            set(ProductFlag::kProtocolRelative);
        }
        if (roll(Quirk::kCurrencyTextPrice)) {
            set(ProductFlag::kCurrencyText);
        }
        if (roll(Quirk::kThousandsSeparator)) {
            set(ProductFlag::kThousands);
        }
        if (roll(Quirk::kPriceRange)) {
            set(ProductFlag::kPriceRange);
        }
        if (roll(Quirk::kMissingShopName)) {
            set(ProductFlag::kMissingShopName);
        }
        if (roll(Quirk::kMissingOriginalPrice)) {
            set(ProductFlag::kMissingOriginalPrice);
        }
        if (roll(Quirk::kMissingSmallImages)) {
            set(ProductFlag::kMissingSmallImages);
        } else if (roll(Quirk::kBareSmallImages)) {
            set(ProductFlag::kBareSmallImages);
        }
        if (roll(Quirk::kTrackingQueryUrl)) {
            set(ProductFlag::kTrackingQuery);
        }
        if (roll(Quirk::kRegionalHost)) {
            set(ProductFlag::kRegionalHost);
        }
        if (roll(Quirk::kFreeTextShipDays)) {
            set(ProductFlag::kFreeTextShipDays);
        }
        if (roll(Quirk::kInvalidProduct)) {
            switch (rng.below(3)) {
                case 0:
                    set(ProductFlag::kInvalidZeroPrice);
                    product.sale_cents = 0;
                    product.app_sale_cents = 0;
                    break;
                case 1:
                    set(ProductFlag::kInvalidNegativePrice);
                    product.sale_cents = -product.sale_cents;
                    product.app_sale_cents = product.sale_cents;
                    break;
                default:
                    set(ProductFlag::kInvalidNoDetailUrl);
                    break;
            }
        }
        product.flags = flags;
        product.popularity = static_cast<float>(
            std::log1p(static_cast<double>(product.volume)) * 0.8 +
            product.evaluate_permille / 500.0
        );
        if (original == nullptr) {  // near-duplicates are never the stem of another
            by_subcategory[sub].push_back(static_cast<std::uint32_t>(i));
        }
        by_id_.emplace(product.id, static_cast<std::uint32_t>(i));
        products_.push_back(std::move(product));
    }
}

void Catalogue::build_index() {
    std::vector<std::vector<std::string>> category_tokens;
    category_tokens.reserve(categories_.size());
    for (const auto& category : categories_) {
        category_tokens.push_back(search_tokens(category.name));
    }
    std::vector<std::string> tokens;
    for (std::size_t i = 0; i < products_.size(); ++i) {
        const Product& product = products_[i];
        tokens = search_tokens(product.title);
        const auto& extra = category_tokens[product.category];
        tokens.insert(tokens.end(), extra.begin(), extra.end());
        std::sort(tokens.begin(), tokens.end());
        tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
        for (auto& token : tokens) {
            index_[std::move(token)].push_back(static_cast<std::uint32_t>(i));
        }
    }
}

const Product* Catalogue::find(std::int64_t product_id) const {
    const auto it = by_id_.find(product_id);
    return it == by_id_.end() ? nullptr : &products_[it->second];
}

const Category* Catalogue::find_category(std::int64_t category_id) const {
    for (const auto& category : categories_) {
        if (category.id == category_id) {
            return &category;
        }
    }
    return nullptr;
}

bool Catalogue::passes_filters(std::uint32_t index, const SearchQuery& query) const {
    const Product& p = products_[index];
    if (!p.affiliate() || (query.hot_only && p.hot_commission_bp == 0)) {
        return false;
    }
    if (!query.category_ids.empty()) {
        const std::int64_t sub = categories_[p.category].id;
        const std::int64_t top = categories_[p.first_level].id;
        const bool hit = std::any_of(
            query.category_ids.begin(),
            query.category_ids.end(),
            [sub, top](std::int64_t id) { return id == sub || id == top; }
        );
        if (!hit) {
            return false;
        }
    }
    if (query.min_price || query.max_price) {
        static const Currency kUsd{"USD", 1.0};
        const std::int64_t price =
            convert_cents(p.sale_cents, query.currency != nullptr ? *query.currency : kUsd);
        if ((query.min_price && price < *query.min_price) ||
            (query.max_price && price > *query.max_price)) {
            return false;
        }
    }
    if (query.max_ship_days && p.ship_days > *query.max_ship_days) {
        return false;
    }
    return !query.platform || *query.platform == PlatformType::kAll ||
           p.platform == *query.platform;
}

Catalogue::Matches Catalogue::match(const SearchQuery& query) const {
    Matches matches;
    const bool has_keywords = query.keywords.find_first_not_of(" \t\r\n") != std::string_view::npos;
    if (!has_keywords) {
        for (std::uint32_t i = 0; i < products_.size(); ++i) {
            if (passes_filters(i, query)) {
                matches.full.push_back(i);
            }
        }
        return matches;
    }
    std::vector<std::string> tokens = search_tokens(query.keywords);
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    std::vector<const std::vector<std::uint32_t>*> lists;  // posting lists, ascending
    bool all_present = !tokens.empty();
    for (const auto& token : tokens) {
        matches.query_hash = hash_combine(matches.query_hash, fnv1a(token));
        const auto it = index_.find(token);
        if (it == index_.end()) {
            all_present = false;
        } else {
            lists.push_back(&it->second);
        }
    }
    if (all_present) {  // every token: intersect, smallest list first
        std::sort(lists.begin(), lists.end(), [](const auto* a, const auto* b) {
            return a->size() < b->size();
        });
        std::vector<std::uint32_t> current = *lists.front();
        std::vector<std::uint32_t> next;
        for (std::size_t l = 1; l < lists.size() && !current.empty(); ++l) {
            next.clear();
            std::set_intersection(
                current.begin(),
                current.end(),
                lists[l]->begin(),
                lists[l]->end(),
                std::back_inserter(next)
            );
            current.swap(next);
        }
        for (const std::uint32_t i : current) {
            if (passes_filters(i, query)) {
                matches.full.push_back(i);
            }
        }
    }
    const bool weak = tokens.size() > 1 && query.partial_match_share > 0.0 && !matches.full.empty();
    if (weak) {  // listings matching only some of the words
        std::vector<std::uint32_t> any;
        for (const auto* list : lists) {
            std::vector<std::uint32_t> merged;
            std::set_union(
                any.begin(), any.end(), list->begin(), list->end(), std::back_inserter(merged)
            );
            any.swap(merged);
        }
        std::set_difference(
            any.begin(),
            any.end(),
            matches.full.begin(),
            matches.full.end(),
            std::back_inserter(matches.partial)
        );
        std::erase_if(matches.partial, [this, &query](std::uint32_t i) {
            return !passes_filters(i, query);
        });
    }
    return matches;
}

std::vector<std::uint32_t> Catalogue::search(const SearchQuery& query) const {
    Matches matches = match(query);

    // Relevance = popularity + a per-query deterministic jitter; the explicit sort orders
    // break ties by relevance. Only the first `sorted_limit` entries are ordered (partial
    // sort): a page never needs more, and deep sorts would dominate the cost of a call.
    struct Ranked {
        double score;
        std::uint32_t index;
    };
    const auto rank = [this, &matches](const std::vector<std::uint32_t>& indices) {
        std::vector<Ranked> ranked;
        ranked.reserve(indices.size());
        for (const std::uint32_t i : indices) {
            const Product& p = products_[i];
            const double jitter =
                to_unit(hash_combine(matches.query_hash, static_cast<std::uint64_t>(p.id))) * 3.0;
            ranked.push_back({static_cast<double>(p.popularity) + jitter, i});
        }
        return ranked;
    };
    const auto by_relevance = [](const Ranked& a, const Ranked& b) {
        return a.score != b.score ? a.score > b.score : a.index < b.index;
    };
    const auto order = [&query](std::vector<Ranked>& ranked, auto less) {
        const std::size_t limit = std::min(ranked.size(), query.sorted_limit);
        if (limit < ranked.size()) {
            std::partial_sort(
                ranked.begin(),
                ranked.begin() + static_cast<std::ptrdiff_t>(limit),
                ranked.end(),
                less
            );
        } else {
            std::sort(ranked.begin(), ranked.end(), less);
        }
    };
    const auto with_key = [this, &by_relevance](auto key, bool ascending) {
        return [this, key, ascending, &by_relevance](const Ranked& a, const Ranked& b) {
            const auto ka = key(products_[a.index]);
            const auto kb = key(products_[b.index]);
            if (ka != kb) {
                return ascending ? ka < kb : ka > kb;
            }
            return by_relevance(a, b);
        };
    };

    std::vector<Ranked> ranked = rank(matches.full);
    std::vector<Ranked> weak = rank(matches.partial);
    std::sort(weak.begin(), weak.end(), by_relevance);
    weak.resize(std::min(
        weak.size(),
        static_cast<std::size_t>(static_cast<double>(ranked.size()) * query.partial_match_share)
    ));
    if (query.sort == SortOrder::kRelevance) {
        order(ranked, by_relevance);
        ranked.insert(ranked.end(), weak.begin(), weak.end());  // weak matches come last
    } else {
        ranked.insert(ranked.end(), weak.begin(), weak.end());
        const auto price = [](const Product& p) { return p.sale_cents; };
        const auto volume = [](const Product& p) { return p.volume; };
        const auto discount = [](const Product& p) { return p.discount_percent; };
        switch (query.sort) {
            case SortOrder::kSalePriceAsc:
                order(ranked, with_key(price, true));
                break;
            case SortOrder::kSalePriceDesc:
                order(ranked, with_key(price, false));
                break;
            case SortOrder::kVolumeAsc:
                order(ranked, with_key(volume, true));
                break;
            case SortOrder::kVolumeDesc:
                order(ranked, with_key(volume, false));
                break;
            case SortOrder::kDiscountAsc:
                order(ranked, with_key(discount, true));
                break;
            case SortOrder::kDiscountDesc:
                order(ranked, with_key(discount, false));
                break;
            case SortOrder::kRelevance:
                break;
        }
    }
    std::vector<std::uint32_t> result(ranked.size());
    for (std::size_t k = 0; k < ranked.size(); ++k) {
        result[k] = ranked[k].index;
    }
    return result;
}

}  // namespace scout::sim
