// Private to scout_log: renders event payloads (call site) and whole lines (formatter) into
// std::string or spdlog's memory buffer. Pure functions; thread-safe.
#pragma once

#include <scout/log/log.hpp>

#include <spdlog/common.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace scout::log::detail {

using Buffer = spdlog::memory_buf_t;

inline void put(std::string& out, std::string_view text) {
    out.append(text);
}
inline void put(Buffer& out, std::string_view text) {
    out.append(text.data(), text.data() + text.size());
}

// Contents of a JSON string literal (no quotes): escapes and U+FFFD for invalid UTF-8.
template <typename Out>
void append_json_escaped(Out& out, std::string_view text);

// Like append_json_escaped for free text: control characters escaped (\n, \t, \u00XX),
// invalid UTF-8 replaced; quotes and backslashes kept as they are.
template <typename Out>
void append_text_escaped(Out& out, std::string_view text);

// `"msg":"...","request_id":...,"k":v,...` (no braces).
template <typename Out>
void render_json_body(Out& out, std::string_view msg, Fields fields);

// `message k=v k2="a b" request_id=...`.
template <typename Out>
void render_text_body(Out& out, std::string_view msg, Fields fields);

// `{"ts":"...","level":"...","logger":"...",` — the caller appends the body and `}`.
template <typename Out>
void render_json_head(Out& out, std::string_view ts, Level level, std::string_view logger);

// The start of a whole line: the JSON head, or `ts LEVEL [logger] ` in text.
template <typename Out>
void render_line_head(
    Out& out, bool json, std::string_view ts, Level level, std::string_view logger
);
// The end of a whole line: `}` and the newline in JSON, the newline in text.
template <typename Out>
void render_line_tail(Out& out, bool json);

// 2026-11-28T21:30:00.123Z (24 bytes).
inline constexpr std::size_t kTimestampSize = 24;
void write_timestamp(char* out, std::chrono::system_clock::time_point time);

// "TRACE" "DEBUG" "INFO " "WARN " "ERROR" "CRIT " (5 bytes) for the text format.
std::string_view text_level(Level level);

}  // namespace scout::log::detail
