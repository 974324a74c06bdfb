#include "cache/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <climits>
#include <new>
#include <stdexcept>
#include <vector>

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

Sha256 hmac_sha256(std::string_view key, std::string_view data) {
    if (key.size() > INT_MAX) {
        throw std::length_error("HMAC key too long");
    }
    Sha256 mac{};
    unsigned int size = 0;
    // HMAC() is the one-shot API that OpenSSL 3 keeps undeprecated.
    const unsigned char* result = HMAC(
        sha256_md(),
        key.data(),
        static_cast<int>(key.size()),
        reinterpret_cast<const unsigned char*>(data.data()),
        data.size(),
        mac.data(),
        &size
    );
    if (result == nullptr || size != mac.size()) {
        throw std::bad_alloc();  // as sha256(): only an allocation can fail here
    }
    return mac;
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> random(bytes);
    if (bytes > INT_MAX || RAND_bytes(random.data(), static_cast<int>(bytes)) != 1) {
        throw std::runtime_error("OpenSSL: RAND_bytes failed");
    }
    std::string out;
    out.reserve(bytes * 2);
    append_hex(out, random);
    return out;
}

void append_hex(std::string& out, std::span<const unsigned char> bytes) {
    static constexpr std::string_view kDigits = "0123456789abcdef";
    for (const unsigned char byte : bytes) {
        out.push_back(kDigits[byte >> 4U]);
        out.push_back(kDigits[byte & 0x0FU]);
    }
}

}  // namespace scout::cache::detail
