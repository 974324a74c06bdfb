// Event rendering: JSON string escaping with UTF-8 validation, JSON and text payloads,
// timestamps. No state; every function is thread-safe.
#include "log/render.hpp"

#include <scout/log/json_text.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <variant>

namespace scout::log::detail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kHexDigits = "0123456789abcdef";

// Length of the UTF-8 sequence at `p` when it is well-formed, or of its maximal invalid
// subpart (at least 1 byte) when it is not (Unicode "substitution of maximal subparts").
struct Utf8Step {
    std::size_t length;
    bool valid;
};

Utf8Step decode_utf8(const unsigned char* p, std::size_t available) {
    const unsigned lead = p[0];
    if (lead < 0x80U) {
        return {1, true};
    }
    std::size_t trailing = 0;
    unsigned low = 0x80U;  // range of the first continuation byte
    unsigned high = 0xBFU;
    if (lead >= 0xC2U && lead <= 0xDFU) {
        trailing = 1;
    } else if (lead == 0xE0U) {
        trailing = 2;
        low = 0xA0U;  // excludes overlong 3-byte forms
    } else if (lead == 0xEDU) {
        trailing = 2;
        high = 0x9FU;  // excludes surrogates U+D800..U+DFFF
    } else if (lead >= 0xE1U && lead <= 0xEFU) {
        trailing = 2;
    } else if (lead == 0xF0U) {
        trailing = 3;
        low = 0x90U;  // excludes overlong 4-byte forms
    } else if (lead >= 0xF1U && lead <= 0xF3U) {
        trailing = 3;
    } else if (lead == 0xF4U) {
        trailing = 3;
        high = 0x8FU;  // nothing above U+10FFFF
    } else {
        return {1, false};  // continuation byte, C0/C1 (overlong 2-byte), F5..FF
    }
    for (std::size_t i = 1; i <= trailing; ++i) {
        if (i >= available) {
            return {i, false};  // truncated
        }
        const unsigned byte = p[i];
        if (byte < low || byte > high) {
            return {i, false};
        }
        low = 0x80U;
        high = 0xBFU;
    }
    return {trailing + 1, true};
}

template <typename Out>
void append_control(Out& out, unsigned char c) {
    switch (c) {
        case '\n':
            put(out, "\\n");
            return;
        case '\r':
            put(out, "\\r");
            return;
        case '\t':
            put(out, "\\t");
            return;
        case '\b':
            put(out, "\\b");
            return;
        case '\f':
            put(out, "\\f");
            return;
        default: {
            const std::array<char, 6> hex{
                '\\', 'u', '0', '0', kHexDigits[c >> 4U], kHexDigits[c & 0x0FU]};
            put(out, std::string_view(hex.data(), hex.size()));
        }
    }
}

template <bool kEscapeQuotes, typename Out>
void append_escaped(Out& out, std::string_view text) {
    const auto* data = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    std::size_t i = 0;
    while (i < size) {
        // Copy the longest run that needs no attention in one go.
        std::size_t run = i;
        while (run < size && data[run] >= 0x20U && data[run] < 0x80U &&
               (!kEscapeQuotes || (data[run] != '"' && data[run] != '\\'))) {
            ++run;
        }
        if (run > i) {
            put(out, text.substr(i, run - i));
            i = run;
            if (i == size) {
                break;
            }
        }
        const unsigned char c = data[i];
        if (c < 0x20U) {
            append_control(out, c);
            ++i;
        } else if (c < 0x80U) {  // quote or backslash
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
            ++i;
        } else {
            const Utf8Step step = decode_utf8(data + i, size - i);
            if (step.valid) {
                put(out, text.substr(i, step.length));
            } else {
                put(out, kReplacement);
            }
            i += step.length;
        }
    }
}

template <typename Out, typename Int>
void append_integer(Out& out, Int value) {
    std::array<char, 24> digits{};
    const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
    put(out, std::string_view(digits.data(), static_cast<std::size_t>(result.ptr - digits.data())));
}

// Shortest representation that round-trips; integral values keep a ".0" so readers see a
// floating-point number.
template <typename Out>
void append_double(Out& out, double value) {
    std::array<char, 40> digits{};
    const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
    const std::string_view text(
        digits.data(), static_cast<std::size_t>(result.ptr - digits.data())
    );
    put(out, text);
    if (text.find_first_of(".e") == std::string_view::npos) {
        put(out, ".0");
    }
}

template <typename Out>
void append_raw_json(Out& out, std::string_view text) {
    if (text.empty()) {
        put(out, "null");
        return;
    }
    // JSON whitespace may be replaced by a space anywhere it is legal; raw line breaks inside
    // strings are not legal JSON, so this never changes a valid document's meaning.
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || text[i] == '\r') {
            put(out, text.substr(start, i - start));
            out.push_back(' ');
            start = i + 1;
        }
    }
    put(out, text.substr(start));
}

template <typename Out>
void append_json_literal(Out& out, std::string_view text) {
    out.push_back('"');
    append_escaped<true>(out, text);
    out.push_back('"');
}

template <typename Out>
void append_json_value(Out& out, const Value& value) {
    std::visit(
        [&out](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
                put(out, "null");
            } else if constexpr (std::is_same_v<T, bool>) {
                put(out, v ? "true" : "false");
            } else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t>) {
                append_integer(out, v);
            } else if constexpr (std::is_same_v<T, double>) {
                if (std::isfinite(v)) {
                    append_double(out, v);
                } else {
                    put(out, "null");
                }
            } else if constexpr (std::is_same_v<T, std::string_view>) {
                append_json_literal(out, v);
            } else {
                static_assert(std::is_same_v<T, RawJson>);
                append_raw_json(out, v.text);
            }
        },
        value
    );
}

// Text format: bare when unambiguous, otherwise a JSON string literal.
bool needs_quotes(std::string_view text) {
    if (text.empty()) {
        return true;
    }
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20U || c == 0x7FU || c == '"' || c == '=' || c == '\\') {
            return true;
        }
    }
    return false;
}

template <typename Out>
void append_text_token(Out& out, std::string_view text) {
    if (needs_quotes(text)) {
        append_json_literal(out, text);
    } else {
        append_escaped<true>(out, text);  // only replaces invalid UTF-8 here
    }
}

template <typename Out>
void append_text_value(Out& out, const Value& value) {
    if (const auto* text = std::get_if<std::string_view>(&value)) {
        append_text_token(out, *text);
    } else if (const auto* number = std::get_if<double>(&value);
               number && !std::isfinite(*number)) {
        put(out, std::isnan(*number) ? "nan" : (*number > 0 ? "inf" : "-inf"));
    } else {
        append_json_value(out, value);
    }
}

constexpr std::string_view kRequestId = "request_id";

bool is_reserved_key(std::string_view key) {
    return key == "ts" || key == "level" || key == "logger" || key == "msg";
}

const Field* find_request_id(Fields fields) {
    for (const Field& field : fields) {
        if (field.key == kRequestId) {
            return &field;
        }
    }
    return nullptr;
}

template <typename Out>
void append_json_key(Out& out, std::string_view key) {
    if (is_reserved_key(key) || key == kRequestId) {
        put(out, "\"field_");
        append_escaped<true>(out, key);
        out.push_back('"');
    } else {
        append_json_literal(out, key);
    }
}

void write_digits(char* out, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10U);
        value /= 10U;
    }
}

}  // namespace

template <typename Out>
void append_json_escaped(Out& out, std::string_view text) {
    append_escaped<true>(out, text);
}

template <typename Out>
void append_text_escaped(Out& out, std::string_view text) {
    append_escaped<false>(out, text);
}

template <typename Out>
void render_json_body(Out& out, std::string_view msg, Fields fields) {
    put(out, "\"msg\":");
    append_json_literal(out, msg);
    const Field* request_id = find_request_id(fields);
    if (request_id != nullptr) {
        put(out, ",\"request_id\":");
        append_json_value(out, request_id->value);
    }
    for (const Field& field : fields) {
        if (&field == request_id) {
            continue;
        }
        out.push_back(',');
        append_json_key(out, field.key);
        out.push_back(':');
        append_json_value(out, field.value);
    }
}

template <typename Out>
void render_text_body(Out& out, std::string_view msg, Fields fields) {
    append_escaped<false>(out, msg);
    const Field* request_id = find_request_id(fields);
    for (const Field& field : fields) {
        if (&field == request_id) {
            continue;
        }
        out.push_back(' ');
        append_text_token(out, field.key);
        out.push_back('=');
        append_text_value(out, field.value);
    }
    if (request_id != nullptr) {
        put(out, " request_id=");
        append_text_value(out, request_id->value);
    }
}

template <typename Out>
void render_json_head(Out& out, std::string_view ts, Level level, std::string_view logger) {
    put(out, "{\"ts\":");
    append_json_literal(out, ts);
    put(out, R"(,"level":")");
    put(out, to_string(level));
    put(out, R"(","logger":)");
    append_json_literal(out, logger);
    out.push_back(',');
}

template <typename Out>
void render_line_head(
    Out& out, bool json, std::string_view ts, Level level, std::string_view logger
) {
    if (json) {
        render_json_head(out, ts, level, logger);
        return;
    }
    put(out, ts);
    out.push_back(' ');
    put(out, text_level(level));
    put(out, " [");
    append_text_escaped(out, logger);
    put(out, "] ");
}

template <typename Out>
void render_line_tail(Out& out, bool json) {
    put(out, json ? "}\n" : "\n");
}

template void append_json_escaped(std::string&, std::string_view);
template void append_json_escaped(Buffer&, std::string_view);
template void append_text_escaped(std::string&, std::string_view);
template void append_text_escaped(Buffer&, std::string_view);
template void render_json_body(std::string&, std::string_view, Fields);
template void render_json_body(Buffer&, std::string_view, Fields);
template void render_text_body(std::string&, std::string_view, Fields);
template void render_text_body(Buffer&, std::string_view, Fields);
template void render_json_head(std::string&, std::string_view, Level, std::string_view);
template void render_json_head(Buffer&, std::string_view, Level, std::string_view);
template void render_line_head(std::string&, bool, std::string_view, Level, std::string_view);
template void render_line_head(Buffer&, bool, std::string_view, Level, std::string_view);
template void render_line_tail(std::string&, bool);
template void render_line_tail(Buffer&, bool);

void write_timestamp(char* out, std::chrono::system_clock::time_point time) {
    using std::chrono::days;
    using std::chrono::milliseconds;
    const auto ms = std::chrono::floor<milliseconds>(time);
    const auto day = std::chrono::floor<days>(ms);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss clock{ms - day};
    const int year = static_cast<int>(date.year());
    write_digits(out, static_cast<unsigned>(year < 0 ? 0 : (year > 9999 ? 9999 : year)), 4);
    out[4] = '-';
    write_digits(out + 5, static_cast<unsigned>(date.month()), 2);
    out[7] = '-';
    write_digits(out + 8, static_cast<unsigned>(date.day()), 2);
    out[10] = 'T';
    write_digits(out + 11, static_cast<unsigned>(clock.hours().count()), 2);
    out[13] = ':';
    write_digits(out + 14, static_cast<unsigned>(clock.minutes().count()), 2);
    out[16] = ':';
    write_digits(out + 17, static_cast<unsigned>(clock.seconds().count()), 2);
    out[19] = '.';
    write_digits(out + 20, static_cast<unsigned>(clock.subseconds().count()), 3);
    out[23] = 'Z';
}

std::string_view text_level(Level level) {
    switch (level) {
        case Level::kTrace:
            return "TRACE";
        case Level::kDebug:
            return "DEBUG";
        case Level::kInfo:
            return "INFO ";
        case Level::kWarn:
            return "WARN ";
        case Level::kError:
            return "ERROR";
        case Level::kCritical:
            return "CRIT ";
        case Level::kOff:
            break;
    }
    return "OFF  ";
}

}  // namespace scout::log::detail

namespace scout::log {

std::optional<Level> parse_level(std::string_view name) {
    for (const Level level :
         {Level::kTrace,
          Level::kDebug,
          Level::kInfo,
          Level::kWarn,
          Level::kError,
          Level::kCritical,
          Level::kOff}) {
        if (to_string(level) == name) {
            return level;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Level level) {
    switch (level) {
        case Level::kTrace:
            return "trace";
        case Level::kDebug:
            return "debug";
        case Level::kInfo:
            return "info";
        case Level::kWarn:
            return "warn";
        case Level::kError:
            return "error";
        case Level::kCritical:
            return "critical";
        case Level::kOff:
            break;
    }
    return "off";
}

std::string render_json(
    std::string_view ts, Level level, std::string_view logger, std::string_view msg, Fields fields
) {
    std::string out;
    out.reserve(128 + msg.size());
    detail::render_json_head(out, ts, level, logger);
    detail::render_json_body(out, msg, fields);
    out.push_back('}');
    return out;
}

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    detail::append_json_escaped(out, text);
    out.push_back('"');
}

std::string format_timestamp(std::chrono::system_clock::time_point time) {
    std::string out(detail::kTimestampSize, '\0');
    detail::write_timestamp(out.data(), time);
    return out;
}

}  // namespace scout::log
