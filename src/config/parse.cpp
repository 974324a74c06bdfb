#include "config/parse.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <system_error>
#include <vector>

namespace scout::config::detail {

namespace {

template <typename T>
std::optional<T> parse_number(std::string_view text) {
    if (text.empty()) {
        return std::nullopt;
    }
    T value{};
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_alnum(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Splits "host[:port]" where host may be "[v6]". Returns false on malformed brackets.
struct HostPort {
    std::string_view host;
    std::optional<std::string_view> port;
    bool bracketed = false;
};

std::optional<HostPort> split_host_port(std::string_view text) {
    HostPort out;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        out.host = text.substr(1, close - 1);
        out.bracketed = true;
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return std::nullopt;
            }
            out.port = rest.substr(1);
        }
        return out;
    }
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        out.host = text;
    } else {
        out.host = text.substr(0, colon);
        out.port = text.substr(colon + 1);
    }
    return out;
}

// A URL host: name, IPv4 literal or bracketed IPv6 literal, with an optional valid port.
bool is_url_authority(std::string_view authority, bool port_required) {
    const auto hp = split_host_port(authority);
    if (!hp) {
        return false;
    }
    const bool host_ok = hp->bracketed ? is_ipv6(hp->host) : is_hostname(hp->host);
    if (!host_ok) {
        return false;
    }
    if (hp->port) {
        return parse_port(*hp->port).has_value();
    }
    return !port_required;
}

}  // namespace

std::optional<std::int64_t> parse_int64(std::string_view text) {
    return parse_number<std::int64_t>(text);
}

std::optional<std::uint64_t> parse_uint64(std::string_view text) {
    return parse_number<std::uint64_t>(text);
}

std::optional<double> parse_double(std::string_view text) {
    // from_chars also takes "inf" and "nan"; validation ranges reject them.
    return parse_number<double>(text);
}

std::optional<bool> parse_bool(std::string_view text) {
    if (text == "true" || text == "1") {
        return true;
    }
    if (text == "false" || text == "0") {
        return false;
    }
    return std::nullopt;
}

std::string trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

bool is_ipv4(std::string_view text) {
    int parts = 0;
    while (true) {
        const auto dot = text.find('.');
        const auto part = text.substr(0, dot);
        if (part.empty() || part.size() > 3 || (part.size() > 1 && part.front() == '0') ||
            !std::all_of(part.begin(), part.end(), is_digit)) {
            return false;
        }
        if (*parse_int64(part) > 255) {
            return false;
        }
        ++parts;
        if (dot == std::string_view::npos) {
            break;
        }
        text.remove_prefix(dot + 1);
    }
    return parts == 4;
}

bool is_ipv6(std::string_view text) {
    if (text.empty() || text.size() > 45) {
        return false;
    }
    const std::string copy(text);
    unsigned char buffer[16];
    return inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

bool is_hostname(std::string_view text) {
    if (text.empty() || text.size() > 253) {
        return false;
    }
    while (true) {
        const auto dot = text.find('.');
        const auto label = text.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
            !std::all_of(label.begin(), label.end(), [](char c) {
                return is_alnum(c) || c == '-';
            })) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        text.remove_prefix(dot + 1);
    }
}

std::optional<int> parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), is_digit)) {
        return std::nullopt;
    }
    const auto value = *parse_int64(text);
    if (value < 1 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<int>(value);
}

bool is_listen_address(std::string_view text) {
    const auto hp = split_host_port(text);
    if (!hp || !hp->port || !parse_port(*hp->port)) {
        return false;
    }
    if (hp->bracketed) {
        return is_ipv6(hp->host);
    }
    return hp->host == "localhost" || is_ipv4(hp->host);
}

bool is_http_url(std::string_view text) {
    std::string_view rest;
    if (text.starts_with("http://")) {
        rest = text.substr(7);
    } else if (text.starts_with("https://")) {
        rest = text.substr(8);
    } else {
        return false;
    }
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) {
        return false;  // the path is required
    }
    const auto path = rest.substr(slash);
    const bool path_ok = std::none_of(path.begin(), path.end(), [](char c) {
        return is_space(c) || c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x20 ||
               static_cast<unsigned char>(c) >= 0x7f;
    });
    return path_ok && is_url_authority(rest.substr(0, slash), false);
}

bool is_loopback_url(std::string_view text) {
    if (!is_http_url(text)) {
        return false;
    }
    const auto rest = text.substr(text.find("://") + 3);
    const auto hp = split_host_port(rest.substr(0, rest.find('/')));
    if (!hp) {
        return false;
    }
    if (hp->bracketed) {
        return hp->host == "::1";
    }
    return hp->host == "localhost" || (is_ipv4(hp->host) && hp->host.starts_with("127."));
}

bool is_host_port(std::string_view text) {
    return is_url_authority(text, true);
}

bool is_redis_url(std::string_view text) {
    if (!text.starts_with("redis://")) {
        return false;
    }
    auto rest = text.substr(8);
    const auto slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        const auto userinfo = authority.substr(0, at);
        if (userinfo.empty() || std::any_of(userinfo.begin(), userinfo.end(), is_space)) {
            return false;
        }
        authority = authority.substr(at + 1);
    }
    if (!is_url_authority(authority, false)) {
        return false;
    }
    if (slash == std::string_view::npos) {
        return true;
    }
    const auto db = rest.substr(slash + 1);
    if (db.empty() || db.size() > 2 || !std::all_of(db.begin(), db.end(), is_digit)) {
        return false;
    }
    return *parse_int64(db) <= 15;
}

bool is_upper_letters(std::string_view text, std::size_t count) {
    return text.size() == count &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string redact_url_password(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::string(url);
    }
    const auto userinfo_begin = scheme_end + 3;
    // The last '@' anywhere, not the last one before the first '/': a password may hold '/',
    // '?' or '#' (as generated base64 does), and a URL that fails validation is still shown
    // in the error. An '@' later in the URL only hides more than needed.
    const auto at = url.rfind('@');
    if (at == std::string_view::npos || at < userinfo_begin) {
        return std::string(url);
    }
    // "user:password@": hide the password. A lone "secret@" is read as a password by some
    // clients, so it is hidden whole.
    const auto colon = url.substr(userinfo_begin, at - userinfo_begin).find(':');
    const auto keep = colon == std::string_view::npos ? 0 : colon + 1;
    std::string out(url.substr(0, userinfo_begin + keep));
    out += "<redacted>";
    out += url.substr(at);
    return out;
}

}  // namespace scout::config::detail
