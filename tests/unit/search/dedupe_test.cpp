#include <scout/search/dedupe.hpp>
#include <scout/search/text.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace scout::search {
namespace {

Product make(std::int64_t id, std::string title, std::optional<std::int64_t> shop, double score) {
    Product p;
    p.product_id = id;
    p.title = std::move(title);
    p.normalized_title = normalize_title(p.title);
    p.price = {100, "USD"};
    if (shop) {
        p.shop = Shop{*shop, "shop"};
    }
    p.quality_score = score;
    return p;
}

std::vector<std::int64_t> ids(const std::vector<Product>& products) {
    std::vector<std::int64_t> out;
    for (const Product& p : products) {
        out.push_back(p.product_id);
    }
    return out;
}

struct SimilarityCase {
    std::string a;
    std::string b;
    double expected;
};

class TokenSetSimilarity : public ::testing::TestWithParam<SimilarityCase> {};

TEST_P(TokenSetSimilarity, IsJaccardOfDistinctTokens) {
    EXPECT_DOUBLE_EQ(token_set_similarity(GetParam().a, GetParam().b), GetParam().expected);
    EXPECT_DOUBLE_EQ(token_set_similarity(GetParam().b, GetParam().a), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    TokenSetSimilarity,
    ::testing::Values(
        SimilarityCase{"usb cable", "usb cable", 1.0},
        SimilarityCase{"usb cable", "cable usb", 1.0},            // order does not matter
        SimilarityCase{"usb usb cable", "usb cable cable", 1.0},  // nor repeats
        SimilarityCase{"usb cable", "usb cable holder stand", 0.5},
        SimilarityCase{"case for iphone 13", "case for iphone 14", 0.6},
        SimilarityCase{"a b c d e f g h i j", "a b c d e f g h i k", 9.0 / 11.0},
        SimilarityCase{"red", "blue", 0.0},
        SimilarityCase{"", "usb", 0.0},
        SimilarityCase{"", "", 0.0}
    )
);

TEST(Dedupe, SameIdKeepsTheBetterScoreInItsOwnPosition) {
    std::vector<Product> products{
        make(1, "alpha", 10, 0.3),
        make(2, "beta", 10, 0.5),
        make(1, "alpha again", 11, 0.9),  // better copy of 1, later in the list
        make(3, "gamma", 12, 0.1),
        make(2, "beta copy", 13, 0.5),  // tie: the earlier copy stays
    };
    const DedupeReport report = dedupe(products);
    EXPECT_EQ(report.same_id, 2u);
    EXPECT_EQ(report.near_duplicate, 0u);
    EXPECT_EQ(report.total(), 2u);
    EXPECT_EQ(ids(products), (std::vector<std::int64_t>{2, 1, 3}));
    EXPECT_EQ(products[1].title, "alpha again");
    EXPECT_EQ(products[0].title, "beta");
}

TEST(Dedupe, NearDuplicatesWithinAShopKeepTheBetterScore) {
    std::vector<Product> products{
        make(1, "Wireless Earbuds Bluetooth 5.3 Headphones Black", 7, 0.4),
        make(2, "Phone case", 7, 0.8),
        make(3, "wireless earbuds bluetooth 5 3 headphones black", 7, 0.6),  // same tokens
        make(4, "Wireless Earbuds Bluetooth 5.3 Headphones Black", 8, 0.1),  // other shop
        make(5, "Wireless Earbuds Bluetooth 5.3 Headphones Black", std::nullopt, 0.9),  // no shop
        make(6, "Wireless Earbuds Bluetooth 5.3 Headphones Black", std::nullopt, 0.9),
    };
    const DedupeReport report = dedupe(products);
    EXPECT_EQ(report.same_id, 0u);
    EXPECT_EQ(report.near_duplicate, 1u);
    EXPECT_EQ(ids(products), (std::vector<std::int64_t>{2, 3, 4, 5, 6}));
}

TEST(Dedupe, ThresholdDecides) {
    // 9 of 11 distinct tokens shared: 0.818.
    const auto input = std::vector<Product>{
        make(1, "a b c d e f g h i j", 7, 0.5),
        make(2, "a b c d e f g h i k", 7, 0.4),
    };
    std::vector<Product> products = input;
    EXPECT_EQ(dedupe(products).near_duplicate, 0u);  // default 0.9
    products = input;
    EXPECT_EQ(dedupe(products, DedupeOptions{0.8}).near_duplicate, 1u);
    EXPECT_EQ(ids(products), (std::vector<std::int64_t>{1}));
    products = input;
    EXPECT_EQ(dedupe(products, DedupeOptions{1.5}).total(), 0u);  // disabled
}

TEST(Dedupe, ComparesAgainstKeptProductsOnly) {
    // B is similar to both A and C, A and C are not similar: B (worst) goes, A and C stay.
    std::vector<Product> products{
        make(1, "a b c d e", 7, 0.9),
        make(2, "a b c d e f", 7, 0.1),
        make(3, "a b c d e f g", 7, 0.5),
    };
    const DedupeReport report = dedupe(products, DedupeOptions{0.8});
    EXPECT_EQ(report.near_duplicate, 1u);
    EXPECT_EQ(ids(products), (std::vector<std::int64_t>{1, 3}));
}

TEST(Dedupe, EmptyAndSingle) {
    std::vector<Product> none;
    EXPECT_EQ(dedupe(none).total(), 0u);
    std::vector<Product> one{make(1, "x", 1, 0)};
    EXPECT_EQ(dedupe(one).total(), 0u);
    EXPECT_EQ(one.size(), 1u);
}

TEST(Dedupe, ManyPagesStayCorrect) {
    std::vector<Product> products;
    for (int page = 0; page < 4; ++page) {
        for (int i = 0; i < 50; ++i) {
            // Each page repeats ids 0..49 with a score that grows with the page.
            products.push_back(make(i, "item " + std::to_string(i) + " words", i % 5, page * 0.1));
        }
    }
    const DedupeReport report = dedupe(products);
    EXPECT_EQ(report.same_id, 150u);
    ASSERT_EQ(products.size(), 50u);
    for (const Product& p : products) {
        EXPECT_DOUBLE_EQ(p.quality_score, 3 * 0.1);  // the last page's copy won
    }
}

}  // namespace
}  // namespace scout::search
