// `routesim run --html`: one self-contained page whose inline SVG charts carry the report's
// per-minute series, checked in the file and rendered by headless Chromium (Debian's
// `chromium`, installed by tools/setup.sh --deps).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

#include "core/common/file_io.h"
#include "core/common/json.h"
#include "tests/support/temp_dir.h"
#include "tools/routesim/run_command.h"

namespace routesim {
namespace {

const std::string kScenario =
    std::string(ROUTESIM_SCENARIOS_DIR) + "/storage-behind-firewall.scenario.json";

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string slurp(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

class HtmlReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cli::RunOptions o;
    o.scenario_file = kScenario;
    o.report_file = (dir_ / "report.json").string();
    o.html_file = (dir_ / "report.html").string();
    o.out_dir = (dir_ / "out").string();
    o.quiet = true;
    std::ostringstream out, err;
    ASSERT_EQ(cli::runRun(o, out, err), 0) << out.str() << err.str();
    html_ = *readFile(o.html_file);
    report_ = std::move(json::parse(*readFile(o.report_file))).value();
  }
  testing::TempDir tmp_{"routesim-html-test"};
  const std::filesystem::path& dir_ = tmp_.path();
  std::string html_;
  json::Value report_;
};

// The series of a chart as the page writes them: data-values of the polyline.
std::string valuesOf(const std::string& html, const std::string& chart, const std::string& s) {
  size_t at = html.find("data-chart=\"" + chart + "\"");
  if (at == std::string::npos) return "<no chart>";
  at = html.find("data-series=\"" + s + "\" data-values=\"", at);
  if (at == std::string::npos) return "<no series>";
  at = html.find("data-values=\"", at) + 13;
  return html.substr(at, html.find('"', at) - at);
}

std::string joined(const json::Value& array) {
  std::string out;
  for (const json::Value& v : array.items()) {
    if (!out.empty()) out += ',';
    out += std::to_string(static_cast<uint64_t>(v.number()));
  }
  return out;
}

TEST_F(HtmlReportTest, IsSelfContainedWithAChartPerEndpointCarryingTheSeries) {
  EXPECT_EQ(html_.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html_, "<script"), 0u);  // nothing to run, nothing to fetch
  EXPECT_EQ(count(html_, "src=\"http"), 0u);
  EXPECT_EQ(count(html_, "<svg class=\"chart\""), 3u);  // ingress, events, cold
  const json::Value& series = *report_.find("series");
  EXPECT_EQ(valuesOf(html_, "ingress", "sent"),
            joined(*series.find("d2c.telemetry.ingress.allProtocol")));
  EXPECT_EQ(valuesOf(html_, "endpoint:cold", "delivered"),
            joined(*series.find("endpoints")->find("cold")->find("delivered")));
  EXPECT_EQ(valuesOf(html_, "endpoint:events", "dropped"),
            joined(*series.find("endpoints")->find("events")->find("dropped")));
  // The denial and its explanation, escaped ('contoso-hub' has quotes).
  EXPECT_NE(html_.find("AuthorizationPermissionMismatch"), std::string::npos);
  EXPECT_NE(html_.find("&#39;contoso-hub&#39;"), std::string::npos);
  EXPECT_NE(html_.find("class=\"badge ok\""), std::string::npos);
}

TEST_F(HtmlReportTest, RendersInHeadlessChromium) {
  const char* chromium = "/usr/bin/chromium";
  if (!std::filesystem::exists(chromium)) {
    if (getenv("ROUTESIM_REQUIRE_CHROMIUM") != nullptr) FAIL() << "chromium is not installed";
    GTEST_SKIP() << "chromium is not installed (tools/setup.sh --deps installs it)";
  }
  std::string flags =
      " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir=" +
      (dir_ / "profile").string() + " ";
  std::string page = "file://" + (dir_ / "report.html").string();
  // The DOM after rendering: the charts and their lines exist.
  std::string dom = slurp(std::string(chromium) + flags + "--dump-dom " + page + " 2>/dev/null");
  EXPECT_EQ(count(dom, "<svg class=\"chart\""), 3u) << dom.substr(0, 500);
  EXPECT_EQ(count(dom, "<polyline class=\"series\""), 9u);  // three series per chart
  EXPECT_NE(dom.find("data-chart=\"endpoint:cold\""), std::string::npos);
  // A screenshot of the page.
  std::string png = (dir_ / "report.png").string();
  slurp(std::string(chromium) + flags + "--window-size=1200,2000 --screenshot=" + png + " " + page +
        " 2>&1");
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 20000u);  // not a blank page
  auto bytes = readFile(png);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->substr(1, 3), "PNG");
}

}  // namespace
}  // namespace routesim
