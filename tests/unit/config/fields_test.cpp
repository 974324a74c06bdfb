// The field table: wiring to the struct members, uniqueness, and that config/*.json and
// docs/configuration.md agree with it.
#include <scout/config/config.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace scout::config {
namespace {

using ::testing::IsEmpty;

std::string read_source_file(const std::string& relative) {
    std::ifstream in(std::string(SCOUT_SOURCE_DIR) + "/" + relative, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

LoadOptions repo_options(const std::string& env) {
    LoadOptions o;
    o.config_dir = std::string(SCOUT_SOURCE_DIR) + "/config";
    o.env = env;
    return o;
}

TEST(ConfigFields, PathsAndEnvironmentVariablesAreUnique) {
    std::set<std::string> paths;
    std::set<std::string> vars;
    for (const auto& s : settings()) {
        EXPECT_TRUE(paths.insert(s.path).second) << s.path;
        EXPECT_TRUE(vars.insert(s.env_var).second) << s.env_var;
        EXPECT_NE(s.env_var, kEnvVarEnv);
        EXPECT_NE(s.env_var, kEnvVarConfigDir);
        EXPECT_FALSE(s.description.empty()) << s.path;
        EXPECT_FALSE(s.allowed.empty()) << s.path;
    }
    EXPECT_EQ(paths.size(), setting_paths().size());
}

TEST(ConfigFields, DescribesTypesDefaultsAndFlags) {
    std::map<std::string, SettingInfo> by_path;
    for (const auto& s : settings()) {
        by_path[s.path] = s;
    }
    EXPECT_EQ(by_path.at("server.listen").type, "string");
    EXPECT_EQ(by_path.at("server.listen").default_value, "\"127.0.0.1:8080\"");
    EXPECT_EQ(by_path.at("server.max_body_bytes").type, "integer");
    EXPECT_EQ(by_path.at("server.max_body_bytes").default_value, "1048576");
    EXPECT_EQ(by_path.at("upstream.retry.multiplier").type, "number");
    EXPECT_EQ(by_path.at("upstream.retry.multiplier").default_value, "2.0");
    EXPECT_EQ(by_path.at("server.threads").allowed, "an integer between 0 and 256");
    EXPECT_TRUE(by_path.at("upstream.app_secret").secret);
    EXPECT_TRUE(by_path.at("admin.token").secret);
    EXPECT_TRUE(by_path.at("cache.l2_secret").secret);
    EXPECT_FALSE(by_path.at("upstream.app_key").secret);
    EXPECT_TRUE(by_path.at("log.level").reloadable);
    EXPECT_FALSE(by_path.at("log.format").reloadable);
}

// Every table row must point at the member its path names: set all settings at once to
// distinct values and read them back through the structs, not through the table.
TEST(ConfigFields, EveryPathWritesItsOwnMember) {
    LoadOptions o = repo_options("staging");
    o.overrides = {
        {"server.listen", "127.0.0.2:1001"},
        {"server.threads", "3"},
        {"server.max_body_bytes", "5000"},
        {"server.max_header_bytes", "6000"},
        {"server.header_timeout_ms", "7001"},
        {"server.body_timeout_ms", "7002"},
        {"server.shutdown_grace_ms", "7003"},
        {"upstream.gateway_url", "http://gw.test/api"},
        {"upstream.app_key", "key"},
        {"upstream.app_secret", "secret"},
        {"upstream.tracking_id", "track"},
        {"upstream.sign_method", "md5"},
        {"upstream.target_currency", "EUR"},
        {"upstream.target_language", "DE"},
        {"upstream.request_timeout_ms", "8001"},
        {"upstream.attempt_timeout_ms", "8002"},  // > request: caught below
        {"upstream.connect_timeout_ms", "8003"},
        {"upstream.retry.max_attempts", "4"},
        {"upstream.retry.base_delay_ms", "11"},
        {"upstream.retry.max_delay_ms", "12"},
        {"upstream.retry.multiplier", "1.25"},
        {"upstream.retry.jitter", "equal"},
        {"upstream.breaker.failure_ratio", "0.75"},
        {"upstream.breaker.min_calls", "13"},
        {"upstream.breaker.window_ms", "1400"},
        {"upstream.breaker.open_ms", "1500"},
        {"upstream.breaker.half_open_max_calls", "16"},
        {"upstream.max_ban_s", "17"},
        {"upstream.quota.rate_per_s", "2.5"},
        {"upstream.quota.burst", "18"},
        {"upstream.quota.daily", "19"},
        {"upstream.quota.max_queue", "20"},
        {"upstream.quota.max_wait_ms", "21"},
        {"upstream.quota.instances_hint", "22"},
        {"redis.url", "redis://r.test:6390/2"},
        {"redis.command_timeout_ms", "51"},
        {"redis.connect_timeout_ms", "201"},
        {"redis.key_prefix", "p:"},
        {"redis.reconnect_min_ms", "101"},
        {"redis.reconnect_max_ms", "2001"},
        {"redis.timeouts_before_reconnect", "7"},
        {"redis.sentinels", R"(["10.0.0.1:26379", "[::1]:26380"])"},
        {"redis.master_name", "mymaster"},
        {"admin.token", "admin"},
        {"monitoring.slow_request_ms", "1234"},
        {"compression.enabled", "false"},
        {"compression.min_bytes", "2048"},
        {"compression.level", "9"},
        {"features.enhanced_caching.enabled", "false"},
        {"features.enhanced_caching.rollout_percent", "11"},
        {"features.retry_logic.enabled", "false"},
        {"features.retry_logic.rollout_percent", "12"},
        {"features.data_validation.enabled", "false"},
        {"features.data_validation.rollout_percent", "13"},
        {"features.quality_ranking.enabled", "false"},
        {"features.quality_ranking.rollout_percent", "14"},
        {"monitoring.max_event_loop_lag_ms", "777"},
        {"upstream.cost_per_call", "0.25"},
        {"log.level", "warn"},
        {"log.format", "text"},
        {"log.file", "/tmp/scout.log"},
        {"log.max_file_bytes", "20000"},
        {"log.max_files", "17"},
        {"log.access.enabled", "false"},
        {"log.access.buffer_bytes", "8192"},
        {"log.access.flush_ms", "250"},
        {"log.access.sample_2xx", "0.5"},
        {"cache.memory.max_entries", "1234"},
        {"cache.memory.max_bytes", "2097152"},
        {"cache.ttl.search_s", "61"},
        {"cache.ttl.affiliate_link_s", "3601"},
        {"cache.serve_stale_s", "62"},
        {"cache.refresh_ahead_percent", "25"},
        {"cache.distributed_single_flight", "false"},
        {"cache.l2_secret", "l2-key"},
        {"search.cursor_secret", "cursor-key"},
        {"search.cursor_max_age_s", "3600"},
        {"search.max_response_bytes", "65536"},
        {"search.max_price", "5000"},
        {"search.quality.weights.rating", "1.5"},
        {"search.quality.weights.orders", "2.5"},
        {"search.quality.weights.discount", "0.5"},
        {"search.quality.weights.completeness", "0.75"},
        {"search.quality.min_score", "0.25"},
        {"search.quality.min_rating", "3.5"},
        {"search.quality.min_orders", "7"},
        {"search.dedupe.title_similarity", "0.8"},
        {"server.write_timeout_ms", "7004"},
        {"server.idle_timeout_ms", "7005"},
        {"server.max_requests_per_connection", "7006"},
        {"server.max_connections", "7007"},
        {"rate_limit.enabled", "true"},
        {"rate_limit.per_client.rate_per_s", "3.5"},
        {"rate_limit.per_client.burst", "31"},
        {"rate_limit.per_client.per_minute", "32"},
        {"rate_limit.global.rate_per_s", "33.5"},
        {"rate_limit.global.burst", "34"},
        {"rate_limit.trusted_proxies", R"(["10.0.0.0/8"])"},
        {"rate_limit.max_clients", "4096"},
        {"auth.required", "true"},
        {"auth.api_keys",
         R"(["k1:abababababababababababababababababababababababababababababababab:5:10"])"},
    };
    ASSERT_EQ(o.overrides.size(), setting_paths().size()) << "add the new setting here";
    auto result = load(o);
    ASSERT_EQ(result.errors.size(), 1U) << format_errors(result.errors);
    EXPECT_EQ(result.errors[0].path, "upstream.attempt_timeout_ms");

    o.overrides[15].second = "8000";
    result = load(o);
    ASSERT_TRUE(result.config) << format_errors(result.errors);
    const Config& c = *result.config;
    EXPECT_EQ(c.server.listen, "127.0.0.2:1001");
    EXPECT_TRUE(c.rate_limit.enabled);
    EXPECT_DOUBLE_EQ(c.rate_limit.per_client.rate_per_s, 3.5);
    EXPECT_EQ(c.rate_limit.per_client.burst, 31);
    EXPECT_EQ(c.rate_limit.per_client.per_minute, 32);
    EXPECT_DOUBLE_EQ(c.rate_limit.global.rate_per_s, 33.5);
    EXPECT_EQ(c.rate_limit.global.burst, 34);
    EXPECT_EQ(c.rate_limit.trusted_proxies, std::vector<std::string>{"10.0.0.0/8"});
    EXPECT_EQ(c.rate_limit.max_clients, 4096);
    EXPECT_TRUE(c.auth.required);
    EXPECT_EQ(c.auth.api_keys.size(), 1U);
    EXPECT_EQ(c.server.threads, 3);
    EXPECT_EQ(c.server.max_body_bytes, 5000U);
    EXPECT_EQ(c.server.max_header_bytes, 6000U);
    EXPECT_EQ(c.server.header_timeout_ms, 7001);
    EXPECT_EQ(c.server.body_timeout_ms, 7002);
    EXPECT_EQ(c.server.shutdown_grace_ms, 7003);
    EXPECT_EQ(c.server.write_timeout_ms, 7004);
    EXPECT_EQ(c.server.idle_timeout_ms, 7005);
    EXPECT_EQ(c.server.max_requests_per_connection, 7006);
    EXPECT_EQ(c.server.max_connections, 7007);
    EXPECT_EQ(c.upstream.gateway_url, "http://gw.test/api");
    EXPECT_EQ(c.upstream.app_key, "key");
    EXPECT_EQ(c.upstream.app_secret, "secret");
    EXPECT_EQ(c.upstream.tracking_id, "track");
    EXPECT_EQ(c.upstream.sign_method, "md5");
    EXPECT_EQ(c.upstream.target_currency, "EUR");
    EXPECT_EQ(c.upstream.target_language, "DE");
    EXPECT_EQ(c.upstream.request_timeout_ms, 8001);
    EXPECT_EQ(c.upstream.attempt_timeout_ms, 8000);
    EXPECT_EQ(c.upstream.connect_timeout_ms, 8003);
    EXPECT_EQ(c.upstream.retry.max_attempts, 4);
    EXPECT_EQ(c.upstream.retry.base_delay_ms, 11);
    EXPECT_EQ(c.upstream.retry.max_delay_ms, 12);
    EXPECT_DOUBLE_EQ(c.upstream.retry.multiplier, 1.25);
    EXPECT_EQ(c.upstream.retry.jitter, "equal");
    EXPECT_DOUBLE_EQ(c.upstream.breaker.failure_ratio, 0.75);
    EXPECT_EQ(c.upstream.breaker.min_calls, 13);
    EXPECT_EQ(c.upstream.breaker.window_ms, 1400);
    EXPECT_EQ(c.upstream.breaker.open_ms, 1500);
    EXPECT_EQ(c.upstream.breaker.half_open_max_calls, 16);
    EXPECT_EQ(c.upstream.max_ban_s, 17);
    EXPECT_DOUBLE_EQ(c.upstream.quota.rate_per_s, 2.5);
    EXPECT_EQ(c.upstream.quota.burst, 18);
    EXPECT_EQ(c.upstream.quota.daily, 19);
    EXPECT_EQ(c.upstream.quota.max_queue, 20);
    EXPECT_EQ(c.upstream.quota.max_wait_ms, 21);
    EXPECT_EQ(c.upstream.quota.instances_hint, 22);
    EXPECT_EQ(c.redis.url, "redis://r.test:6390/2");
    EXPECT_EQ(c.redis.command_timeout_ms, 51);
    EXPECT_EQ(c.redis.connect_timeout_ms, 201);
    EXPECT_EQ(c.redis.key_prefix, "p:");
    EXPECT_EQ(c.redis.reconnect_min_ms, 101);
    EXPECT_EQ(c.redis.reconnect_max_ms, 2001);
    EXPECT_EQ(c.redis.timeouts_before_reconnect, 7);
    EXPECT_EQ(c.redis.sentinels, (std::vector<std::string>{"10.0.0.1:26379", "[::1]:26380"}));
    EXPECT_EQ(c.redis.master_name, "mymaster");
    EXPECT_EQ(c.admin.token, "admin");
    EXPECT_EQ(c.monitoring.slow_request_ms, 1234);
    EXPECT_FALSE(c.features.enhanced_caching.enabled);
    EXPECT_EQ(c.features.enhanced_caching.rollout_percent, 11);
    EXPECT_FALSE(c.features.retry_logic.enabled);
    EXPECT_EQ(c.features.retry_logic.rollout_percent, 12);
    EXPECT_FALSE(c.features.data_validation.enabled);
    EXPECT_EQ(c.features.data_validation.rollout_percent, 13);
    EXPECT_FALSE(c.features.quality_ranking.enabled);
    EXPECT_EQ(c.features.quality_ranking.rollout_percent, 14);
    EXPECT_EQ(c.monitoring.max_event_loop_lag_ms, 777);
    EXPECT_DOUBLE_EQ(c.upstream.cost_per_call, 0.25);
    EXPECT_EQ(c.log.level, "warn");
    EXPECT_EQ(c.log.format, "text");
    EXPECT_EQ(c.log.file, "/tmp/scout.log");
    EXPECT_EQ(c.log.max_file_bytes, 20000U);
    EXPECT_EQ(c.log.max_files, 17U);
    EXPECT_FALSE(c.log.access.enabled);
    EXPECT_EQ(c.log.access.buffer_bytes, 8192U);
    EXPECT_EQ(c.log.access.flush_ms, 250);
    EXPECT_DOUBLE_EQ(c.log.access.sample_2xx, 0.5);
    EXPECT_EQ(c.cache.memory.max_entries, 1234U);
    EXPECT_EQ(c.cache.memory.max_bytes, 2097152U);
    EXPECT_EQ(c.cache.ttl.search_s, 61);
    EXPECT_EQ(c.cache.ttl.affiliate_link_s, 3601);
    EXPECT_EQ(c.cache.serve_stale_s, 62);
    EXPECT_EQ(c.cache.refresh_ahead_percent, 25);
    EXPECT_FALSE(c.cache.distributed_single_flight);
    EXPECT_EQ(c.cache.l2_secret, "l2-key");
    EXPECT_EQ(c.search.cursor_secret, std::vector<std::string>{"cursor-key"});
    EXPECT_EQ(c.search.cursor_max_age_s, 3600);
    EXPECT_EQ(c.search.max_response_bytes, 65536U);
    EXPECT_EQ(c.search.max_price, 5000);
    EXPECT_DOUBLE_EQ(c.search.quality.weights.rating, 1.5);
    EXPECT_DOUBLE_EQ(c.search.quality.weights.orders, 2.5);
    EXPECT_DOUBLE_EQ(c.search.quality.weights.discount, 0.5);
    EXPECT_DOUBLE_EQ(c.search.quality.weights.completeness, 0.75);
    EXPECT_DOUBLE_EQ(c.search.quality.min_score, 0.25);
    EXPECT_DOUBLE_EQ(c.search.quality.min_rating, 3.5);
    EXPECT_EQ(c.search.quality.min_orders, 7);
    EXPECT_DOUBLE_EQ(c.search.dedupe.title_similarity, 0.8);
}

// ---- config/*.json ---------------------------------------------------------------------------

TEST(ConfigRepoFiles, DefaultJsonListsEverySettingWithTheBuiltInDefault) {
    const auto file = nlohmann::json::parse(read_source_file("config/default.json"));
    auto expected = to_json(Config{}, false);
    expected.erase("env");
    EXPECT_EQ(file, expected) << "config/default.json must equal the struct defaults";
}

TEST(ConfigRepoFiles, DevelopmentAndStagingLoadWithoutErrors) {
    for (const char* env : {"development", "staging"}) {
        const auto result = load(repo_options(env));
        EXPECT_THAT(result.errors, IsEmpty()) << env << "\n" << format_errors(result.errors);
    }
    const auto dev = load(repo_options("development"));
    ASSERT_TRUE(dev.config);
    EXPECT_EQ(dev.config->upstream.gateway_url, "http://127.0.0.1:9090/sync");
    EXPECT_EQ(dev.config->upstream.app_key, "100001");
    EXPECT_EQ(dev.config->log.format, "text");
    EXPECT_EQ(dev.config->log.level, "debug");
}

TEST(ConfigRepoFiles, ProductionNeedsCredentialsFromTheEnvironment) {
    auto o = repo_options("production");
    auto result = load(o);
    std::set<std::string> paths;
    for (const auto& e : result.errors) {
        paths.insert(e.path);
    }
    EXPECT_EQ(
        paths,
        (std::set<std::string>{
            "upstream.app_key",
            "upstream.app_secret",
            "admin.token",
            "search.cursor_secret",
            "cache.l2_secret"})
    ) << format_errors(result.errors);

    o.environment = {
        {"SCOUT_UPSTREAM_APP_KEY", "500000"},
        {"SCOUT_UPSTREAM_APP_SECRET", "from-a-secret-store"},
        {"SCOUT_ADMIN_TOKEN", "also-secret"},
        {"SCOUT_SEARCH_CURSOR_SECRET", R"(["new-cursor-key", "old-cursor-key"])"},
        {"SCOUT_CACHE_L2_SECRET", "shared-by-the-instances"}};
    result = load(o);
    ASSERT_TRUE(result.config) << format_errors(result.errors);
    EXPECT_EQ(result.config->upstream.gateway_url, "https://api-sg.aliexpress.com/sync");
    EXPECT_EQ(result.config->log.format, "json");
}

// ---- docs/configuration.md -------------------------------------------------------------------

std::string doc_row(const SettingInfo& s) {
    return "| `" + s.path + "` | `" + s.env_var + "` | " + s.type + " | `" + s.default_value +
           "` | " + s.allowed + " | " + (s.reloadable ? "yes" : "no") + " | " +
           (s.secret ? "yes" : "no") + " | " + s.description + " |";
}

TEST(ConfigDocs, EverySettingHasItsRowInConfigurationMd) {
    const auto doc = read_source_file("docs/configuration.md");
    ASSERT_FALSE(doc.empty()) << "docs/configuration.md is missing";
    for (const auto& s : settings()) {
        EXPECT_NE(doc.find("`" + s.path + "`"), std::string::npos) << s.path << " not documented";
        EXPECT_NE(doc.find(doc_row(s)), std::string::npos)
            << "docs/configuration.md is out of date; the row must read:\n"
            << doc_row(s);
    }
}

TEST(ConfigDocs, ReservedVariablesAndExitStatusAreDocumented) {
    const auto doc = read_source_file("docs/configuration.md");
    EXPECT_NE(doc.find(std::string(kEnvVarEnv)), std::string::npos);
    EXPECT_NE(doc.find(std::string(kEnvVarConfigDir)), std::string::npos);
    EXPECT_NE(doc.find(std::to_string(kExitInvalidConfig)), std::string::npos);
}

}  // namespace
}  // namespace scout::config
