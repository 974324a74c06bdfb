#include <scout/config/config.hpp>

#include "config_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace scout::config {
namespace {

using testing::ConfigDir;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Overrides = std::vector<std::pair<std::string, std::string>>;
using Environment = std::map<std::string, std::string>;

const ConfigError* find_error(const LoadResult& result, std::string_view path) {
    for (const auto& e : result.errors) {
        if (e.path == path) {
            return &e;
        }
    }
    return nullptr;
}

std::vector<std::string> error_paths(const LoadResult& result) {
    std::vector<std::string> out;
    for (const auto& e : result.errors) {
        out.push_back(e.path);
    }
    return out;
}

// Every setting production requires, from the environment as production hosts set them.
Environment production_environment() {
    return {
        {"SCOUT_UPSTREAM_APP_KEY", "key"},
        {"SCOUT_UPSTREAM_APP_SECRET", "secret"},
        {"SCOUT_ADMIN_TOKEN", "token"},
        {"SCOUT_SEARCH_CURSOR_SECRET", "cursor"},
        {"SCOUT_CACHE_L2_SECRET", "l2"}};
}

class ConfigLoad : public ::testing::Test {
protected:
    LoadOptions options(Overrides overrides = {}, Environment environment = {}) const {
        LoadOptions o;
        o.config_dir = dir_.str();
        o.overrides = std::move(overrides);
        o.environment = std::move(environment);
        return o;
    }
    LoadResult load_with(Overrides overrides = {}, Environment environment = {}) const {
        return load(options(std::move(overrides), std::move(environment)));
    }
    // Loads and expects success.
    Config loaded(Overrides overrides = {}, Environment environment = {}) const {
        auto result = load_with(std::move(overrides), std::move(environment));
        EXPECT_THAT(result.errors, IsEmpty()) << format_errors(result.errors);
        return result.config.value_or(Config{});
    }

    ConfigDir dir_;
};

// ---- layering -------------------------------------------------------------------------------

TEST_F(ConfigLoad, EmptyFilesGiveTheBuiltInDefaults) {
    const Config c = loaded();
    const Config defaults;
    EXPECT_EQ(to_json(c, false), to_json(defaults, false));
    EXPECT_EQ(c.env, "development");
}

TEST_F(ConfigLoad, EachLayerOverridesTheOneBelow) {
    dir_.write("default.json", R"({"server": {"threads": 2, "listen": "127.0.0.1:1000"}})");
    EXPECT_EQ(loaded().server.threads, 2);

    dir_.write("development.json", R"({"server": {"threads": 3}})");
    EXPECT_EQ(loaded().server.threads, 3);
    // Keys the overlay does not mention keep the lower layer's value.
    EXPECT_EQ(loaded().server.listen, "127.0.0.1:1000");

    const Environment env{{"SCOUT_SERVER_THREADS", "4"}};
    EXPECT_EQ(loaded({}, env).server.threads, 4);

    EXPECT_EQ(loaded({{"server.threads", "5"}}, env).server.threads, 5);
    // The last of repeated overrides wins.
    EXPECT_EQ(loaded({{"server.threads", "5"}, {"server.threads", "6"}}, env).server.threads, 6);
}

// auth.api_keys as the objects the protection issue names, or the compact strings; both
// forms in one list, from a file and from an override.
TEST_F(ConfigLoad, ApiKeysAreObjectsOrCompactStrings) {
    const std::string digest(64, 'a');
    dir_.write(
        "default.json",
        R"({"auth": {"api_keys": [{"id": "shop-1", "sha256_of_key": ")" + digest +
            R"(", "rate_per_s": 2.5, "burst": 7}, "shop-2:)" + digest + R"(:1:1"]}})"
    );
    const Config c = loaded();
    ASSERT_EQ(c.auth.api_keys.size(), 2U);
    const auto first = parse_api_key(c.auth.api_keys[0]);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->id, "shop-1");
    EXPECT_DOUBLE_EQ(first->rate_per_s, 2.5);
    EXPECT_EQ(first->burst, 7);
    EXPECT_EQ(first->sha256[0], 0xAA);
    EXPECT_EQ(parse_api_key(c.auth.api_keys[1])->id, "shop-2");

    const std::string object = R"({"id": "o", "sha256_of_key": ")" + digest + R"(", )";
    EXPECT_EQ(
        loaded({{"auth.api_keys", "[" + object + R"("rate_per_s": 1, "burst": 2}])"}}
        ).auth.api_keys.size(),
        1U
    );
    for (const std::string& bad : std::vector<std::string>{
             object + R"("rate_per_s": 1})",                          // no burst
             object + R"("rate_per_s": "1", "burst": 2})",            // rate as text
             object + R"("rate_per_s": 1, "burst": 2.5})",            // fractional burst
             object + R"("rate_per_s": 1, "burst": 2, "key": "x"})",  // unknown member
             std::string(R"({"id": "o", "sha256_of_key": "abc", "rate_per_s": 1, "burst": 2})")}) {
        EXPECT_NE(
            find_error(load_with({{"auth.api_keys", "[" + bad + "]"}}), "auth.api_keys"), nullptr
        ) << bad;
    }
    EXPECT_NE(
        find_error(
            load_with({{"rate_limit.trusted_proxies", R"([{"a": 1}])"}}),
            "rate_limit.trusted_proxies"
        ),
        nullptr
    ) << "other lists take no objects";
}

TEST_F(ConfigLoad, BadValueInALowLayerIsFineWhenAHigherLayerFixesIt) {
    dir_.write("default.json", R"({"server": {"threads": 999}})");
    EXPECT_EQ(loaded({{"server.threads", "8"}}).server.threads, 8);
}

TEST_F(ConfigLoad, EnvironmentSelectsTheOverlay) {
    dir_.write("development.json", R"({"log": {"level": "debug"}})");
    dir_.write("staging.json", R"({"log": {"level": "warn"}})");
    dir_.write("production.json", R"({"log": {"level": "error"}})");

    EXPECT_EQ(loaded().log.level, "debug");
    EXPECT_EQ(loaded({}, {{"SCOUT_ENV", "staging"}}).log.level, "warn");
    EXPECT_EQ(loaded({}, {{"SCOUT_ENV", "staging"}}).env, "staging");

    auto o = options({}, {{"SCOUT_ENV", "staging"}});
    o.env = "production";  // --env beats SCOUT_ENV
    o.overrides = {
        {"upstream.app_key", "k"},
        {"upstream.app_secret", "s"},
        {"admin.token", "t"},
        {"search.cursor_secret", "c"},
        {"cache.l2_secret", "l2"}};
    const auto result = load(o);
    ASSERT_TRUE(result.config) << format_errors(result.errors);
    EXPECT_EQ(result.config->log.level, "error");
    EXPECT_EQ(result.config->env, "production");
}

TEST_F(ConfigLoad, UnknownEnvironmentIsAnError) {
    const auto result = load_with({}, {{"SCOUT_ENV", "Production"}});
    EXPECT_FALSE(result.config);
    const auto* e = find_error(result, "env");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->value, "Production");
    EXPECT_THAT(e->message, HasSubstr("development, staging, production"));
    EXPECT_THAT(e->message, HasSubstr("SCOUT_ENV"));

    auto o = options();
    o.env = "qa";
    EXPECT_NE(find_error(load(o), "env"), nullptr);
}

TEST_F(ConfigLoad, MissingDefaultFileIsAnError) {
    dir_.remove("default.json");
    const auto result = load_with();
    EXPECT_FALSE(result.config);
    const auto* e = find_error(result, dir_.file("default.json"));
    ASSERT_NE(e, nullptr) << format_errors(result.errors);
    EXPECT_THAT(e->message, HasSubstr("not found"));
}

TEST_F(ConfigLoad, MissingOverlayFileIsAnError) {
    dir_.remove("staging.json");
    const auto result = load_with({}, {{"SCOUT_ENV", "staging"}});
    EXPECT_FALSE(result.config);
    EXPECT_NE(find_error(result, dir_.file("staging.json")), nullptr)
        << format_errors(result.errors);
}

TEST_F(ConfigLoad, MalformedJsonNamesTheFileAndThePosition) {
    dir_.write("development.json", "{\n  \"server\": {\n    \"threads\": 4,\n  }\n}\n");
    const auto result = load_with();
    EXPECT_FALSE(result.config);
    ASSERT_EQ(result.errors.size(), 1U) << format_errors(result.errors);
    EXPECT_EQ(result.errors[0].path, dir_.file("development.json"));
    EXPECT_THAT(result.errors[0].message, HasSubstr("invalid JSON"));
    EXPECT_THAT(result.errors[0].message, HasSubstr("line 4, column 3"));
    EXPECT_THAT(format_errors(result.errors), HasSubstr(dir_.file("development.json")));
}

TEST_F(ConfigLoad, NumberBeyondADoubleIsAnInvalidJsonErrorNotAnException) {
    // nlohmann throws out_of_range (not parse_error) for these; load() must report, not throw.
    for (const char* number : {"1e400", "-1e999"}) {
        dir_.write(
            "development.json",
            std::string(R"({"upstream":{"retry":{"multiplier":)") + number + "}}}"
        );
        LoadResult result;
        ASSERT_NO_THROW(result = load_with()) << number;
        EXPECT_FALSE(result.config);
        ASSERT_EQ(result.errors.size(), 1U) << format_errors(result.errors);
        EXPECT_EQ(result.errors[0].path, dir_.file("development.json"));
        EXPECT_THAT(result.errors[0].message, HasSubstr("invalid JSON"));
        EXPECT_THAT(result.errors[0].message, HasSubstr(number));
    }
}

TEST_F(ConfigLoad, TopLevelMustBeAnObject) {
    dir_.write("default.json", "[1, 2]");
    const auto result = load_with();
    const auto* e = find_error(result, dir_.file("default.json"));
    ASSERT_NE(e, nullptr);
    EXPECT_THAT(e->message, HasSubstr("must be a JSON object"));
}

TEST_F(ConfigLoad, DuplicateKeyInAFileIsAnError) {
    dir_.write("default.json", R"({"log": {"level": "info", "level": "debug"}})");
    const auto result = load_with();
    const auto* e = find_error(result, "log.level");
    ASSERT_NE(e, nullptr) << format_errors(result.errors);
    EXPECT_THAT(e->message, HasSubstr("duplicate key"));
    EXPECT_THAT(e->message, HasSubstr(dir_.file("default.json")));
}

// ---- unknown names --------------------------------------------------------------------------

TEST_F(ConfigLoad, UnknownKeyInAFileIsAnErrorNamingTheFile) {
    dir_.write("default.json", R"({"server": {"listne": "127.0.0.1:1"}})");
    dir_.write("development.json", R"({"upstream": {"retry": {"max_attempt": 2}}, "extra": 1})");
    const auto result = load_with();
    EXPECT_FALSE(result.config);

    const auto* typo = find_error(result, "server.listne");
    ASSERT_NE(typo, nullptr) << format_errors(result.errors);
    EXPECT_THAT(typo->message, HasSubstr("unknown setting"));
    EXPECT_THAT(typo->message, HasSubstr(dir_.file("default.json")));
    EXPECT_THAT(typo->message, HasSubstr("did you mean server.listen?"));

    const auto* nested = find_error(result, "upstream.retry.max_attempt");
    ASSERT_NE(nested, nullptr);
    EXPECT_THAT(nested->message, HasSubstr(dir_.file("development.json")));
    EXPECT_NE(find_error(result, "extra"), nullptr);
}

TEST_F(ConfigLoad, DottedKeysAndSectionsOfTheWrongShapeAreErrors) {
    dir_.write("default.json", R"({"server.threads": 4, "log": "debug"})");
    const auto result = load_with();
    // Not about one setting ("log") first, then settings in table order.
    EXPECT_EQ(error_paths(result), (std::vector<std::string>{"log", "server.threads"}))
        << format_errors(result.errors);
    EXPECT_THAT(result.errors[0].message, HasSubstr("must be an object"));
    EXPECT_THAT(result.errors[1].message, HasSubstr("nest objects"));
    EXPECT_EQ(result.errors[1].value, "4");
}

TEST_F(ConfigLoad, EnvIsNotAFileKey) {
    dir_.write("default.json", R"({"env": "production"})");
    const auto result = load_with();
    const auto* e = find_error(result, "env");
    ASSERT_NE(e, nullptr);
    EXPECT_THAT(e->message, HasSubstr("--env or SCOUT_ENV"));
}

TEST_F(ConfigLoad, UnknownScoutVariableIsAWarning) {
    const auto result = load_with(
        {},
        {{"SCOUT_SERVER_THREDS", "4"},
         {"SCOUT_ENV", "development"},
         {"SCOUT_CONFIG_DIR", "/etc/scout"},
         {"PATH", "/usr/bin"},
         {"SCOUTING", "x"}}
    );
    ASSERT_TRUE(result.config) << format_errors(result.errors);
    EXPECT_EQ(result.config->server.threads, 0);  // the mistyped variable set nothing
    ASSERT_EQ(result.warnings.size(), 1U) << format_errors(result.warnings);
    EXPECT_EQ(result.warnings[0].path, "SCOUT_SERVER_THREDS");
    EXPECT_THAT(result.warnings[0].message, HasSubstr("unknown SCOUT_ variable, ignored"));
    EXPECT_THAT(result.warnings[0].message, HasSubstr("did you mean SCOUT_SERVER_THREADS?"));
    // The value of an unknown variable may be a mistyped secret: never shown.
    EXPECT_EQ(result.warnings[0].value, "");
}

TEST_F(ConfigLoad, MissingFilesAreBuiltInDefaultsOnlyWhenOptional) {
    LoadOptions options;
    options.config_dir = "/nonexistent-scout-config";
    const auto required = load(options);
    EXPECT_FALSE(required.config);
    options.files_optional = true;
    const auto optional = load(options);
    ASSERT_TRUE(optional.config) << format_errors(optional.errors);
    EXPECT_TRUE(optional.files.empty());
    EXPECT_EQ(optional.config->server.listen, Config{}.server.listen);
}

TEST_F(ConfigLoad, ListsTheFilesItRead) {
    const auto result = load_with();
    ASSERT_TRUE(result.config) << format_errors(result.errors);
    ASSERT_EQ(result.files.size(), 2U);
    EXPECT_THAT(result.files[0], ::testing::EndsWith("default.json"));
    EXPECT_THAT(result.files[1], ::testing::EndsWith("development.json"));
}

TEST_F(ConfigLoad, UnknownOverrideIsAnError) {
    const auto result = load_with({{"server.thread", "4"}, {"env", "production"}});
    EXPECT_FALSE(result.config);
    EXPECT_EQ(error_paths(result), (std::vector<std::string>{"server.thread", "env"}));
    EXPECT_THAT(result.errors[0].message, HasSubstr("unknown setting (from --set)"));
}

// ---- environment variables and conversion ---------------------------------------------------

TEST(ConfigEnvVarName, UpperCasesAndReplacesDots) {
    EXPECT_EQ(env_var_name("server.listen"), "SCOUT_SERVER_LISTEN");
    EXPECT_EQ(env_var_name("upstream.retry.max_attempts"), "SCOUT_UPSTREAM_RETRY_MAX_ATTEMPTS");
}

TEST_F(ConfigLoad, EnvironmentVariablesReachNestedSettingsOfEveryType) {
    const Config c = loaded(
        {},
        {{"SCOUT_SERVER_LISTEN", "0.0.0.0:9000"},
         {"SCOUT_UPSTREAM_RETRY_MAX_ATTEMPTS", "7"},
         {"SCOUT_UPSTREAM_RETRY_MULTIPLIER", "1.5"},
         {"SCOUT_UPSTREAM_BREAKER_FAILURE_RATIO", "0.25"},
         {"SCOUT_LOG_MAX_FILE_BYTES", "2048"},
         {"SCOUT_REDIS_URL", ""}}
    );
    EXPECT_EQ(c.server.listen, "0.0.0.0:9000");
    EXPECT_EQ(c.upstream.retry.max_attempts, 7);
    EXPECT_DOUBLE_EQ(c.upstream.retry.multiplier, 1.5);
    EXPECT_DOUBLE_EQ(c.upstream.breaker.failure_ratio, 0.25);
    EXPECT_EQ(c.log.max_file_bytes, 2048U);
    EXPECT_EQ(c.redis.url, "");
}

TEST_F(ConfigLoad, TypeMismatchInAFileIsAnError) {
    dir_.write(
        "default.json",
        R"({"server": {"threads": "4", "listen": 8080, "max_body_bytes": -5},
            "upstream": {"retry": {"max_attempts": 2.5, "multiplier": "2"}}})"
    );
    const auto result = load_with();
    EXPECT_FALSE(result.config);
    const auto* threads = find_error(result, "server.threads");
    ASSERT_NE(threads, nullptr) << format_errors(result.errors);
    EXPECT_EQ(threads->value, "4");
    EXPECT_THAT(threads->message, HasSubstr("must be an integer between 0 and 256 (got a string"));
    EXPECT_THAT(threads->message, HasSubstr(dir_.file("default.json")));
    ASSERT_NE(find_error(result, "server.listen"), nullptr);
    EXPECT_THAT(find_error(result, "server.listen")->message, HasSubstr("got an integer"));
    ASSERT_NE(find_error(result, "server.max_body_bytes"), nullptr);
    EXPECT_EQ(find_error(result, "server.max_body_bytes")->value, "-5");
    ASSERT_NE(find_error(result, "upstream.retry.max_attempts"), nullptr);
    EXPECT_THAT(
        find_error(result, "upstream.retry.max_attempts")->message,
        HasSubstr("got a fractional number")
    );
    EXPECT_NE(find_error(result, "upstream.retry.multiplier"), nullptr);
    EXPECT_EQ(result.errors.size(), 5U) << format_errors(result.errors);
}

TEST_F(ConfigLoad, TextThatDoesNotConvertIsAnError) {
    const auto result = load_with(
        {{"server.threads", "four"},
         {"server.max_body_bytes", "-1"},
         {"upstream.retry.max_attempts", "2.0"},
         {"upstream.retry.multiplier", "x2"},
         {"server.body_timeout_ms", "99999999999"}},
        {{"SCOUT_SERVER_HEADER_TIMEOUT_MS", " 100"}}
    );
    EXPECT_EQ(
        error_paths(result),
        (std::vector<std::string>{
            "server.threads",
            "server.max_body_bytes",
            "server.header_timeout_ms",
            "server.body_timeout_ms",
            "upstream.retry.max_attempts",
            "upstream.retry.multiplier"})
    ) << format_errors(result.errors);
    EXPECT_EQ(result.errors[0].value, "four");
    EXPECT_THAT(result.errors[0].message, HasSubstr("(from --set)"));
    EXPECT_THAT(result.errors[2].message, HasSubstr("(from SCOUT_SERVER_HEADER_TIMEOUT_MS)"));
}

// ---- validation -----------------------------------------------------------------------------

struct BadValue {
    std::string path;
    std::string value;
};

std::vector<BadValue> bad_values() {
    return {
        {"server.listen", "8080"},
        {"server.listen", "example.com:80"},
        {"server.listen", "127.0.0.1:0"},
        {"server.listen", "127.0.0.1:65536"},
        {"server.listen", "256.1.1.1:80"},
        {"server.listen", "[::1:80"},
        {"server.listen", "::1:80"},
        {"monitoring.slow_request_ms", "0"},
        {"compression.min_bytes", "-1"},
        {"compression.level", "0"},
        {"compression.level", "10"},
        {"monitoring.slow_request_ms", "3600001"},
        {"features.enhanced_caching.enabled", "maybe"},
        {"features.enhanced_caching.rollout_percent", "-1"},
        {"features.enhanced_caching.rollout_percent", "101"},
        {"features.retry_logic.enabled", "maybe"},
        {"features.retry_logic.rollout_percent", "-1"},
        {"features.retry_logic.rollout_percent", "101"},
        {"features.data_validation.enabled", "maybe"},
        {"features.data_validation.rollout_percent", "-1"},
        {"features.data_validation.rollout_percent", "101"},
        {"features.quality_ranking.enabled", "maybe"},
        {"features.quality_ranking.rollout_percent", "-1"},
        {"features.quality_ranking.rollout_percent", "101"},
        {"monitoring.max_event_loop_lag_ms", "9"},
        {"monitoring.max_event_loop_lag_ms", "60001"},
        {"server.threads", "-1"},
        {"server.threads", "257"},
        {"server.max_body_bytes", "0"},
        {"server.max_body_bytes", "1073741825"},
        {"server.max_header_bytes", "1023"},
        {"server.max_header_bytes", "1048577"},
        {"server.header_timeout_ms", "0"},
        {"server.header_timeout_ms", "3600001"},
        {"server.body_timeout_ms", "0"},
        {"server.body_timeout_ms", "3600001"},
        {"server.shutdown_grace_ms", "-1"},
        {"server.shutdown_grace_ms", "600001"},
        {"server.write_timeout_ms", "0"},
        {"server.idle_timeout_ms", "3600001"},
        {"server.max_requests_per_connection", "-1"},
        {"server.max_connections", "0"},
        {"upstream.gateway_url", "ftp://api.example.com/sync"},
        {"upstream.gateway_url", "https://api.example.com"},
        {"upstream.gateway_url", "https://api.example.com:0/sync"},
        {"upstream.gateway_url", "https://api example.com/sync"},
        {"upstream.gateway_url", "https://api.example.com/sync?x=1"},
        {"upstream.sign_method", "sha1"},
        {"upstream.target_currency", "usd"},
        {"upstream.target_currency", "USDT"},
        {"upstream.target_currency", "XYZ"},
        {"upstream.target_language", "en"},
        {"upstream.request_timeout_ms", "0"},
        {"upstream.request_timeout_ms", "3600001"},
        {"upstream.attempt_timeout_ms", "0"},
        {"upstream.attempt_timeout_ms", "3600001"},
        {"upstream.connect_timeout_ms", "0"},
        {"upstream.connect_timeout_ms", "3600001"},
        {"upstream.retry.max_attempts", "0"},
        {"upstream.retry.max_attempts", "11"},
        {"upstream.retry.base_delay_ms", "0"},
        {"upstream.retry.base_delay_ms", "60001"},
        {"upstream.retry.max_delay_ms", "0"},
        {"upstream.retry.max_delay_ms", "600001"},
        {"upstream.retry.multiplier", "0.99"},
        {"upstream.retry.multiplier", "10.01"},
        {"upstream.retry.multiplier", "nan"},
        {"upstream.retry.jitter", "half"},
        {"upstream.breaker.failure_ratio", "0"},
        {"upstream.breaker.failure_ratio", "1.01"},
        {"upstream.breaker.min_calls", "0"},
        {"upstream.breaker.min_calls", "10001"},
        {"upstream.breaker.window_ms", "99"},
        {"upstream.breaker.window_ms", "3600001"},
        {"upstream.breaker.open_ms", "99"},
        {"upstream.breaker.open_ms", "3600001"},
        {"upstream.breaker.half_open_max_calls", "0"},
        {"upstream.breaker.half_open_max_calls", "101"},
        {"upstream.max_ban_s", "0"},
        {"upstream.max_ban_s", "86401"},
        {"upstream.quota.rate_per_s", "-1"},
        {"upstream.quota.rate_per_s", "100001"},
        {"upstream.quota.burst", "0"},
        {"upstream.quota.daily", "-1"},
        {"upstream.quota.max_queue", "-1"},
        {"upstream.quota.max_wait_ms", "-1"},
        {"upstream.quota.instances_hint", "0"},
        {"upstream.cost_per_call", "-0.1"},
        {"upstream.cost_per_call", "1000.5"},
        {"redis.url", "http://127.0.0.1:6379"},
        {"redis.url", "redis://127.0.0.1:6379/16"},
        {"redis.url", "redis://127.0.0.1:0/0"},
        {"redis.url", "redis:///0"},
        {"redis.sentinels", R"(["127.0.0.1"])"},
        {"redis.sentinels", R"(["sentinel:0"])"},
        {"redis.sentinels", R"(["redis://sentinel:26379"])"},
        {"redis.sentinels", R"(["::1:26379"])"},
        {"redis.master_name", "my master"},
        {"log.level", "verbose"},
        {"log.level", "INFO"},
        {"log.format", "xml"},
        {"log.max_file_bytes", "1023"},
        {"log.max_file_bytes", "10737418241"},
        {"log.max_files", "0"},
        {"log.max_files", "101"},
        {"compression.enabled", "maybe"},
        {"compression.min_bytes", "67108865"},
        {"rate_limit.enabled", "maybe"},
        {"rate_limit.per_client.rate_per_s", "0"},
        {"rate_limit.per_client.rate_per_s", "1000001"},
        {"rate_limit.per_client.burst", "0"},
        {"rate_limit.per_client.per_minute", "-1"},
        {"rate_limit.global.rate_per_s", "-1"},
        {"rate_limit.global.burst", "-1"},
        {"rate_limit.trusted_proxies", R"(["not-a-cidr"])"},
        {"rate_limit.max_clients", "1023"},
        {"auth.required", "true"},
        {"auth.api_keys", R"(["no-digest-here"])"},
        {"log.access.enabled", "maybe"},
        {"log.access.buffer_bytes", "1023"},
        {"log.access.buffer_bytes", "1048577"},
        {"log.access.flush_ms", "9"},
        {"log.access.flush_ms", "60001"},
        {"log.access.sample_2xx", "-0.1"},
        {"log.access.sample_2xx", "1.5"},
        {"redis.command_timeout_ms", "0"},
        {"redis.command_timeout_ms", "60001"},
        {"redis.connect_timeout_ms", "0"},
        {"redis.connect_timeout_ms", "60001"},
        {"redis.reconnect_min_ms", "0"},
        {"redis.reconnect_min_ms", "60001"},
        {"redis.timeouts_before_reconnect", "-1"},
        {"redis.timeouts_before_reconnect", "1001"},
        {"redis.reconnect_max_ms", "0"},
        {"redis.reconnect_max_ms", "600001"},
        {"cache.memory.max_entries", "0"},
        {"cache.memory.max_bytes", "1024"},
        {"cache.ttl.search_s", "-1"},
        {"cache.ttl.affiliate_link_s", "2592001"},
        {"cache.serve_stale_s", "604801"},
        {"cache.refresh_ahead_percent", "51"},
        {"cache.distributed_single_flight", "maybe"},
        {"search.max_response_bytes", "100"},
        {"search.max_price", "0"},
        {"search.quality.weights.rating", "-0.1"},
        {"search.quality.weights.orders", "101"},
        {"search.quality.weights.discount", "abc"},
        {"search.quality.weights.completeness", "-1"},
        {"search.quality.min_score", "1.5"},
        {"search.quality.min_rating", "5.5"},
        {"search.quality.min_orders", "-3"},
        {"search.dedupe.title_similarity", "0"},
        {"search.cursor_max_age_s", "0"},
        {"search.cursor_max_age_s", "2592001"},
    };
}

std::string allowed_for(std::string_view path) {
    for (const auto& s : settings()) {
        if (s.path == path) {
            return s.allowed;
        }
    }
    return "<no such setting>";
}

class ConfigValidation : public ConfigLoad, public ::testing::WithParamInterface<BadValue> {};

TEST_P(ConfigValidation, RejectsTheValueWithPathValueAndWhatIsAllowed) {
    const auto& bad = GetParam();
    const auto result = load_with({{bad.path, bad.value}});
    EXPECT_FALSE(result.config);
    ASSERT_FALSE(result.errors.empty());
    // The first error is about this setting; a cross-field partner may follow
    // (request_timeout_ms = 0 also makes attempt_timeout_ms too long).
    EXPECT_EQ(result.errors[0].path, bad.path) << format_errors(result.errors);
    EXPECT_EQ(result.errors[0].value, bad.value);
    EXPECT_THAT(result.errors[0].message, HasSubstr("must be " + allowed_for(bad.path)));
    EXPECT_THAT(result.errors[0].message, HasSubstr("(from --set)"));
    EXPECT_LE(result.errors.size(), 2U) << format_errors(result.errors);
}

INSTANTIATE_TEST_SUITE_P(
    EveryRule,
    ConfigValidation,
    ::testing::ValuesIn(bad_values()),
    [](const ::testing::TestParamInfo<BadValue>& param_info) {
        std::string name = std::to_string(param_info.index) + "_" + param_info.param.path;
        std::replace_if(
            name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_'
        );
        return name;
    }
);

TEST(ConfigValidationCoverage, EverySettingWithARuleHasABadValueCase) {
    // Free-form settings: any string is valid (production emptiness is tested separately).
    std::set<std::string> covered = {
        "upstream.app_key",
        "upstream.app_secret",
        "upstream.tracking_id",
        "admin.token",
        "log.file",
        "search.cursor_secret",  // a secret: its bad values are in CursorSecretIsAList...
        "cache.l2_secret",
        "redis.key_prefix"};
    for (const auto& bad : bad_values()) {
        covered.insert(bad.path);
    }
    for (const auto& path : setting_paths()) {
        EXPECT_TRUE(covered.count(path) == 1) << path << " has no bad-value test case";
    }
}

TEST_F(ConfigLoad, AcceptsValuesAtTheLimits) {
    const Config c = loaded({
        {"server.listen", "[::1]:65535"},
        {"server.threads", "256"},
        {"server.max_body_bytes", "1073741824"},
        {"server.max_header_bytes", "1024"},
        {"server.shutdown_grace_ms", "0"},
        {"upstream.gateway_url", "http://[::1]:9090/v1/sync"},
        {"upstream.sign_method", "md5"},
        {"upstream.request_timeout_ms", "3600000"},
        {"upstream.attempt_timeout_ms", "3600000"},
        {"upstream.retry.max_delay_ms", "600000"},
        {"upstream.retry.multiplier", "1"},
        {"upstream.retry.jitter", "none"},
        {"upstream.breaker.failure_ratio", "1"},
        {"redis.url", "redis://user:pw@cache.internal:6380/15"},
        {"log.level", "off"},
        {"log.max_file_bytes", "10737418240"},
        {"log.max_files", "100"},
    });
    EXPECT_EQ(c.server.listen, "[::1]:65535");
    EXPECT_EQ(c.log.max_file_bytes, std::size_t{10} << 30U);
    EXPECT_EQ(loaded({{"server.listen", "localhost:1"}}).server.listen, "localhost:1");
}

TEST_F(ConfigLoad, SentinelsNeedAMasterNameAndARedisUrl) {
    const std::string sentinels = R"(["10.0.0.1:26379", "sentinel-1.svc:26379", "[::1]:26379"])";
    auto result = load_with({{"redis.sentinels", sentinels}});
    ASSERT_EQ(error_paths(result), std::vector<std::string>{"redis.master_name"});
    EXPECT_THAT(result.errors[0].message, HasSubstr("must be set when redis.sentinels is set"));

    result = load_with(
        {{"redis.sentinels", sentinels}, {"redis.master_name", "mymaster"}, {"redis.url", ""}}
    );
    ASSERT_EQ(error_paths(result), std::vector<std::string>{"redis.sentinels"});
    EXPECT_THAT(result.errors[0].message, HasSubstr("needs redis.url set"));

    const Config c = loaded({{"redis.sentinels", sentinels}, {"redis.master_name", "mymaster"}});
    EXPECT_EQ(c.redis.sentinels.size(), 3U);
    EXPECT_EQ(c.redis.master_name, "mymaster");
    EXPECT_TRUE(load_with({{"redis.master_name", "unused-without-sentinels"}}).config);
}

TEST_F(ConfigLoad, AttemptTimeoutMayNotExceedRequestTimeout) {
    const auto result =
        load_with({{"upstream.request_timeout_ms", "1000"}, {"upstream.attempt_timeout_ms", "1001"}}
        );
    ASSERT_EQ(error_paths(result), std::vector<std::string>{"upstream.attempt_timeout_ms"});
    EXPECT_THAT(
        result.errors[0].message, HasSubstr("must be at most upstream.request_timeout_ms (1000)")
    );
    EXPECT_TRUE(load_with({{"upstream.request_timeout_ms", "1000"},
                           {"upstream.attempt_timeout_ms", "1000"}}
    ).config);
}

TEST_F(ConfigLoad, MaxDelayMayNotBeBelowBaseDelay) {
    const auto result =
        load_with({{"upstream.retry.base_delay_ms", "500"}, {"upstream.retry.max_delay_ms", "499"}}
        );
    ASSERT_EQ(error_paths(result), std::vector<std::string>{"upstream.retry.max_delay_ms"});
    EXPECT_THAT(
        result.errors[0].message, HasSubstr("must be at least upstream.retry.base_delay_ms (500)")
    );
}

TEST_F(ConfigLoad, ReportsEveryErrorAtOnceInPathOrder) {
    dir_.write("default.json", R"({"log": {"level": "loud"}, "bogus": true})");
    const auto result = load_with(
        {{"server.threads", "-1"}, {"log.max_files", "0"}},
        {{"SCOUT_UPSTREAM_RETRY_JITTER", "sometimes"}, {"SCOUT_SERVER_LISTEN", "nowhere"}}
    );
    EXPECT_FALSE(result.config);
    EXPECT_EQ(
        error_paths(result),
        (std::vector<std::string>{
            "bogus",
            "server.listen",
            "server.threads",
            "upstream.retry.jitter",
            "log.level",
            "log.max_files"})
    ) << format_errors(result.errors);
    // The message says which layer the bad value came from.
    EXPECT_THAT(find_error(result, "log.level")->message, HasSubstr(dir_.file("default.json")));
    EXPECT_THAT(
        find_error(result, "upstream.retry.jitter")->message,
        HasSubstr("from SCOUT_UPSTREAM_RETRY_JITTER")
    );
}

TEST(ConfigFormatErrors, OneLinePerErrorWithQuotedValue) {
    const std::vector<ConfigError> errors = {
        {"server.threads", "-1", "must be an integer between 0 and 256"},
        {"log.level", "a\"b", "must be one of x"},
        {"/etc/scout/default.json", "", "file not found"},
    };
    EXPECT_EQ(
        format_errors(errors),
        "config error: server.threads = \"-1\": must be an integer between 0 and 256\n"
        "config error: log.level = \"a\\\"b\": must be one of x\n"
        "config error: /etc/scout/default.json: file not found\n"
    );
    EXPECT_EQ(format_errors({}), "");
}

// ---- production, secrets, trimming ----------------------------------------------------------

TEST_F(ConfigLoad, ProductionRequiresCredentialsAndAdminToken) {
    auto o = options();
    o.env = "production";
    auto result = load(o);
    EXPECT_FALSE(result.config);
    EXPECT_EQ(
        error_paths(result),
        (std::vector<std::string>{
            "upstream.app_key",
            "upstream.app_secret",
            "admin.token",
            "cache.l2_secret",
            "search.cursor_secret"})
    ) << format_errors(result.errors);
    EXPECT_THAT(
        find_error(result, "upstream.app_secret")->message, HasSubstr("SCOUT_UPSTREAM_APP_SECRET")
    );

    // Whitespace only is not set.
    o.environment = production_environment();
    o.environment["SCOUT_UPSTREAM_APP_KEY"] = " \r\n";
    result = load(o);
    EXPECT_EQ(error_paths(result), std::vector<std::string>{"upstream.app_key"});

    o.environment["SCOUT_UPSTREAM_APP_KEY"] = "key";
    result = load(o);
    ASSERT_TRUE(result.config) << format_errors(result.errors);

    // The L2 secret only matters with Redis.
    o.environment.erase("SCOUT_CACHE_L2_SECRET");
    EXPECT_FALSE(load(o).config);
    o.environment["SCOUT_REDIS_URL"] = "";
    result = load(o);
    ASSERT_TRUE(result.config) << format_errors(result.errors);

    // Other environments do not need them.
    EXPECT_TRUE(load_with({}, {{"SCOUT_ENV", "staging"}}).config);
}

TEST_F(ConfigLoad, ProductionRequiresACursorSecret) {
    auto o = options();
    o.env = "production";
    o.environment = production_environment();
    for (const char* unset : {"", "[]", R"([" ", "\n"])"}) {
        o.environment["SCOUT_SEARCH_CURSOR_SECRET"] = unset;
        const auto result = load(o);
        EXPECT_EQ(error_paths(result), std::vector<std::string>{"search.cursor_secret"})
            << unset << "\n"
            << format_errors(result.errors);
    }
    o.environment["SCOUT_SEARCH_CURSOR_SECRET"] = "s1";
    EXPECT_TRUE(load(o).config);
}

TEST_F(ConfigLoad, CursorSecretIsAListAndTakesTheOlderSingleStringForm) {
    using Strings = std::vector<std::string>;
    dir_.write("default.json", R"({"search": {"cursor_secret": "only"}})");
    EXPECT_EQ(loaded().search.cursor_secret, Strings{"only"});
    dir_.write("default.json", R"({"search": {"cursor_secret": ["new", " old\n", ""]}})");
    EXPECT_EQ(loaded().search.cursor_secret, (Strings{"new", "old"}));  // trimmed, blank dropped
    dir_.write("default.json", R"({"search": {"cursor_secret": ""}})");
    EXPECT_EQ(loaded().search.cursor_secret, Strings{});
    // Variables and --set: a JSON array, or the text as one secret.
    EXPECT_EQ(
        loaded({}, {{"SCOUT_SEARCH_CURSOR_SECRET", R"(["n", "o"])"}}).search.cursor_secret,
        (Strings{"n", "o"})
    );
    EXPECT_EQ(loaded({{"search.cursor_secret", "a,b"}}).search.cursor_secret, Strings{"a,b"});

    EXPECT_FALSE(load_with({{"search.cursor_secret", R"(["a")"}}).config);  // not JSON
    dir_.write("default.json", R"({"search": {"cursor_secret": ["ok", 7]}})");
    const auto result = load_with();
    const auto* e = find_error(result, "search.cursor_secret");
    ASSERT_NE(e, nullptr) << format_errors(result.errors);
    EXPECT_EQ(e->value, "<redacted>");
    EXPECT_THAT(format_errors(result.errors), ::testing::Not(HasSubstr("ok")));
}

TEST_F(ConfigLoad, ProductionRefusesPlainHttpGatewayUnlessLoopback) {
    auto o = options();
    o.env = "production";
    o.environment = production_environment();
    o.overrides = {{"upstream.gateway_url", "http://api-sg.aliexpress.com/sync"}};
    auto result = load(o);
    EXPECT_EQ(error_paths(result), std::vector<std::string>{"upstream.gateway_url"});
    EXPECT_THAT(format_errors(result.errors), HasSubstr("must use https"));
    for (const char* fine :
         {"https://api-sg.aliexpress.com/sync",
          "http://127.0.0.1:9090/sync",
          "http://localhost:8443/sync",
          "http://[::1]:80/sync"}) {
        o.overrides = {{"upstream.gateway_url", fine}};
        result = load(o);
        EXPECT_TRUE(result.config) << fine << "\n" << format_errors(result.errors);
    }
    // Other environments may use any http(s) gateway.
    EXPECT_TRUE(load_with({{"upstream.gateway_url", "http://gw.test/sync"}}).config);
}

TEST_F(ConfigLoad, GraceShorterThanTheLongestRequestIsAnErrorInProductionElseAWarning) {
    // Longest request: upstream.request_timeout_ms (3000) + the affiliate link budget.
    const std::string longest = std::to_string(3'000 + kAffiliateLinkBudgetMs);
    const std::string short_grace = std::to_string(3'000 + kAffiliateLinkBudgetMs - 1);

    auto result = load_with({{"server.shutdown_grace_ms", short_grace}});
    ASSERT_TRUE(result.config) << format_errors(result.errors);
    ASSERT_EQ(result.warnings.size(), 1U);
    EXPECT_EQ(result.warnings[0].path, "server.shutdown_grace_ms");
    EXPECT_THAT(result.warnings[0].message, HasSubstr("upstream.request_timeout_ms"));
    EXPECT_THAT(format_errors(result.warnings, "config warning"), HasSubstr("config warning: "));
    EXPECT_THAT(load_with({{"server.shutdown_grace_ms", longest}}).warnings, IsEmpty());

    auto o = options({{"server.shutdown_grace_ms", short_grace}});
    o.env = "production";
    o.environment = production_environment();
    result = load(o);
    EXPECT_EQ(error_paths(result), std::vector<std::string>{"server.shutdown_grace_ms"});
    EXPECT_THAT(format_errors(result.errors), HasSubstr("server.shutdown_grace_ms"));
    EXPECT_THAT(format_errors(result.errors), HasSubstr("upstream.request_timeout_ms (3000)"));
    o.overrides = {{"server.shutdown_grace_ms", longest}};
    EXPECT_TRUE(load(o).config);
}

TEST(ConfigValidate, ChecksACombinedConfigurationLikeLoadDoes) {
    // A reload may raise the (reloadable) request timeout past the (restart-only) grace.
    Config c;
    c.env = "production";
    c.upstream.app_key = "key";
    c.upstream.app_secret = "secret";
    c.admin.token = "token";
    c.search.cursor_secret = {"cursor"};
    c.cache.l2_secret = "l2";
    EXPECT_TRUE(validate(c).config) << format_errors(validate(c).errors);
    c.upstream.request_timeout_ms = c.server.shutdown_grace_ms;
    const auto result = validate(c);
    EXPECT_FALSE(result.config);
    ASSERT_EQ(result.errors.size(), 1U) << format_errors(result.errors);
    EXPECT_EQ(result.errors[0].path, "server.shutdown_grace_ms");
}

TEST_F(ConfigLoad, CredentialsAreTrimmed) {
    dir_.write("default.json", "{\"upstream\": {\"tracking_id\": \"\\ttrack \\n\"}}");
    const Config c = loaded(
        {{"admin.token", " tok\n"}},
        {{"SCOUT_UPSTREAM_APP_KEY", "  12345\r\n"}, {"SCOUT_UPSTREAM_APP_SECRET", "s3cr3t\n"}}
    );
    EXPECT_EQ(c.upstream.app_key, "12345");
    EXPECT_EQ(c.upstream.app_secret, "s3cr3t");
    EXPECT_EQ(c.upstream.tracking_id, "track");
    EXPECT_EQ(c.admin.token, "tok");
    // Only credentials: other strings keep their text (and fail validation if it is bad).
    EXPECT_FALSE(load_with({{"log.level", "info "}}).config);
}

TEST_F(ConfigLoad, SecretsAreRedactedInErrorValues) {
    dir_.write(
        "default.json", R"({"upstream": {"app_secret": 123456}, "admin": {"token": ["t"]}})"
    );
    const auto result = load_with({{"redis.url", "redis://:hunter2@cache/99"}});
    const auto* secret = find_error(result, "upstream.app_secret");
    ASSERT_NE(secret, nullptr) << format_errors(result.errors);
    EXPECT_EQ(secret->value, "<redacted>");
    EXPECT_EQ(find_error(result, "admin.token")->value, "<redacted>");
    EXPECT_EQ(find_error(result, "redis.url")->value, "redis://:<redacted>@cache/99");
    const auto text = format_errors(result.errors);
    EXPECT_THAT(text, ::testing::Not(HasSubstr("123456")));
    EXPECT_THAT(text, ::testing::Not(HasSubstr("hunter2")));
}

TEST(ConfigToJson, NestsEverySettingAndAddsEnv) {
    Config c;
    c.env = "staging";
    c.upstream.retry.max_attempts = 4;
    const auto j = to_json(c);
    EXPECT_EQ(j.at("env"), "staging");
    EXPECT_EQ(j.at("upstream").at("retry").at("max_attempts"), 4);
    EXPECT_EQ(j.at("server").at("max_body_bytes"), 1U << 20U);
    EXPECT_DOUBLE_EQ(j.at("upstream").at("breaker").at("failure_ratio").get<double>(), 0.5);
    for (const auto& path : setting_paths()) {
        std::string pointer = "/" + path;
        std::replace(pointer.begin(), pointer.end(), '.', '/');
        EXPECT_TRUE(j.contains(nlohmann::json::json_pointer(pointer))) << path;
    }
    // env + server, upstream, redis, admin, monitoring, compression, features, rate_limit,
    // auth, log, cache, search: nothing else.
    EXPECT_EQ(j.size(), 13U);
}

TEST(ConfigToJson, RedactsSetSecretsOnly) {
    Config c;
    c.upstream.app_secret = "very-secret";
    c.upstream.app_key = "12345";
    c.redis.url = "redis://app:pw@cache:6379/1";
    c.search.cursor_secret = {"cursor-new", "cursor-old"};
    const auto redacted = to_json(c);
    EXPECT_EQ(redacted["upstream"]["app_secret"], "<redacted>");
    EXPECT_EQ(redacted["search"]["cursor_secret"], nlohmann::json({"<redacted>", "<redacted>"}));
    EXPECT_EQ(redacted.dump().find("cursor-new"), std::string::npos);
    EXPECT_EQ(redacted["admin"]["token"], "");  // unset stays empty
    EXPECT_EQ(redacted["upstream"]["app_key"], "12345");
    EXPECT_EQ(redacted["redis"]["url"], "redis://app:<redacted>@cache:6379/1");
    EXPECT_EQ(redacted.dump().find("very-secret"), std::string::npos);

    const auto plain = to_json(c, false);
    EXPECT_EQ(plain["upstream"]["app_secret"], "very-secret");
    EXPECT_EQ(plain["redis"]["url"], "redis://app:pw@cache:6379/1");
}

// ---- reload -----------------------------------------------------------------------------------

TEST(ConfigReload, ReloadableSettings) {
    for (const char* path :
         {"log.level",
          "upstream.request_timeout_ms",
          "upstream.attempt_timeout_ms",
          "upstream.retry.max_attempts",
          "upstream.retry.base_delay_ms",
          "upstream.retry.max_delay_ms",
          "upstream.retry.multiplier",
          "upstream.retry.jitter",
          "upstream.breaker.failure_ratio",
          "upstream.breaker.min_calls",
          "upstream.breaker.window_ms",
          "upstream.breaker.open_ms",
          "upstream.breaker.half_open_max_calls",
          "upstream.max_ban_s",
          "upstream.quota.rate_per_s",
          "upstream.quota.burst",
          "upstream.quota.daily",
          "upstream.quota.max_queue",
          "upstream.quota.max_wait_ms",
          "upstream.quota.instances_hint",
          "upstream.cost_per_call",
          "monitoring.max_event_loop_lag_ms"}) {
        EXPECT_TRUE(is_reloadable(path)) << path;
    }
    for (const char* path :
         {"server.listen",
          "server.threads",
          "upstream.app_key",
          "upstream.app_secret",
          "upstream.gateway_url",
          "upstream.connect_timeout_ms",
          "redis.url",
          "admin.token",
          "log.file",
          "log.format",
          "env",
          "upstream.retry",
          "no.such.setting"}) {
        EXPECT_FALSE(is_reloadable(path)) << path;
    }
}

TEST(ConfigReload, TakesReloadableValuesAndListsTheRest) {
    Config current;
    Config reloaded;
    reloaded.log.level = "debug";
    reloaded.upstream.retry.max_attempts = 5;
    reloaded.upstream.breaker.failure_ratio = 0.9;
    reloaded.upstream.request_timeout_ms = 9000;
    reloaded.server.listen = "127.0.0.1:9999";
    reloaded.upstream.app_secret = "new";
    reloaded.log.max_file_bytes = 4096;
    reloaded.env = "staging";

    std::vector<std::string> ignored;
    const Config next = apply_reloadable(current, reloaded, ignored);
    EXPECT_EQ(next.log.level, "debug");
    EXPECT_EQ(next.upstream.retry.max_attempts, 5);
    EXPECT_DOUBLE_EQ(next.upstream.breaker.failure_ratio, 0.9);
    EXPECT_EQ(next.upstream.request_timeout_ms, 9000);
    EXPECT_EQ(next.server.listen, current.server.listen);
    EXPECT_EQ(next.upstream.app_secret, "");
    EXPECT_EQ(next.log.max_file_bytes, current.log.max_file_bytes);
    EXPECT_EQ(next.env, current.env);
    EXPECT_EQ(
        ignored,
        (std::vector<std::string>{
            "env", "server.listen", "upstream.app_secret", "log.max_file_bytes"})
    );

    ignored.clear();
    apply_reloadable(current, current, ignored);
    EXPECT_THAT(ignored, IsEmpty());
}

TEST(ConfigReload, ChangesListOldAndNewValuesWithSecretsRedacted) {
    Config before;
    Config after = before;
    after.upstream.breaker.open_ms = 250;
    after.features.quality_ranking.rollout_percent = 50;
    after.upstream.app_secret = "s3cr3t-new";
    after.redis.url = "redis://:hunter2@cache.internal:6379/0";
    after.server.threads = 3;
    const std::vector<SettingChange> list = changes(before, after);
    ASSERT_EQ(list.size(), 5U);
    EXPECT_EQ(list[0].path, "server.threads");
    EXPECT_FALSE(list[0].reloadable);
    EXPECT_EQ(list[0].from, "0");
    EXPECT_EQ(list[0].to, "3");
    EXPECT_EQ(list[1].path, "upstream.app_secret");
    EXPECT_EQ(list[1].from, "");  // unset stays visibly unset
    EXPECT_EQ(list[1].to, "<redacted>");
    EXPECT_EQ(list[2].path, "upstream.breaker.open_ms");
    EXPECT_TRUE(list[2].reloadable);
    EXPECT_EQ(list[2].from, "5000");
    EXPECT_EQ(list[2].to, "250");
    EXPECT_EQ(list[3].path, "redis.url");
    EXPECT_EQ(list[3].to.find("hunter2"), std::string::npos) << list[3].to;
    EXPECT_EQ(list[4].path, "features.quality_ranking.rollout_percent");
    EXPECT_TRUE(list[4].reloadable);
    EXPECT_THAT(changes(after, after), IsEmpty());
}

TEST(ConfigProcessEnvironment, ReadsEnviron) {
    ASSERT_EQ(setenv("SCOUT_CONFIG_TEST_PROBE", "a=b", 1), 0);
    const auto env = process_environment();
    unsetenv("SCOUT_CONFIG_TEST_PROBE");
    ASSERT_EQ(env.count("SCOUT_CONFIG_TEST_PROBE"), 1U);
    EXPECT_EQ(env.at("SCOUT_CONFIG_TEST_PROBE"), "a=b");
}

}  // namespace
}  // namespace scout::config
