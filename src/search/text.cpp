#include <scout/search/text.hpp>

#include "utf8.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace scout::search {
namespace {

using detail::append_utf8;
using detail::decode_utf8;

struct NamedEntity {
    std::string_view name;
    char32_t code_point;
};

constexpr std::array<NamedEntity, 18> kNamedEntities{{
    {"amp", U'&'},
    {"lt", U'<'},
    {"gt", U'>'},
    {"quot", U'"'},
    {"apos", U'\''},
    {"nbsp", 0xA0},
    {"ndash", 0x2013},
    {"mdash", 0x2014},
    {"hellip", 0x2026},
    {"lsquo", 0x2018},
    {"rsquo", 0x2019},
    {"ldquo", 0x201C},
    {"rdquo", 0x201D},
    {"trade", 0x2122},
    {"reg", 0xAE},
    {"copy", 0xA9},
    {"deg", 0xB0},
    {"times", 0xD7},
}};

constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

constexpr int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

struct EntityMatch {
    std::size_t length = 0;  // bytes of the reference, 0 when `text` does not start with one
    bool has_value = false;  // false: a well-formed reference to a forbidden code point
    char32_t code_point = 0;
};

// `text` starts with '&'. Recognises "&name;", "&#123;" and "&#x1F;".
EntityMatch match_entity(std::string_view text) {
    constexpr std::size_t kMaxReference = 32;  // generous: long digit runs are still consumed
    const std::size_t semicolon = text.substr(0, kMaxReference).find(';');
    if (semicolon == std::string_view::npos || semicolon < 2) {
        return {};
    }
    const std::string_view body = text.substr(1, semicolon - 1);
    if (body[0] != '#') {
        for (const auto& entity : kNamedEntities) {
            if (entity.name == body) {
                return {semicolon + 1, true, entity.code_point};
            }
        }
        return {};
    }
    std::uint32_t value = 0;
    const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) {
        return {};
    }
    for (const char c : digits) {
        const int d = hex ? hex_value(c) : (is_digit(c) ? c - '0' : -1);
        if (d < 0) {
            return {};
        }
        value = value * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
        if (value > 0x10FFFF) {
            return {semicolon + 1, false, 0};  // keep consuming; the reference is dropped
        }
    }
    if (value == 0 || !detail::is_scalar_value(value)) {
        return {semicolon + 1, false, 0};
    }
    return {semicolon + 1, true, static_cast<char32_t>(value)};
}

// Steps 1-2: valid code points with entities decoded.
std::u32string decode_with_entities(std::string_view raw) {
    std::u32string out;
    out.reserve(raw.size());
    std::size_t pos = 0;
    while (pos < raw.size()) {
        if (raw[pos] == '&') {
            const EntityMatch match = match_entity(raw.substr(pos));
            if (match.length > 0) {
                if (match.has_value) {
                    out.push_back(match.code_point);
                }
                pos += match.length;
                continue;
            }
        }
        const auto decoded = decode_utf8(raw, pos);
        if (decoded.valid) {
            out.push_back(decoded.code_point);
        }
        pos += decoded.length;
    }
    return out;
}

constexpr bool is_latin1_continuation(char32_t cp) {
    return cp >= 0x80 && cp <= 0xBF;
}

// Step 3: at cps[i] a Latin-1 lead byte (U+00C2..U+00F4) followed by Latin-1 "continuation
// bytes" that form one valid UTF-8 sequence containing at least one C1 control. Returns the
// number of code points consumed (0: no repair) and the repaired code point.
std::pair<std::size_t, char32_t> match_mojibake(const std::u32string& cps, std::size_t i) {
    const char32_t lead = cps[i];
    if (lead < 0xC2 || lead > 0xF4) {
        return {0, 0};
    }
    const std::size_t length = lead <= 0xDF ? 2 : (lead <= 0xEF ? 3 : 4);
    if (cps.size() - i < length) {
        return {0, 0};
    }
    std::string bytes;
    bool has_c1 = false;
    bytes.push_back(static_cast<char>(lead));
    for (std::size_t k = 1; k < length; ++k) {
        const char32_t c = cps[i + k];
        if (!is_latin1_continuation(c)) {
            return {0, 0};
        }
        has_c1 = has_c1 || c <= 0x9F;
        bytes.push_back(static_cast<char>(c));
    }
    if (!has_c1) {
        return {0, 0};
    }
    const auto decoded = decode_utf8(bytes, 0);
    if (!decoded.valid || decoded.length != length) {
        return {0, 0};
    }
    return {length, decoded.code_point};
}

// ---- normalisation ---------------------------------------------------------------------

constexpr char32_t to_lower(char32_t cp) {
    if (cp < 0x80) {
        return (cp >= U'A' && cp <= U'Z') ? cp + 0x20 : cp;
    }
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) {
        return cp + 0x20;
    }
    if (cp >= 0x100 && cp <= 0x17F) {
        if (cp == 0x130) {
            return U'i';  // dotted capital I
        }
        if (cp == 0x178) {
            return 0xFF;
        }
        const bool even_upper = (cp <= 0x137) || (cp >= 0x14A && cp <= 0x177);
        const bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
        if ((even_upper && cp % 2 == 0) || (odd_upper && cp % 2 == 1)) {
            return cp + 1;
        }
        return cp;
    }
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) {
        return cp + 0x20;
    }
    if (cp >= 0x410 && cp <= 0x42F) {
        return cp + 0x20;
    }
    if (cp >= 0x400 && cp <= 0x40F) {
        return cp + 0x50;
    }
    if (cp >= 0xFF21 && cp <= 0xFF3A) {
        return cp + 0x20;
    }
    return cp;
}

constexpr bool is_apostrophe(char32_t cp) {
    return cp == U'\'' || cp == 0x2019 || cp == 0x2BC;
}

constexpr bool is_separator_symbol(char32_t cp) {
    if (cp < 0x80) {
        const bool alnum =
            (cp >= U'0' && cp <= U'9') || (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z');
        return !alnum;  // punctuation, symbols, spaces, controls
    }
    return detail::is_space(cp) || detail::is_control(cp) || detail::is_invisible_noise(cp) ||
           (cp >= 0xA1 && cp <= 0xBF && cp != 0xAA && cp != 0xB5 && cp != 0xBA) || cp == 0xD7 ||
           cp == 0xF7 || (cp >= 0x2010 && cp <= 0x205E) || (cp >= 0x2E00 && cp <= 0x2E7F) ||
           (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
           (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
           (cp >= 0xFF5B && cp <= 0xFF65);
}

}  // namespace

std::string clean_text(std::string_view raw) {
    const std::u32string cps = decode_with_entities(raw);
    std::string out;
    out.reserve(raw.size());
    bool pending_space = false;
    const auto emit = [&](char32_t cp) {
        if (detail::is_space(cp)) {
            pending_space = true;
            return;
        }
        if (detail::is_control(cp) || detail::is_invisible_noise(cp)) {
            return;
        }
        if (pending_space && !out.empty()) {
            out.push_back(' ');
        }
        pending_space = false;
        append_utf8(out, cp);
    };
    for (std::size_t i = 0; i < cps.size();) {
        const auto [consumed, repaired] = match_mojibake(cps, i);
        if (consumed > 0) {
            emit(repaired);
            i += consumed;
        } else {
            emit(cps[i]);
            ++i;
        }
    }
    return out;
}

std::string normalize_title(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (std::size_t pos = 0; pos < text.size();) {
        const auto decoded = decode_utf8(text, pos);
        pos += decoded.length;
        if (!decoded.valid || is_apostrophe(decoded.code_point)) {
            continue;
        }
        if (is_separator_symbol(decoded.code_point)) {
            pending_space = true;
            continue;
        }
        if (pending_space && !out.empty()) {
            out.push_back(' ');
        }
        pending_space = false;
        append_utf8(out, to_lower(decoded.code_point));
    }
    return out;
}

std::vector<std::string_view> split_tokens(std::string_view normalized) {
    std::vector<std::string_view> tokens;
    std::size_t start = 0;
    while (start < normalized.size()) {
        std::size_t end = normalized.find(' ', start);
        if (end == std::string_view::npos) {
            end = normalized.size();
        }
        if (end > start) {
            tokens.push_back(normalized.substr(start, end - start));
        }
        start = end + 1;
    }
    return tokens;
}

}  // namespace scout::search
