// Private to scout_config: the one declarative table of settings. Every layer (JSON files,
// SCOUT_* variables, overrides), validation, to_json, docs metadata and reload decisions are
// driven from it. Immutable after first use; thread-safe.
#pragma once

#include <scout/config/config.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace scout::config::detail {

// Where a setting lives in Config, mutable and read-only. The alternatives are the field
// types a setting may have.
using Strings = std::vector<std::string>;
using Ref = std::variant<std::string*, int*, std::size_t*, double*, bool*, Strings*>;
using ConstRef = std::variant<
    const std::string*,
    const int*,
    const std::size_t*,
    const double*,
    const bool*,
    const Strings*>;

// Field flags (bit set).
inline constexpr unsigned kPlain = 0U;
inline constexpr unsigned kReloadable = 1U << 0U;   // may change on SIGHUP without a restart
inline constexpr unsigned kSecret = 1U << 1U;       // redacted in to_json and error values
inline constexpr unsigned kTrim = 1U << 2U;         // whitespace/CR/LF trimmed at load time
inline constexpr unsigned kUrlPassword = 1U << 3U;  // a URL whose password is redacted

struct Field;

// Why the field's (merged) value is invalid, phrased to follow `path = "value": `; nothing
// when it is valid. Gets the whole Config for cross-field rules.
using Check = std::function<std::optional<std::string>(const Field&, const Config&)>;

struct Rule {
    std::string allowed;  // follows "must be " in messages; the docs' "allowed" column
    Check check;
    Check warn;  // optional: a valid but risky value, reported as a warning
};

struct Field {
    std::string_view path;
    Ref (*ref)(Config&);
    ConstRef (*cref)(const Config&);
    Rule rule;
    unsigned flags = kPlain;
    std::string_view doc;

    bool has(unsigned flag) const { return (flags & flag) != 0U; }
};

// The table, in path order.
const std::vector<Field>& fields();
// nullptr when `path` is not a setting.
const Field* find_field(std::string_view path);
// Position in fields(); fields().size() when `path` is not a setting.
std::size_t field_index(std::string_view path);

// "string" | "integer" | "number" | "boolean" | "list of strings".
std::string_view type_name(const Field& field);
// The field's value as JSON text/number, without redaction.
std::string value_text(const Field& field, const Config& config);
// value_text with secrets and URL passwords redacted (secrets: "" stays "").
std::string display_text(const Field& field, const Config& config);
// A raw value (from a file, variable or override) as shown in error messages.
std::string display_raw(const Field& field, std::string_view raw);

// Integer value of an int or size_t field (saturated to int64); nullopt for other types.
std::optional<std::int64_t> integer_value(const Field& field, const Config& config);

}  // namespace scout::config::detail
