// Test helper of the log unit tests: captured log output as its lines (without '\n').
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace scout::log::test {

inline std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

}  // namespace scout::log::test
