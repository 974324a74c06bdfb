// Runs a coroutine to completion on an io_context in a unit test and returns its value,
// rethrowing any exception (the role of userver's UTEST).
#pragma once

#include <scout/core/asio.hpp>

#include <exception>
#include <optional>
#include <utility>

namespace scout::test {

template <typename T>
T run_co(asio::io_context& io, awaitable<T> coroutine) {
    std::optional<T> result;
    std::exception_ptr failure;
    asio::co_spawn(io, std::move(coroutine), [&](std::exception_ptr error, T value) {
        failure = error;
        if (!error) {
            result.emplace(std::move(value));
        }
    });
    io.restart();
    io.run();
    if (failure) {
        std::rethrow_exception(failure);
    }
    return std::move(*result);
}

inline void run_co(asio::io_context& io, awaitable<void> coroutine) {
    std::exception_ptr failure;
    asio::co_spawn(io, std::move(coroutine), [&](std::exception_ptr error) { failure = error; });
    io.restart();
    io.run();
    if (failure) {
        std::rethrow_exception(failure);
    }
}

}  // namespace scout::test
