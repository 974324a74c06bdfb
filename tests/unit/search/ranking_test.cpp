#include <scout/search/ranking.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace scout::search {
namespace {

Product make(
    std::int64_t id,
    std::int64_t cents,
    std::int64_t orders,
    std::optional<double> rating,
    int discount,
    double score
) {
    Product p;
    p.product_id = id;
    p.title = "p" + std::to_string(id);
    p.price = {cents, "USD"};
    p.orders = orders;
    p.rating = rating;
    p.discount_percent = discount;
    p.quality_score = score;
    return p;
}

// Upstream order: 5, 3, 1, 4, 2.
std::vector<Product> sample() {
    return {
        make(5, 1000, 10, 4.5, 10, 0.5),
        make(3, 500, 300, std::nullopt, 50, 0.7),
        make(1, 1000, 10, 4.8, 10, 0.5),
        make(4, 200, 300, 4.5, 0, 0.9),
        make(2, 1000, 5, std::nullopt, 50, 0.6),
    };
}

std::vector<std::int64_t> ranked_ids(SortOrder order) {
    std::vector<Product> products = sample();
    rank(products, order);
    std::vector<std::int64_t> out;
    for (const Product& p : products) {
        out.push_back(p.product_id);
    }
    return out;
}

struct RankCase {
    SortOrder order;
    std::vector<std::int64_t> expected;
};

class Rank : public ::testing::TestWithParam<RankCase> {};

TEST_P(Rank, OrdersByKeyThenScoreThenId) {
    EXPECT_EQ(ranked_ids(GetParam().order), GetParam().expected) << to_string(GetParam().order);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    Rank,
    ::testing::Values(
        RankCase{SortOrder::kRelevance, {5, 3, 1, 4, 2}},
        // 200 | 500 | 1000 x3: score 0.6 (2), then 0.5 tie -> id 1 before 5
        RankCase{SortOrder::kPriceAsc, {4, 3, 2, 1, 5}},
        RankCase{SortOrder::kPriceDesc, {2, 1, 5, 3, 4}},
        // 300 x2: score 0.9 (4) before 0.7 (3); 10 x2: tie on score -> id; then 5
        RankCase{SortOrder::kOrders, {4, 3, 1, 5, 2}},
        // 4.8 | 4.5 x2 (score 0.9 before 0.5) | unrated: score 0.7 before 0.6
        RankCase{SortOrder::kRating, {1, 4, 5, 3, 2}},
        RankCase{SortOrder::kDiscount, {3, 2, 1, 5, 4}},
        RankCase{SortOrder::kQuality, {4, 3, 2, 1, 5}}
    )
);

TEST(Rank, RelevanceKeepsDuplicatesAndOrder) {
    std::vector<Product> products{make(9, 1, 1, 1.0, 1, 0.1), make(2, 9, 9, 5.0, 9, 0.9)};
    rank(products, SortOrder::kRelevance);
    EXPECT_EQ(products[0].product_id, 9);
}

TEST(Rank, StableForFullyEqualProducts) {
    std::vector<Product> products{make(7, 100, 1, 4.0, 0, 0.5), make(7, 100, 1, 4.0, 0, 0.5)};
    products[0].title = "first";
    products[1].title = "second";
    for (const SortOrder order : {SortOrder::kPriceAsc, SortOrder::kRating, SortOrder::kQuality}) {
        rank(products, order);
        EXPECT_EQ(products[0].title, "first");
    }
}

TEST(Rank, UnratedSortAfterRatedEvenWithHigherScore) {
    std::vector<Product> products{make(1, 1, 1, std::nullopt, 0, 1.0), make(2, 1, 1, 0.0, 0, 0.0)};
    rank(products, SortOrder::kRating);
    EXPECT_EQ(products[0].product_id, 2);
}

TEST(SortOrderNames, RoundTrip) {
    const std::vector<std::pair<SortOrder, std::string>> names{
        {SortOrder::kRelevance, "relevance"},
        {SortOrder::kPriceAsc, "price_asc"},
        {SortOrder::kPriceDesc, "price_desc"},
        {SortOrder::kOrders, "orders"},
        {SortOrder::kRating, "rating"},
        {SortOrder::kDiscount, "discount"},
        {SortOrder::kQuality, "quality"},
    };
    for (const auto& [order, name] : names) {
        EXPECT_EQ(to_string(order), name);
        EXPECT_EQ(parse_sort_order(name), order);
    }
    EXPECT_EQ(parse_sort_order("PRICE_ASC"), std::nullopt);
    EXPECT_EQ(parse_sort_order(""), std::nullopt);
    EXPECT_EQ(parse_sort_order("price"), std::nullopt);
}

}  // namespace
}  // namespace scout::search
