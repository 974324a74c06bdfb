// The admin status page in a real browser: headless Chromium (Debian's package) loads
// /admin/ from a running scout, runs the page's script against the live admin endpoints, and
// the test reads the rendered DOM; a screenshot is saved as a test artifact.
#include "scout_process.hpp"
#include "sim_process.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

namespace scout::test {
namespace {

const std::string kToken = "admin-page-test-token";

// Chromium as the probe of this machine kind runs it: headless, no sandbox (root), no
// background traffic, a fresh profile. Virtual time lets the page's 2 s polls run quickly.
std::string chromium(const std::string& profile, const std::string& what, const std::string& url) {
    return "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic "
           "--no-first-run --disable-background-networking --disable-component-update "
           "--disable-sync --disable-dev-shm-usage --user-data-dir=" +
           profile + " --window-size=1280,900 --virtual-time-budget=7000 " + what + " '" + url +
           "'";
}

std::string run_capture(const std::string& command, const std::string& out) {
    const int status = std::system((command + " > " + out + " 2>/dev/null").c_str());
    EXPECT_EQ(WEXITSTATUS(status), 0) << command;
    return read_file(out);
}

// The text of the element with this id in a dumped DOM (first text node), or empty.
std::string element_text(const std::string& dom, const std::string& id) {
    const std::regex pattern("id=\"" + id + "\"[^>]*>([^<]*)<");
    std::smatch match;
    return std::regex_search(dom, match, pattern) ? match[1].str() : std::string();
}

TEST(AdminPage, RendersLiveNumbersInHeadlessChromium) {
    // Healthy needs its dependencies: the sim as upstream, no Redis configured.
    SimProcess sim;
    ScoutProcess::Options options;
    options.settings = sim.scout_settings();
    options.settings.emplace_back("admin.token", kToken);
    options.settings.emplace_back("redis.url", "");
    ScoutProcess scout(std::move(options));
    for (int i = 0; i < 25; ++i) {
        ASSERT_TRUE(http_get(scout.port(), "/health"));
    }
    const auto page = http_get(scout.port(), "/admin/");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(
        page->header("content-security-policy").find("default-src 'none'"), std::string::npos
    );
    EXPECT_EQ(page->body.find("<script src"), std::string::npos) << "no external script";
    EXPECT_EQ(page->body.find("https://"), std::string::npos) << "no external resource";

    const TempDir dir;
    const std::string url =
        "http://127.0.0.1:" + std::to_string(scout.port()) + "/admin/#token=" + kToken;
    const std::string dom =
        run_capture(chromium(dir.path() + "/profile", "--dump-dom", url), dir.path() + "/dom.html");
    ASSERT_FALSE(dom.empty());

    EXPECT_GE(std::atoi(element_text(dom, "polls").c_str()), 2) << dom.substr(0, 4000);
    EXPECT_GE(std::atoi(element_text(dom, "total-requests").c_str()), 25);
    EXPECT_EQ(element_text(dom, "health"), "healthy");
    for (const char* component : {"upstream", "redis", "memory_cache", "event_loop"}) {
        EXPECT_NE(dom.find(std::string(">") + component), std::string::npos)
            << "component " << component;
    }
    EXPECT_EQ(element_text(dom, "version").empty(), false);
    EXPECT_NE(element_text(dom, "p50"), "–");
    EXPECT_NE(dom.find("<td>health</td>"), std::string::npos) << "routes table";
    EXPECT_EQ(element_text(dom, "error"), "");
    EXPECT_TRUE(dom.find("id=\"login\" hidden") != std::string::npos)
        << "logged in by the fragment";

    // A wrong token: the page asks for it again instead of showing numbers.
    const std::string refused = run_capture(
        chromium(dir.path() + "/profile2", "--dump-dom", url + "-wrong"), dir.path() + "/dom2.html"
    );
    EXPECT_EQ(element_text(refused, "login-error"), "token refused");

    const std::string artifacts = std::string(SCOUT_BINARY_DIR) + "/test-artifacts";
    std::filesystem::create_directories(artifacts);
    const std::string png = artifacts + "/admin-page.png";
    std::filesystem::remove(png);
    run_capture(
        chromium(dir.path() + "/profile3", "--screenshot=" + png, url), dir.path() + "/shot.txt"
    );
    EXPECT_TRUE(std::filesystem::exists(png));
    EXPECT_GT(std::filesystem::file_size(png), 10'000U);
}

}  // namespace
}  // namespace scout::test
