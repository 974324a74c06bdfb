// "Did you mean ...?" hints: the known name closest to a misspelt one (config settings,
// request parameters). Header-only, business-free; pure functions, thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

namespace scout {

// Levenshtein distance (insertions, deletions, substitutions; bytes).
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// The candidate closest to `name`, or empty when none is close enough to be a likely typo
// (at most 3 edits, and fewer than half of `name`'s length: "xyz" suggests nothing).
template <typename Names>
std::string_view nearest_name(std::string_view name, const Names& candidates) {
    std::string_view best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const auto& candidate : candidates) {
        const std::size_t distance = edit_distance(name, candidate);
        if (distance < best_distance) {
            best_distance = distance;
            best = candidate;
        }
    }
    if (best.empty() || best_distance > 3 || best_distance * 2 >= name.size()) {
        return {};
    }
    return best;
}

}  // namespace scout
