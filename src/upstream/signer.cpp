#include <scout/upstream/signer.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <climits>
#include <cstddef>
#include <stdexcept>

namespace scout::upstream {
namespace {

constexpr std::string_view kHexUpper = "0123456789ABCDEF";

std::string to_hex_upper(const unsigned char* data, std::size_t size) {
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(kHexUpper[data[i] >> 4U]);
        out.push_back(kHexUpper[data[i] & 0x0FU]);
    }
    return out;
}

const unsigned char* bytes(std::string_view s) {
    // OpenSSL wants a non-null pointer even for zero-length input.
    static constexpr unsigned char kEmpty[1] = {0};
    return s.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

// HMAC() is the one-shot API that OpenSSL 3 keeps undeprecated (HMAC_CTX is deprecated).
std::string hmac_hex(const EVP_MD* md, std::string_view key, std::string_view message) {
    if (key.size() > static_cast<std::size_t>(INT_MAX)) {
        throw std::length_error("signer: HMAC key too long");
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int out_len = 0;
    const unsigned char* result = HMAC(
        md,
        bytes(key),
        static_cast<int>(key.size()),
        bytes(message),
        message.size(),
        out.data(),
        &out_len
    );
    if (result == nullptr) {
        throw std::runtime_error("signer: OpenSSL HMAC failed");
    }
    return to_hex_upper(out.data(), out_len);
}

std::string digest_hex(const EVP_MD* md, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int out_len = 0;
    if (EVP_Digest(bytes(message), message.size(), out.data(), &out_len, md, nullptr) != 1) {
        throw std::runtime_error("signer: OpenSSL digest failed");
    }
    return to_hex_upper(out.data(), out_len);
}

bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

void append_percent_encoded(std::string& out, std::string_view value) {
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_unreserved(c)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHexUpper[c >> 4U]);
            out.push_back(kHexUpper[c & 0x0FU]);
        }
    }
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

}  // namespace

std::string_view to_string(SignMethod method) {
    switch (method) {
        case SignMethod::kSha256:
            return "sha256";
        case SignMethod::kMd5:
            return "md5";
        case SignMethod::kHmacMd5:
            return "hmac";
    }
    return "sha256";
}

std::optional<SignMethod> parse_sign_method(std::string_view name) {
    if (name == "sha256") {
        return SignMethod::kSha256;
    }
    if (name == "md5") {
        return SignMethod::kMd5;
    }
    if (name == "hmac") {
        return SignMethod::kHmacMd5;
    }
    return std::nullopt;
}

std::string canonical_string(const Params& params, std::string_view api_path) {
    std::size_t size = api_path.size();
    for (const auto& [name, value] : params) {
        size += name.size() + value.size();
    }
    std::string out;
    out.reserve(size);
    out.append(api_path);
    for (const auto& [name, value] : params) {
        if (name == kSignParam) {
            continue;
        }
        out.append(name);
        out.append(value);
    }
    return out;
}

std::string sign(
    const Params& params, std::string_view secret, SignMethod method, std::string_view api_path
) {
    const std::string canonical = canonical_string(params, api_path);
    switch (method) {
        case SignMethod::kSha256:
            return hmac_sha256_hex(secret, canonical);
        case SignMethod::kMd5: {
            std::string wrapped;
            wrapped.reserve(secret.size() * 2 + canonical.size());
            wrapped.append(secret);
            wrapped.append(canonical);
            wrapped.append(secret);
            return md5_hex(wrapped);
        }
        case SignMethod::kHmacMd5:
            return hmac_md5_hex(secret, canonical);
    }
    throw std::invalid_argument("signer: unknown SignMethod");
}

std::string form_encode(const Params& params) {
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) {
            out.push_back('&');
        }
        append_percent_encoded(out, name);
        out.push_back('=');
        append_percent_encoded(out, value);
    }
    return out;
}

std::string trim_credential(std::string_view value) {
    while (!value.empty() && is_space(value.front())) {
        value.remove_prefix(1);
    }
    while (!value.empty() && is_space(value.back())) {
        value.remove_suffix(1);
    }
    return std::string(value);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    return hmac_hex(EVP_sha256(), key, message);
}

std::string hmac_md5_hex(std::string_view key, std::string_view message) {
    return hmac_hex(EVP_md5(), key, message);
}

std::string md5_hex(std::string_view message) {
    return digest_hex(EVP_md5(), message);
}

std::string sha256_hex(std::string_view message) {
    return digest_hex(EVP_sha256(), message);
}

}  // namespace scout::upstream
