#include <scout/http/request_id.hpp>

#include <array>
#include <cstdint>
#include <random>

namespace scout::http {

bool is_acceptable_request_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxRequestIdLength || id.front() == ' ' || id.back() == ' ') {
        return false;
    }
    for (const char c : id) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7E) {
            return false;
        }
    }
    return true;
}

std::string mint_request_id() {
    thread_local std::mt19937_64 engine = [] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }();
    static constexpr std::array<char, 16> kHex = {
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    std::string id(32, '0');
    for (int half = 0; half < 2; ++half) {
        std::uint64_t bits = engine();
        for (int i = 0; i < 16; ++i) {
            id[static_cast<std::size_t>(half * 16 + i)] = kHex[bits & 0xFU];
            bits >>= 4U;
        }
    }
    return id;
}

}  // namespace scout::http
