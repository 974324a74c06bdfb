#include <scout/cache/errors.hpp>

#include <string>

namespace scout::cache {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class CacheCategory final : public boost::system::error_category {
public:
    // A fixed id makes categories compare equal even if this code is linked twice.
    CacheCategory() noexcept : boost::system::error_category(0x5c0a7e1a2b3c4d60ULL) {}

    [[nodiscard]] const char* name() const noexcept override { return "scout.cache"; }

    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<cache_errc>(value)) {
            case cache_errc::kUnavailable:
                return "cache store unavailable";
            case cache_errc::kTimeout:
                return "cache store timed out";
            case cache_errc::kStoreError:
                return "cache store returned an error";
            case cache_errc::kProtocol:
                return "unexpected reply from cache store";
            case cache_errc::kCorruptValue:
                return "cached value could not be decoded";
            case cache_errc::kValueTooLarge:
                return "cached value is larger than accepted";
        }
        return "unknown cache error";
    }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& cache_category() noexcept {
    static const CacheCategory category;
    return category;
}

boost::system::error_code make_error_code(cache_errc e) noexcept {
    return {static_cast<int>(e), cache_category()};
}

}  // namespace scout::cache
