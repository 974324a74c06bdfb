// Fault injection plan of scout-sim, driven by the control API (POST/DELETE /__sim/faults):
// a list of active faults, each with a rate, an optional method filter and an optional
// injection budget. Owned by the Handler; not thread-safe.
#pragma once

#include "sim/envelope.hpp"
#include "sim/failure.hpp"
#include "sim/rng.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scout::sim {

enum class FaultKind {
    kHttp503,           // HTTP 503, short text body
    kHttp502Html,       // HTTP 502 with an HTML page (a proxy in front of the gateway)
    kTimeout,           // never answer; hold the connection until the client leaves or 60 s
    kReset,             // close the socket abruptly (RST), no response
    kDelay,             // answer normally after an extra delay_ms
    kRateLimit,         // the ban envelope with ban_seconds
    kIspError,          // ISP ServiceTimeout / TOP 15 isp.remote-service-timeout
    kInvalidSignature,  // IncompleteSignature envelope although the signature is right
    kTruncatedJson,     // 200 with the JSON body cut in half
    kLinkGenerateFail,  // link.generate only: an ISP error envelope
    kRespCode404,       // success envelope with resp_code 404 "System Error", no result
};

// Transport faults may fire before authentication; the others only after it, so they
// never mask an authentication error.
enum class FaultStage { kTransport, kApplication };

std::string_view fault_kind_name(FaultKind kind);
std::optional<FaultKind> fault_kind_from_name(std::string_view name);
FaultStage fault_stage(FaultKind kind);

struct FaultSpec {
    FaultKind kind = FaultKind::kHttp503;
    double rate = 1.0;                  // probability per eligible request
    std::string method;                 // API method filter; empty = every method
    std::optional<std::int64_t> count;  // injections left; nullopt = unlimited
    std::int64_t ban_seconds = 1;       // rate_limit
    bool daily = false;  // rate_limit: the app's daily-quota ban, not the method's frequency
    std::int64_t delay_ms = 1000;  // delay
};

// Parses the POST /__sim/faults body: {"kind", "rate"?, "method"?, "count"?,
// "ban_seconds"?, "daily"?, "delay_ms"?}. Unknown keys are errors.
Result<FaultSpec> parse_fault_spec(const nlohmann::json& body);

struct ActiveFault {
    std::uint64_t id = 0;
    FaultSpec spec;
};

class FaultPlan {
public:
    // Returns the id of the new fault.
    std::uint64_t add(FaultSpec spec);
    void clear();

    // Rolls the active faults of `stage` that apply to `method`, in insertion order; the
    // first that fires is returned and one unit of its budget consumed (a fault whose
    // budget reaches zero is removed).
    std::optional<FaultSpec> roll(FaultStage stage, std::string_view method, Rng& rng);

    [[nodiscard]] const std::vector<ActiveFault>& active() const { return faults_; }
    [[nodiscard]] nlohmann::json to_json() const;

private:
    std::vector<ActiveFault> faults_;
    std::uint64_t next_id_ = 1;
};

}  // namespace scout::sim
