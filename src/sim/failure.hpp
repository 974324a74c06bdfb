// Error value used by scout-sim's parsing functions (CLI, form bodies, control API):
// `Result<T>` is a boost::system::result carrying a human-readable message. Header-only.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace scout::sim {

struct Failure {
    std::string message;
};

// Found by ADL when Result<T>::value() is called on an error.
[[noreturn]] inline void throw_exception_from_error(
    const Failure& failure, const boost::source_location& /*location*/
) {
    throw std::invalid_argument(failure.message);
}

template <class T>
using Result = boost::system::result<T, Failure>;

inline Failure fail(std::string message) {
    return Failure{std::move(message)};
}

}  // namespace scout::sim
