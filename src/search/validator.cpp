#include <scout/search/text.hpp>
#include <scout/search/validator.hpp>

#include <array>

namespace scout::search {
namespace {

constexpr std::array<std::string_view, kRejectReasonCount> kReasonNames{
    "missing_id",
    "missing_title",
    "missing_price",
    "bad_price",
    "price_too_high",
    "bad_currency",
    "currency_mismatch",
    "missing_url",
    "bad_url",
};

constexpr std::array<std::string_view, kRepairCount> kRepairNames{
    "protocol_relative_url",
    "base_price_used",
    "original_price_dropped",
    "image_from_gallery",
    "image_dropped",
    "affiliate_url_dropped",
    "discount_computed",
    "url_synthesized",
};

__extension__ using Int128 = __int128;  // exact discount arithmetic on any int64 prices

constexpr std::size_t kMaxUrlLength = 4096;
constexpr std::size_t kMaxDetailValue = 64;

std::string_view trim(std::string_view text) {
    const auto blank = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!text.empty() && blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && blank(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

// An upstream value quoted in a log line: printable ASCII, cut.
std::string quote_value(std::string_view value) {
    std::string out = "'";
    for (const char c : value.substr(0, kMaxDetailValue)) {
        out.push_back((c >= 0x20 && c < 0x7F) ? c : '?');
    }
    out += value.size() > kMaxDetailValue ? "...'" : "'";
    return out;
}

constexpr bool is_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr bool is_url_char(char c) {
    // Printable ASCII minus the characters RFC 3986 never allows unencoded.
    if (c <= 0x20 || c >= 0x7F) {
        return false;
    }
    switch (c) {
        case '"':
        case '<':
        case '>':
        case '\\':
        case '^':
        case '`':
        case '{':
        case '|':
        case '}':
            return false;
        default:
            return true;
    }
}

bool valid_host(std::string_view host) {
    if (host.empty()) {
        return false;
    }
    if (host.front() == '[') {  // IPv6 literal
        if (host.size() < 3 || host.back() != ']') {
            return false;
        }
        for (const char c : host.substr(1, host.size() - 2)) {
            if (!(is_alnum(c) || c == ':' || c == '.')) {
                return false;
            }
        }
        return true;
    }
    if (host.back() == '.') {
        host.remove_suffix(1);  // fully qualified form
    }
    std::size_t label = 0;
    for (const char c : host) {
        if (c == '.') {
            if (label == 0) {
                return false;  // empty label
            }
            label = 0;
        } else if (is_alnum(c) || c == '-' || c == '_') {
            ++label;
        } else {
            return false;
        }
    }
    return label > 0;
}

bool valid_port(std::string_view port) {
    if (port.empty() || port.size() > 5) {
        return false;
    }
    unsigned value = 0;
    for (const char c : port) {
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value > 0 && value <= 65535;
}

struct UrlCheck {
    std::string url;  // normalised URL when ok
    bool ok = false;
    bool empty = false;     // nothing given
    bool repaired = false;  // protocol-relative form completed
};

UrlCheck check_url(std::string_view raw) {
    UrlCheck check;
    const std::string_view text = trim(raw);
    if (text.empty()) {
        check.empty = true;
        return check;
    }
    if (text.size() > kMaxUrlLength) {
        return check;
    }
    std::string url;
    if (text.starts_with("//")) {
        url = "https:";
        url += text;
        check.repaired = true;
    } else {
        url = text;
    }
    std::size_t scheme_length = 0;
    const auto starts_with_ci = [&](std::string_view prefix) {
        if (url.size() < prefix.size()) {
            return false;
        }
        for (std::size_t i = 0; i < prefix.size(); ++i) {
            const char c = url[i];
            const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
            if (lower != prefix[i]) {
                return false;
            }
        }
        return true;
    };
    if (starts_with_ci("https://")) {
        scheme_length = 5;
    } else if (starts_with_ci("http://")) {
        scheme_length = 4;
    } else {
        return check;
    }
    for (std::size_t i = 0; i < scheme_length; ++i) {
        url[i] = static_cast<char>(url[i] | 0x20);  // lower-case the scheme
    }
    for (const char c : url) {
        if (!is_url_char(c)) {
            return check;
        }
    }
    const std::size_t authority_start = scheme_length + 3;
    std::size_t authority_end = url.find_first_of("/?#", authority_start);
    if (authority_end == std::string::npos) {
        authority_end = url.size();
    }
    const std::string_view authority =
        std::string_view(url).substr(authority_start, authority_end - authority_start);
    if (authority.find('@') != std::string_view::npos) {
        return check;  // user info: never legitimate here, a classic phishing shape
    }
    std::string_view host = authority;
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
        if (!valid_port(authority.substr(colon + 1))) {
            return check;
        }
        host = authority.substr(0, colon);
    }
    if (!valid_host(host)) {
        return check;
    }
    check.url = std::move(url);
    check.ok = true;
    return check;
}

struct PriceSource {
    std::string_view name;  // field name for log lines
    std::string_view price;
    std::string_view currency;
    std::string_view original;
    std::string_view original_currency;
    bool is_target;
};

struct PriceOutcome {
    std::optional<Money> price;
    std::optional<RejectReason> failure;
    std::string detail;
};

std::int64_t ceiling_for(const std::string& currency, const ValidatorOptions& options) {
    const auto it = options.max_price_by_currency.find(currency);
    const std::int64_t major =
        it != options.max_price_by_currency.end() ? it->second : options.max_price;
    return major_to_minor(major, currency);
}

PriceOutcome try_price(
    const PriceSource& source, const ValidatorOptions& options, std::int64_t id
) {
    PriceOutcome outcome;
    const std::string prefix = "product " + std::to_string(id) + ": ";
    std::string currency = normalize_currency(source.currency);
    if (currency.empty() && source.is_target) {
        currency = options.currency;
    }
    if (!is_known_currency(currency)) {
        outcome.failure = RejectReason::kBadCurrency;
        outcome.detail = prefix + std::string(source.name) + "_currency " +
                         quote_value(source.currency) + " is not a known currency";
        return outcome;
    }
    if (!options.currency.empty() && currency != options.currency) {
        outcome.failure = RejectReason::kCurrencyMismatch;
        outcome.detail = prefix + std::string(source.name) + " is in " + currency + ", requested " +
                         options.currency;
        return outcome;
    }
    const auto cents = parse_price(source.price, currency);
    if (!cents || *cents <= 0) {
        outcome.failure = RejectReason::kBadPrice;
        outcome.detail = prefix + std::string(source.name) + " " + quote_value(source.price) +
                         (cents ? " is zero" : " is not a price");
        return outcome;
    }
    outcome.price = Money{*cents, std::move(currency)};
    return outcome;
}

}  // namespace

std::string_view to_string(RejectReason reason) noexcept {
    return kReasonNames[static_cast<std::size_t>(reason)];
}

std::string_view to_string(Repair repair) noexcept {
    return kRepairNames[static_cast<std::size_t>(repair)];
}

std::map<std::string, std::int64_t, std::less<>> default_max_price_by_currency() {
    // Order of magnitude only (about USD 100k, generous): a guard against garbage, not a rule.
    return {
        {"BRL", 600'000},
        {"CLP", 100'000'000},
        {"IDR", 1'600'000'000},
        {"ILS", 400'000},
        {"INR", 10'000'000},
        {"JPY", 15'000'000},
        {"KRW", 150'000'000},
        {"MXN", 2'000'000},
        {"RUB", 10'000'000},
        {"SEK", 1'100'000},
        {"THB", 4'000'000},
        {"TRY", 5'000'000},
        {"UAH", 5'000'000},
        {"VND", 2'600'000'000},
    };
}

ValidationResult validate(const upstream::RawProduct& raw, const ValidatorOptions& options) {
    ValidationResult result;
    const auto reject = [&](RejectReason reason, std::string detail) {
        result.reason = reason;
        result.detail = std::move(detail);
        return std::move(result);
    };
    const std::string prefix = "product " + std::to_string(raw.product_id) + ": ";
    if (raw.product_id <= 0) {
        return reject(RejectReason::kMissingId, prefix + "product_id missing or not positive");
    }

    Product product;
    product.product_id = raw.product_id;
    product.title = clean_text(raw.title);
    if (product.title.empty()) {
        return reject(
            RejectReason::kMissingTitle,
            prefix + "title " + quote_value(raw.title) + " is empty after cleaning"
        );
    }

    // ---- price ------------------------------------------------------------------------------
    const std::array<PriceSource, 2> sources{{
        {"target_sale_price",
         raw.target_sale_price,
         raw.target_sale_price_currency,
         raw.target_original_price,
         raw.target_original_price_currency,
         true},
        {"sale_price",
         raw.sale_price,
         raw.sale_price_currency,
         raw.original_price,
         raw.original_price_currency,
         false},
    }};
    const PriceSource* chosen = nullptr;
    std::optional<PriceOutcome> first_failure;
    for (const PriceSource& source : sources) {
        if (trim(source.price).empty()) {
            continue;
        }
        PriceOutcome outcome = try_price(source, options, raw.product_id);
        if (outcome.price) {
            product.price = std::move(*outcome.price);
            chosen = &source;
            break;
        }
        if (!first_failure) {
            first_failure = std::move(outcome);
        }
    }
    if (chosen == nullptr) {
        if (first_failure) {
            return reject(*first_failure->failure, std::move(first_failure->detail));
        }
        return reject(RejectReason::kMissingPrice, prefix + "no target_sale_price or sale_price");
    }
    if (!chosen->is_target) {
        result.repairs.insert(Repair::kBasePriceUsed);
    }
    const std::int64_t ceiling = ceiling_for(product.price.currency, options);
    if (product.price.cents > ceiling) {
        return reject(
            RejectReason::kPriceTooHigh,
            prefix + std::string(chosen->name) + " " + quote_value(chosen->price) + " " +
                product.price.currency + " is above the ceiling " +
                format_amount(ceiling, product.price.currency)
        );
    }
    if (!trim(chosen->original).empty()) {
        const std::string original_currency = normalize_currency(chosen->original_currency);
        const bool same_currency =
            original_currency.empty() || original_currency == product.price.currency;
        const auto original =
            same_currency ? parse_price(chosen->original, product.price.currency) : std::nullopt;
        if (original && *original > product.price.cents && *original <= ceiling) {
            product.original_price = Money{*original, product.price.currency};
        } else {
            result.repairs.insert(Repair::kOriginalPriceDropped);
        }
    }

    // ---- discount, rating, counters ---------------------------------------------------------
    const auto discount_bp = parse_percent_basis_points(raw.discount);
    if (discount_bp && *discount_bp <= 10000) {
        product.discount_percent = static_cast<int>((*discount_bp + 50) / 100);
    } else if (product.original_price) {
        // Half-up of (original - price) / original * 100, in integers.
        const auto original = static_cast<Int128>(product.original_price->cents);
        const auto saved = original - product.price.cents;
        product.discount_percent = static_cast<int>((saved * 200 + original) / (original * 2));
        result.repairs.insert(Repair::kDiscountComputed);
    }
    const auto rate_bp = parse_percent_basis_points(raw.evaluate_rate);
    if (rate_bp && *rate_bp > 0 && *rate_bp <= 10000) {
        // bp / 10000 * 5 stars, in tenths, half-up: (bp + 100) / 200.
        product.rating = static_cast<double>((*rate_bp + 100) / 200) / 10.0;
    }
    product.orders = raw.lastest_volume > 0 ? raw.lastest_volume : 0;
    product.category_id = raw.second_level_category_id > 0  ? raw.second_level_category_id
                          : raw.first_level_category_id > 0 ? raw.first_level_category_id
                                                            : 0;

    // ---- URLs -------------------------------------------------------------------------------
    UrlCheck detail_url = check_url(raw.detail_url);
    if (detail_url.empty) {
        if (!options.synthesize_missing_url) {
            return reject(RejectReason::kMissingUrl, prefix + "product_detail_url missing");
        }
        detail_url.url =
            "https://www.aliexpress.com/item/" + std::to_string(raw.product_id) + ".html";
        result.repairs.insert(Repair::kUrlSynthesized);
    } else if (!detail_url.ok) {
        return reject(
            RejectReason::kBadUrl,
            prefix + "product_detail_url " + quote_value(raw.detail_url) + " is not a usable URL"
        );
    }
    bool protocol_relative = detail_url.repaired;
    product.product_url = std::move(detail_url.url);

    UrlCheck image = check_url(raw.main_image_url);
    if (!image.ok) {
        for (const std::string& small : raw.small_image_urls) {
            image = check_url(small);
            if (image.ok) {
                result.repairs.insert(Repair::kImageFromGallery);
                break;
            }
        }
    }
    if (image.ok) {
        protocol_relative = protocol_relative || image.repaired;
        product.image_url = std::move(image.url);
    } else {
        result.repairs.insert(Repair::kImageDropped);
    }

    UrlCheck affiliate = check_url(raw.promotion_link);
    if (affiliate.ok) {
        protocol_relative = protocol_relative || affiliate.repaired;
        product.affiliate_url = std::move(affiliate.url);
    } else if (!affiliate.empty) {
        result.repairs.insert(Repair::kAffiliateUrlDropped);
    }
    if (protocol_relative) {
        result.repairs.insert(Repair::kProtocolRelativeUrl);
    }

    if (raw.shop_id > 0) {
        product.shop = Shop{raw.shop_id, clean_text(raw.shop_name)};
    }
    product.normalized_title = normalize_title(product.title);
    result.product = std::move(product);
    return result;
}

monitoring::Family<monitoring::Counter>& dropped_products(monitoring::Registry& registry) {
    return registry.counter(
        "scout_search_products_dropped_total",
        "Upstream products left out of search pages, by reason",
        {"reason"}
    );
}

ValidationStats::ValidationStats(monitoring::Registry& registry)
    : accepted_(&registry
                     .counter(
                         "scout_search_products_accepted_total",
                         "Upstream products that passed validation"
                     )
                     .with({})) {
    auto& dropped = dropped_products(registry);
    auto& repaired = registry.counter(
        "scout_search_products_repaired_total",
        "Upstream products accepted after a repair, by repair",
        {"repair"}
    );
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
        rejected_[i] = &dropped.with({std::string(to_string(static_cast<RejectReason>(i)))});
    }
    for (std::size_t i = 0; i < kRepairCount; ++i) {
        repaired_[i] = &repaired.with({std::string(to_string(static_cast<Repair>(i)))});
    }
}

void ValidationStats::record(const ValidationResult& result) noexcept {
    if (result.reason) {
        rejected_[static_cast<std::size_t>(*result.reason)]->inc();
        return;
    }
    if (result.product) {
        accepted_->inc();
    }
    for (std::size_t i = 0; i < kRepairCount; ++i) {
        if (result.repairs.contains(static_cast<Repair>(i))) {
            repaired_[i]->inc();
        }
    }
}

std::uint64_t ValidationStats::accepted() const noexcept {
    return accepted_->value();
}

std::uint64_t ValidationStats::rejected(RejectReason reason) const noexcept {
    return rejected_[static_cast<std::size_t>(reason)]->value();
}

std::uint64_t ValidationStats::rejected_total() const noexcept {
    std::uint64_t total = 0;
    for (const monitoring::Counter* counter : rejected_) {
        total += counter->value();
    }
    return total;
}

std::uint64_t ValidationStats::repaired(Repair repair) const noexcept {
    return repaired_[static_cast<std::size_t>(repair)]->value();
}

}  // namespace scout::search
