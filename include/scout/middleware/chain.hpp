// Assembles the middleware chain of one worker, outermost first (see chain.cpp for why each
// middleware sits where it does). Called once per worker at start-up.
#pragma once

#include <scout/http/pipeline.hpp>

namespace scout::middleware {

void assemble(http::Pipeline& pipeline);

}  // namespace scout::middleware
