// Walking a comma-separated header value (RFC 9110 5.6.1), for Accept-Encoding and
// If-None-Match. Private to the middleware area; pure.
#pragma once

#include <algorithm>
#include <string_view>

namespace scout::middleware::detail {

inline std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Calls `fn(item)` for every trimmed, non-empty item; stops early when `fn` returns true, and
// then returns true.
template <typename Fn>
bool any_list_item(std::string_view value, Fn fn) {
    std::size_t start = 0;
    while (start <= value.size()) {
        const auto comma = std::min(value.find(',', start), value.size());
        const std::string_view item = trim(value.substr(start, comma - start));
        start = comma + 1;
        if (!item.empty() && fn(item)) {
            return true;
        }
    }
    return false;
}

}  // namespace scout::middleware::detail
