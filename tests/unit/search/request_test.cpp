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

// B9: '.' is the decimal point whatever the currency (EUR writes a decimal comma in prose).
TEST(SearchRequestParsing, PricesUseADecimalPointInEveryCurrency) {
    EXPECT_EQ(ok("q=a&currency=EUR&min_price=1.500").min_price, 150);
    EXPECT_EQ(ok("q=a&currency=USD&min_price=1.500").min_price, 150);
    EXPECT_EQ(ok("q=a&currency=BRL&max_price=1299").max_price, 129900);
    EXPECT_EQ(ok("q=a&currency=JPY&min_price=1500").min_price, 1500);
    EXPECT_EQ(ok("q=a&currency=JPY&min_price=100.00").min_price, 100);
    EXPECT_EQ(ok("q=a&currency=KWD&min_price=1.5").min_price, 1500);
    for (const char* query :
         {"q=a&currency=JPY&min_price=1.5",
          "q=a&currency=EUR&min_price=1,50",
          "q=a&currency=USD&min_price=12.345",
          "q=a&min_price=1.000.000",
          "q=a&min_price=.5",
          "q=a&min_price=5.",
          "q=a&min_price=1%2C000",
          "q=a&min_price=1234567890123456"}) {
        const ParamError error = bad(query);
        EXPECT_EQ(error.parameter, "min_price") << query;
    }
    EXPECT_NE(
        bad("q=a&currency=JPY&min_price=1.5").message.find("at most 0 decimals for JPY"),
        std::string::npos
    );
}

// B10: the limit counts characters (code points), not bytes.
TEST(SearchRequestParsing, QueryLimitCountsCharactersNotBytes) {
    std::string cjk70;
    for (int i = 0; i < 70; ++i) {
        cjk70 += "%E6%89%8B";  // U+624B, three bytes
    }
    EXPECT_EQ(ok("q=" + cjk70).q.size(), 210U);
    std::string cjk200;
    for (int i = 0; i < 200; ++i) {
        cjk200 += "%E6%89%8B";
    }
    EXPECT_TRUE(parse_query_string("q=" + cjk200, kDefaults));
    const ParamError too_long = bad("q=" + cjk200 + "%E6%89%8B");
    EXPECT_EQ(too_long.parameter, "q");
    EXPECT_NE(too_long.message.find("got 201"), std::string::npos) << too_long.message;
    EXPECT_TRUE(parse_query_string("q=" + std::string(200, 'x'), kDefaults));
}

// B13: page_no stops at the depth where the cursor walk ends.
TEST(SearchRequestParsing, PageNoCannotGoDeeperThanTheCursorWalk) {
    RequestDefaults limits;
    limits.max_depth = 5000;
    EXPECT_TRUE(parse_json_body(R"({"q":"usb","page_no":100,"page_size":50})", limits));
    EXPECT_TRUE(parse_json_body(R"({"q":"usb","page_no":250})", limits));  // page_size 20
    auto deep = parse_json_body(R"({"q":"usb","page_no":101,"page_size":50})", limits);
    ASSERT_FALSE(deep);
    EXPECT_EQ(deep.error().parameter, "page_no");
    EXPECT_NE(deep.error().message.find("at most 100"), std::string::npos) << deep.error().message;
    EXPECT_NE(deep.error().message.find("5000 products"), std::string::npos);
    EXPECT_FALSE(parse_json_body(R"({"q":"usb","page_no":251})", limits));
    EXPECT_FALSE(parse_json_body(R"({"q":"usb","page_no":1000,"page_size":50})", limits));
}

TEST(SearchRequestParsing, UnknownNamesSuggestTheNearestKnownOne) {
    const ParamError get = bad("q=a&pagesize=5");
    EXPECT_EQ(get.parameter, "pagesize");
    EXPECT_NE(
        get.message.find("unknown parameter 'pagesize' (did you mean page_size?)"),
        std::string::npos
    ) << get.message;
    EXPECT_NE(get.message.find("allowed: q, category_id"), std::string::npos);
    EXPECT_EQ(get.message.find("keywords"), std::string::npos) << "GET has no keywords alias";

    auto post = parse_json_body(R"({"keyword":"usb","page_n":2})", kDefaults);
    ASSERT_FALSE(post);
    EXPECT_NE(post.error().message.find("unknown field"), std::string::npos);
    EXPECT_NE(post.error().message.find("did you mean keywords?"), std::string::npos)
        << post.error().message;
    auto page = parse_json_body(R"({"q":"usb","page_n":2})", kDefaults);
    ASSERT_FALSE(page);
    EXPECT_NE(page.error().message.find("did you mean page_no?"), std::string::npos);
    // Nothing close: no guess.
    EXPECT_EQ(bad("q=a&colour=red").message.find("did you mean"), std::string::npos);
}

TEST(SearchRequestParsing, MalformedBodiesSayWhatIsWrongAndWhere) {
    const auto message = [](std::string_view body) {
        auto parsed = parse_json_body(body, kDefaults);
        EXPECT_FALSE(parsed) << body;
        return parsed ? std::string() : parsed.error().message;
    };
    EXPECT_NE(
        message("not json").find("not valid JSON (byte 2): parse error at line 1, column 2"),
        std::string::npos
    ) << message("not json");
    EXPECT_NE(
        message("{\"q\":\"usb\",\n \"page_size\": 5,}").find("line 2, column"), std::string::npos
    ) << message("{\"q\":\"usb\",\n \"page_size\": 5,}");
    EXPECT_NE(message("{\"q\":").find("unexpected end of input"), std::string::npos)
        << message("{\"q\":");
    EXPECT_NE(
        message("").find("(byte 1): parse error at line 1, column 1: syntax error while "
                         "parsing value - unexpected end of input"),
        std::string::npos
    ) << message("");
    EXPECT_NE(message("{} x").find("expected end of input"), std::string::npos);
    EXPECT_NE(message("[1,2]").find("must be a JSON object, got array"), std::string::npos);
    EXPECT_NE(
        message(R"({"q":"a","q":"b"})").find("field 'q' is given more than once"), std::string::npos
    );
    EXPECT_NE(
        message(R"({"q":{"nested":1}})")
            .find("field 'q' must be a string, number or "
                  "boolean, got object"),
        std::string::npos
    ) << message(R"({"q":{"nested":1}})");
    EXPECT_NE(message(R"({"q":"a","fields":["title",3]})").find("fields[1]"), std::string::npos);
    EXPECT_NE(message(R"({"q":[[[[[[[[[1]]]]]]]]]})").find("deeper than 8"), std::string::npos);
    // Control characters and invalid UTF-8 from the body never reach the message.
    const std::string control = message("{\"q\":\"a\x01\"}");
    EXPECT_EQ(control.find('\x01'), std::string::npos) << control;
    const std::string utf8 = message("{\"q\":\"\xff\"}");
    EXPECT_EQ(utf8.find('\xff'), std::string::npos) << utf8;
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
