#include <scout/middleware/access_log.hpp>
#include <scout/middleware/chain.hpp>
#include <scout/middleware/recover.hpp>
#include <scout/middleware/request_id.hpp>

namespace scout::middleware {

void assemble(http::Pipeline& pipeline) {
    // request_id first: every later line, log and error body (even a 500) carries the id.
    pipeline.use(RequestId{});
    // access_log next: it times the whole chain and logs the final status, including the
    // 500 that recover produces and any short-circuit (429, 401, 304) added later.
    pipeline.use(AccessLog{});
    // recover innermost of the framing middlewares: an exception from a handler or a later
    // middleware becomes a JSON 500 that the two above still decorate and log.
    pipeline.use(Recover{});
    // Later: rate_limit, admin_auth, conditional (ETag), compression — in that order.
}

}  // namespace scout::middleware
