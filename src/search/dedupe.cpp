#include <scout/search/dedupe.hpp>
#include <scout/search/text.hpp>

#include <algorithm>
#include <cstdint>
#include <unordered_map>

namespace scout::search {
namespace {

using TokenSet = std::vector<std::string_view>;  // sorted, unique

TokenSet token_set(std::string_view normalized) {
    TokenSet tokens = split_tokens(normalized);
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    return tokens;
}

double jaccard(const TokenSet& a, const TokenSet& b) {
    if (a.empty() || b.empty()) {
        return 0.0;
    }
    std::size_t common = 0;
    auto ia = a.begin();
    auto ib = b.begin();
    while (ia != a.end() && ib != b.end()) {
        if (*ia < *ib) {
            ++ia;
        } else if (*ib < *ia) {
            ++ib;
        } else {
            ++common;
            ++ia;
            ++ib;
        }
    }
    const std::size_t united = a.size() + b.size() - common;
    return static_cast<double>(common) / static_cast<double>(united);
}

// Higher quality_score first; input order on ties (also for NaN scores, which compare false).
bool better(const Product& a, std::size_t ia, const Product& b, std::size_t ib) {
    if (a.quality_score > b.quality_score) {
        return true;
    }
    if (b.quality_score > a.quality_score) {
        return false;
    }
    return ia < ib;
}

}  // namespace

double token_set_similarity(std::string_view normalized_a, std::string_view normalized_b) {
    return jaccard(token_set(normalized_a), token_set(normalized_b));
}

DedupeReport dedupe(std::vector<Product>& products, const DedupeOptions& options) {
    DedupeReport report;
    const std::size_t n = products.size();
    std::vector<bool> dropped(n, false);

    // 1. Same product id.
    std::unordered_map<std::int64_t, std::size_t> best_by_id;
    best_by_id.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto [it, inserted] = best_by_id.try_emplace(products[i].product_id, i);
        if (inserted) {
            continue;
        }
        ++report.same_id;
        if (better(products[i], i, products[it->second], it->second)) {
            dropped[it->second] = true;
            it->second = i;
        } else {
            dropped[i] = true;
        }
    }

    // 2. Near-duplicates within a shop, best first.
    if (options.title_similarity <= 1.0) {
        std::unordered_map<std::int64_t, std::vector<std::size_t>> by_shop;
        for (std::size_t i = 0; i < n; ++i) {
            if (!dropped[i] && products[i].shop) {
                by_shop[products[i].shop->id].push_back(i);
            }
        }
        for (auto& entry : by_shop) {
            std::vector<std::size_t>& members = entry.second;
            if (members.size() < 2) {
                continue;
            }
            std::sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
                return better(products[a], a, products[b], b);
            });
            std::vector<TokenSet> kept;
            for (const std::size_t i : members) {
                TokenSet tokens = token_set(products[i].normalized_title);
                const bool duplicate =
                    std::any_of(kept.begin(), kept.end(), [&](const TokenSet& k) {
                        return jaccard(tokens, k) >= options.title_similarity;
                    });
                if (duplicate) {
                    dropped[i] = true;
                    ++report.near_duplicate;
                } else {
                    kept.push_back(std::move(tokens));
                }
            }
        }
    }

    if (report.total() > 0) {
        std::size_t out = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!dropped[i]) {
                if (out != i) {
                    products[out] = std::move(products[i]);
                }
                ++out;
            }
        }
        products.resize(out);
    }
    return report;
}

}  // namespace scout::search
