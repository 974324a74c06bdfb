// scout: wiring only — parse the command line, load and validate the configuration, run the app.
#include <scout/app/app.hpp>
#include <scout/app/routes.hpp>
#include <scout/config/config.hpp>
#include <scout/core/version.hpp>
#include <scout/monitoring/metrics.hpp>

#include <nlohmann/json.hpp>

#include <malloc.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int kExitUsage = 64;  // EX_USAGE
constexpr int kExitSoftware = 70;

// Man-page-like: `cmake --install` also writes it as share/man/man1/scout.1.
constexpr std::string_view kUsage = R"(NAME
    scout - product search service over the AliExpress affiliate API

SYNOPSIS
    scout [--env ENV] [--config-dir DIR] [--set PATH=VALUE]... [--print-config]
          [--check-config] [--print-routes] [--no-metrics] [--version] [--help]

DESCRIPTION
    Serves GET /search and the other routes of its API contract (GET /openapi.json) on
    server.listen, caching in memory and, with redis.url set, in Redis.

OPTIONS
    --env ENV          development | staging | production (default: $SCOUT_ENV, else
                       development)
    --config-dir DIR   directory holding default.json and <env>.json (default:
                       $SCOUT_CONFIG_DIR, else the first of <prefix>/etc/scout beside the
                       installed binary, /etc/scout and ./config that has a default.json;
                       with none, the built-in defaults). Files in a directory named here
                       must exist.
    --set PATH=VALUE   override one setting, e.g. --set server.listen=127.0.0.1:9000
                       (highest layer)
    --print-config     print the effective configuration (secrets redacted) and exit
    --check-config     validate the configuration and exit 0, or 78 listing every problem
    --print-routes     print every route served (METHOD PATH NAME [admin]) and exit
    --no-metrics       record no metric observations (the metrics routes answer, with
                       zeros): for measuring what recording costs (docs/performance.md)
    --version          print the version and exit
    --help, -h         print this text and exit

FILES
    /etc/scout/default.json, /etc/scout/<env>.json
                       the configuration, lowest layer first; SCOUT_* variables and --set
                       override them (docs/configuration.md lists every setting)

ENVIRONMENT
    SCOUT_ENV, SCOUT_CONFIG_DIR, and SCOUT_<SETTING> for every setting
    (e.g. SCOUT_UPSTREAM_APP_SECRET); an unknown SCOUT_* name is a warning

SIGNALS
    SIGTERM, SIGINT    drain: stop accepting, finish requests in flight (server.shutdown_grace_ms)
    SIGHUP             reload the configuration (reloadable settings only)

EXIT STATUS
    0 stopped cleanly; 64 usage error; 70 start-up failure (e.g. the port is taken);
    78 invalid configuration
)";

// The configuration directory when neither --config-dir nor SCOUT_CONFIG_DIR names one: an
// installed tree's own (<prefix>/etc/scout beside <prefix>/bin/scout), /etc/scout, then
// ./config (a source checkout). Files there are optional: none at all means the built-in
// defaults, so an installed scout starts from any working directory.
void pick_config_dir(scout::config::LoadOptions& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<fs::path> candidates;
    if (const fs::path exe = fs::read_symlink("/proc/self/exe", ec); !ec) {
        candidates.push_back(exe.parent_path().parent_path() / "etc" / "scout");
    }
    candidates.emplace_back("/etc/scout");
    candidates.emplace_back("config");
    options.files_optional = true;
    options.config_dir = "/etc/scout";
    for (const fs::path& dir : candidates) {
        if (fs::exists(dir / "default.json", ec)) {
            options.config_dir = dir.lexically_normal().string();
            return;
        }
    }
}

// One route per line, "METHOD PATH NAME" plus " admin" when it needs the admin token; GET
// routes also answer HEAD. Read by the contract and deployment tests.
void print_routes() {
    for (const scout::app::RouteInfo& route : scout::app::route_table()) {
        std::cout << route.method << ' ' << route.pattern << ' ' << route.name
                  << (route.admin ? " admin" : "") << '\n';
    }
}

// glibc gives the free memory at the top of a heap back to the kernel once 128 KiB of it is
// free (M_TRIM_THRESHOLD) and maps each block of 128 KiB or more on its own
// (M_MMAP_THRESHOLD). A cache miss builds and frees about a megabyte (the upstream page's JSON
// tree, its 95 KB body), so every miss paid madvise and then first-touch page faults for the
// same memory again (docs/performance.md, "How cost grows with the work"). Up to 4 MiB stay
// free per heap, and blocks up to 1 MiB come from the heaps; setting them turns off glibc's
// own adjustment of both (which would let up to 64 MiB stay). A burst that took more than
// that (5,000 idle connections) still gives it back. An operator's GLIBC_TUNABLES for malloc
// wins.
void tune_allocator() {
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) {
        return;
    }
    constexpr int kMmapThreshold = 1 << 20;
    constexpr int kTrimThreshold = 4 << 20;
    mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
    mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
}

}  // namespace

int main(int argc, char** argv) {
    tune_allocator();
    // A log reader that went away (closed stdout pipe) or a peer that reset a socket must
    // give EPIPE to the writer, never kill the process, in every mode (memory-only too).
    std::signal(SIGPIPE, SIG_IGN);
    scout::config::LoadOptions options;
    options.environment = scout::config::process_environment();
    if (const auto it = options.environment.find("SCOUT_CONFIG_DIR");
        it != options.environment.end()) {
        options.config_dir = it->second;
    } else {
        pick_config_dir(options);
    }
    bool print_config = false;
    bool check_config = false;
    bool record_metrics = true;

    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string_view flag) -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "scout: " << flag
                          << " needs a value (scout --help lists the options)\n";
                std::exit(kExitUsage);
            }
            return argv[++i];
        };
        if (arg == "--env") {
            options.env = value(arg);
        } else if (arg == "--config-dir") {
            options.config_dir = value(arg);
            options.files_optional = false;
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
        } else if (arg == "--print-routes") {
            print_routes();
            return 0;
        } else if (arg == "--no-metrics") {
            record_metrics = false;
        } else if (arg == "--version") {
            std::cout << "scout " << scout::kVersion << '\n';
            return 0;
        } else if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        } else {
            std::cerr << "scout: unknown argument '" << arg
                      << "' (scout --help lists the options)\n";
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
        scout::monitoring::set_recording(record_metrics);
        scout::app::App app(std::move(options), std::move(*loaded.config), loaded.files);
        return app.run();
    } catch (const std::exception& e) {
        // Start-up failures (e.g. the address is in use) end here.
        std::cerr << "scout: fatal: " << e.what() << '\n';
        return kExitSoftware;
    }
}
