#include "sim/verifier.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstddef>
#include <stdexcept>

namespace scout::sim {

namespace {

std::string to_hex_upper(const unsigned char* bytes, std::size_t size) {
    static constexpr std::string_view kDigits = "0123456789ABCDEF";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(kDigits[bytes[i] >> 4U]);
        out.push_back(kDigits[bytes[i] & 0x0FU]);
    }
    return out;
}

const unsigned char* bytes_of(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

std::string hmac_hex(const EVP_MD* md, std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    const unsigned char* ok = HMAC(
        md,
        key.data(),
        static_cast<int>(key.size()),
        bytes_of(message),
        message.size(),
        out.data(),
        &size
    );
    if (ok == nullptr) {
        throw std::runtime_error("HMAC failed");  // only on allocation failure
    }
    return to_hex_upper(out.data(), size);
}

std::string digest_hex(const EVP_MD* md, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    if (EVP_Digest(message.data(), message.size(), out.data(), &size, md, nullptr) != 1) {
        throw std::runtime_error("EVP_Digest failed");
    }
    return to_hex_upper(out.data(), size);
}

char upper_ascii(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool equal_ignore_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    unsigned diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned>(
            static_cast<unsigned char>(upper_ascii(a[i])) ^
            static_cast<unsigned char>(upper_ascii(b[i]))
        );
    }
    return diff == 0;
}

}  // namespace

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
    for (const auto& [name, value] : params) {  // std::map: already sorted byte-wise
        if (name == "sign") {
            continue;
        }
        out.append(name);
        out.append(value);
    }
    return out;
}

std::string compute_sign(
    const Params& params, std::string_view secret, SignMethod method, std::string_view api_path
) {
    const std::string canonical = canonical_string(params, api_path);
    switch (method) {
        case SignMethod::kSha256:
            return hmac_sha256_hex(secret, canonical);
        case SignMethod::kHmacMd5:
            return hmac_md5_hex(secret, canonical);
        case SignMethod::kMd5: {
            std::string wrapped;
            wrapped.reserve(canonical.size() + 2 * secret.size());
            wrapped.append(secret).append(canonical).append(secret);
            return md5_hex(wrapped);
        }
    }
    return {};
}

std::string_view api_path_for(std::string_view method_name) {
    return method_name.find('/') == std::string_view::npos ? std::string_view{} : method_name;
}

SignCheck verify_signature(const Params& params, std::string_view secret) {
    const std::string* method_param = find_param(params, "sign_method");
    const std::string* sign = find_param(params, "sign");
    if (method_param == nullptr || sign == nullptr) {
        return SignCheck::kMismatch;
    }
    const auto method = parse_sign_method(*method_param);
    if (!method) {
        return SignCheck::kUnsupportedMethod;
    }
    const std::string* api_method = find_param(params, "method");
    const std::string_view path =
        api_method == nullptr ? std::string_view{} : api_path_for(*api_method);
    const std::string expected = compute_sign(params, secret, *method, path);
    return equal_ignore_case(expected, *sign) ? SignCheck::kValid : SignCheck::kMismatch;
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

}  // namespace scout::sim
