// Cache failures as values: the `cache_errc` category that L2 stores (the Redis client) map
// their raw errors into, so callers and metrics never see hiredis codes. Cache area; thread-safe.
#pragma once

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace scout::cache {

// NOLINTNEXTLINE(readability-identifier-naming): named like std::errc.
enum class cache_errc {
    kUnavailable = 1,  // the store is not connected (or disabled)
    kTimeout,          // the store did not answer in time
    kStoreError,       // the store answered with an error (e.g. a Redis error reply, OOM)
    kProtocol,         // the reply had an unexpected shape
    kCorruptValue,     // a stored value could not be decoded (corrupt or another format)
    kValueTooLarge,    // a stored value is larger than the reader accepts (not read)
};

const boost::system::error_category& cache_category() noexcept;
boost::system::error_code make_error_code(cache_errc e) noexcept;

}  // namespace scout::cache

namespace boost::system {
template <>
struct is_error_code_enum<scout::cache::cache_errc> : std::true_type {};
}  // namespace boost::system
