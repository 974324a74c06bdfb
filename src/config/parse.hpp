// Private to scout_config: strict text-to-value conversion and the syntax checks behind the
// validation rules (addresses, URLs). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scout::config::detail {

// The whole text must be the number: no sign on unsigned, no spaces, no trailing characters.
std::optional<std::int64_t> parse_int64(std::string_view text);
std::optional<std::uint64_t> parse_uint64(std::string_view text);
std::optional<double> parse_double(std::string_view text);
// "true" / "false" / "1" / "0".
std::optional<bool> parse_bool(std::string_view text);

// Removes leading and trailing spaces, tabs, CR and LF (and VT/FF).
std::string trim(std::string_view text);

// Dotted quad, each part 0-255 without leading zeros.
bool is_ipv4(std::string_view text);
// Textual IPv6 address, without brackets.
bool is_ipv6(std::string_view text);
// RFC 1123 host name: dot-separated labels of letters, digits and '-'.
bool is_hostname(std::string_view text);
// Decimal 1-65535.
std::optional<int> parse_port(std::string_view text);

// host:port where host is an IPv4 literal, "localhost" or a bracketed IPv6 literal.
bool is_listen_address(std::string_view text);
// http(s)://host[:port]/path; host is a name, IPv4 or [IPv6]; no query or fragment.
bool is_http_url(std::string_view text);
// An http(s) URL (as is_http_url) whose host is loopback: localhost, 127.x.y.z or [::1].
bool is_loopback_url(std::string_view text);
// redis://[user[:password]@]host[:port][/db] with db 0-15.
bool is_redis_url(std::string_view text);
// host:port with a host name, an IPv4 address or a bracketed IPv6 address; the port required.
bool is_host_port(std::string_view text);
// `count` upper-case ASCII letters.
bool is_upper_letters(std::string_view text, std::size_t count);

// "redis://user:secret@host" -> "redis://user:<redacted>@host", "redis://secret@host" ->
// "redis://<redacted>@host"; text without user info is unchanged.
std::string redact_url_password(std::string_view url);

}  // namespace scout::config::detail
