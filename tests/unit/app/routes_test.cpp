#include <scout/app/routes.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace scout::app {
namespace {

const RouteInfo* find(const std::vector<RouteInfo>& table, std::string_view pattern) {
    const auto it = std::find_if(table.begin(), table.end(), [pattern](const RouteInfo& r) {
        return r.pattern == pattern;
    });
    return it == table.end() ? nullptr : &*it;
}

TEST(Routes, TableListsEveryRouteWithMethodNameAndAdminFlag) {
    const std::vector<RouteInfo> table = route_table();
    const RouteInfo* search = find(table, "/search");
    ASSERT_NE(search, nullptr);
    EXPECT_EQ(search->method, "GET");
    EXPECT_EQ(search->name, "search");
    EXPECT_FALSE(search->admin);
    const RouteInfo* smart = find(table, "/api/products/smart-search");
    ASSERT_NE(smart, nullptr);
    EXPECT_EQ(smart->method, "POST");
    const RouteInfo* health = find(table, "/health");
    ASSERT_NE(health, nullptr);
    EXPECT_FALSE(health->admin);
    const RouteInfo* metrics = find(table, "/metrics");
    ASSERT_NE(metrics, nullptr);
    EXPECT_TRUE(metrics->admin);
}

TEST(Routes, NoMethodAndPathRegisteredTwice) {
    std::set<std::string> seen;
    for (const RouteInfo& route : route_table()) {
        EXPECT_TRUE(seen.insert(route.method + " " + route.pattern).second) << route.pattern;
    }
}

}  // namespace
}  // namespace scout::app
