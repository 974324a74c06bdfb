#include <scout/search/request.hpp>

#include <gtest/gtest.h>

namespace scout::search {
namespace {

const RequestDefaults kDefaults{};

SearchRequest ok(std::string_view query) {
    auto parsed = parse_query_string(query, kDefaults);
    EXPECT_TRUE(parsed) << query << ": " << (parsed ? "" : parsed.error().message);
    return parsed ? *parsed : SearchRequest{};
}

ParamError bad(std::string_view query) {
    auto parsed = parse_query_string(query, kDefaults);
    EXPECT_FALSE(parsed) << query;
    return parsed ? ParamError{} : parsed.error();
}

TEST(SearchRequestParsing, NormalisesKeywordsAndFillsDefaults) {
    const SearchRequest r = ok("q=%20%20USB++Cable%09&page_size=5");
    EXPECT_EQ(r.q, "usb cable");
    EXPECT_EQ(r.page_size, 5);
    EXPECT_EQ(r.currency, "USD");
    EXPECT_EQ(r.language, "EN");
    EXPECT_EQ(r.sort, SortOrder::kRelevance);
    EXPECT_TRUE(r.affiliate);
    EXPECT_EQ(r.fields, FieldSet::all());
}

TEST(SearchRequestParsing, ParsesEveryParameter) {
    const SearchRequest r =
        ok("q=phone&category_id=44&min_price=1.5&max_price=20&currency=eur&language=es&ship_to=br&"
           "sort=price_desc&page_size=50&fields=product_id,price&affiliate=false");
    EXPECT_EQ(r.category_id, 44);
    EXPECT_EQ(r.min_price, 150);
    EXPECT_EQ(r.max_price, 2000);
    EXPECT_EQ(r.currency, "EUR");
    EXPECT_EQ(r.language, "ES");
    EXPECT_EQ(r.ship_to, "BR");
    EXPECT_EQ(r.sort, SortOrder::kPriceDesc);
    EXPECT_EQ(r.page_size, 50);
    EXPECT_FALSE(r.affiliate);
    EXPECT_EQ(to_string(r.fields), "product_id,price");
}

TEST(SearchRequestParsing, RejectsBadValuesNamingTheParameter) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "q"},
        {"q=", "q"},
        {"q=%20", "q"},
        {"q=" + std::string(201, 'x'), "q"},
        {"q=a&category_id=abc", "category_id"},
        {"q=a&category_id=-4", "category_id"},
        {"q=a&min_price=1e3", "min_price"},
        {"q=a&min_price=-2", "min_price"},
        {"q=a&max_price=US%2412", "max_price"},
        {"q=a&min_price=5&max_price=4", "min_price"},
        {"q=a&currency=XXX", "currency"},
        {"q=a&language=english", "language"},
        {"q=a&ship_to=U1", "ship_to"},
        {"q=a&sort=newest", "sort"},
        {"q=a&page_size=0", "page_size"},
        {"q=a&page_size=51", "page_size"},
        {"q=a&page_size=2x", "page_size"},
        {"q=a&fields=title,nope", "fields"},
        {"q=a&affiliate=yes", "affiliate"},
        {"q=a&unknown=1", "unknown"},
        {"q=a&q=b", "q"},
        {"q=a&page_no=2", "page_no"},  // page_no only on the compatibility endpoint
        {"q=%zz", "query"},
    };
    for (const auto& [query, parameter] : cases) {
        const ParamError error = bad(query);
        EXPECT_EQ(error.parameter, parameter) << query;
        EXPECT_FALSE(error.message.empty()) << query;
    }
}

TEST(SearchRequestParsing, ErrorMessagesNeverEchoControlCharacters) {
    const ParamError error = bad("q=a&sort=%01%02%1b%5B31m");
    EXPECT_EQ(error.message.find('\x1b'), std::string::npos);
    EXPECT_EQ(error.message.find('\x01'), std::string::npos);
}

TEST(SearchRequestParsing, JsonBodyAcceptsKeywordsAliasNumbersAndPageNo) {
    auto parsed = parse_json_body(
        R"({"keywords":"Laptop Stand","page_size":"10","page_no":3,"min_price":2.5,"fields":["title","price"],"affiliate":false})",
        kDefaults
    );
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->q, "laptop stand");
    EXPECT_EQ(parsed->page_size, 10);
    EXPECT_EQ(parsed->page_no, 3);
    EXPECT_EQ(parsed->min_price, 250);
    EXPECT_FALSE(parsed->affiliate);
    EXPECT_EQ(to_string(parsed->fields), "title,price");
}

TEST(SearchRequestParsing, JsonBodyRejectsNonObjectsAndWrongTypes) {
    EXPECT_FALSE(parse_json_body("[1,2]", kDefaults));
    EXPECT_FALSE(parse_json_body("{\"q\":", kDefaults));
    EXPECT_FALSE(parse_json_body(R"({"q":{"nested":1}})", kDefaults));
    EXPECT_FALSE(parse_json_body(R"({"q":"a","cursor":"x","page_no":2})", kDefaults));
    auto both = parse_json_body(R"({"q":"a","keywords":"b"})", kDefaults);
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().parameter, "q");
}

TEST(SearchRequestIdentity, SameQueryInAnyFormHasTheSameIdentity) {
    EXPECT_EQ(
        query_identity(ok("q=USB%20cable&sort=orders&currency=usd")),
        query_identity(ok("currency=USD&sort=orders&q=usb++CABLE"))
    );
    EXPECT_NE(query_identity(ok("q=usb")), query_identity(ok("q=usb&sort=orders")));
    EXPECT_NE(query_identity(ok("q=usb")), query_identity(ok("q=usb&min_price=1")));
    // Page size and fields do not change the result set, only the page.
    EXPECT_EQ(query_identity(ok("q=usb&page_size=5")), query_identity(ok("q=usb&fields=title")));
}

}  // namespace
}  // namespace scout::search
