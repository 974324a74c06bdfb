#include <scout/http/response.hpp>
#include <scout/http/router.hpp>
#include <scout/middleware/api_key.hpp>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <string>

namespace scout::middleware {
namespace {

constexpr std::string_view kHeader = "X-API-Key";

std::array<unsigned char, 32> sha256(std::string_view text) {
    std::array<unsigned char, 32> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return digest;
}

// A key's bucket is named by its id (a digest of it), so that a reload keeps the bucket of a
// key whose limits change, and a new key with a new id starts full.
ClientKey bucket_of(std::string_view id) {
    const auto digest = sha256(id);
    ClientKey key{.kind = ClientKey::Kind::kApiKey};
    std::copy_n(digest.begin(), key.bytes.size(), key.bytes.begin());
    return key;
}

std::shared_ptr<const KeySet> key_set(const config::Config& config) {
    return std::make_shared<const KeySet>(config.auth);
}

http::Response unauthorized(const http::RequestContext& ctx, std::string_view message) {
    http::Response response = http::error_response(
        http::Status::unauthorized, "unauthorized", message, ctx.request_id, ctx.request.version()
    );
    response.set(boost::beast::http::field::www_authenticate, R"(ApiKey realm="scout")");
    return response;
}

monitoring::Counter& checks_counter(monitoring::Registry& metrics, const std::string& outcome) {
    return metrics
        .counter(
            "scout_api_key_checks_total", "API key checks on product routes by outcome", {"outcome"}
        )
        .with({outcome});
}

}  // namespace

KeySet::KeySet(const config::AuthConfig& auth) : required(auth.required) {
    for (const auto& entry : auth.api_keys) {
        if (auto key = config::parse_api_key(entry)) {  // validated at load: never skips
            keys.push_back({*key, bucket_of(key->id)});
        }
    }
}

const KeySet::Key* KeySet::find(std::string_view presented) const {
    const auto digest = sha256(presented);
    const Key* found = nullptr;
    for (const Key& key : keys) {
        if (CRYPTO_memcmp(digest.data(), key.config.sha256.data(), digest.size()) == 0) {
            found = &key;
        }
    }
    return found;
}

const KeySet::Key* KeySet::by_id(std::string_view id) const {
    const auto it =
        std::find_if(keys.begin(), keys.end(), [&](const Key& k) { return k.config.id == id; });
    return it == keys.end() ? nullptr : &*it;
}

ApiKeyState::ApiKeyState(const config::Config& config, monitoring::Registry& metrics)
    : keys_(key_set(config)),
      valid_(checks_counter(metrics, "valid")),
      missing_(checks_counter(metrics, "missing")),
      wrong_(checks_counter(metrics, "wrong")) {}

void ApiKeyState::reload(const config::Config& next) {
    keys_.publish(key_set(next));
}

void ApiKeyState::count(KeyCheck check) {
    switch (check) {
        case KeyCheck::kValid:
            valid_.inc();
            break;
        case KeyCheck::kMissing:
            missing_.inc();
            break;
        case KeyCheck::kWrong:
            wrong_.inc();
            break;
        case KeyCheck::kNone:
            break;
    }
}

bool is_product_route(const http::RequestContext& ctx) {
    return ctx.route == nullptr || (!ctx.route->options.admin && !ctx.route->options.exempt);
}

KeyCheck ApiKeyAuth::check(
    const KeySet& keys, std::string_view presented, const KeySet::Key*& key
) {
    key = nullptr;
    if (presented.empty()) {
        return keys.required ? KeyCheck::kMissing : KeyCheck::kNone;
    }
    if (keys.keys.empty()) {
        return KeyCheck::kNone;  // no keys configured: a stray header means nothing
    }
    key = keys.find(presented);
    return key != nullptr ? KeyCheck::kValid : KeyCheck::kWrong;
}

awaitable<http::Response> ApiKeyAuth::operator()(http::RequestContext& ctx, http::Next next) {
    if (ctx.route == nullptr || !is_product_route(ctx)) {
        co_return co_await next(ctx);
    }
    const KeySet::Key* key = nullptr;
    const KeyCheck result = check(keys_.get(), ctx.request[kHeader], key);
    state_->count(result);
    switch (result) {
        case KeyCheck::kValid:
            ctx.api_key_id = key->config.id;
            break;
        case KeyCheck::kMissing:
            co_return unauthorized(ctx, "this route needs an X-API-Key header");
        case KeyCheck::kWrong:
            co_return unauthorized(ctx, "the X-API-Key is not valid");
        case KeyCheck::kNone:
            break;
    }
    co_return co_await next(ctx);
}

}  // namespace scout::middleware
