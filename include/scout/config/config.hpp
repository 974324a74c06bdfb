// Scout's configuration: plain option structs per area (a component receives only its own
// struct), the layered loader and validation. A loaded Config is immutable; the live one is
// shared as std::shared_ptr<const Config> and swapped atomically on reload (SIGHUP).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scout::config {

struct ServerConfig {
    std::string listen = "127.0.0.1:8080";      // host:port to bind (SO_REUSEPORT per worker)
    int threads = 0;                            // worker threads; 0 = number of cores
    std::size_t max_body_bytes = 1U << 20U;     // larger request bodies get 413
    std::size_t max_header_bytes = 16U << 10U;  // larger request headers get 431
    int header_timeout_ms = 10'000;             // time allowed to receive a request header
    int body_timeout_ms = 30'000;               // time allowed to receive a request body
    int write_timeout_ms = 30'000;              // time allowed to send a response
    int idle_timeout_ms = 60'000;               // keep-alive: time allowed between requests
    int max_requests_per_connection = 1000;     // then Connection: close; 0 = unlimited
    int max_connections = 10'000;               // per process, split over the workers
    int shutdown_grace_ms = 10'000;             // in-flight requests get this long on SIGTERM
};

struct RetryConfig {
    int max_attempts = 3;         // attempts per upstream call, first one included
    int base_delay_ms = 100;      // delay before the first retry (before jitter)
    int max_delay_ms = 2'000;     // cap on one backoff delay
    double multiplier = 2.0;      // delay growth per attempt
    std::string jitter = "full";  // "full" (0-100%), "equal" (50-100%), "none"
};

struct BreakerConfig {
    double failure_ratio = 0.5;   // opens when failures/calls in the window reach this
    int min_calls = 10;           // ...and at least this many calls were seen in the window
    int window_ms = 10'000;       // rolling window length
    int open_ms = 5'000;          // cool-down before half-open
    int half_open_max_calls = 2;  // trial calls allowed while half-open
};

// The outbound quota in front of every upstream call (upstream::OutboundQuota); all
// reloadable. Rates and budgets are for the app key, all instances together.
struct QuotaConfig {
    double rate_per_s = 5.0;  // calls per second (token refill); 0 = no pacing
    int burst = 10;           // calls that may go at once after a quiet spell
    int daily = 0;            // calls per day (00:00 GMT+8 to 00:00); 0 = no daily budget
    int max_queue = 200;      // calls of this instance waiting for a slot; more fail at once
    int max_wait_ms = 2'000;  // longest wait for a slot (the call's deadline may cut it shorter)
    int instances_hint = 1;   // instances sharing the key: each takes 1/n without Redis
};

struct UpstreamConfig {
    std::string gateway_url = "https://api-sg.aliexpress.com/sync";
    std::string app_key;                 // trimmed of whitespace/CR/LF at load time
    std::string app_secret;              // secret: never printed or logged
    std::string tracking_id;             // affiliate tracking id
    std::string sign_method = "sha256";  // "sha256" (HMAC-SHA256) or "md5" (legacy TOP)
    std::string target_currency = "USD";
    std::string target_language = "EN";
    int request_timeout_ms = 3'000;  // overall deadline of one logical call, retries included
    int attempt_timeout_ms = 1'500;  // deadline of one HTTP attempt
    int connect_timeout_ms = 1'000;  // TCP/TLS connect deadline
    RetryConfig retry;
    BreakerConfig breaker;
    int max_ban_s = 300;         // cap on an advertised ban; then the method's breaker probes
    double cost_per_call = 0.0;  // estimated cost of one upstream call, for the metrics
    QuotaConfig quota;
};

struct RedisConfig {
    std::string url = "redis://127.0.0.1:6379/0";  // empty disables Redis
    int command_timeout_ms = 50;                   // deadline of one command (reply or kTimeout)
    int connect_timeout_ms = 200;                  // deadline of connect + AUTH/SELECT handshake
    std::string key_prefix = "scout:";             // put in front of every key Scout writes
    int reconnect_min_ms = 100;    // first reconnect delay; doubles per failed attempt...
    int reconnect_max_ms = 2'000;  // ...up to this cap (each delay jittered to 50-100%)
    int timeouts_before_reconnect =
        3;  // consecutive command timeouts that drop the
            // connection (0 = never)    // Redis Sentinel: when set, the master's address comes
            // from these sentinels ("host:port",
    // asked in turn) and redis.url gives only the user, password and db.
    std::vector<std::string> sentinels;
    std::string master_name;  // the master's name in Sentinel; required with sentinels
};

struct AdminConfig {
    std::string token;  // secret: bearer token for admin routes; empty disables them
};

struct MonitoringConfig {
    int slow_request_ms = 3'000;        // a request this slow is logged and kept (reloadable)
    int max_event_loop_lag_ms = 1'000;  // /health/detailed is unhealthy at this lag (reloadable)
};

// gzip by the compression middleware, on every route (all reloadable).
struct CompressionConfig {
    bool enabled = true;
    std::size_t min_bytes = 1024;  // smaller bodies are sent as they are
    int level = 6;                 // zlib level 1 (fastest) - 9 (smallest)
};

// One feature flag: on for `rollout_percent` of the clients (by a stable hash of the client
// and the flag's name), off for everyone when `enabled` is false. Reloadable.
struct FeatureFlagConfig {
    bool enabled = true;
    int rollout_percent = 100;  // 0-100
};

// Behaviours that can be rolled out (or back) per client; docs/operations.md says what each
// one turns off.
struct FeaturesConfig {
    FeatureFlagConfig enhanced_caching;  // L2 (Redis) and stale serving
    FeatureFlagConfig retry_logic;       // upstream retries (off: one attempt)
    FeatureFlagConfig data_validation;   // the validator's business drops
    FeatureFlagConfig quality_ranking;   // quality scores, filter and local ranking
};

struct LogConfig {
    std::string level = "info";   // trace|debug|info|warn|error|critical|off (reloadable)
    std::string format = "json";  // "json" or "text"
    std::string file;             // empty = stdout only
    std::size_t max_file_bytes = 10U << 20U;
    std::size_t max_files = 5;
    // One line per request, batched per worker (log/batch.hpp); info level.
    struct Access {
        bool enabled = true;
        std::size_t buffer_bytes = 64U << 10U;  // a worker's batch is written when this full
        int flush_ms = 1000;                    // ... or at least this often
        double sample_2xx = 1.0;  // share of 2xx lines written; errors and slow always are
    } access;
};

struct CacheConfig {
    struct Memory {
        std::size_t max_entries = 10'000;    // L1 entries (all kinds)
        std::size_t max_bytes = 64U << 20U;  // L1 bytes (keys + values + overhead)
    } memory;
    struct Ttl {
        int search_s = 300;             // a search page stays fresh this long
        int affiliate_link_s = 86'400;  // a generated affiliate link is reused this long
    } ttl;
    int serve_stale_s = 3'600;  // past expiry, served (marked stale) when the upstream fails
    // A search hit in the last this-% of its freshness starts one background refresh.
    int refresh_ahead_percent = 10;
    bool distributed_single_flight = true;  // with Redis: one instance fetches, others wait
    std::string l2_secret;  // secret: HMAC key of Redis values; empty = random per process
};

// Budget for generating affiliate links of one page (search::SearchOptions::affiliate_timeout),
// spent after the upstream query: part of the longest request a drain must wait for.
inline constexpr int kAffiliateLinkBudgetMs = 1'000;

struct SearchConfig {
    // secret: HMAC keys of next_cursor; the first signs, every one verifies (rotation).
    // Empty = a random key per process (not allowed in production).
    std::vector<std::string> cursor_secret;
    int cursor_max_age_s = 86'400;  // older cursors are refused (400); bounds a leaked cursor
    std::size_t max_response_bytes = 256U << 10U;  // larger pages are cut (auto-pagination)
    int max_price = 100'000;  // prices above this (major units) make a product invalid
    struct Quality {
        struct Weights {
            double rating = 0.4;
            double orders = 0.3;
            double discount = 0.1;
            double completeness = 0.2;
        } weights;
        double min_score = 0.0;   // products scoring below are filtered
        double min_rating = 0.0;  // 0 = off; else rated products below are filtered
        int min_orders = 0;       // 0 = off
    } quality;
    struct Dedupe {
        double title_similarity = 0.9;  // token-set similarity that makes a near-duplicate
    } dedupe;
};

struct RateLimitConfig {
    bool enabled = false;  // inbound rate limiting of the product routes (reloadable, as all)
    struct PerClient {
        double rate_per_s = 5.0;  // refill of a client's bucket
        int burst = 10;           // requests a full bucket allows at once
        int per_minute = 60;      // cap per fixed minute-long window; 0 = off
    } per_client;
    struct Global {
        double rate_per_s = 0.0;  // one bucket for all clients of this process; 0 = off
        int burst = 1'000;
    } global;
    std::vector<std::string> trusted_proxies;  // CIDRs whose X-Forwarded-For is believed
    int max_clients = 100'000;                 // buckets kept per process (LRU beyond)
};

struct AuthConfig {
    bool required = false;  // product routes need a valid X-API-Key
    // Per client key: an object's JSON text {"id","sha256_of_key","rate_per_s","burst"} or
    // "id:sha256-hex-of-key:rate_per_s:burst" (see parse_api_key).
    std::vector<std::string> api_keys;
};

// One auth.api_keys entry: the key itself is never configured, only its SHA-256.
struct ApiKey {
    std::string id;  // logged instead of the key; [A-Za-z0-9_.-], 1-64 characters
    std::array<unsigned char, 32> sha256{};
    double rate_per_s = 0;  // the key's own bucket
    int burst = 0;
};

// Parses an auth.api_keys entry, {"id","sha256_of_key","rate_per_s","burst"} (JSON text) or
// "id:sha256-hex:rate_per_s:burst" (rate > 0, burst >= 1); nothing when invalid.
std::optional<ApiKey> parse_api_key(std::string_view entry);

struct Config {
    std::string env = "development";  // development | staging | production
    ServerConfig server;
    UpstreamConfig upstream;
    RedisConfig redis;
    AdminConfig admin;
    MonitoringConfig monitoring;
    CompressionConfig compression;
    FeaturesConfig features;
    LogConfig log;
    CacheConfig cache;
    SearchConfig search;
    RateLimitConfig rate_limit;
    AuthConfig auth;
};

// One invalid value: its JSON path, the offending value (secrets redacted) and what is allowed.
struct ConfigError {
    std::string path;
    std::string value;
    std::string message;
};

struct LoadOptions {
    std::string config_dir = "config";  // holds default.json and <env>.json
    // A missing default.json or <env>.json is skipped (built-in defaults) instead of an error:
    // for the directory scout picks itself, not for one named on the command line.
    bool files_optional = false;
    std::string env;  // empty: SCOUT_ENV from `environment`, else development
    // Environment variables to consult (normally the process environment).
    std::map<std::string, std::string> environment;
    // Command-line overrides, highest layer: {"server.listen", "127.0.0.1:9000"}.
    std::vector<std::pair<std::string, std::string>> overrides;
};

struct LoadResult {
    std::optional<Config> config;       // set when errors is empty
    std::vector<ConfigError> errors;    // every problem found, in path order
    std::vector<ConfigError> warnings;  // valid but risky (an error in production), path order
    std::vector<std::string> files;     // the files read, lowest layer first
};

// Builds the configuration from the layers, lowest first: built-in defaults,
// <config_dir>/default.json, <config_dir>/<env>.json, SCOUT_* environment variables, overrides.
// Unknown keys in files and --set are errors, unknown SCOUT_* variables warnings. Never
// throws on bad input.
LoadResult load(const LoadOptions& options);

// Runs every validation rule on an already built Config (e.g. the result of
// apply_reloadable, which combines two validated configurations). `config` is set when valid.
LoadResult validate(Config config);

// The process environment as a map (for LoadOptions::environment).
std::map<std::string, std::string> process_environment();

// One line per error, each ending in '\n':
//   config error: server.threads = "-1": must be an integer between 0 and 256 (from SCOUT_...)
// Errors that are not about a setting's value (missing file, unknown key) have no `= "..."`.
// `kind` replaces "config error" (e.g. "config warning").
std::string format_errors(
    const std::vector<ConfigError>& errors, std::string_view kind = "config error"
);

// The effective configuration as JSON; secrets are replaced by "<redacted>" (or "" if unset)
// when `redact` is true.
nlohmann::json to_json(const Config& config, bool redact = true);

// Environment variable name for a JSON path: "server.listen" -> "SCOUT_SERVER_LISTEN".
std::string env_var_name(std::string_view path);

// Whether a setting may change on reload (SIGHUP) without a restart.
bool is_reloadable(std::string_view path);

// For SIGHUP: `current` with every reloadable setting taken from `reloaded`. `ignored` lists
// the non-reloadable paths whose value differs (they need a restart).
Config apply_reloadable(
    const Config& current, const Config& reloaded, std::vector<std::string>& ignored
);

// One setting whose value differs between two configurations (for the reload log). Values
// are display text: secrets "<redacted>", URL passwords hidden.
struct SettingChange {
    std::string path;
    std::string from;
    std::string to;
    bool reloadable = false;  // false: the running value stays until a restart
};

// Every setting (and env) whose value differs from `before` to `after`, in table order.
std::vector<SettingChange> changes(const Config& before, const Config& after);

// Reserved SCOUT_* variables that are not settings: load() reads kEnvVarEnv (when
// LoadOptions::env is empty); kEnvVarConfigDir is for the binary (default of --config-dir).
inline constexpr std::string_view kEnvVarEnv = "SCOUT_ENV";
inline constexpr std::string_view kEnvVarConfigDir = "SCOUT_CONFIG_DIR";

// Exit status of the binary when the configuration is invalid (EX_CONFIG, sysexits.h).
inline constexpr int kExitInvalidConfig = 78;

// One setting as documented; docs/configuration.md has one table row per entry.
struct SettingInfo {
    std::string path;           // "upstream.retry.max_attempts"
    std::string env_var;        // "SCOUT_UPSTREAM_RETRY_MAX_ATTEMPTS"
    std::string type;           // "string" | "integer" | "number" | "boolean" | "list of strings"
    std::string default_value;  // built-in default as JSON text
    std::string allowed;        // what validation accepts, e.g. "an integer between 1 and 10"
    bool reloadable = false;
    bool secret = false;
    std::string description;
};

// Every setting, in table order (the order of LoadResult::errors).
std::vector<SettingInfo> settings();
// Every setting path, in table order: "server.listen", ..., "log.max_files".
std::vector<std::string> setting_paths();

}  // namespace scout::config
