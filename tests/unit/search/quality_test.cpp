#include <scout/search/quality.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace scout::search {
namespace {

Product bare() {
    Product p;
    p.product_id = 1;
    p.title = "t";
    p.price = {100, "USD"};
    return p;
}

Product complete() {
    Product p = bare();
    p.image_url = "https://x/a.jpg";
    p.shop = Shop{7, "s"};
    p.original_price = Money{200, "USD"};
    return p;
}

TEST(Quality, ComponentsFollowTheFormulas) {
    QualityOptions options;
    Product p = complete();
    p.rating = 4.0;
    p.orders = 99;  // log10(100) / log10(10001)
    p.discount_percent = 45;
    const QualityComponents c = quality_components(p, options);
    EXPECT_DOUBLE_EQ(c.rating, 0.8);
    EXPECT_NEAR(c.orders, 2.0 / std::log10(10001.0), 1e-12);
    EXPECT_DOUBLE_EQ(c.discount, 0.5);
    EXPECT_DOUBLE_EQ(c.completeness, 1.0);
}

struct ComponentCase {
    std::string name;
    std::function<void(Product&, QualityOptions&)> mutate;
    double rating;
    double orders;
    double discount;
    double completeness;
};

class QualityComponentsTable : public ::testing::TestWithParam<ComponentCase> {};

TEST_P(QualityComponentsTable, Matches) {
    Product p = bare();
    QualityOptions options;
    GetParam().mutate(p, options);
    const QualityComponents c = quality_components(p, options);
    EXPECT_NEAR(c.rating, GetParam().rating, 1e-9);
    EXPECT_NEAR(c.orders, GetParam().orders, 1e-9);
    EXPECT_NEAR(c.discount, GetParam().discount, 1e-9);
    EXPECT_NEAR(c.completeness, GetParam().completeness, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    QualityComponentsTable,
    ::testing::Values(
        ComponentCase{"bare_unrated_prior", [](Product&, QualityOptions&) {}, 0.5, 0, 0, 0},
        ComponentCase{
            "custom_prior",
            [](Product&, QualityOptions& o) { o.unrated_prior = 0.2; },
            0.2,
            0,
            0,
            0},
        ComponentCase{
            "prior_clamped",
            [](Product&, QualityOptions& o) { o.unrated_prior = 7; },
            1.0,
            0,
            0,
            0},
        ComponentCase{
            "rating_zero", [](Product& p, QualityOptions&) { p.rating = 0.0; }, 0.0, 0, 0, 0},
        ComponentCase{
            "rating_five", [](Product& p, QualityOptions&) { p.rating = 5.0; }, 1.0, 0, 0, 0},
        ComponentCase{
            "orders_at_cap", [](Product& p, QualityOptions&) { p.orders = 10000; }, 0.5, 1.0, 0, 0},
        ComponentCase{
            "orders_above_cap",
            [](Product& p, QualityOptions&) { p.orders = 5000000; },
            0.5,
            1.0,
            0,
            0},
        ComponentCase{
            "orders_custom_cap",
            [](Product& p, QualityOptions& o) {
                p.orders = 9;
                o.orders_cap = 99;
            },
            0.5,
            0.5,
            0,
            0},
        ComponentCase{
            "orders_negative", [](Product& p, QualityOptions&) { p.orders = -5; }, 0.5, 0, 0, 0},
        ComponentCase{
            "orders_cap_zero",
            [](Product& p, QualityOptions& o) {
                p.orders = 1;
                o.orders_cap = 0;
            },
            0.5,
            1.0,
            0,
            0},
        ComponentCase{
            "discount_90",
            [](Product& p, QualityOptions&) { p.discount_percent = 90; },
            0.5,
            0,
            1.0,
            0},
        ComponentCase{
            "discount_suspicious",
            [](Product& p, QualityOptions&) { p.discount_percent = 91; },
            0.5,
            0,
            0.5,
            0},
        ComponentCase{
            "discount_100",
            [](Product& p, QualityOptions&) { p.discount_percent = 100; },
            0.5,
            0,
            0.5,
            0},
        ComponentCase{
            "discount_custom_suspicious_score",
            [](Product& p, QualityOptions& o) {
                p.discount_percent = 95;
                o.suspicious_discount_score = 0.0;
            },
            0.5,
            0,
            0.0,
            0},
        ComponentCase{
            "image_only",
            [](Product& p, QualityOptions&) { p.image_url = "https://x"; },
            0.5,
            0,
            0,
            1.0 / 3},
        ComponentCase{
            "image_and_shop",
            [](Product& p, QualityOptions&) {
                p.image_url = "https://x";
                p.shop = Shop{1, ""};
            },
            0.5,
            0,
            0,
            2.0 / 3}
    ),
    [](const auto& param_info) { return param_info.param.name; }
);

TEST(Quality, ScoreIsWeightedMeanNormalisedBySum) {
    Product p = complete();
    p.rating = 5.0;
    p.orders = 10000;
    p.discount_percent = 0;
    QualityOptions options;
    // (0.4*1 + 0.3*1 + 0.1*0 + 0.2*1) / 1.0
    EXPECT_NEAR(quality_score(p, options), 0.9, 1e-12);
    options.weights = {4, 3, 1, 2};  // same proportions, different scale
    EXPECT_NEAR(quality_score(p, options), 0.9, 1e-12);
    options.weights = {0, 0, 1, 0};  // discount only
    EXPECT_NEAR(quality_score(p, options), 0.0, 1e-12);
}

TEST(Quality, BadWeightsFallBackToDefaults) {
    Product p = complete();
    p.rating = 5.0;
    QualityOptions defaults;
    QualityOptions broken;
    broken.weights = {0, 0, 0, 0};
    EXPECT_DOUBLE_EQ(quality_score(p, broken), quality_score(p, defaults));
    broken.weights = {-1, std::numeric_limits<double>::quiet_NaN(), -3, 0};
    EXPECT_DOUBLE_EQ(quality_score(p, broken), quality_score(p, defaults));
    broken.weights = {std::numeric_limits<double>::infinity(), 0, 0, 0};  // ignored: defaults
    EXPECT_DOUBLE_EQ(quality_score(p, broken), quality_score(p, defaults));
}

TEST(Quality, ScoreStaysInUnitRange) {
    Product best = complete();
    best.rating = 5.0;
    best.orders = 1'000'000;
    best.discount_percent = 90;
    EXPECT_DOUBLE_EQ(quality_score(best, {}), 1.0);
    Product worst = bare();
    worst.rating = 0.0;
    EXPECT_DOUBLE_EQ(quality_score(worst, {}), 0.0);
}

TEST(Quality, ScoreAllSetsEveryProduct) {
    std::vector<Product> products{bare(), complete()};
    score_all(products, {});
    EXPECT_DOUBLE_EQ(products[0].quality_score, quality_score(bare(), {}));
    EXPECT_DOUBLE_EQ(products[1].quality_score, quality_score(complete(), {}));
    EXPECT_GT(products[1].quality_score, products[0].quality_score);
}

TEST(QualityFilter, AppliesEveryThreshold) {
    auto make = [](std::int64_t id, double score, std::optional<double> rating, std::int64_t orders
                ) {
        Product p = bare();
        p.product_id = id;
        p.quality_score = score;
        p.rating = rating;
        p.orders = orders;
        return p;
    };
    const std::vector<Product> input{
        make(1, 0.9, 4.5, 100),
        make(2, 0.2, 4.9, 100),           // low score
        make(3, 0.8, std::nullopt, 100),  // unrated
        make(4, 0.8, 3.0, 100),           // low rating
        make(5, 0.8, 4.0, 5),             // few orders
        make(6, 0.5, 4.0, 10),            // exactly at every threshold
    };
    QualityFilter filter;
    filter.min_score = 0.5;
    filter.min_rating = 4.0;
    filter.min_orders = 10;
    std::vector<Product> products = input;
    EXPECT_EQ(apply_filter(products, filter), 4u);
    ASSERT_EQ(products.size(), 2u);
    EXPECT_EQ(products[0].product_id, 1);
    EXPECT_EQ(products[1].product_id, 6);

    products = input;
    EXPECT_EQ(apply_filter(products, QualityFilter{}), 0u);  // defaults keep everything
    EXPECT_EQ(products.size(), input.size());

    filter = QualityFilter{};
    filter.min_score = 0.5;  // no rating threshold: unrated products stay
    products = input;
    EXPECT_EQ(apply_filter(products, filter), 1u);
    EXPECT_TRUE(passes(input[2], filter));
}

}  // namespace
}  // namespace scout::search
