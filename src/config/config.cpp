#include <scout/config/config.hpp>
#include <scout/core/nearest_name.hpp>

#include "config/fields.hpp"
#include "config/parse.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <type_traits>

namespace scout::config {

namespace {

using detail::ConstRef;
using detail::Field;
using detail::fields;
using detail::find_field;
using json = nlohmann::json;

constexpr std::string_view kEnvironments[] = {"development", "staging", "production"};

// Everything load() builds up while going through the layers.
struct State {
    Config merged;
    std::vector<std::string> sources;             // per field: the layer that set it; "" = built-in
    std::vector<std::optional<std::string>> raw;  // per field: the value as that layer wrote it
    std::vector<ConfigError> errors;
    std::vector<ConfigError> warnings;
    bool files_optional = false;     // LoadOptions::files_optional
    std::vector<std::string> files;  // the files read, in layer order
};

std::string with_source(std::string message, std::string_view source) {
    if (!source.empty()) {
        message += " (";
        message += source;
        message += ')';
    }
    return message;
}

// `; did you mean "x"?` when one candidate is close to `name`.
template <typename Names>
std::string suggestion(std::string_view name, const Names& candidates) {
    const std::string_view best = nearest_name(name, candidates);
    if (best.empty()) {
        return {};
    }
    return "; did you mean " + std::string(best) + "?";
}

std::vector<std::string_view> all_paths() {
    std::vector<std::string_view> out;
    for (const auto& f : fields()) {
        out.push_back(f.path);
    }
    return out;
}

// "upstream", "upstream.retry", ...: the objects that hold settings.
bool is_section(std::string_view path) {
    return std::any_of(fields().begin(), fields().end(), [&](const Field& f) {
        return f.path.size() > path.size() && f.path.starts_with(path) &&
               f.path[path.size()] == '.';
    });
}

const std::map<std::string, const Field*, std::less<>>& env_index() {
    static const auto index = [] {
        std::map<std::string, const Field*, std::less<>> out;
        for (const auto& f : fields()) {
            out.emplace(env_var_name(f.path), &f);
        }
        return out;
    }();
    return index;
}

std::string_view json_kind(const json& value) {
    switch (value.type()) {
        case json::value_t::string:
            return "a string";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::number_float:
            return "a fractional number";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
            return "an integer";
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "an array";
        case json::value_t::null:
            return "null";
        default:
            return "an unsupported value";
    }
}

std::string raw_text(const json& value) {
    return value.is_string() ? value.get<std::string>()
                             : value.dump(-1, ' ', false, json::error_handler_t::replace);
}

template <typename P>
using Pointee = std::remove_const_t<std::remove_pointer_t<P>>;

// A list setting is a JSON array of strings; one string is the one-element list (the older
// single-value form), "" the empty list. An object item is kept as its JSON text for the
// field's rule to read (auth.api_keys entries); every other rule refuses it.
std::optional<detail::Strings> strings_from_json(const json& value) {
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        return text.empty() ? detail::Strings{} : detail::Strings{text};
    }
    if (!value.is_array()) {
        return std::nullopt;
    }
    detail::Strings out;
    for (const auto& item : value) {
        if (item.is_object()) {
            out.push_back(item.dump());
        } else if (item.is_string()) {
            out.push_back(item.get<std::string>());
        } else {
            return std::nullopt;
        }
    }
    return out;
}

// From a variable or --set: a JSON array when the text starts with '[', else one string.
std::optional<detail::Strings> strings_from_text(std::string_view text) {
    if (!text.starts_with('[')) {
        return strings_from_json(json(std::string(text)));
    }
    const json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded()) {
        return std::nullopt;
    }
    return strings_from_json(parsed);
}

// Stores a JSON value into the field; the error message on a type or range mismatch.
std::optional<std::string> assign_json(const Field& field, Config& config, const json& value) {
    const std::string must = "must be " + field.rule.allowed;
    const std::string mismatch = must + " (got " + std::string(json_kind(value)) + ")";
    return std::visit(
        [&](auto* p) -> std::optional<std::string> {
            using T = Pointee<decltype(p)>;
            if constexpr (std::is_same_v<T, std::string>) {
                if (!value.is_string()) {
                    return mismatch;
                }
                *p = value.get<std::string>();
            } else if constexpr (std::is_same_v<T, detail::Strings>) {
                auto list = strings_from_json(value);
                if (!list) {
                    return mismatch;
                }
                *p = std::move(*list);
            } else if constexpr (std::is_same_v<T, bool>) {
                if (!value.is_boolean()) {
                    return mismatch;
                }
                *p = value.get<bool>();
            } else if constexpr (std::is_same_v<T, double>) {
                if (!value.is_number()) {
                    return mismatch;
                }
                *p = value.get<double>();
            } else if constexpr (std::is_same_v<T, int>) {
                if (!value.is_number_integer()) {
                    return mismatch;
                }
                if (value.is_number_unsigned()) {
                    const auto u = value.get<std::uint64_t>();
                    if (u > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
                        return must;
                    }
                    *p = static_cast<int>(u);
                } else {
                    const auto i = value.get<std::int64_t>();
                    if (i < std::numeric_limits<int>::min() ||
                        i > std::numeric_limits<int>::max()) {
                        return must;
                    }
                    *p = static_cast<int>(i);
                }
            } else {
                static_assert(std::is_same_v<T, std::size_t>);
                if (!value.is_number_integer()) {
                    return mismatch;
                }
                if (!value.is_number_unsigned()) {
                    return must;  // negative
                }
                *p = value.get<std::uint64_t>();
            }
            return std::nullopt;
        },
        field.ref(config)
    );
}

// Stores text from an environment variable or override; the error message if it does not
// convert to the field's type.
std::optional<std::string> assign_text(const Field& field, Config& config, std::string_view text) {
    const std::string must = "must be " + field.rule.allowed;
    return std::visit(
        [&](auto* p) -> std::optional<std::string> {
            using T = Pointee<decltype(p)>;
            if constexpr (std::is_same_v<T, std::string>) {
                *p = std::string(text);
            } else if constexpr (std::is_same_v<T, detail::Strings>) {
                auto list = strings_from_text(text);
                if (!list) {
                    return must + " (a JSON array of strings, or one string)";
                }
                *p = std::move(*list);
            } else if constexpr (std::is_same_v<T, bool>) {
                const auto b = detail::parse_bool(text);
                if (!b) {
                    return must + " (true, false, 1 or 0)";
                }
                *p = *b;
            } else if constexpr (std::is_same_v<T, double>) {
                const auto d = detail::parse_double(text);
                if (!d) {
                    return must;
                }
                *p = *d;
            } else if constexpr (std::is_same_v<T, int>) {
                const auto i = detail::parse_int64(text);
                if (!i || *i < std::numeric_limits<int>::min() ||
                    *i > std::numeric_limits<int>::max()) {
                    return must;
                }
                *p = static_cast<int>(*i);
            } else {
                static_assert(std::is_same_v<T, std::size_t>);
                const auto u = detail::parse_uint64(text);
                if (!u) {
                    return must;
                }
                *p = *u;
            }
            return std::nullopt;
        },
        field.ref(config)
    );
}

void set_from_text(
    State& st, const Field& field, std::string_view text, const std::string& source
) {
    if (auto error = assign_text(field, st.merged, text)) {
        st.errors.push_back(
            {std::string(field.path), detail::display_raw(field, text), with_source(*error, source)}
        );
        return;
    }
    const auto i = detail::field_index(field.path);
    st.sources[i] = source;
    st.raw[i] = std::string(text);
}

// ---- JSON files ----------------------------------------------------------------------------

std::optional<json> read_json_file(const std::filesystem::path& file, State& st) {
    const std::string name = file.string();
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (!std::filesystem::exists(status)) {
        if (!st.files_optional) {
            st.errors.push_back({name, "", "file not found"});
        }
        return std::nullopt;
    }
    if (!std::filesystem::is_regular_file(status)) {
        st.errors.push_back({name, "", "not a regular file"});
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in || !text) {
        st.errors.push_back({name, "", std::string("cannot read file: ") + std::strerror(errno)});
        return std::nullopt;
    }
    st.files.push_back(name);

    // Duplicate keys would silently keep the last value; report them instead.
    struct Frame {
        std::set<std::string> keys;
        std::string key;
    };
    std::vector<Frame> frames;
    std::vector<std::string> duplicates;
    const json::parser_callback_t on_event = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                frames.emplace_back();
                break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!frames.empty()) {
                    frames.pop_back();
                }
                break;
            case json::parse_event_t::key:
                if (!frames.empty() && parsed.is_string()) {
                    auto& top = frames.back();
                    top.key = parsed.get<std::string>();
                    if (!top.keys.insert(top.key).second) {
                        std::string path;
                        for (const auto& frame : frames) {
                            if (!frame.key.empty()) {
                                path += (path.empty() ? "" : ".") + frame.key;
                            }
                        }
                        duplicates.push_back(path);
                    }
                }
                break;
            default:
                break;
        }
        return true;
    };

    json document;
    try {
        document = json::parse(text.str(), on_event);
    } catch (const json::exception& e) {
        // Not only parse_error: a number beyond a double (1e400) is out_of_range, and no
        // exception of the parser may escape load() (it runs inside the SIGHUP handler).
        std::string what = e.what();
        if (const auto bracket = what.find("] ");
            what.starts_with("[json.exception") && bracket != std::string::npos) {
            what.erase(0, bracket + 2);
        }
        st.errors.push_back({name, "", "invalid JSON: " + what});
        return std::nullopt;
    }
    for (const auto& path : duplicates) {
        st.errors.push_back({path, "", "duplicate key (in " + name + ")"});
    }
    if (!document.is_object()) {
        st.errors.push_back(
            {name,
             "",
             "the top level must be a JSON object, not " + std::string(json_kind(document))}
        );
        return std::nullopt;
    }
    return document;
}

void apply_json(const json& object, const std::string& prefix, const std::string& file, State& st) {
    const std::string in_file = "in " + file;
    for (const auto& [key, value] : object.items()) {
        std::string path = prefix;
        if (!path.empty()) {
            path += '.';
        }
        path += key;
        if (key.find('.') != std::string::npos) {
            const Field* dotted = find_field(path);
            st.errors.push_back(
                {path,
                 dotted == nullptr ? "" : detail::display_raw(*dotted, raw_text(value)),
                 "unknown key (" + in_file + "); nest objects instead of dotted keys"}
            );
            continue;
        }
        if (const Field* field = find_field(path)) {
            if (auto error = assign_json(*field, st.merged, value)) {
                st.errors.push_back(
                    {path,
                     detail::display_raw(*field, raw_text(value)),
                     with_source(*error, in_file)}
                );
            } else {
                const auto i = detail::field_index(path);
                st.sources[i] = in_file;
                st.raw[i] = raw_text(value);
            }
            continue;
        }
        if (is_section(path)) {
            if (value.is_object()) {
                apply_json(value, path, file, st);
            } else {
                st.errors.push_back(
                    {path,
                     "",
                     "must be an object, not " + std::string(json_kind(value)) + " (" + in_file +
                         ")"}
                );
            }
            continue;
        }
        if (path == "env") {
            st.errors.push_back(
                {path,
                 raw_text(value),
                 "not allowed in files: the environment is chosen with --env or SCOUT_ENV (" +
                     in_file + ")"}
            );
            continue;
        }
        st.errors.push_back(
            {path, "", "unknown setting (" + in_file + ")" + suggestion(path, all_paths())}
        );
    }
}

void apply_file(const std::filesystem::path& file, State& st) {
    if (const auto document = read_json_file(file, st)) {
        apply_json(*document, "", file.string(), st);
    }
}

// ---- other layers --------------------------------------------------------------------------

void apply_environment(const std::map<std::string, std::string>& environment, State& st) {
    std::vector<std::string_view> names;
    for (const auto& [name, field] : env_index()) {
        names.push_back(name);
    }
    for (const auto& [name, value] : environment) {
        if (!name.starts_with("SCOUT_") || name == kEnvVarEnv || name == kEnvVarConfigDir) {
            continue;
        }
        const auto it = env_index().find(name);
        if (it == env_index().end()) {
            // A warning, not an error: the environment is shared with scripts and wrappers
            // (deploy/local/run.sh's SCOUT_SIM_PORT), and a mistyped secret's name still
            // fails the check that the secret is set.
            st.warnings.push_back(
                {name,
                 "",
                 "unknown SCOUT_ variable, ignored: no setting maps to it (SCOUT_ENV and "
                 "SCOUT_CONFIG_DIR are the only reserved ones)" +
                     suggestion(name, names)}
            );
            continue;
        }
        set_from_text(st, *it->second, value, "from " + name);
    }
}

void apply_overrides(const std::vector<std::pair<std::string, std::string>>& overrides, State& st) {
    for (const auto& [path, value] : overrides) {
        const Field* field = find_field(path);
        if (field == nullptr) {
            st.errors.push_back(
                {path, "", "unknown setting (from --set)" + suggestion(path, all_paths())}
            );
            continue;
        }
        set_from_text(st, *field, value, "from --set");
    }
}

// The environment name, or nothing (with an error) when it is not one of kEnvironments.
std::optional<std::string> select_env(const LoadOptions& options, State& st) {
    std::string env = "development";
    std::string source;
    if (!options.env.empty()) {
        env = options.env;
        source = "from --env";
    } else if (const auto it = options.environment.find(std::string(kEnvVarEnv));
               it != options.environment.end()) {
        env = it->second;
        source = "from " + std::string(kEnvVarEnv);
    }
    if (std::find(std::begin(kEnvironments), std::end(kEnvironments), env) ==
        std::end(kEnvironments)) {
        st.errors.push_back(
            {"env", env, with_source("must be one of development, staging, production", source)}
        );
        return std::nullopt;
    }
    return env;
}

json field_json(const Field& field, const Config& config, bool redact) {
    return std::visit(
        [&](auto* p) -> json {
            using T = Pointee<decltype(p)>;
            if constexpr (std::is_same_v<T, std::string>) {
                return redact ? detail::display_raw(field, *p) : *p;
            } else if constexpr (std::is_same_v<T, detail::Strings>) {
                json list = json::array();
                for (const auto& item : *p) {
                    list.push_back(redact ? detail::display_raw(field, item) : item);
                }
                return list;
            } else if constexpr (std::is_same_v<T, std::size_t>) {
                return static_cast<std::uint64_t>(*p);
            } else {
                return *p;
            }
        },
        field.cref(config)
    );
}

bool same_value(const Field& field, const Config& a, const Config& b) {
    return std::visit(
        [](auto* x, auto* y) {
            if constexpr (std::is_same_v<decltype(x), decltype(y)>) {
                return *x == *y;
            } else {
                return false;
            }
        },
        field.cref(a),
        field.cref(b)
    );
}

void copy_value(const Field& field, Config& to, const Config& from) {
    std::visit(
        [](auto* dst, auto* src) {
            if constexpr (std::is_same_v<Pointee<decltype(dst)>, Pointee<decltype(src)>>) {
                *dst = *src;
            }
        },
        field.ref(to),
        field.cref(from)
    );
}

// Credentials are trimmed of surrounding whitespace (values read from files end in '\n'); in
// a list, entries that are only whitespace count as unset and are dropped.
void trim_credentials(Config& config) {
    for (const auto& field : fields()) {
        if (!field.has(detail::kTrim)) {
            continue;
        }
        auto ref = field.ref(config);
        if (auto** s = std::get_if<std::string*>(&ref)) {
            **s = detail::trim(**s);
        } else if (auto** list = std::get_if<detail::Strings*>(&ref)) {
            for (auto& item : **list) {
                item = detail::trim(item);
            }
            std::erase(**list, std::string());
        }
    }
}

// Runs the field's rule: an error, else possibly a warning.
void check_field(
    const Field& field,
    const Config& config,
    std::string shown_value,
    std::string_view source,
    std::vector<ConfigError>& errors,
    std::vector<ConfigError>& warnings
) {
    if (auto error = field.rule.check(field, config)) {
        errors.push_back(
            {std::string(field.path), std::move(shown_value), with_source(*error, source)}
        );
    } else if (auto warning = field.rule.warn ? field.rule.warn(field, config) : std::nullopt) {
        warnings.push_back(
            {std::string(field.path), std::move(shown_value), with_source(*warning, source)}
        );
    }
}

// Path order: errors not about one setting first (as found), then table order.
void sort_by_path(std::vector<ConfigError>& errors) {
    std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
        const auto rank = [](const ConfigError& e) {
            const auto i = detail::field_index(e.path);
            return i < fields().size() ? i + 1 : 0;
        };
        return rank(a) < rank(b);
    });
}

}  // namespace

LoadResult load(const LoadOptions& options) {
    State st;
    st.files_optional = options.files_optional;
    st.sources.resize(fields().size());
    st.raw.resize(fields().size());

    const auto env = select_env(options, st);
    if (env) {
        st.merged.env = *env;
    }
    const std::filesystem::path dir(options.config_dir);
    apply_file(dir / "default.json", st);
    if (env) {
        apply_file(dir / (*env + ".json"), st);
    }
    apply_environment(options.environment, st);
    apply_overrides(options.overrides, st);

    trim_credentials(st.merged);

    // Validation sees the merged result, so a bad low layer fixed by a higher one is fine.
    for (std::size_t i = 0; i < fields().size(); ++i) {
        // Show the value as written ("0", not "0.0"); credentials as trimmed.
        const auto& field = fields()[i];
        const bool as_written = st.raw[i] && !field.has(detail::kTrim);
        check_field(
            field,
            st.merged,
            as_written ? detail::display_raw(field, *st.raw[i])
                       : detail::display_text(field, st.merged),
            st.sources[i],
            st.errors,
            st.warnings
        );
    }

    sort_by_path(st.errors);
    LoadResult result;
    result.errors = std::move(st.errors);
    result.warnings = std::move(st.warnings);
    result.files = std::move(st.files);
    if (result.errors.empty()) {
        result.config = std::move(st.merged);
    }
    return result;
}

LoadResult validate(Config config) {
    LoadResult result;
    for (const auto& field : fields()) {
        check_field(
            field, config, detail::display_text(field, config), "", result.errors, result.warnings
        );
    }
    if (result.errors.empty()) {
        result.config = std::move(config);
    }
    return result;
}

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> out;
    for (char** entry = ::environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const auto eq = text.find('=');
        if (eq == std::string_view::npos) {
            continue;
        }
        out.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
    }
    return out;
}

std::string format_errors(const std::vector<ConfigError>& errors, std::string_view kind) {
    std::string out;
    for (const auto& e : errors) {
        out += kind;
        out += ": ";
        out += e.path;
        if (find_field(e.path) != nullptr || e.path == "env") {
            out += " = ";
            out += json(e.value).dump(-1, ' ', false, json::error_handler_t::replace);
        }
        out += ": ";
        out += e.message;
        out += '\n';
    }
    return out;
}

nlohmann::json to_json(const Config& config, bool redact) {
    json out = json::object();
    out["env"] = config.env;
    for (const auto& field : fields()) {
        // Appended, not "/" + std::string(...): GCC 12 -O2 warns -Wrestrict on that (PR 105329).
        std::string pointer = "/";
        pointer += field.path;
        std::replace(pointer.begin(), pointer.end(), '.', '/');
        out[json::json_pointer(pointer)] = field_json(field, config, redact);
    }
    return out;
}

std::string env_var_name(std::string_view path) {
    std::string out = "SCOUT_";
    for (const char c : path) {
        if (c == '.') {
            out += '_';
        } else if (c >= 'a' && c <= 'z') {
            out += static_cast<char>(c - 'a' + 'A');
        } else {
            out += c;
        }
    }
    return out;
}

bool is_reloadable(std::string_view path) {
    const Field* field = find_field(path);
    return field != nullptr && field->has(detail::kReloadable);
}

Config apply_reloadable(
    const Config& current, const Config& reloaded, std::vector<std::string>& ignored
) {
    Config out = current;
    if (current.env != reloaded.env) {
        ignored.emplace_back("env");
    }
    for (const auto& field : fields()) {
        if (field.has(detail::kReloadable)) {
            copy_value(field, out, reloaded);
        } else if (!same_value(field, current, reloaded)) {
            ignored.emplace_back(field.path);
        }
    }
    return out;
}

std::vector<SettingChange> changes(const Config& before, const Config& after) {
    std::vector<SettingChange> out;
    if (before.env != after.env) {
        out.push_back({"env", before.env, after.env, false});
    }
    for (const auto& field : fields()) {
        if (!same_value(field, before, after)) {
            out.push_back(
                {std::string(field.path),
                 detail::display_text(field, before),
                 detail::display_text(field, after),
                 field.has(detail::kReloadable)}
            );
        }
    }
    return out;
}

std::vector<SettingInfo> settings() {
    const Config defaults;
    std::vector<SettingInfo> out;
    for (const auto& field : fields()) {
        out.push_back(SettingInfo{
            std::string(field.path),
            env_var_name(field.path),
            std::string(detail::type_name(field)),
            field_json(field, defaults, false).dump(),
            field.rule.allowed,
            field.has(detail::kReloadable),
            field.has(detail::kSecret),
            std::string(field.doc),
        });
    }
    return out;
}

std::vector<std::string> setting_paths() {
    std::vector<std::string> out;
    for (const auto& field : fields()) {
        out.emplace_back(field.path);
    }
    return out;
}

}  // namespace scout::config
