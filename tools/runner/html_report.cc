// The run report as one self-contained HTML file: no script, no network; charts are inline SVG.
#include <algorithm>
#include <string>

#include "core/common/duration.h"
#include "core/policy/profile.h"
#include "core/scenario/payload.h"
#include "tools/runner/scenario_run.h"

namespace routesim::runner {
namespace {

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

struct Series {
  std::string name;
  std::string color;
  std::vector<uint64_t> values;
};

// A line chart of per-minute counts: one polyline per series, the x axis in minutes, the y axis
// up to the largest value. Each polyline carries its values (data-values) for tools and tests.
std::string chart(std::string_view id, std::string_view title, const std::vector<Series>& series) {
  constexpr int kW = 720, kH = 200, kLeft = 56, kRight = 12, kTop = 24, kBottom = 28;
  uint64_t max = 1;
  size_t points = 0;
  for (const Series& s : series) {
    for (uint64_t v : s.values) max = std::max(max, v);
    points = std::max(points, s.values.size());
  }
  auto x = [&](size_t i) {
    double span = points > 1 ? static_cast<double>(points - 1) : 1.0;
    return kLeft + (kW - kLeft - kRight) * static_cast<double>(i) / span;
  };
  auto y = [&](uint64_t v) {
    return kTop + (kH - kTop - kBottom) * (1.0 - static_cast<double>(v) / static_cast<double>(max));
  };
  auto num = [](double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", d);
    return std::string(buf);
  };
  std::string out = "<figure><svg class=\"chart\" data-chart=\"" + escape(id) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kW) +
                    "\" height=\"" + std::to_string(kH) + "\" viewBox=\"0 0 " + std::to_string(kW) +
                    " " + std::to_string(kH) + "\" role=\"img\">";
  out += "<title>" + escape(title) + "</title>";
  out += "<text x=\"" + std::to_string(kLeft) + "\" y=\"16\" class=\"title\">" + escape(title) +
         "</text>";
  // Axes with the scale.
  out += "<line class=\"axis\" x1=\"" + std::to_string(kLeft) + "\" y1=\"" +
         std::to_string(kH - kBottom) + "\" x2=\"" + std::to_string(kW - kRight) + "\" y2=\"" +
         std::to_string(kH - kBottom) + "\"/>";
  out += "<line class=\"axis\" x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(kTop) +
         "\" x2=\"" + std::to_string(kLeft) + "\" y2=\"" + std::to_string(kH - kBottom) + "\"/>";
  out += "<text class=\"tick\" x=\"" + std::to_string(kLeft - 6) + "\" y=\"" +
         std::to_string(kTop + 4) + "\" text-anchor=\"end\">" + std::to_string(max) + "</text>";
  out += "<text class=\"tick\" x=\"" + std::to_string(kLeft - 6) + "\" y=\"" +
         std::to_string(kH - kBottom) + "\" text-anchor=\"end\">0</text>";
  out += "<text class=\"tick\" x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kH - 8) +
         "\">minute 0</text>";
  out += "<text class=\"tick\" x=\"" + std::to_string(kW - kRight) + "\" y=\"" +
         std::to_string(kH - 8) + "\" text-anchor=\"end\">minute " +
         std::to_string(points ? points - 1 : 0) + "</text>";
  int legend_x = kLeft + 220;
  for (const Series& s : series) {
    std::string values, pts;
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (i) {
        values += ',';
        pts += ' ';
      }
      values += std::to_string(s.values[i]);
      pts += num(x(i)) + "," + num(y(s.values[i]));
    }
    out += "<polyline class=\"series\" data-series=\"" + escape(s.name) + "\" data-values=\"" +
           values + "\" fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"2\" points=\"" +
           pts + "\"/>";
    out += "<rect x=\"" + std::to_string(legend_x) +
           "\" y=\"8\" width=\"10\" height=\"10\" fill=\"" + s.color +
           "\"/><text class=\"legend\" x=\"" + std::to_string(legend_x + 14) + "\" y=\"17\">" +
           escape(s.name) + "</text>";
    legend_x += 110;
  }
  out += "</svg></figure>\n";
  return out;
}

std::string row(std::initializer_list<std::string> cells, std::string_view cls = {}) {
  std::string out = cls.empty() ? "<tr>" : "<tr class=\"" + std::string(cls) + "\">";
  for (const std::string& c : cells) out += "<td>" + c + "</td>";
  return out + "</tr>\n";
}

std::string head(std::initializer_list<std::string_view> cells) {
  std::string out = "<tr>";
  for (std::string_view c : cells) out += "<th>" + std::string(c) + "</th>";
  return out + "</tr>\n";
}

}  // namespace

std::string reportHtml(const RunReport& r) {
  bool ok = r.exitCode() == 0;
  std::string out = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>routesim run: )" +
                    escape(r.scenario) +
                    R"(</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #1b1b1b; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.meta { color: #555; } .badge { display: inline-block; padding: 2px 10px; border-radius: 10px; color: #fff; font-weight: 600; }
.ok { background: #2e7d32; } .failed { background: #c62828; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } tr.bad td { background: #fdecea; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 8px 0; } svg.chart { background: #fafafa; border: 1px solid #e5e5e5; }
svg .axis { stroke: #888; } svg .tick, svg .legend { font-size: 11px; fill: #444; } svg .title { font-size: 13px; font-weight: 600; fill: #222; }
</style></head><body>
)";
  out += "<h1>" + escape(r.scenario) + " <span class=\"badge " +
         (ok ? "ok\">ok" : "failed\">FAILED") + "</span></h1>\n";
  out += "<p class=\"meta\">seed " + std::to_string(r.seed) + " &middot; profile " +
         escape(policy::profileName(r.profile)) + " &middot; " +
         escape(formatIsoDuration(r.duration_ns)) + " of virtual time from " +
         escape(scenario::formatIsoTime(r.start_unix_ns)) + "</p>\n";

  out += "<h2>Expectations</h2>\n<table>" + head({"", "expectation", "expected", "actual"});
  for (const ExpectationResult& e : r.expectations) {
    out +=
        row({e.ok ? "ok" : "<b>FAILED</b>", escape(e.text), escape(e.expected), escape(e.actual)},
            e.ok ? "" : "bad");
  }
  out += "</table>\n";

  if (!r.deployment_ok) {
    out += "<h2>Deployment failed</h2>\n<table>" + head({"path", "code", "message"});
    for (const ConfigIssue& i : r.deployment_errors)
      out += row({escape(i.path), escape(i.code), escape(i.message)}, "bad");
    out += "</table>\n</body></html>\n";
    return out;
  }

  out += "<h2>Messages</h2>\n<table>" +
         head({"sent", "rejected at ingress", "too large", "accepted", "orphaned", "delivered",
               "dropped", "invalid", "in flight at the end"});
  auto n = [](uint64_t v) { return std::to_string(v); };
  out += "<tr>";
  for (uint64_t v : {r.generated, r.rejected_at_ingress, r.too_large, r.accepted, r.orphaned,
                     r.delivered, r.dropped, r.invalid, r.in_flight})
    out += "<td class=\"num\">" + n(v) + "</td>";
  out += "</tr></table>\n";

  out += "<h2>Per minute</h2>\n";
  std::vector<uint64_t> attempts, accepted, rejected;
  for (const MinutePoint& p : r.series) {
    attempts.push_back(p.attempts);
    accepted.push_back(p.accepted);
    rejected.push_back(p.rejected);
  }
  out += chart("ingress", "Ingress",
               {{"sent", "#1565c0", attempts},
                {"accepted", "#2e7d32", accepted},
                {"rejected", "#c62828", rejected}});
  for (size_t s = 0; s < r.endpoints.size(); ++s) {
    std::vector<uint64_t> delivered, dropped, invalid;
    for (const MinutePoint& p : r.series) {
      delivered.push_back(p.delivered[s]);
      dropped.push_back(p.dropped[s]);
      invalid.push_back(p.invalid[s]);
    }
    const EndpointResult& e = r.endpoints[s];
    out += chart("endpoint:" + e.name, "Endpoint " + e.name + " (" + e.type + ")",
                 {{"delivered", "#2e7d32", delivered},
                  {"dropped", "#c62828", dropped},
                  {"invalid", "#ef6c00", invalid}});
  }

  out += "<h2>Endpoints</h2>\n<table>" + head({"endpoint", "type", "delivered", "dropped",
                                               "invalid", "health", "last known error"});
  for (const EndpointResult& e : r.endpoints) {
    std::string error = e.health.last_known_error == router::DeliveryFailure::kNone
                            ? std::string()
                            : escape(router::deliveryFailureName(e.health.last_known_error)) +
                                  (e.health.last_known_error_detail.empty()
                                       ? std::string()
                                       : ": " + escape(e.health.last_known_error_detail));
    out += row({escape(e.name), escape(e.type), n(e.delivered), n(e.dropped), n(e.invalid),
                escape(router::healthStatusName(e.health.status)), error},
               e.dropped > 0 ? "bad" : "");
  }
  out += "</table>\n";

  out += "<h2>Health transitions</h2>\n<table>" +
         head({"at", "endpoint", "from", "to", "last known error"});
  for (const HealthTransition& t : r.transitions) {
    out += row({escape(formatIsoDuration(t.at_ns)), escape(t.endpoint),
                escape(router::healthStatusName(t.from)), escape(router::healthStatusName(t.to)),
                escape(t.last_known_error)});
  }
  out += "</table>\n";

  out += "<h2>Denials</h2>\n<table>" + head({"kind", "source", "target", "status", "code", "reason",
                                             "messages", "first", "last", "explanation"});
  for (const policy::Denial& d : r.denials) {
    out += row({escape(policy::denialKindName(d.kind)), escape(d.source), escape(d.target),
                d.status ? n(static_cast<uint64_t>(*d.status)) : "no HTTP", escape(d.code),
                escape(d.reason), n(d.count), escape(formatIsoDuration(d.first_ns)),
                escape(formatIsoDuration(d.last_ns)), escape(d.explanation)},
               "bad");
  }
  out += "</table>\n";

  if (!r.timeline.empty()) {
    out += "<h2>Timeline</h2>\n<table>" + head({"at", "event", "action", "subject", "result"});
    for (const TimelineResult& t : r.timeline) {
      std::string result = t.ok ? "applied" : (t.expected ? "refused (expected)" : "refused");
      for (const ConfigIssue& i : t.errors) result += "<br>" + escape(i.code + ": " + i.message);
      out += row({escape(formatIsoDuration(t.at_ns)), escape(t.path), escape(t.action),
                  escape(t.subject), result},
                 t.ok || t.expected ? "" : "bad");
    }
    out += "</table>\n";
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace routesim::runner
