#include "sim/handler.hpp"

#include "sim/timestamp.hpp"
#include "sim/verifier.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdlib>
#include <utility>

namespace scout::sim {

namespace http = boost::beast::http;

namespace {

constexpr std::array<std::string_view, 5> kRequiredParams{
    {"app_key", "method", "timestamp", "sign_method", "sign"}};

constexpr std::string_view kBadGatewayHtml =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n"
    "</body>\r\n</html>\r\n";

constexpr std::uint64_t kRuntimeSalt = 0x51D0C0DE5EED0001ULL;

bool iequals_prefix(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != prefix[i]) {
            return false;
        }
    }
    return true;
}

std::string dump(const Json& json) {
    return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

HttpResponse make_response(unsigned status, std::string_view content_type, std::string body) {
    HttpResponse response{static_cast<http::status>(status), 11};
    response.set(http::field::server, "scout-sim");
    response.set(http::field::content_type, content_type);
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
}

}  // namespace

std::int64_t system_unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()
    )
        .count();
}

nlohmann::json Stats::to_json() const {
    return nlohmann::json{
        {"requests_total", requests_total},
        {"calls", calls},
        {"faults_injected", faults_injected},
        {"signature_failures", signature_failures},
        {"rate_limited", rate_limited},
        {"errors", errors},
    };
}

Handler::Handler(
    SimSettings settings,
    std::shared_ptr<const Catalogue> catalogue,
    const Clock& clock,
    WallClock wall_ms
)
    : settings_(std::move(settings)),
      catalogue_(std::move(catalogue)),
      clock_(clock),
      wall_ms_(std::move(wall_ms)),
      limiter_(settings_.limits),
      rng_(hash_combine(settings_.seed, kRuntimeSalt)) {}

Outcome Handler::handle(const HttpRequest& request, bool loopback_peer) {
    const std::string_view target = request.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/sync") {
        Outcome outcome = handle_sync(request);
        if (spdlog::should_log(spdlog::level::debug)) {
            const char* action = outcome.action == Outcome::Action::kReset  ? "reset"
                                 : outcome.action == Outcome::Action::kHang ? "hang"
                                                                            : "respond";
            spdlog::debug(
                "{} /sync -> {} {} {}B +{}ms",
                std::string_view(request.method_string()),
                action,
                outcome.response.result_int(),
                outcome.response.body().size(),
                outcome.delay.count()
            );
        }
        return outcome;
    }
    if (path.starts_with("/__sim/")) {
        // Health tells nothing and changes nothing: readiness probes need no credentials.
        if (path != "/__sim/health") {
            if (const auto refusal = control_refusal(request, loopback_peer)) {
                return json_outcome(403, {{"ok", false}, {"error", *refusal}});
            }
        }
        return handle_control(request, path);
    }
    return json_outcome(404, {{"error", "not found"}, {"path", path}});
}

std::string Handler::next_request_id() {
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string id = "21";
    std::uint64_t bits = 0;
    for (int i = 0; i < 28; ++i) {
        if (i % 16 == 0) {
            bits = rng_.next();
        }
        id.push_back(kHex[bits & 0xFU]);
        bits >>= 4U;
    }
    return id;
}

std::chrono::milliseconds Handler::jittered_latency() {
    const auto base = settings_.latency.count();
    if (base <= 0) {
        return std::chrono::milliseconds{0};
    }
    const double factor = 0.75 + 0.5 * rng_.unit();
    return std::chrono::milliseconds{
        static_cast<std::int64_t>(static_cast<double>(base) * factor + 0.5)};
}

Outcome Handler::json_outcome(unsigned status, const nlohmann::json& body) const {
    Outcome outcome;
    outcome.response = make_response(
        status,
        "application/json;charset=UTF-8",
        body.dump(-1, ' ', false, Json::error_handler_t::replace)
    );
    return outcome;
}

Outcome Handler::error_outcome(const GatewayError& error) {
    ++stats_.errors[error_code_string(error, settings_.dialect)];
    Outcome outcome;
    outcome.response = make_response(
        200,
        "application/json;charset=UTF-8",
        dump(error_envelope(error, settings_.dialect, next_request_id()))
    );
    return outcome;
}

Outcome Handler::handle_sync(const HttpRequest& request) {
    ++stats_.requests_total;
    const auto latency = jittered_latency();
    Outcome outcome = process_sync(request);
    outcome.delay += latency;
    return outcome;
}

Outcome Handler::process_sync(const HttpRequest& request) {
    if (request.method() != http::verb::get && request.method() != http::verb::post) {
        Outcome outcome = json_outcome(405, {{"error", "use GET or POST"}});
        outcome.response.set(http::field::allow, "GET, POST");
        return outcome;
    }
    std::string_view body;
    if (request.method() == http::verb::post && !request.body().empty()) {
        const std::string_view content_type = request[http::field::content_type];
        if (content_type.empty() ||
            iequals_prefix(content_type, "application/x-www-form-urlencoded")) {
            body = request.body();
        }
    }
    auto params = collect_params(request.target(), body);
    if (!params) {
        Outcome outcome;
        outcome.response = make_response(
            400, "text/plain;charset=UTF-8", "Bad Request: " + params.error().message
        );
        return outcome;
    }
    const std::string* method_param = find_param(*params, "method");
    const std::string_view method_name =
        method_param == nullptr ? std::string_view{} : *method_param;

    // Transport-level faults may hit before authentication.
    std::chrono::milliseconds extra_delay{0};
    if (auto fault = faults_.roll(FaultStage::kTransport, method_name, rng_)) {
        ++stats_.faults_injected[std::string(fault_kind_name(fault->kind))];
        Outcome outcome;
        switch (fault->kind) {
            case FaultKind::kHttp503:
                outcome.response =
                    make_response(503, "text/plain;charset=UTF-8", "Service Unavailable");
                return outcome;
            case FaultKind::kHttp502Html:
                outcome.response =
                    make_response(502, "text/html;charset=UTF-8", std::string(kBadGatewayHtml));
                return outcome;
            case FaultKind::kTimeout:
                outcome.action = Outcome::Action::kHang;
                return outcome;
            case FaultKind::kReset:
                outcome.action = Outcome::Action::kReset;
                return outcome;
            case FaultKind::kDelay:
                extra_delay = std::chrono::milliseconds{fault->delay_ms};
                break;
            default:
                break;
        }
    }
    Outcome outcome = call_api(*params, method_name);
    outcome.delay += extra_delay;
    return outcome;
}

std::optional<GatewayError> Handler::authenticate(const Params& params, std::int64_t now_ms) {
    for (const std::string_view name : kRequiredParams) {
        const std::string* value = find_param(params, name);
        if (value == nullptr || value->empty()) {
            return GatewayError{ErrorKind::kMissingParameter, std::string(name), {}, 0};
        }
    }
    if (*find_param(params, "app_key") != settings_.app_key) {
        return GatewayError{ErrorKind::kInvalidAppKey, "app_key", {}, 0};
    }
    const auto timestamp = parse_timestamp_ms(*find_param(params, "timestamp"));
    if (!timestamp) {
        return GatewayError{ErrorKind::kInvalidTimestamp, "timestamp", "unrecognised format", 0};
    }
    if (std::llabs(*timestamp - now_ms) > settings_.timestamp_window_s * 1000) {
        std::string detail = "more than ";
        detail.append(std::to_string(settings_.timestamp_window_s)).append(" s from server time");
        return GatewayError{ErrorKind::kInvalidTimestamp, "timestamp", std::move(detail), 0};
    }
    if (verify_signature(params, settings_.app_secret) != SignCheck::kValid) {
        ++stats_.signature_failures;
        return GatewayError{ErrorKind::kInvalidSignature, "sign", {}, 0};
    }
    return std::nullopt;
}

Outcome Handler::call_api(const Params& params, std::string_view method_name) {
    // Gateway checks, in the real gateway's order (api doc §7.1).
    const std::int64_t now_ms = wall_ms_();
    if (auto error = authenticate(params, now_ms)) {
        return error_outcome(*error);
    }
    const auto method = api_method_from_name(method_name);
    if (!method) {
        return error_outcome({ErrorKind::kInvalidMethod, "method", std::string(method_name), 0});
    }
    ++stats_.calls[std::string(method_name)];
    if (auto error = validate_business(*method, params)) {
        return error_outcome(*error);
    }
    const RateDecision decision =
        limiter_.acquire(*find_param(params, "app_key"), clock_.now(), now_ms);
    if (!decision.allowed()) {
        ++stats_.rate_limited;
        const ErrorKind kind = decision.verdict == RateDecision::Verdict::kDailyQuotaBan
                                   ? ErrorKind::kAppQuotaExceeded
                                   : ErrorKind::kApiCallLimited;
        return error_outcome({kind, {}, {}, decision.ban_seconds});
    }

    bool truncate = false;
    if (auto fault = faults_.roll(FaultStage::kApplication, method_name, rng_)) {
        ++stats_.faults_injected[std::string(fault_kind_name(fault->kind))];
        switch (fault->kind) {
            case FaultKind::kRateLimit:
                return error_outcome(
                    {fault->daily ? ErrorKind::kAppQuotaExceeded : ErrorKind::kApiCallLimited,
                     {},
                     {},
                     fault->ban_seconds}
                );
            case FaultKind::kIspError:
                return error_outcome({ErrorKind::kServiceTimeout, {}, {}, 0});
            case FaultKind::kInvalidSignature:
                return error_outcome({ErrorKind::kInvalidSignature, "sign", {}, 0});
            case FaultKind::kLinkGenerateFail:
                return error_outcome({ErrorKind::kLinkGenerateFailed, {}, {}, 0});
            case FaultKind::kRespCode404: {
                Outcome outcome;
                outcome.response = make_response(
                    200,
                    "application/json;charset=UTF-8",
                    dump(success_envelope(
                        method_name, Json(), next_request_id(), 404, "System Error"
                    ))
                );
                return outcome;
            }
            case FaultKind::kTruncatedJson:
                truncate = true;
                break;
            default:
                break;
        }
    }

    Json result = run_method(*method, params, *catalogue_, settings_.methods, rng_);
    std::string text = dump(success_envelope(method_name, std::move(result), next_request_id()));
    if (truncate) {
        text.resize(text.size() / 2);  // Content-Length follows the cut body
    }
    Outcome outcome;
    outcome.response = make_response(200, "application/json;charset=UTF-8", std::move(text));
    return outcome;
}

std::optional<std::string_view> Handler::control_refusal(
    const HttpRequest& request, bool loopback_peer
) const {
    const std::string& token = settings_.control_token;
    if (token.empty()) {
        if (loopback_peer) {
            return std::nullopt;
        }
        return "the control API answers loopback clients only (start scout-sim with "
               "--control-token to use it from elsewhere)";
    }
    const std::string_view given = request["X-Sim-Control-Token"];
    if (given.size() == token.size() &&
        CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0) {
        return std::nullopt;
    }
    return "missing or wrong X-Sim-Control-Token";
}

Outcome Handler::handle_control(const HttpRequest& request, std::string_view path) {
    const http::verb verb = request.method();
    const auto method_not_allowed = [this](std::string_view allow) {
        Outcome outcome = json_outcome(405, {{"ok", false}, {"error", "method not allowed"}});
        outcome.response.set(http::field::allow, allow);
        return outcome;
    };

    if (path == "/__sim/faults") {
        if (verb == http::verb::post) {
            const auto body = nlohmann::json::parse(request.body(), nullptr, false);
            if (body.is_discarded()) {
                return json_outcome(400, {{"ok", false}, {"error", "body is not valid JSON"}});
            }
            auto spec = parse_fault_spec(body);
            if (!spec) {
                return json_outcome(400, {{"ok", false}, {"error", spec.error().message}});
            }
            const std::string kind(fault_kind_name(spec->kind));
            const std::uint64_t id = faults_.add(std::move(*spec));
            spdlog::info("fault {} added: {}", id, kind);
            return json_outcome(200, {{"ok", true}, {"id", id}});
        }
        if (verb == http::verb::delete_) {
            const std::size_t cleared = faults_.active().size();
            faults_.clear();
            return json_outcome(200, {{"ok", true}, {"cleared", cleared}});
        }
        if (verb == http::verb::get) {
            return json_outcome(200, {{"faults", faults_.to_json()}});
        }
        return method_not_allowed("GET, POST, DELETE");
    }
    if (path == "/__sim/stats") {
        if (verb != http::verb::get) {
            return method_not_allowed("GET");
        }
        return json_outcome(200, stats_.to_json());
    }
    if (path == "/__sim/reset") {
        if (verb != http::verb::post) {
            return method_not_allowed("POST");
        }
        faults_.clear();
        stats_ = Stats{};
        limiter_.reset();
        return json_outcome(200, {{"ok", true}});
    }
    if (path == "/__sim/catalog") {
        if (verb != http::verb::get) {
            return method_not_allowed("GET");
        }
        nlohmann::json sample = nlohmann::json::array();
        nlohmann::json non_affiliate = nlohmann::json::array();
        for (const auto& product : catalogue_->products()) {
            if (product.affiliate() && sample.size() < 10) {
                sample.push_back(product.id);
            } else if (!product.affiliate() && non_affiliate.size() < 10) {
                non_affiliate.push_back(product.id);
            }
        }
        return json_outcome(
            200,
            {{"seed", catalogue_->options().seed},
             {"size", catalogue_->products().size()},
             {"categories", catalogue_->categories().size()},
             {"shops", catalogue_->shops().size()},
             {"sample_product_ids", std::move(sample)},
             {"non_affiliate_product_ids", std::move(non_affiliate)}}
        );
    }
    if (path == "/__sim/health") {
        return json_outcome(200, {{"ok", true}});
    }
    return json_outcome(404, {{"ok", false}, {"error", "unknown control endpoint"}});
}

}  // namespace scout::sim
