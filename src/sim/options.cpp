#include "sim/options.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

namespace scout::sim {

namespace {

constexpr std::string_view kUsage =
    R"(Usage: scout-sim --app-key KEY --app-secret SECRET [options]

Local simulator of the AliExpress Affiliate API gateway (/sync).

  --listen HOST:PORT      address to listen on (default 127.0.0.1:0; port 0 = any free port)
  --app-key KEY           the only app key accepted (required)
  --app-secret SECRET     its secret, for signature verification (required)
  --seed N                catalogue and runtime seed (default 42)
  --catalog-size N        number of generated products (default 20000)
  --latency-ms N          base latency of /sync responses, +-25 % jitter (default 0)
  --rate-per-s X          per-app-key call rate, token bucket (default 0 = unlimited)
  --daily-quota N         per-app-key calls per GMT+8 day (default 0 = unlimited)
  --dialect iop|top       error envelope dialect (default iop)
  --no-quirks             clean data: every quirk rate 0
  --quirk NAME=RATE       set one quirk rate in [0,1]; repeatable; applied after --no-quirks
  --max-page N            deepest page served; deeper pages are empty (default 100)
  --live-like             perturb totals and page order, repeat items across pages
  --timestamp-window-s N  accepted timestamp skew in seconds (default 7200)
  --log-level LEVEL       trace|debug|info|warn|error|off (default info; debug logs each call)
  --control-token TOKEN   require TOKEN in X-Sim-Control-Token on /__sim/* (then from any
                          address); without it the control API answers loopback peers only
  --help, --version
)";

template <class T>
std::optional<T> parse_number(std::string_view text) {
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> parse_double(std::string_view text) {
    // std::from_chars for double exists in GCC 12's libstdc++.
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

Result<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return fail("--listen expects HOST:PORT, got \"" + std::string(text) + "\"");
    }
    std::string host(text.substr(0, colon));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(host, ec);
    if (ec) {
        return fail("--listen: \"" + host + "\" is not an IP address");
    }
    const auto port = parse_number<std::uint16_t>(text.substr(colon + 1));
    if (!port) {
        return fail("--listen: bad port in \"" + std::string(text) + "\"");
    }
    return std::make_pair(std::move(host), *port);
}

}  // namespace

std::string_view usage() {
    return kUsage;
}

Result<CliOptions> parse_cli(std::span<const std::string_view> args) {
    CliOptions options;
    bool no_quirks = false;
    std::vector<std::pair<Quirk, double>> quirk_overrides;
    bool have_key = false;
    bool have_secret = false;

    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        std::optional<std::string_view> inline_value;
        if (arg.starts_with("--")) {
            if (const auto eq = arg.find('='); eq != std::string_view::npos) {
                inline_value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
            }
        }
        const auto flag_only = [&]() -> Result<void> {
            if (inline_value) {
                return fail(std::string(arg) + " takes no value");
            }
            return {};
        };
        const auto value = [&]() -> Result<std::string_view> {
            if (inline_value) {
                return *inline_value;
            }
            if (i + 1 >= args.size()) {
                return fail(std::string(arg) + " needs a value");
            }
            return args[++i];
        };
        const auto bad = [&](std::string_view v) {
            return fail("invalid value for " + std::string(arg) + ": \"" + std::string(v) + "\"");
        };

        if (arg == "--help" || arg == "-h") {
            options.help = true;
        } else if (arg == "--version") {
            options.version = true;
        } else if (arg == "--no-quirks") {
            if (auto r = flag_only(); !r) {
                return r.error();
            }
            no_quirks = true;
        } else if (arg == "--live-like") {
            if (auto r = flag_only(); !r) {
                return r.error();
            }
            options.settings.methods.live_like = true;
        } else {
            static constexpr std::string_view kValued[] = {
                "--listen",
                "--app-key",
                "--app-secret",
                "--seed",
                "--catalog-size",
                "--latency-ms",
                "--rate-per-s",
                "--daily-quota",
                "--dialect",
                "--quirk",
                "--max-page",
                "--timestamp-window-s",
                "--log-level",
                "--control-token",
            };
            bool valued = false;
            for (const auto name : kValued) {
                valued = valued || name == arg;
            }
            if (!valued) {
                return fail("unknown argument \"" + std::string(args[i]) + "\"");
            }
            auto v = value();
            if (!v) {
                return v.error();
            }
            const std::string_view text = *v;
            if (arg == "--listen") {
                auto listen = parse_listen(text);
                if (!listen) {
                    return listen.error();
                }
                options.host = listen->first;
                options.port = listen->second;
            } else if (arg == "--app-key") {
                if (text.empty()) {
                    return bad(text);
                }
                options.settings.app_key = std::string(text);
                have_key = true;
            } else if (arg == "--app-secret") {
                if (text.empty()) {
                    return bad(text);
                }
                options.settings.app_secret = std::string(text);
                have_secret = true;
            } else if (arg == "--seed") {
                const auto n = parse_number<std::uint64_t>(text);
                if (!n) {
                    return bad(text);
                }
                options.catalogue.seed = *n;
                options.settings.seed = *n;
            } else if (arg == "--catalog-size") {
                const auto n = parse_number<std::size_t>(text);
                if (!n || *n < 1 || *n > 5'000'000) {
                    return bad(text);
                }
                options.catalogue.size = *n;
            } else if (arg == "--latency-ms") {
                const auto n = parse_number<std::int64_t>(text);
                if (!n || *n < 0 || *n > 600'000) {
                    return bad(text);
                }
                options.settings.latency = std::chrono::milliseconds{*n};
            } else if (arg == "--rate-per-s") {
                const auto x = parse_double(text);
                if (!x || *x < 0.0) {
                    return bad(text);
                }
                options.settings.limits.rate_per_s = *x;
            } else if (arg == "--daily-quota") {
                const auto n = parse_number<std::int64_t>(text);
                if (!n || *n < 0) {
                    return bad(text);
                }
                options.settings.limits.daily_quota = *n;
            } else if (arg == "--dialect") {
                if (text == "iop") {
                    options.settings.dialect = Dialect::kIop;
                } else if (text == "top") {
                    options.settings.dialect = Dialect::kTop;
                } else {
                    return bad(text);
                }
            } else if (arg == "--quirk") {
                const auto eq = text.find('=');
                if (eq == std::string_view::npos) {
                    return fail("--quirk expects NAME=RATE, got \"" + std::string(text) + "\"");
                }
                const auto quirk = quirk_from_name(text.substr(0, eq));
                if (!quirk) {
                    return fail("unknown quirk \"" + std::string(text.substr(0, eq)) + "\"");
                }
                const auto rate = parse_double(text.substr(eq + 1));
                if (!rate || *rate < 0.0 || *rate > 1.0) {
                    return fail("--quirk rate must be in [0,1]: \"" + std::string(text) + "\"");
                }
                quirk_overrides.emplace_back(*quirk, *rate);
            } else if (arg == "--max-page") {
                const auto n = parse_number<int>(text);
                if (!n || *n < 1) {
                    return bad(text);
                }
                options.settings.methods.max_page = *n;
            } else if (arg == "--timestamp-window-s") {
                const auto n = parse_number<std::int64_t>(text);
                if (!n || *n < 1) {
                    return bad(text);
                }
                options.settings.timestamp_window_s = *n;
            } else if (arg == "--log-level") {
                static constexpr std::string_view kLevels[] = {
                    "trace", "debug", "info", "warn", "error", "critical", "off"};
                bool known = false;
                for (const auto level : kLevels) {
                    known = known || level == text;
                }
                if (!known) {
                    return bad(text);
                }
                options.log_level = std::string(text);
            } else if (arg == "--control-token") {
                if (text.empty()) {
                    return bad(text);
                }
                options.settings.control_token = std::string(text);
            }
        }
    }
    if (options.help || options.version) {
        return options;
    }
    if (!have_key) {
        return fail("--app-key is required");
    }
    if (!have_secret) {
        return fail("--app-secret is required");
    }
    options.catalogue.quirks = no_quirks ? QuirkRates::none() : QuirkRates::defaults();
    for (const auto& [quirk, rate] : quirk_overrides) {
        options.catalogue.quirks.set(quirk, rate);
    }
    return options;
}

}  // namespace scout::sim
