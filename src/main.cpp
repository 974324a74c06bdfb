// scout: wiring only — parse the command line, load and validate the configuration, run the app.
#include <scout/app/app.hpp>
#include <scout/config/config.hpp>
#include <scout/core/version.hpp>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

namespace {

constexpr int kExitUsage = 64;  // EX_USAGE
constexpr int kExitSoftware = 70;

constexpr std::string_view kUsage =
    "usage: scout [--env ENV] [--config-dir DIR] [--set PATH=VALUE]... [--print-config] "
    "[--check-config]\n"
    "\n"
    "  --env ENV          development | staging | production (default: $SCOUT_ENV or development)\n"
    "  --config-dir DIR   directory with default.json and <env>.json (default: $SCOUT_CONFIG_DIR "
    "or ./config)\n"
    "  --set PATH=VALUE   override one setting, e.g. --set server.listen=127.0.0.1:9000 (highest "
    "layer)\n"
    "  --print-config     print the effective configuration (secrets redacted) and exit\n"
    "  --check-config     validate the configuration and exit 0, or 78 listing every problem\n"
    "  --version          print the version and exit\n";

}  // namespace

int main(int argc, char** argv) {
    // A log reader that went away (closed stdout pipe) or a peer that reset a socket must
    // give EPIPE to the writer, never kill the process, in every mode (memory-only too).
    std::signal(SIGPIPE, SIG_IGN);
    scout::config::LoadOptions options;
    options.environment = scout::config::process_environment();
    if (const auto it = options.environment.find("SCOUT_CONFIG_DIR");
        it != options.environment.end()) {
        options.config_dir = it->second;
    }
    bool print_config = false;
    bool check_config = false;

    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string_view flag) -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "scout: " << flag << " needs a value\n" << kUsage;
                std::exit(kExitUsage);
            }
            return argv[++i];
        };
        if (arg == "--env") {
            options.env = value(arg);
        } else if (arg == "--config-dir") {
            options.config_dir = value(arg);
        } else if (arg == "--set") {
            const std::string assignment = value(arg);
            const auto eq = assignment.find('=');
            if (eq == std::string::npos || eq == 0) {
                std::cerr << "scout: --set expects PATH=VALUE, got '" << assignment << "'\n";
                return kExitUsage;
            }
            options.overrides.emplace_back(assignment.substr(0, eq), assignment.substr(eq + 1));
        } else if (arg == "--print-config") {
            print_config = true;
        } else if (arg == "--check-config") {
            check_config = true;
        } else if (arg == "--version") {
            std::cout << "scout " << scout::kVersion << '\n';
            return 0;
        } else if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        } else {
            std::cerr << "scout: unknown argument '" << arg << "'\n" << kUsage;
            return kExitUsage;
        }
    }

    try {
        scout::config::LoadResult loaded = scout::config::load(options);
        if (!loaded.config) {
            std::cerr << scout::config::format_errors(loaded.errors);
            std::cerr << "scout: " << loaded.errors.size()
                      << " configuration error(s); not starting\n";
            return scout::config::kExitInvalidConfig;
        }
        std::cerr << scout::config::format_errors(loaded.warnings, "config warning");
        if (print_config) {
            std::cout << scout::config::to_json(*loaded.config, true).dump(2) << '\n';
            return 0;
        }
        if (check_config) {
            std::cout << "configuration OK (env " << loaded.config->env << ")\n";
            return 0;
        }
        scout::app::App app(std::move(options), std::move(*loaded.config));
        return app.run();
    } catch (const std::exception& e) {
        // Start-up failures (e.g. the address is in use) end here.
        std::cerr << "scout: fatal: " << e.what() << '\n';
        return kExitSoftware;
    }
}
