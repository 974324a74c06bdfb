// What every fuzz target checks beyond "no crash, no sanitizer report": an invariant that
// fails aborts with a message, so libFuzzer (and the corpus replay) records the input.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace scout::fuzz {

inline void check(bool ok, std::string_view what) {
    if (!ok) {
        std::fprintf(
            stderr, "fuzz invariant violated: %.*s\n", static_cast<int>(what.size()), what.data()
        );
        std::abort();
    }
}

// Text that reaches a response must be valid UTF-8: a strict dump throws on anything else.
inline void check_strict_json(const nlohmann::json& value, std::string_view what) {
    try {
        (void)value.dump();
    } catch (const nlohmann::json::exception&) {
        check(false, what);
    }
}

}  // namespace scout::fuzz
