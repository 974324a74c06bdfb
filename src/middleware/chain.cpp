#include <scout/middleware/access_log.hpp>
#include <scout/middleware/admin_auth.hpp>
#include <scout/middleware/chain.hpp>
#include <scout/middleware/recover.hpp>
#include <scout/middleware/request_id.hpp>

namespace scout::middleware {

void assemble(http::Pipeline& pipeline, const ChainContext& context) {
    // request_id first: every later line, log and error body (even a 500) carries the id.
    pipeline.use(RequestId{});
    // access_log next: it times the whole chain and logs and counts the final status,
    // including the 500 that recover produces and any short-circuit (401, 403, 304).
    pipeline.use(AccessLog(context.config.log.access, context.metrics, context.journal, pipeline.router()));
    // recover innermost of the framing middlewares: an exception from a handler or a later
    // middleware becomes a JSON 500 that the two above still decorate and log.
    pipeline.use(Recover{});
    // admin_auth before any work on admin routes; other routes pass through at the cost of
    // one flag test.
    pipeline.use(AdminAuth(context.config.admin.token));
}

}  // namespace scout::middleware
