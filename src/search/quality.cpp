#include <scout/search/quality.hpp>

#include <algorithm>
#include <cmath>

namespace scout::search {
namespace {

double clamp01(double value) {
    if (!std::isfinite(value)) {
        return 0.0;
    }
    return std::clamp(value, 0.0, 1.0);
}

double usable_weight(double weight) {
    return (std::isfinite(weight) && weight > 0) ? weight : 0.0;
}

}  // namespace

QualityComponents quality_components(const Product& product, const QualityOptions& options) {
    QualityComponents c;
    c.rating = product.rating ? clamp01(*product.rating / 5.0) : clamp01(options.unrated_prior);

    const double cap = static_cast<double>(std::max<std::int64_t>(options.orders_cap, 1));
    const double orders = static_cast<double>(std::max<std::int64_t>(product.orders, 0));
    c.orders = clamp01(std::log10(1.0 + orders) / std::log10(1.0 + cap));

    const int limit = std::clamp(options.suspicious_discount_percent, 1, 100);
    const int discount = std::clamp(product.discount_percent, 0, 100);
    c.discount = discount > limit ? clamp01(options.suspicious_discount_score)
                                  : static_cast<double>(discount) / limit;

    const int parts = (product.image_url.empty() ? 0 : 1) + (product.shop ? 1 : 0) +
                      (product.original_price ? 1 : 0);
    c.completeness = parts / 3.0;
    return c;
}

double quality_score(const Product& product, const QualityOptions& options) {
    QualityWeights w{
        usable_weight(options.weights.rating),
        usable_weight(options.weights.orders),
        usable_weight(options.weights.discount),
        usable_weight(options.weights.completeness),
    };
    double sum = w.rating + w.orders + w.discount + w.completeness;
    if (!(sum > 0) || !std::isfinite(sum)) {
        w = QualityWeights{};
        sum = w.rating + w.orders + w.discount + w.completeness;
    }
    const QualityComponents c = quality_components(product, options);
    return clamp01(
        (w.rating * c.rating + w.orders * c.orders + w.discount * c.discount +
         w.completeness * c.completeness) /
        sum
    );
}

void score_all(std::vector<Product>& products, const QualityOptions& options) {
    for (Product& product : products) {
        product.quality_score = quality_score(product, options);
    }
}

bool passes(const Product& product, const QualityFilter& filter) {
    if (product.quality_score < filter.min_score) {
        return false;
    }
    if (filter.min_rating && (!product.rating || *product.rating < *filter.min_rating)) {
        return false;
    }
    return product.orders >= filter.min_orders;
}

std::size_t apply_filter(std::vector<Product>& products, const QualityFilter& filter) {
    const auto removed =
        std::erase_if(products, [&](const Product& p) { return !passes(p, filter); });
    return static_cast<std::size_t>(removed);
}

}  // namespace scout::search
