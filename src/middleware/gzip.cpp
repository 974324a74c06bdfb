#include <scout/middleware/gzip.hpp>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <new>
#include <stdexcept>

namespace scout::middleware {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper
constexpr int kMemLevel = 8;

constexpr int kMaxLevel = 9;
// A scratch buffer larger than this is given back after the call instead of kept.
constexpr std::size_t kMaxKeptScratch = std::size_t{1} << 20;

// One z_stream per thread and level, kept for the life of the thread. deflateInit2 allocates
// and clears about 270 KiB of state; made afresh per call it cost a cache miss more than the
// compression itself (a profile of full-page misses: 19 % of Scout's CPU in gzip_compress,
// mostly the state's allocation and first-touch page faults). deflateReset makes a used
// stream as good as new and keeps its memory.
class Deflater {
public:
    // This thread's stream for `level` (-1 is zlib's default, 6), reset and ready.
    static Deflater& for_level(int level) {
        if (level < Z_DEFAULT_COMPRESSION || level > kMaxLevel) {
            throw std::invalid_argument("gzip_compress: level must be -1 or 0-9");
        }
        const int index = level == Z_DEFAULT_COMPRESSION ? 6 : level;
        thread_local std::array<std::unique_ptr<Deflater>, kMaxLevel + 1> streams;
        auto& slot = streams[static_cast<std::size_t>(index)];
        if (!slot) {
            slot = std::make_unique<Deflater>(index);
        } else if (deflateReset(&slot->stream_) != Z_OK) {
            slot = std::make_unique<Deflater>(index);
        }
        return *slot;
    }

    explicit Deflater(int level) {
        const int rc = deflateInit2(
            &stream_, level, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY
        );
        if (rc != Z_OK) {
            throw std::bad_alloc();  // the level was checked: only memory can be missing
        }
    }
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;
    Deflater(Deflater&&) = delete;
    Deflater& operator=(Deflater&&) = delete;
    ~Deflater() { deflateEnd(&stream_); }

    z_stream& stream() { return stream_; }

private:
    z_stream stream_{};
};

class Inflater {
public:
    Inflater() { ok_ = inflateInit2(&stream_, kGzipWindowBits) == Z_OK; }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
    Inflater(Inflater&&) = delete;
    Inflater& operator=(Inflater&&) = delete;
    ~Inflater() {
        if (ok_) {
            inflateEnd(&stream_);
        }
    }

    [[nodiscard]] bool ok() const { return ok_; }
    z_stream& stream() { return stream_; }

private:
    z_stream stream_{};
    bool ok_ = false;
};

// zlib's next_in is not const-qualified (ZLIB_CONST is not defined); it never writes through it.
Bytef* input_bytes(const char* data) {
    return reinterpret_cast<Bytef*>(const_cast<char*>(data));
}

}  // namespace

std::string gzip_compress(std::string_view data, int level) {
    z_stream& zs = Deflater::for_level(level).stream();
    // Compressed into this thread's scratch buffer, then copied out at its exact size: no
    // zero-filled worst-case buffer per call, and a result without slack (cached pages keep it).
    thread_local std::string scratch;
    scratch.resize(std::max(scratch.size(), deflateBound(&zs, static_cast<uLong>(data.size()))));
    std::size_t produced = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (zs.avail_in == 0 && !data.empty()) {
            const std::size_t chunk = std::min<std::size_t>(data.size(), UINT_MAX);
            zs.next_in = input_bytes(data.data());
            zs.avail_in = static_cast<uInt>(chunk);
            data.remove_prefix(chunk);
        }
        if (produced == scratch.size()) {
            scratch.resize(scratch.size() * 2 + 64);
        }
        const std::size_t room = std::min<std::size_t>(scratch.size() - produced, UINT_MAX);
        zs.next_out = reinterpret_cast<Bytef*>(scratch.data() + produced);
        zs.avail_out = static_cast<uInt>(room);
        rc = deflate(&zs, data.empty() ? Z_FINISH : Z_NO_FLUSH);
        produced += room - zs.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            throw std::bad_alloc();  // Z_STREAM_ERROR cannot happen with a valid stream
        }
    }
    std::string out(scratch.data(), produced);
    if (scratch.capacity() > kMaxKeptScratch) {
        std::string().swap(scratch);
    }
    return out;
}

std::optional<std::string> gzip_decompress(std::string_view gzip, std::size_t max_out) {
    Inflater inflater;
    if (!inflater.ok()) {
        return std::nullopt;
    }
    z_stream& zs = inflater.stream();
    std::string out;
    std::array<char, 16384> buffer{};
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (zs.avail_in == 0 && !gzip.empty()) {
            const std::size_t chunk = std::min<std::size_t>(gzip.size(), UINT_MAX);
            zs.next_in = input_bytes(gzip.data());
            zs.avail_in = static_cast<uInt>(chunk);
            gzip.remove_prefix(chunk);
        }
        zs.next_out = reinterpret_cast<Bytef*>(buffer.data());
        zs.avail_out = static_cast<uInt>(buffer.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        // Z_BUF_ERROR means no progress was possible: the input ended before the stream did.
        if (rc != Z_OK && rc != Z_STREAM_END) {
            return std::nullopt;
        }
        const std::size_t produced = buffer.size() - zs.avail_out;
        if (produced > max_out - out.size()) {
            return std::nullopt;
        }
        out.append(buffer.data(), produced);
    }
    if (zs.avail_in != 0 || !gzip.empty()) {
        return std::nullopt;  // bytes after the gzip member
    }
    return out;
}

}  // namespace scout::middleware
