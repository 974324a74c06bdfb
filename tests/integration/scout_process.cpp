#include "scout_process.hpp"

#include <cstring>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace scout::test {
namespace {

std::vector<std::string> inherited_scout_vars() {
    std::vector<std::string> names;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (std::strncmp(*entry, "SCOUT_", 6) == 0) {
            const std::string text = *entry;
            names.push_back(text.substr(0, text.find('=')));
        }
    }
    return names;
}

}  // namespace

ScoutProcess::ScoutProcess(Options options) : port_(free_port()) {
    dir_.write("config/default.json", options.default_json);
    dir_.write("config/development.json", options.development_json);
    Process::Options p;
    p.program = SCOUT_BIN;
    p.args = {"--env", "development", "--config-dir", dir_.path() + "/config"};
    std::vector<std::pair<std::string, std::string>> settings = {
        {"server.listen", "127.0.0.1:" + std::to_string(port_)},
        {"server.threads", "2"},
        {"log.format", "json"},
        {"log.file", log_path()},
        {"redis.url", ""},
    };
    settings.insert(settings.end(), options.settings.begin(), options.settings.end());
    for (const auto& [path, value] : settings) {
        p.args.push_back("--set");
        p.args.push_back(path + "=" + value);
    }
    if (options.max_open_files > 0) {
        p.args.insert(p.args.begin(), p.program);
        p.args.insert(
            p.args.begin(),
            {"-c", "ulimit -n " + std::to_string(options.max_open_files) + R"( && exec "$0" "$@")"}
        );
        p.program = "/bin/sh";
    }
    p.env = options.env;
    p.unset_env = inherited_scout_vars();
    p.stdout_path = options.stdout_path.empty() ? dir_.path() + "/stdout.txt" : options.stdout_path;
    p.stderr_path = dir_.path() + "/stderr.txt";
    process_ = std::make_unique<Process>(std::move(p));
    if (options.wait_ready && !wait_ready()) {
        throw std::runtime_error("scout did not become ready; stderr: " + process_->stderr_text());
    }
}

bool wait_l2_ready(const ScoutProcess& scout, std::chrono::milliseconds limit) {
    int in_a_row = 0;
    return eventually(limit, [&] {
        const auto probe = http_get(scout.port(), "/search?q=probe&page_size=1");
        in_a_row = probe && probe->header("x-cache-l2") == "ok" ? in_a_row + 1 : 0;
        return in_a_row >= 8;
    });
}

double scrape_metric(
    const ScoutProcess& scout, const std::string& admin_token, const std::string& line_prefix
) {
    const auto response =
        http_get(scout.port(), "/metrics", {{"Authorization", "Bearer " + admin_token}});
    if (!response) {
        return -1;
    }
    const auto at = response->body.find("\n" + line_prefix + " ");
    if (at == std::string::npos) {
        return -1;
    }
    return std::stod(response->body.substr(at + line_prefix.size() + 2));
}

bool ScoutProcess::wait_ready(std::chrono::milliseconds timeout) {
    return eventually(timeout, [&] {
        if (!process_->running()) {
            return false;
        }
        const auto response = http_get(port_, "/health");
        return response && response->status == 200;
    });
}

std::vector<std::string> ScoutProcess::log_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(log_text());
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

RunResult run_scout(
    const std::vector<std::string>& args,
    const std::map<std::string, std::string>& env,
    const std::string& default_json
) {
    TempDir dir;
    dir.write("config/default.json", default_json);
    dir.write("config/development.json", "{}");
    dir.write("config/staging.json", "{}");
    dir.write("config/production.json", "{}");
    Process::Options p;
    p.program = SCOUT_BIN;
    p.args = {"--config-dir", dir.path() + "/config"};
    p.args.insert(p.args.end(), args.begin(), args.end());
    p.env = env;
    p.unset_env = inherited_scout_vars();
    p.stdout_path = dir.path() + "/stdout.txt";
    p.stderr_path = dir.path() + "/stderr.txt";
    Process process(std::move(p));
    RunResult result;
    result.status = process.wait_for(std::chrono::seconds(20)).value_or(-1);
    result.out = process.stdout_text();
    result.err = process.stderr_text();
    return result;
}

}  // namespace scout::test
