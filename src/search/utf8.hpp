// Private UTF-8 helpers for the search area: strict decoding (invalid bytes reported, never
// guessed), encoding, and the few Unicode classes Scout needs. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace scout::search::detail {

struct DecodedCodePoint {
    char32_t code_point = 0;
    std::size_t length = 1;  // bytes consumed; 1 for an invalid byte
    bool valid = false;
};

// Decodes the code point starting at text[pos] (pos < text.size()). Rejects overlong forms,
// surrogates and values above U+10FFFF; an invalid sequence consumes exactly one byte.
inline DecodedCodePoint decode_utf8(std::string_view text, std::size_t pos) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        return {b0, 1, true};
    }
    std::size_t length = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    char32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        cp = b0 & 0x0Fu;
        if (b0 == 0xE0) {
            lo = 0xA0;  // no overlong forms
        } else if (b0 == 0xED) {
            hi = 0x9F;  // no surrogates
        }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        cp = b0 & 0x07u;
        if (b0 == 0xF0) {
            lo = 0x90;
        } else if (b0 == 0xF4) {
            hi = 0x8F;  // nothing above U+10FFFF
        }
    } else {
        return {0, 1, false};
    }
    if (text.size() - pos < length) {
        return {0, 1, false};
    }
    for (std::size_t i = 1; i < length; ++i) {
        const unsigned char b = byte(pos + i);
        const unsigned char min = i == 1 ? lo : static_cast<unsigned char>(0x80);
        const unsigned char max = i == 1 ? hi : static_cast<unsigned char>(0xBF);
        if (b < min || b > max) {
            return {0, 1, false};
        }
        cp = (cp << 6) | (b & 0x3Fu);
    }
    return {cp, length, true};
}

// Appends `cp` (a valid scalar value) as UTF-8.
inline void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// A Unicode scalar value (not a surrogate, at most U+10FFFF).
constexpr bool is_scalar_value(std::uint32_t cp) noexcept {
    return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

// White space that separates words: ASCII blanks and the Unicode space separators.
constexpr bool is_space(char32_t cp) noexcept {
    return cp == U' ' || (cp >= U'\t' && cp <= U'\r') || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

// C0 and C1 control characters and DEL (white-space controls included: test is_space first).
constexpr bool is_control(char32_t cp) noexcept {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Invisible characters that only add noise to a title: zero-width space, BOM / ZWNBSP,
// word joiner, noncharacters U+FFFE/U+FFFF. (ZWJ/ZWNJ stay: emoji and scripts need them.)
constexpr bool is_invisible_noise(char32_t cp) noexcept {
    return cp == 0x200B || cp == 0xFEFF || cp == 0x2060 || cp == 0xFFFE || cp == 0xFFFF;
}

// Number of code points in valid UTF-8 (invalid bytes count as one each).
inline std::size_t code_point_count(std::string_view text) noexcept {
    std::size_t count = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++count;
        }
    }
    return count;
}

}  // namespace scout::search::detail
