// Asio aliases shared by every area: the namespace alias, awaitable, and the "errors as
// values" completion token. Header-only; no state.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

namespace scout {

namespace asio = boost::asio;
using boost::asio::awaitable;

// Completion token for operations whose failure is an expected outcome:
//   auto [ec, n] = co_await socket.async_read_some(buf, nothrow);
// NOLINTNEXTLINE(readability-identifier-naming): named like Asio's own tokens.
inline constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

}  // namespace scout
