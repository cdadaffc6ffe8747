#include "tools/routesim/check_command.h"

#include <charconv>
#include <filesystem>
#include <iostream>

#include "core/common/file_io.h"
#include "core/common/json.h"
#include "core/scenario/arm_template.h"
#include "tools/routesim/scenario_file.h"
#include "tools/runner/check.h"

namespace routesim::cli {
namespace {

// The value at a JSON path as findings write them ("$.a.b[2]", "$.a[\"x.y\"]"), or null.
const json::Value* valueAt(const json::Value& root, std::string_view path) {
  if (path.empty() || path[0] != '$') return nullptr;
  const json::Value* at = &root;
  size_t i = 1;
  while (i < path.size() && at != nullptr) {
    if (path[i] == '.') {
      size_t end = path.find_first_of(".[", i + 1);
      if (end == std::string_view::npos) end = path.size();
      at = at->is(json::Type::kObject) ? at->find(path.substr(i + 1, end - i - 1)) : nullptr;
      i = end;
    } else if (path[i] == '[' && i + 1 < path.size() && path[i + 1] == '"') {
      size_t close = path.find("\"]", i + 2);  // keys with a quote are not looked up
      if (close == std::string_view::npos) return nullptr;
      at = at->is(json::Type::kObject) ? at->find(path.substr(i + 2, close - i - 2)) : nullptr;
      i = close + 2;
    } else if (path[i] == '[') {
      size_t close = path.find(']', i);
      size_t index = 0;
      auto [end, ec] = std::from_chars(path.data() + i + 1, path.data() + close, index);
      if (close == std::string_view::npos || ec != std::errc() || !at->is(json::Type::kArray) ||
          index >= at->items().size())
        return nullptr;
      at = &at->items()[index];
      i = close + 1;
    } else {
      return nullptr;
    }
  }
  return at;
}

// Writes `findings` in the chosen format; the exit status: 1 when one is an error, else 0.
int report(const std::vector<runner::Finding>& findings, const CheckOptions& options,
           std::string_view text, std::ostream& out) {
  if (options.format == "json") {
    out << runner::findingsJson(findings);
  } else if (options.format == "sarif") {
    out << runner::findingsSarif(findings, options.scenario_file, text);
  } else {
    runner::printFindings(findings, out, options.scenario_file, text);
  }
  for (const runner::Finding& f : findings) {
    if (f.severity == runner::Finding::Severity::kError) return 1;
  }
  return 0;
}

// `routesim check TEMPLATE [--parameters FILE]`: the template's resources, expanded, checked as a
// scenario without devices or traffic; findings point into the template.
int checkTemplate(const CheckOptions& options, const std::string& text, const json::Value& root,
                  std::ostream& out, std::ostream& err) {
  const std::string& file = options.scenario_file;
  std::optional<json::Value> parameters;
  std::string parameters_text;
  if (!options.parameters_file.empty()) {
    auto read = readFile(options.parameters_file);
    if (!read.ok()) {
      err << "routesim check: " << read.error().message() << "\n";
      return 2;
    }
    parameters_text = std::move(*read);
    auto parsed = json::parse(parameters_text);
    if (!parsed.ok()) {
      err << options.parameters_file << ": " << parsed.error().message() << "\n";
      return 2;
    }
    parameters = std::move(parsed).value();
  }
  ConfigIssues template_issues;
  std::optional<scenario::ExpandedTemplate> expanded =
      scenario::expandTemplate(root, parameters ? &*parameters : nullptr, {}, template_issues);
  if (!template_issues.items().empty()) err << template_issues.format(file, text);
  if (!expanded) return 2;

  // The expanded resources as a scenario: no devices, no traffic.
  std::string name = std::filesystem::path(file).stem().string();
  std::string scenario_text = "{\"name\": ";
  json::appendQuoted(scenario_text, name.empty() ? "template" : name);
  scenario_text += ", \"duration\": \"PT1H\", \"resources\": " + expanded->resources +
                   ", \"devices\": [], \"traffic\": []}";
  scenario::LoadedScenario loaded = scenario::readScenario(scenario_text);
  // Targets named by endpoint URI or connection string carry no subscription or group: they are
  // in the template's (the stand-ins its resourceId() writes).
  const scenario::TemplateOptions stand_ins;
  loaded.scenario.policy.default_subscription = stand_ins.subscription_id;
  loaded.scenario.policy.default_group = stand_ins.resource_group;

  // Paths of the expanded resources are the template's but for the index of a resource after
  // one whose condition was false; offsets are found again in the template's text.
  auto toTemplate = [&](std::string& path, uint32_t& offset) {
    constexpr std::string_view kPrefix = "$.resources[";
    if (path.rfind(kPrefix, 0) == 0) {
      size_t close = path.find(']', kPrefix.size());
      size_t index = 0;
      auto [end, ec] = std::from_chars(path.data() + kPrefix.size(), path.data() + close, index);
      if (ec == std::errc() && index < expanded->template_index.size()) {
        path = std::string(kPrefix) + std::to_string(expanded->template_index[index]) +
               path.substr(close);
      }
    }
    const json::Value* v = valueAt(root, path);
    offset = v != nullptr ? v->offset() : 0;
  };
  ConfigIssues file_issues;
  for (ConfigIssue i : loaded.file_issues.items()) {
    toTemplate(i.path, i.offset);
    if (i.severity == ConfigIssue::Severity::kError) {
      file_issues.error(i.path, i.code, i.message, i.offset);
    } else {
      file_issues.warning(i.path, i.code, i.message, i.offset);
    }
  }
  if (!file_issues.items().empty()) err << file_issues.format(file, text);
  if (!loaded.fileOk()) return 2;

  runner::CheckOptions check;
  check.traffic = false;
  std::vector<runner::Finding> findings = runner::checkScenario(loaded, check);
  for (runner::Finding& f : findings) toTemplate(f.path, f.offset);
  return report(findings, options, text, out);
}

}  // namespace

int runCheck(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  if (options.format != "text" && options.format != "json" && options.format != "sarif") {
    err << "routesim check: --format is text, json or sarif, not '" << options.format << "'\n";
    return 2;
  }
  // An ARM deployment template ($schema deploymentTemplate.json) or a scenario file.
  if (auto text = readFile(options.scenario_file); text.ok()) {
    if (auto root = json::parse(*text); root.ok() && scenario::isDeploymentTemplate(*root))
      return checkTemplate(options, *text, *root, out, err);
  }
  if (!options.parameters_file.empty()) {
    err << "routesim check: --parameters goes with an ARM template ($schema "
           "deploymentTemplate.json), and "
        << options.scenario_file << " is not one\n";
    return 2;
  }
  std::optional<ScenarioFile> file = loadScenarioFile(options.scenario_file, "routesim check", err);
  if (!file) return 2;
  return report(runner::checkScenario(file->loaded), options, file->text, out);
}

}  // namespace routesim::cli
