#include "sim/options.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace scout::sim {
namespace {

Result<CliOptions> parse(std::vector<std::string_view> args) {
    return parse_cli(args);
}

TEST(Cli, FullCommandLine) {
    auto options = parse({"--listen",       "127.0.0.1:8089",
                          "--app-key",      "K",
                          "--app-secret",   "S",
                          "--seed",         "7",
                          "--catalog-size", "500",
                          "--latency-ms",   "40",
                          "--rate-per-s",   "2.5",
                          "--daily-quota",  "5000",
                          "--dialect",      "top",
                          "--max-page",     "20",
                          "--live-like",    "--quirk",
                          "mojibake=0.5",   "--log-level",
                          "debug"});
    ASSERT_TRUE(options) << options.error().message;
    EXPECT_EQ(options->host, "127.0.0.1");
    EXPECT_EQ(options->port, 8089);
    EXPECT_EQ(options->settings.app_key, "K");
    EXPECT_EQ(options->settings.app_secret, "S");
    EXPECT_EQ(options->catalogue.seed, 7U);
    EXPECT_EQ(options->settings.seed, 7U);
    EXPECT_EQ(options->catalogue.size, 500U);
    EXPECT_EQ(options->settings.latency.count(), 40);
    EXPECT_DOUBLE_EQ(options->settings.limits.rate_per_s, 2.5);
    EXPECT_EQ(options->settings.limits.daily_quota, 5000);
    EXPECT_EQ(options->settings.dialect, Dialect::kTop);
    EXPECT_EQ(options->settings.methods.max_page, 20);
    EXPECT_TRUE(options->settings.methods.live_like);
    EXPECT_DOUBLE_EQ(options->catalogue.quirks.rate(Quirk::kMojibake), 0.5);
    EXPECT_DOUBLE_EQ(options->catalogue.quirks.rate(Quirk::kIdAsString), 0.05);
    EXPECT_EQ(options->log_level, "debug");
}

TEST(Cli, DefaultsAndEqualsForm) {
    auto options = parse({"--app-key=K", "--app-secret=S"});
    ASSERT_TRUE(options);
    EXPECT_EQ(options->host, "127.0.0.1");
    EXPECT_EQ(options->port, 0);
    EXPECT_EQ(options->catalogue.seed, 42U);
    EXPECT_EQ(options->catalogue.size, 20000U);
    EXPECT_EQ(options->settings.dialect, Dialect::kIop);
    EXPECT_EQ(options->settings.methods.max_page, 100);
    EXPECT_FALSE(options->settings.methods.live_like);
}

TEST(Cli, NoQuirksAppliesBeforeQuirkWhateverTheOrder) {
    auto options =
        parse({"--quirk", "html_entity=0.2", "--app-key", "K", "--app-secret", "S", "--no-quirks"});
    ASSERT_TRUE(options);
    EXPECT_DOUBLE_EQ(options->catalogue.quirks.rate(Quirk::kHtmlEntity), 0.2);
    EXPECT_DOUBLE_EQ(options->catalogue.quirks.rate(Quirk::kIdAsString), 0.0);
    EXPECT_DOUBLE_EQ(options->catalogue.quirks.rate(Quirk::kTitleTruncation), 0.0);
}

TEST(Cli, ControlToken) {
    auto options = parse({"--app-key", "K", "--app-secret", "S", "--control-token", "T0k"});
    ASSERT_TRUE(options) << options.error().message;
    EXPECT_EQ(options->settings.control_token, "T0k");
    auto none = parse({"--app-key", "K", "--app-secret", "S"});
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->settings.control_token.empty());
    EXPECT_FALSE(parse({"--app-key", "K", "--app-secret", "S", "--control-token="}));
}

TEST(Cli, IPv6Listen) {
    auto options = parse({"--listen", "[::1]:0", "--app-key", "K", "--app-secret", "S"});
    ASSERT_TRUE(options);
    EXPECT_EQ(options->host, "::1");
}

TEST(Cli, BadArguments) {
    const std::vector<std::vector<std::string_view>> bad = {
        {"--app-secret", "S"},
        {"--app-key", "K"},
        {"--app-key", "K", "--app-secret", "S", "--listen", "localhost:80"},
        {"--app-key", "K", "--app-secret", "S", "--listen", "127.0.0.1"},
        {"--app-key", "K", "--app-secret", "S", "--listen", "127.0.0.1:99999"},
        {"--app-key", "K", "--app-secret", "S", "--seed", "-1"},
        {"--app-key", "K", "--app-secret", "S", "--catalog-size", "0"},
        {"--app-key", "K", "--app-secret", "S", "--dialect", "soap"},
        {"--app-key", "K", "--app-secret", "S", "--quirk", "nope=0.1"},
        {"--app-key", "K", "--app-secret", "S", "--quirk", "mojibake=2"},
        {"--app-key", "K", "--app-secret", "S", "--quirk", "mojibake"},
        {"--app-key", "K", "--app-secret", "S", "--rate-per-s", "fast"},
        {"--app-key", "K", "--app-secret", "S", "--max-page", "0"},
        {"--app-key", "K", "--app-secret", "S", "--bogus"},
        {"--app-key", "K", "--app-secret", "S", "stray"},
        {"--app-key", "K", "--app-secret"},
        {"--app-key", "K", "--app-secret", "S", "--live-like=yes"},
    };
    for (const auto& args : bad) {
        std::string joined;
        for (const auto a : args) {
            joined += std::string(a) + " ";
        }
        EXPECT_FALSE(parse(args)) << joined;
    }
}

TEST(Cli, HelpNeedsNothingElse) {
    auto options = parse({"--help"});
    ASSERT_TRUE(options);
    EXPECT_TRUE(options->help);
    EXPECT_NE(usage().find("--app-key"), std::string_view::npos);
}

}  // namespace
}  // namespace scout::sim
