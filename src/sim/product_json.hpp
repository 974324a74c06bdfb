// Rendering of catalogue products into the gateway's Product JSON object (api doc §3.6),
// applying the per-product quirk decisions, plus the URL helpers shared by link.generate.
// Pure functions (the Rng is the caller's); thread-compatible.
#pragma once

#include "sim/catalogue.hpp"
#include "sim/currency.hpp"
#include "sim/envelope.hpp"
#include "sim/rng.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scout::sim {

struct RenderContext {
    const Currency* currency = nullptr;       // target currency; nullptr = USD
    std::string_view tracking_id;             // empty: products carry no promotion_link
    std::string_view ship_to_country = "US";  // used in the free-text ship_to_days
    Rng* per_call_rng = nullptr;              // set: promotion links differ on every call
};

Json render_product(const Catalogue& catalogue, const Product& product, const RenderContext& ctx);

// "https://www.aliexpress.com/item/<id>.html" (no quirks): what a client would send to
// link.generate.
std::string canonical_detail_url(const Product& product);

// "https://s.click.aliexpress.com/e/_XXXXXXXX", new on every call.
std::string short_promotion_link(Rng& rng);

// Product id of an item URL on any aliexpress host ("…/item/1005006123456789.html?…",
// protocol-relative or scheme-less), or of a bare numeric id; nullopt otherwise.
std::optional<std::int64_t> product_id_from_source(std::string_view source);

// "95.3%" from 953 permille; "7.5%" from 750 basis points.
std::string permille_percent(unsigned permille);
std::string basis_points_percent(unsigned basis_points);

}  // namespace scout::sim
