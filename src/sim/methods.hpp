// The affiliate API methods scout-sim implements: business-parameter validation and the
// `result` object of each method, computed from the catalogue. Pure functions apart from
// the caller's Rng; thread-compatible.
#pragma once

#include "sim/catalogue.hpp"
#include "sim/envelope.hpp"
#include "sim/params.hpp"
#include "sim/rng.hpp"

#include <optional>
#include <string_view>

namespace scout::sim {

enum class ApiMethod {
    kProductQuery,     // aliexpress.affiliate.product.query
    kHotProductQuery,  // aliexpress.affiliate.hotproduct.query
    kProductDetail,    // aliexpress.affiliate.productdetail.get
    kLinkGenerate,     // aliexpress.affiliate.link.generate
    kCategoryGet,      // aliexpress.affiliate.category.get
};

std::optional<ApiMethod> api_method_from_name(std::string_view name);
std::string_view api_method_name(ApiMethod method);

inline constexpr int kMaxPageSize = 50;
inline constexpr std::size_t kMaxLinkSources = 50;
inline constexpr std::size_t kMaxDetailIds = 50;

struct MethodSettings {
    int max_page = 100;      // deeper pages come back empty
    bool live_like = false;  // perturb totals and page order, repeat items across pages
};

// Step "business validation" of the check order: the error to send, or nullopt.
std::optional<GatewayError> validate_business(ApiMethod method, const Params& params);

// Runs a call whose params passed validate_business(); returns the `result` object.
Json run_method(
    ApiMethod method,
    const Params& params,
    const Catalogue& catalogue,
    const MethodSettings& settings,
    Rng& rng
);

}  // namespace scout::sim
