#include <scout/config/config.hpp>
#include <scout/middleware/api_key.hpp>

#include <gtest/gtest.h>

namespace scout::middleware {
namespace {

// sha256("key-one").
constexpr std::string_view kOne =
    "9b346041bc9a49574eb2665b2ad2a0a3f9f9cce4e42f5d1f26deb8a256b5966a";

TEST(ParseApiKey, ReadsTheFourParts) {
    const auto key = config::parse_api_key(
        "mobile-app:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08:2.5:10"
    );
    ASSERT_TRUE(key);
    EXPECT_EQ(key->id, "mobile-app");
    EXPECT_EQ(key->sha256[0], 0x9f);
    EXPECT_EQ(key->sha256[31], 0x08);
    EXPECT_DOUBLE_EQ(key->rate_per_s, 2.5);
    EXPECT_EQ(key->burst, 10);
}

TEST(ParseApiKey, RejectsMalformedEntries) {
    const std::string digest(64, 'a');
    for (const std::string& bad :
         {std::string("id:") + digest + ":1",
          std::string(":") + digest + ":1:1",
          std::string("bad id:") + digest + ":1:1",
          std::string("id:") + digest.substr(1) + ":1:1",
          std::string("id:") + std::string(64, 'g') + ":1:1",
          std::string("id:") + digest + ":0:1",
          std::string("id:") + digest + ":1:0",
          std::string("id:") + digest + ":nan:1",
          std::string("id:") + digest + ":1:1:extra",
          std::string("")}) {
        EXPECT_FALSE(config::parse_api_key(bad)) << bad;
    }
}

class ApiKeyCheck : public ::testing::Test {
protected:
    static config::AuthConfig auth(bool required) {
        config::AuthConfig a;
        a.required = required;
        // sha256("test") = 9f86d081...
        a.api_keys = {
            "tester:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08:1:5",
            std::string("other:") + std::string(kOne) + ":1:5"};
        return a;
    }
};

TEST_F(ApiKeyCheck, RequiredKeysRefuseNoneAndWrongOnes) {
    const KeySet keys(auth(true));
    const KeySet::Key* key = nullptr;
    EXPECT_EQ(ApiKeyAuth::check(keys, "", key), KeyCheck::kMissing);
    EXPECT_EQ(ApiKeyAuth::check(keys, "tesT", key), KeyCheck::kWrong);
    EXPECT_EQ(ApiKeyAuth::check(keys, "test ", key), KeyCheck::kWrong);
    EXPECT_EQ(key, nullptr);
    EXPECT_EQ(ApiKeyAuth::check(keys, "test", key), KeyCheck::kValid);
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->config.id, "tester");
    EXPECT_EQ(keys.by_id("tester"), key);
    EXPECT_EQ(keys.by_id("nobody"), nullptr);
}

TEST_F(ApiKeyCheck, OptionalKeysLetAnonymousThroughButNotWrongKeys) {
    const KeySet keys(auth(false));
    const KeySet::Key* key = nullptr;
    EXPECT_EQ(ApiKeyAuth::check(keys, "", key), KeyCheck::kNone);
    EXPECT_EQ(ApiKeyAuth::check(keys, "revoked", key), KeyCheck::kWrong);
    EXPECT_EQ(ApiKeyAuth::check(KeySet(config::AuthConfig{}), "anything", key), KeyCheck::kNone);
}

TEST_F(ApiKeyCheck, EachKeyHasItsOwnBucket) {
    const KeySet keys(auth(false));
    ASSERT_EQ(keys.keys.size(), 2U);
    EXPECT_EQ(keys.keys[0].bucket.kind, ClientKey::Kind::kApiKey);
    EXPECT_NE(keys.keys[0].bucket, keys.keys[1].bucket);
    EXPECT_EQ(KeySet(auth(true)).keys[0].bucket, keys.keys[0].bucket);  // stable across reloads
}

}  // namespace
}  // namespace scout::middleware
