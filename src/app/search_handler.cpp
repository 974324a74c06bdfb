#include "app/search_handler.hpp"

#include <scout/http/response.hpp>

#include <boost/url/parse_query.hpp>
#include <nlohmann/json.hpp>

namespace scout::app {
namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

nlohmann::json product_json(const upstream::RawProduct& p) {
    return {
        {"product_id", std::to_string(p.product_id)},
        {"title", p.title},
        {"sale_price", p.target_sale_price.empty() ? p.sale_price : p.target_sale_price},
        {"currency",
         p.target_sale_price.empty() ? p.sale_price_currency : p.target_sale_price_currency},
        {"original_price",
         p.target_original_price.empty() ? p.original_price : p.target_original_price},
        {"discount", p.discount},
        {"evaluate_rate", p.evaluate_rate},
        {"orders", p.lastest_volume},
        {"image_url", p.main_image_url},
        {"product_url", p.detail_url},
        {"affiliate_url",
         p.promotion_link.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.promotion_link)},
        {"shop", {{"id", p.shop_id}, {"name", p.shop_name}}},
        {"category_id",
         p.second_level_category_id != 0 ? p.second_level_category_id : p.first_level_category_id},
    };
}

http::Response bad_parameter(const http::RequestContext& ctx, std::string_view message) {
    return http::error_response(
        http::Status::bad_request,
        "invalid_parameter",
        message,
        ctx.request_id,
        ctx.request.version()
    );
}

}  // namespace

http::Response upstream_error_response(
    const upstream::UpstreamError& error, const http::RequestContext& ctx
) {
    using upstream::upstream_errc;
    http::Status status = http::Status::bad_gateway;
    std::string_view code = "upstream_error";
    std::string message = "the product catalogue upstream failed";
    if (error.code == upstream_errc::kCircuitOpen ||
        error.error_class == upstream::ErrorClass::kRateLimited) {
        status = http::Status::service_unavailable;
        code = "upstream_unavailable";
        message = "the product catalogue upstream is temporarily unavailable";
    } else if (error.code == upstream_errc::kTimeout || error.code == upstream_errc::kDeadlineExceeded) {
        status = http::Status::gateway_timeout;
        code = "upstream_timeout";
        message = "the product catalogue upstream did not answer in time";
    }
    http::Response response =
        http::error_response(status, code, message, ctx.request_id, ctx.request.version());
    if (status == http::Status::service_unavailable) {
        const auto seconds = std::max<std::int64_t>(
            1,
            std::chrono::duration_cast<std::chrono::seconds>(
                error.retry_after + std::chrono::milliseconds(999)
            )
                .count()
        );
        response.set(boost::beast::http::field::retry_after, std::to_string(seconds));
    }
    return response;
}

awaitable<http::Response> SearchHandler::operator()(http::RequestContext& ctx) const {
    // Boost.URL 1.81's parse_query reads its argument as a NUL-terminated string: parse an
    // owned copy, never a view into the request target.
    const std::string query_text(ctx.query);
    auto parsed = boost::urls::parse_query(query_text);
    if (!parsed) {
        co_return bad_parameter(ctx, "the query string is malformed");
    }
    std::string q;
    bool has_q = false;
    int page_size = 20;
    boost::urls::encoding_opts plus_is_space;
    plus_is_space.space_as_plus = true;
    for (const auto& param : *parsed) {
        const std::string key = param.key.decode(plus_is_space);
        const std::string value = param.value.decode(plus_is_space);
        if (key == "q") {
            q = std::string(trim(value));
            has_q = true;
        } else if (key == "page_size") {
            try {
                std::size_t used = 0;
                page_size = std::stoi(value, &used);
                if (used != value.size() || page_size < 1 || page_size > 50) {
                    co_return bad_parameter(ctx, "page_size must be an integer between 1 and 50");
                }
            } catch (const std::exception&) {
                co_return bad_parameter(ctx, "page_size must be an integer between 1 and 50");
            }
        } else {
            co_return bad_parameter(ctx, "unknown parameter '" + key + "'; allowed: q, page_size");
        }
    }
    if (!has_q || q.empty() || q.size() > 200) {
        co_return bad_parameter(ctx, "q is required: 1-200 characters after trimming");
    }

    const auto cfg = config_();
    upstream::ProductQuery query;
    query.keywords = q;
    query.page_size = page_size;
    query.target_currency = cfg->upstream.target_currency;
    query.target_language = cfg->upstream.target_language;
    query.tracking_id = cfg->upstream.tracking_id;
    // Arguments of a co_await'ed call are named locals: GCC 12 may destroy temporaries in a
    // co_await expression twice.
    upstream::CallOptions call_options;
    call_options.request_id = ctx.request_id;
    auto result = co_await source_->query_products(std::move(query), std::move(call_options));
    if (!result) {
        co_return upstream_error_response(result.error(), ctx);
    }
    nlohmann::json products = nlohmann::json::array();
    for (const auto& product : result->products) {
        products.push_back(product_json(product));
    }
    const auto took =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - ctx.start);
    const nlohmann::json body = {
        {"query", {{"q", q}, {"page_size", page_size}}},
        {"products", std::move(products)},
        {"page",
         {{"size", result->products.size()}, {"total_estimate", result->total_record_count}}},
        {"meta", {{"request_id", ctx.request_id}, {"took_ms", took.count()}}},
    };
    co_return http::json_response(
        http::Status::ok,
        body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
        ctx.request.version()
    );
}

}  // namespace scout::app
