// Assembles the middleware chain of one worker, outermost first (see chain.cpp for why each
// middleware sits where it does). Called once per worker at start-up.
//
// The seam: a middleware is built from ChainContext - the configuration it was started with
// and the objects shared by every worker (the metrics registry, and later buckets) - so that
// its per-request part stays thin (Envoy's filter config vs filter). Adding a middleware is a
// file pair in src/middleware/ and one line in assemble().
#pragma once

#include <scout/config/config.hpp>
#include <scout/http/pipeline.hpp>
#include <scout/monitoring/metrics.hpp>
#include <scout/monitoring/request_journal.hpp>

namespace scout::middleware {

struct ChainContext {
    const config::Config& config;
    monitoring::Registry& metrics;
    monitoring::RequestJournal& journal;
};

void assemble(http::Pipeline& pipeline, const ChainContext& context);

}  // namespace scout::middleware
