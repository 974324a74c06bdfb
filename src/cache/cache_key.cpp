#include <scout/cache/cache_key.hpp>

#include "cache/digest.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace scout::cache {
namespace {

bool is_unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_ascii_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

void append_encoded(std::string& out, std::string_view text) {
    static constexpr std::string_view kDigits = "0123456789ABCDEF";
    for (const char c : text) {
        if (is_unreserved(c)) {
            out.push_back(c);
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(kDigits[byte >> 4U]);
            out.push_back(kDigits[byte & 0x0FU]);
        }
    }
}

void check_kind(std::string_view kind) {
    const bool valid = !kind.empty() && std::all_of(kind.begin(), kind.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_';
    });
    if (!valid) {
        throw std::invalid_argument("cache key kind must match [a-z0-9_]+");
    }
}

std::string version_prefix(std::string_view kind) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "v" + string.
    std::string out;
    out.reserve(kind.size() + 8);
    out.push_back('v');
    out.append(std::to_string(kKeySchemaVersion));
    out.push_back(':');
    out.append(kind);
    out.push_back(':');
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_ascii_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_ascii_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace

std::string canonical_params(std::string_view kind, KeyParams params) {
    check_kind(kind);
    std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) {
        return a.first < b.first;
    });
    std::string out = version_prefix(kind);
    bool first = true;
    for (const auto& [name, value] : params) {
        if (!first) {
            out.push_back('&');
        }
        first = false;
        append_encoded(out, name);
        out.push_back('=');
        append_encoded(out, value);
    }
    return out;
}

std::string make_key(std::string_view kind, KeyParams params) {
    const std::string canonical = canonical_params(kind, std::move(params));
    std::string key = version_prefix(kind);
    const detail::Sha256 digest = detail::sha256(canonical);
    detail::append_hex(key, std::span(digest).first(16));
    return key;
}

std::string normalize_keywords(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (const char c : text) {
        if (is_ascii_space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (is_ascii_control(c)) {
            continue;
        }
        if (pending_space) {
            out.push_back(' ');
            pending_space = false;
        }
        out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return out;
}

std::optional<std::string> canonical_decimal(std::string_view text) {
    text = trim(text);
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    const std::size_t dot = text.find('.');
    std::string_view integer = text.substr(0, dot);
    std::string_view fraction =
        dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    const auto all_digits = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(), is_digit);
    };
    if ((integer.empty() && fraction.empty()) || !all_digits(integer) || !all_digits(fraction)) {
        return std::nullopt;
    }
    while (!integer.empty() && integer.front() == '0') {
        integer.remove_prefix(1);
    }
    while (!fraction.empty() && fraction.back() == '0') {
        fraction.remove_suffix(1);
    }
    std::string out;
    out.reserve(integer.size() + fraction.size() + 3);
    if (negative && !(integer.empty() && fraction.empty())) {
        out.push_back('-');
    }
    if (integer.empty()) {
        out.push_back('0');
    } else {
        out.append(integer);
    }
    if (!fraction.empty()) {
        out.push_back('.');
        out.append(fraction);
    }
    return out;
}

}  // namespace scout::cache
