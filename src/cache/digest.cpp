#include "cache/digest.hpp"

#include <openssl/evp.h>

#include <new>
#include <stdexcept>

namespace scout::cache::detail {
namespace {

// Fetched once: an explicit fetch avoids OpenSSL 3's per-call implicit lookup (and its lock).
// Never freed; it lives as long as the process.
const EVP_MD* sha256_md() {
    static const EVP_MD* const md = [] {
        EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
        if (fetched == nullptr) {
            throw std::runtime_error("OpenSSL: SHA2-256 is not available");
        }
        return fetched;
    }();
    return md;
}

}  // namespace

Sha256 sha256(std::string_view data) {
    Sha256 digest{};
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &size, sha256_md(), nullptr) != 1 ||
        size != digest.size()) {
        throw std::bad_alloc();  // the only way a one-shot digest fails with a valid algorithm
    }
    return digest;
}

void append_hex(std::string& out, const Sha256& digest, std::size_t count) {
    static constexpr std::string_view kDigits = "0123456789abcdef";
    for (std::size_t i = 0; i < count && i < digest.size(); ++i) {
        out.push_back(kDigits[digest[i] >> 4U]);
        out.push_back(kDigits[digest[i] & 0x0FU]);
    }
}

}  // namespace scout::cache::detail
