// Response body for Beast that either owns its bytes or shares an immutable buffer, so a
// cached response (body, gzip form) is written without copying. A body may also carry the
// same bytes already gzip-compressed: the compression middleware then sends those instead
// of compressing again. Not thread-safe per value;
// shared buffers are immutable and may be read from any thread.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace scout::http {

struct SharedBody {
    // NOLINTNEXTLINE(readability-identifier-naming): names required by Beast's Body concept.
    class value_type {
    public:
        value_type() = default;
        value_type(std::string text)
            : owned_(std::move(text)) {}  // NOLINT(google-explicit-constructor)
        value_type(std::shared_ptr<const std::string> shared
        )  // NOLINT(google-explicit-constructor)
            : shared_(std::move(shared)) {}

        [[nodiscard]] std::string_view view() const {
            return shared_ ? std::string_view(*shared_) : std::string_view(owned_);
        }
        [[nodiscard]] std::size_t size() const { return view().size(); }
        [[nodiscard]] bool empty() const { return view().empty(); }
        void clear() {
            shared_.reset();
            owned_.clear();
            gzip_.reset();
        }

        // The gzip of these bytes, when the producer has it (else null).
        [[nodiscard]] const std::shared_ptr<const std::string>& precompressed_gzip() const {
            return gzip_;
        }
        void set_precompressed_gzip(std::shared_ptr<const std::string> gzip) {
            gzip_ = std::move(gzip);
        }

    private:
        std::shared_ptr<const std::string> shared_;
        std::shared_ptr<const std::string> gzip_;
        std::string owned_;
    };

    static std::uint64_t size(const value_type& body) { return body.size(); }

    // NOLINTNEXTLINE(readability-identifier-naming): names required by Beast's Body concept.
    class writer {
    public:
        using const_buffers_type = boost::asio::const_buffer;

        template <bool IsRequest, class Fields>
        writer(
            const boost::beast::http::header<IsRequest, Fields>& /*header*/, const value_type& body
        )
            : body_(body) {}

        void init(boost::system::error_code& ec) { ec = {}; }

        boost::optional<std::pair<const_buffers_type, bool>> get(boost::system::error_code& ec) {
            ec = {};
            const std::string_view bytes = body_.view();
            return {{const_buffers_type(bytes.data(), bytes.size()), false}};
        }

    private:
        const value_type& body_;
    };
};

}  // namespace scout::http
