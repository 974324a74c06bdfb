// Command line of the scout-sim executable, parsed into the catalogue and handler settings.
// Pure functions; thread-safe.
#pragma once

#include "sim/catalogue.hpp"
#include "sim/failure.hpp"
#include "sim/handler.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace scout::sim {

struct CliOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;          // 0 = pick a free port
    SimSettings settings;            // app key/secret, dialect, latency, limits, ...
    CatalogueOptions catalogue;      // seed, size, quirk rates
    std::string log_level = "info";  // spdlog level name
    bool help = false;
    bool version = false;
};

// Parses argv[1..]. Both "--flag value" and "--flag=value" are accepted. --no-quirks
// applies before every --quirk, whatever their order.
Result<CliOptions> parse_cli(std::span<const std::string_view> args);

std::string_view usage();

}  // namespace scout::sim
