// Test helper for the config tests: a temporary config directory (mkdtemp) with
// default.json and the three overlays, removed at the end of the test. Not thread-safe.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace scout::config::testing {

class ConfigDir {
public:
    // Starts with "{}" in default.json, development.json, staging.json and production.json.
    ConfigDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "scout-config-XXXXXX");
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
        for (const char* name : {"default", "development", "staging", "production"}) {
            write(std::string(name) + ".json", "{}");
        }
    }
    ConfigDir(const ConfigDir&) = delete;
    ConfigDir& operator=(const ConfigDir&) = delete;
    ConfigDir(ConfigDir&&) = delete;
    ConfigDir& operator=(ConfigDir&&) = delete;
    ~ConfigDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }

    void write(const std::string& name, std::string_view text) const {
        std::ofstream out(path_ / name, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) {
            throw std::runtime_error("cannot write " + (path_ / name).string());
        }
    }
    void remove(const std::string& name) const { std::filesystem::remove(path_ / name); }

    std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::string str() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

}  // namespace scout::config::testing
