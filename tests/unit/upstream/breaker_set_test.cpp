#include <scout/upstream/breaker_set.hpp>
#include <scout/upstream/request.hpp>

#include "support/manual_clock.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace scout::upstream {
namespace {

using namespace std::chrono_literals;
using State = CircuitBreaker::State;

config::BreakerConfig one_failure_opens() {
    config::BreakerConfig config;
    config.min_calls = 1;
    config.failure_ratio = 1.0;
    return config;
}

// B1: a failing or banned link.generate must not stop product.query.
TEST(BreakerSet, EachMethodHasItsOwnBreaker) {
    test::ManualClock clock;
    std::vector<std::string> changed;
    BreakerSet breakers(
        [] { return one_failure_opens(); },
        clock,
        [&](std::string_view method, State, State to) {
            changed.push_back(std::string(method) + ":" + std::string(to_string(to)));
        }
    );
    CircuitBreaker& links = breakers.for_method(kLinkGenerate);
    links.on_failure(*links.try_acquire());
    EXPECT_EQ(links.state(), State::kOpen);
    breakers.for_method(kProductDetailGet).trip_for(60s);

    CircuitBreaker& search = breakers.for_method(kProductQuery);
    EXPECT_NE(&search, &links);
    EXPECT_EQ(search.state(), State::kClosed);
    EXPECT_TRUE(search.try_acquire());
    EXPECT_EQ(&breakers.for_method(kLinkGenerate), &links);
    const std::vector<std::string> expected = {
        std::string(kLinkGenerate) + ":open", std::string(kProductDetailGet) + ":open"};
    EXPECT_EQ(changed, expected);
}

TEST(BreakerSet, UnknownMethodsShareOneBreaker) {
    test::ManualClock clock;
    BreakerSet breakers([] { return one_failure_opens(); }, clock);
    CircuitBreaker& other = breakers.for_method("aliexpress.affiliate.featuredpromo.get");
    EXPECT_EQ(&other, &breakers.for_method("something.else"));
    for (const std::string_view method :
         {kProductQuery, kHotProductQuery, kProductDetailGet, kLinkGenerate, kCategoryGet}) {
        EXPECT_NE(&other, &breakers.for_method(method)) << method;
    }
}

}  // namespace
}  // namespace scout::upstream
