// Process-test helpers for SIGHUP reloads: write the development overlay, signal, and wait for
// the reload to be logged.
#pragma once

#include "scout_process.hpp"

#include <csignal>
#include <string>

namespace scout::test {

// How many times `needle` occurs in `text`.
inline std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

// Makes `overlay` the development layer and reloads; true once the reload is logged.
inline bool reload(ScoutProcess& scout, const std::string& overlay) {
    const std::size_t before = occurrences(scout.log_text(), "configuration reloaded");
    scout.dir().write("config/development.json", overlay);
    scout.process().signal(SIGHUP);
    return eventually(std::chrono::seconds(10), [&] {
        return occurrences(scout.log_text(), "configuration reloaded") > before;
    });
}

}  // namespace scout::test
