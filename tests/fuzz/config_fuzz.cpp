// Fuzz target: configuration loading. The input is the config file (default.json in a private
// directory), and then, line by line ("path=value"), command-line overrides and the matching
// SCOUT_* environment variables. load() never throws: it returns a valid Config or errors
// that name a path; a valid Config passes validate() again and renders as JSON.
#include <scout/config/config.hpp>

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using scout::config::LoadOptions;
using scout::config::LoadResult;
using scout::fuzz::check;

constexpr std::size_t kMaxLines = 16;

// One private directory per process; every run overwrites its default.json.
const std::filesystem::path& config_dir() {
    static const std::filesystem::path dir = [] {
        std::string tmpl = (std::filesystem::temp_directory_path() / "scout-fuzz-XXXXXX").string();
        check(::mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
        std::ofstream(std::filesystem::path(tmpl) / "development.json") << "{}";
        return std::filesystem::path(tmpl);
    }();
    return dir;
}

void write_file(const std::filesystem::path& file, std::string_view text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void check_result(const LoadResult& result) {
    check(result.config.has_value() == result.errors.empty(), "config iff no errors");
    (void)scout::config::format_errors(result.errors);
    (void)scout::config::format_errors(result.warnings, "config warning");
    if (!result.config) {
        return;
    }
    check(scout::config::validate(*result.config).errors.empty(), "valid config stays valid");
    (void)scout::config::to_json(*result.config)
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::vector<std::string> ignored;
    (void)scout::config::apply_reloadable(*result.config, *result.config, ignored);
    check(ignored.empty(), "reloading the same config ignores nothing");
}

std::vector<std::pair<std::string, std::string>> setting_lines(std::string_view input) {
    std::vector<std::pair<std::string, std::string>> lines;
    while (!input.empty() && lines.size() < kMaxLines) {
        const auto end = input.find('\n');
        const std::string_view line = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
        if (const auto eq = line.find('='); eq != std::string_view::npos) {
            lines.emplace_back(line.substr(0, eq), line.substr(eq + 1));
        }
    }
    return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    LoadOptions options;
    options.config_dir = config_dir().string();
    options.env = "development";

    write_file(config_dir() / "default.json", input);
    check_result(scout::config::load(options));

    write_file(config_dir() / "default.json", "{}");
    options.overrides = setting_lines(input);
    for (const auto& [path, value] : options.overrides) {
        options.environment[scout::config::env_var_name(path)] = value;
    }
    check_result(scout::config::load(options));
    return 0;
}
