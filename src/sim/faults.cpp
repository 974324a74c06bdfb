#include "sim/faults.hpp"

#include "sim/methods.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

namespace scout::sim {

namespace {

struct KindInfo {
    FaultKind kind;
    std::string_view name;
    FaultStage stage;
};

constexpr std::array<KindInfo, 11> kKinds{{
    {FaultKind::kHttp503, "http_503", FaultStage::kTransport},
    {FaultKind::kHttp502Html, "http_502_html", FaultStage::kTransport},
    {FaultKind::kTimeout, "timeout", FaultStage::kTransport},
    {FaultKind::kReset, "reset", FaultStage::kTransport},
    {FaultKind::kDelay, "delay", FaultStage::kTransport},
    {FaultKind::kRateLimit, "rate_limit", FaultStage::kApplication},
    {FaultKind::kIspError, "isp_error", FaultStage::kApplication},
    {FaultKind::kInvalidSignature, "invalid_signature", FaultStage::kApplication},
    {FaultKind::kTruncatedJson, "truncated_json", FaultStage::kApplication},
    {FaultKind::kLinkGenerateFail, "link_generate_fail", FaultStage::kApplication},
    {FaultKind::kRespCode404, "resp_code_404", FaultStage::kApplication},
}};

const KindInfo& info(FaultKind kind) {
    for (const auto& entry : kKinds) {
        if (entry.kind == kind) {
            return entry;
        }
    }
    return kKinds.front();
}

Result<std::int64_t> non_negative_int(const nlohmann::json& value, std::string_view key) {
    if (value.is_number_unsigned()) {
        const auto u = value.get<std::uint64_t>();
        if (u <= static_cast<std::uint64_t>(INT64_MAX)) {
            return static_cast<std::int64_t>(u);
        }
    } else if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
        return value.get<std::int64_t>();
    }
    std::string message = "\"";  // built by appends: GCC 12 -O3 -Wrestrict false positive
    message.append(key).append("\" must be a non-negative integer");
    return fail(std::move(message));
}

}  // namespace

std::string_view fault_kind_name(FaultKind kind) {
    return info(kind).name;
}

std::optional<FaultKind> fault_kind_from_name(std::string_view name) {
    for (const auto& entry : kKinds) {
        if (entry.name == name) {
            return entry.kind;
        }
    }
    return std::nullopt;
}

FaultStage fault_stage(FaultKind kind) {
    return info(kind).stage;
}

Result<FaultSpec> parse_fault_spec(const nlohmann::json& body) {
    if (!body.is_object()) {
        return fail("body must be a JSON object");
    }
    FaultSpec spec;
    const auto kind_it = body.find("kind");
    if (kind_it == body.end() || !kind_it->is_string()) {
        return fail("\"kind\" (string) is required");
    }
    const auto kind = fault_kind_from_name(kind_it->get<std::string>());
    if (!kind) {
        return fail("unknown fault kind \"" + kind_it->get<std::string>() + "\"");
    }
    spec.kind = *kind;
    for (const auto& [key, value] : body.items()) {
        if (key == "kind") {
            continue;
        }
        if (key == "rate") {
            if (!value.is_number() || !std::isfinite(value.get<double>()) ||
                value.get<double>() < 0.0 || value.get<double>() > 1.0) {
                return fail("\"rate\" must be a number in [0, 1]");
            }
            spec.rate = value.get<double>();
        } else if (key == "method") {
            if (!value.is_string()) {
                return fail("\"method\" must be a string");
            }
            spec.method = value.get<std::string>();
            if (!spec.method.empty() && !api_method_from_name(spec.method)) {
                return fail("unknown method \"" + spec.method + "\"");
            }
        } else if (key == "count") {
            if (value.is_null()) {
                continue;
            }
            auto count = non_negative_int(value, key);
            if (!count || *count == 0) {
                return fail("\"count\" must be a positive integer");
            }
            spec.count = *count;
        } else if (key == "ban_seconds") {
            auto seconds = non_negative_int(value, key);
            if (!seconds) {
                return seconds.error();
            }
            spec.ban_seconds = *seconds;
        } else if (key == "daily") {
            if (!value.is_boolean()) {
                return fail("\"daily\" must be true or false");
            }
            spec.daily = value.get<bool>();
        } else if (key == "delay_ms") {
            auto delay = non_negative_int(value, key);
            if (!delay || *delay > 600000) {
                return fail("\"delay_ms\" must be an integer in [0, 600000]");
            }
            spec.delay_ms = *delay;
        } else {
            return fail("unknown key \"" + key + "\"");
        }
    }
    if (spec.kind == FaultKind::kLinkGenerateFail) {
        spec.method = std::string(api_method_name(ApiMethod::kLinkGenerate));
    }
    return spec;
}

std::uint64_t FaultPlan::add(FaultSpec spec) {
    const std::uint64_t id = next_id_++;
    faults_.push_back(ActiveFault{id, std::move(spec)});
    return id;
}

void FaultPlan::clear() {
    faults_.clear();
}

std::optional<FaultSpec> FaultPlan::roll(FaultStage stage, std::string_view method, Rng& rng) {
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
        FaultSpec& spec = it->spec;
        if (fault_stage(spec.kind) != stage) {
            continue;
        }
        if (!spec.method.empty() && spec.method != method) {
            continue;
        }
        if (!rng.chance(spec.rate)) {
            continue;
        }
        FaultSpec fired = spec;
        if (spec.count) {
            if (--*spec.count <= 0) {
                faults_.erase(it);
            }
        }
        return fired;
    }
    return std::nullopt;
}

nlohmann::json FaultPlan::to_json() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& fault : faults_) {
        nlohmann::json entry = {
            {"id", fault.id},
            {"kind", fault_kind_name(fault.spec.kind)},
            {"rate", fault.spec.rate},
        };
        if (!fault.spec.method.empty()) {
            entry["method"] = fault.spec.method;
        }
        if (fault.spec.count) {
            entry["count"] = *fault.spec.count;
        }
        if (fault.spec.kind == FaultKind::kRateLimit) {
            entry["ban_seconds"] = fault.spec.ban_seconds;
            entry["daily"] = fault.spec.daily;
        }
        if (fault.spec.kind == FaultKind::kDelay) {
            entry["delay_ms"] = fault.spec.delay_ms;
        }
        list.push_back(std::move(entry));
    }
    return list;
}

}  // namespace scout::sim
