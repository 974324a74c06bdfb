// gzip (RFC 1952) with zlib: the compression middleware compresses responses with it, and the
// cache pre-compresses the pages it keeps (cache::make_cached_response). Thread-safe: each
// thread keeps its own zlib stream per level used and a scratch buffer, reset between calls.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace scout::middleware {

// gzip of `data` at zlib `level` 0-9 (or -1 for zlib's default). Throws
// std::invalid_argument for another level, std::bad_alloc when zlib runs out of memory.
[[nodiscard]] std::string gzip_compress(std::string_view data, int level = 6);

// The data inside one complete gzip member; nullopt if the input is corrupt, truncated, has
// trailing bytes, or would inflate to more than `max_out` bytes.
[[nodiscard]] std::optional<std::string> gzip_decompress(
    std::string_view gzip, std::size_t max_out
);

}  // namespace scout::middleware
