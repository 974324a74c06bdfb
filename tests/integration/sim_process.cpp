#include "sim_process.hpp"

#include <regex>
#include <stdexcept>

namespace scout::test {

SimProcess::SimProcess(std::vector<std::string> extra_args) {
    Process::Options p;
    p.program = SCOUT_SIM_BIN;
    p.args = {"--listen", "127.0.0.1:0", "--app-key", kSimAppKey, "--app-secret", kSimAppSecret};
    p.args.insert(p.args.end(), extra_args.begin(), extra_args.end());
    p.stdout_path = dir_.path() + "/sim.out";
    p.stderr_path = dir_.path() + "/sim.err";
    process_ = std::make_unique<Process>(std::move(p));
    const std::regex listening(R"(scout-sim listening on 127\.0\.0\.1:(\d+))");
    const bool started = eventually(std::chrono::seconds(20), [&] {
        std::smatch match;
        const std::string out = process_->stdout_text();
        if (std::regex_search(out, match, listening)) {
            port_ = std::stoi(match[1].str());
            return true;
        }
        return !process_->running();
    });
    if (!started || port_ == 0) {
        throw std::runtime_error("scout-sim did not start: " + process_->stderr_text());
    }
}

void SimProcess::add_fault(const nlohmann::json& fault) const {
    const auto response = http_request(
        port_, "POST", "/__sim/faults", {{"Content-Type", "application/json"}}, fault.dump()
    );
    if (!response || response->status != 200) {
        throw std::runtime_error(
            "scout-sim refused fault " + fault.dump() + ": " +
            (response ? response->body : "no answer")
        );
    }
}

void SimProcess::clear_faults() const {
    const auto response = http_request(port_, "DELETE", "/__sim/faults");
    if (!response || response->status != 200) {
        throw std::runtime_error("scout-sim: DELETE /__sim/faults failed");
    }
}

void SimProcess::reset() const {
    const auto response = http_request(port_, "POST", "/__sim/reset");
    if (!response || response->status != 200) {
        throw std::runtime_error("scout-sim: POST /__sim/reset failed");
    }
}

nlohmann::json SimProcess::stats() const {
    const auto response = http_get(port_, "/__sim/stats");
    if (!response || response->status != 200) {
        throw std::runtime_error("scout-sim: GET /__sim/stats failed");
    }
    return nlohmann::json::parse(response->body);
}

long SimProcess::calls(const std::string& method) const {
    const nlohmann::json s = stats();
    if (!s.contains("calls") || !s["calls"].contains(method)) {
        return 0;
    }
    return s["calls"][method].get<long>();
}

}  // namespace scout::test
