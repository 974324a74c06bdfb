#include "sim/faults.hpp"

#include <gtest/gtest.h>

namespace scout::sim {
namespace {

constexpr std::string_view kQuery = "aliexpress.affiliate.product.query";
constexpr std::string_view kLink = "aliexpress.affiliate.link.generate";

FaultSpec spec_of(const char* json) {
    auto spec = parse_fault_spec(nlohmann::json::parse(json));
    EXPECT_TRUE(spec) << json << ": " << (spec ? "" : spec.error().message);
    return spec ? *spec : FaultSpec{};
}

TEST(FaultSpec, ParsesAllFields) {
    const FaultSpec spec = spec_of(
        R"({"kind":"rate_limit","rate":0.5,"method":"aliexpress.affiliate.product.query","count":3,"ban_seconds":7})"
    );
    EXPECT_EQ(spec.kind, FaultKind::kRateLimit);
    EXPECT_DOUBLE_EQ(spec.rate, 0.5);
    EXPECT_EQ(spec.method, kQuery);
    EXPECT_EQ(spec.count, 3);
    EXPECT_EQ(spec.ban_seconds, 7);
}

TEST(FaultSpec, Defaults) {
    const FaultSpec spec = spec_of(R"({"kind":"http_503"})");
    EXPECT_DOUBLE_EQ(spec.rate, 1.0);
    EXPECT_TRUE(spec.method.empty());
    EXPECT_FALSE(spec.count);
    EXPECT_EQ(spec.ban_seconds, 1);
}

TEST(FaultSpec, EveryDocumentedKindParses) {
    for (const char* kind :
         {"http_503",
          "http_502_html",
          "timeout",
          "reset",
          "rate_limit",
          "isp_error",
          "invalid_signature",
          "truncated_json",
          "link_generate_fail",
          "resp_code_404",
          "delay"}) {
        const auto spec = parse_fault_spec({{"kind", kind}});
        ASSERT_TRUE(spec) << kind;
        EXPECT_EQ(fault_kind_name(spec->kind), kind);
    }
}

TEST(FaultSpec, LinkGenerateFailIsBoundToLinkGenerate) {
    EXPECT_EQ(spec_of(R"({"kind":"link_generate_fail"})").method, kLink);
}

TEST(FaultSpec, RejectsBadBodies) {
    for (const char* bad : {
             R"([])",
             R"({})",
             R"({"kind":"explode"})",
             R"({"kind":3})",
             R"({"kind":"http_503","rate":1.5})",
             R"({"kind":"http_503","rate":"high"})",
             R"({"kind":"http_503","count":0})",
             R"({"kind":"http_503","count":-2})",
             R"({"kind":"http_503","method":"no.such.method"})",
             R"({"kind":"rate_limit","ban_seconds":-1})",
             R"({"kind":"http_503","colour":"red"})",
         }) {
        EXPECT_FALSE(parse_fault_spec(nlohmann::json::parse(bad))) << bad;
    }
}

TEST(FaultPlan, RateIsRespected) {
    FaultPlan plan;
    plan.add(spec_of(R"({"kind":"isp_error","rate":0.3})"));
    Rng rng(123);
    int fired = 0;
    for (int i = 0; i < 10000; ++i) {
        fired += plan.roll(FaultStage::kApplication, kQuery, rng) ? 1 : 0;
    }
    EXPECT_NEAR(fired, 3000, 200);
}

TEST(FaultPlan, CountLimitsInjectionsThenFaultIsRemoved) {
    FaultPlan plan;
    plan.add(spec_of(R"({"kind":"http_503","count":2})"));
    Rng rng(1);
    EXPECT_TRUE(plan.roll(FaultStage::kTransport, kQuery, rng));
    EXPECT_TRUE(plan.roll(FaultStage::kTransport, kQuery, rng));
    EXPECT_FALSE(plan.roll(FaultStage::kTransport, kQuery, rng));
    EXPECT_TRUE(plan.active().empty());
}

TEST(FaultPlan, MethodFilter) {
    FaultPlan plan;
    plan.add(spec_of(R"({"kind":"isp_error","method":"aliexpress.affiliate.link.generate"})"));
    Rng rng(1);
    EXPECT_FALSE(plan.roll(FaultStage::kApplication, kQuery, rng));
    EXPECT_TRUE(plan.roll(FaultStage::kApplication, kLink, rng));
}

TEST(FaultPlan, StagesAreSeparate) {
    FaultPlan plan;
    plan.add(spec_of(R"({"kind":"reset"})"));
    plan.add(spec_of(R"({"kind":"truncated_json"})"));
    Rng rng(1);
    const auto transport = plan.roll(FaultStage::kTransport, kQuery, rng);
    ASSERT_TRUE(transport);
    EXPECT_EQ(transport->kind, FaultKind::kReset);
    const auto application = plan.roll(FaultStage::kApplication, kQuery, rng);
    ASSERT_TRUE(application);
    EXPECT_EQ(application->kind, FaultKind::kTruncatedJson);
}

TEST(FaultPlan, FirstFiringFaultWinsAndOthersKeepTheirBudget) {
    FaultPlan plan;
    const auto first = plan.add(spec_of(R"({"kind":"isp_error","count":1})"));
    const auto second = plan.add(spec_of(R"({"kind":"rate_limit","count":1})"));
    EXPECT_LT(first, second);
    Rng rng(1);
    EXPECT_EQ(plan.roll(FaultStage::kApplication, kQuery, rng)->kind, FaultKind::kIspError);
    EXPECT_EQ(plan.roll(FaultStage::kApplication, kQuery, rng)->kind, FaultKind::kRateLimit);
    EXPECT_FALSE(plan.roll(FaultStage::kApplication, kQuery, rng));
}

TEST(FaultPlan, ZeroRateNeverFiresAndClearEmpties) {
    FaultPlan plan;
    plan.add(spec_of(R"({"kind":"http_503","rate":0})"));
    Rng rng(5);
    for (int i = 0; i < 100; ++i) {
        EXPECT_FALSE(plan.roll(FaultStage::kTransport, kQuery, rng));
    }
    EXPECT_EQ(plan.to_json().size(), 1U);
    plan.clear();
    EXPECT_TRUE(plan.active().empty());
}

}  // namespace
}  // namespace scout::sim
