#include <scout/upstream/breaker_set.hpp>
#include <scout/upstream/request.hpp>

#include <array>

namespace scout::upstream {
namespace {

constexpr std::array<std::string_view, 6> kMethods = {
    kProductQuery, kHotProductQuery, kProductDetailGet, kLinkGenerate, kCategoryGet, "other"};

}  // namespace

BreakerSet::BreakerSet(CircuitBreaker::Settings settings, const Clock& clock, Listener listener) {
    breakers_.reserve(kMethods.size());
    for (const std::string_view method : kMethods) {
        CircuitBreaker::Listener notify;
        if (listener) {
            notify = [listener, method](CircuitBreaker::State from, CircuitBreaker::State to) {
                listener(method, from, to);
            };
        }
        breakers_.push_back(std::make_unique<CircuitBreaker>(settings, clock, std::move(notify)));
    }
}

CircuitBreaker& BreakerSet::for_method(std::string_view method) {
    std::size_t i = 0;
    while (i + 1 < kMethods.size() && kMethods[i] != method) {
        ++i;
    }
    return *breakers_[i];
}

}  // namespace scout::upstream
