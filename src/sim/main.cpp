// scout-sim: local simulator of the AliExpress Affiliate API gateway. Wiring only: parse the
// command line, generate the catalogue, listen, run one io_context until SIGINT/SIGTERM.
#include <scout/core/asio.hpp>
#include <scout/core/version.hpp>

#include "sim/catalogue.hpp"
#include "sim/handler.hpp"
#include "sim/options.hpp"
#include "sim/server.hpp"

#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
    using namespace scout;
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    auto parsed = sim::parse_cli(args);
    if (!parsed) {
        std::cerr << "scout-sim: " << parsed.error().message << "\n"
                  << "Try 'scout-sim --help'.\n";
        return 2;
    }
    sim::CliOptions& options = *parsed;
    if (options.help) {
        std::cout << sim::usage();
        return 0;
    }
    if (options.version) {
        std::cout << "scout-sim " << kVersion << "\n";
        return 0;
    }

    try {
        auto logger = spdlog::stderr_logger_st("scout-sim");
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ scout-sim: %v");
        logger->set_level(spdlog::level::from_str(options.log_level));
        spdlog::set_default_logger(logger);

        const auto started = std::chrono::steady_clock::now();
        auto catalogue = std::make_shared<const sim::Catalogue>(options.catalogue);
        const auto generation_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - started
        )
                                       .count();
        spdlog::info(
            "catalogue: {} products, {} categories, {} shops (seed {}, {} ms)",
            catalogue->products().size(),
            catalogue->categories().size(),
            catalogue->shops().size(),
            options.catalogue.seed,
            generation_ms
        );

        asio::io_context ioc;
        sim::Handler handler(options.settings, catalogue);
        const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
        sim::Server server(ioc, handler, endpoint);
        server.start();

        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
            if (!ec) {
                spdlog::info("signal {}: stopping", signal_number);
            }
            server.stop();
            ioc.stop();
        });

        const auto local = server.local_endpoint();
        std::string address = local.address().to_string();
        if (local.address().is_v6()) {
            address.insert(address.begin(), '[');
            address.push_back(']');
        }
        spdlog::info(
            "control API /__sim/*: {}",
            options.settings.control_token.empty() ? "loopback peers only"
                                                   : "X-Sim-Control-Token required"
        );
        std::cout << "scout-sim listening on " << address << ":" << local.port() << std::endl;

        ioc.run();
        spdlog::default_logger()->flush();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "scout-sim: " << e.what() << "\n";
        return 1;
    }
}
