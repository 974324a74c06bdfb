// JSON string literals for code outside the log (error bodies), with the escaping of the log's
// JSON lines. Thread-safe (pure).
#pragma once

#include <string>
#include <string_view>

namespace scout::log {

// Appends `text` as a JSON string literal, quotes included: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced by U+FFFD, everything else as it is.
void append_json_string(std::string& out, std::string_view text);

}  // namespace scout::log
