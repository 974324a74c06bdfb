// Starts a real scout-sim (the AliExpress gateway simulator) on a free loopback port for a
// test, and talks to its control API (/__sim/faults, /__sim/stats, /__sim/reset).
#pragma once

#include "support/http_client.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace scout::test {

inline constexpr const char* kSimAppKey = "100001";
inline constexpr const char* kSimAppSecret = "sim-test-secret";

class SimProcess {
public:
    explicit SimProcess(std::vector<std::string> extra_args = {});

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string gateway_url() const {
        return "http://127.0.0.1:" + std::to_string(port_) + "/sync";
    }
    using Settings = std::vector<std::pair<std::string, std::string>>;
    // The scout settings (--set path=value) that make this sim its upstream, then `extra`.
    [[nodiscard]] Settings scout_settings(const Settings& extra = {}) const {
        Settings settings = {
            {"upstream.gateway_url", gateway_url()},
            {"upstream.app_key", kSimAppKey},
            {"upstream.app_secret", kSimAppSecret},
            {"upstream.tracking_id", "scout_test"}};
        settings.insert(settings.end(), extra.begin(), extra.end());
        return settings;
    }
    // Adds a fault (see docs/scout-sim.md); throws if the sim refuses it.
    void add_fault(const nlohmann::json& fault) const;
    void clear_faults() const;
    void reset() const;
    [[nodiscard]] nlohmann::json stats() const;
    // Calls that reached the method handlers, per API method (0 when none).
    [[nodiscard]] long calls(const std::string& method) const;
    [[nodiscard]] long requests_total() const { return stats().value("requests_total", 0L); }
    Process& process() { return *process_; }

private:
    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<Process> process_;
};

}  // namespace scout::test
