// ARM deployment templates as input: `routesim check template.json [--parameters p.json]`.
//
// A template's resources are what a scenario's `resources` hold, written with the template
// language: parameters (their defaultValue, or a parameters file), variables, and expressions
// such as "[concat(parameters('hubName'), '-events')]" or
// "[resourceId('Microsoft.Storage/storageAccounts', variables('account'))]". expandTemplate
// evaluates them and gives the resources array with every expression replaced by its value.
//
// Supported functions (names ignore letter case): parameters, variables, concat, format,
// toLower, toUpper, string, int, bool, length, empty, replace, startsWith, endsWith, contains,
// equals, not, and, or, if, true, false, null, createObject, createArray, union (objects),
// resourceGroup, subscription, tenant, environment, deployment, resourceId,
// subscriptionResourceId, uniqueString, guid, listKeys, listConnectionStrings, last, first.
// Values that only a deployed Azure resource has are stand-ins, documented in docs/check.md: the
// subscription 00000000-0000-0000-0000-000000000000, the resource group "routesim-rg" in the
// location `options.location`, and keys from listKeys (the emulators do not check keys).
// uniqueString and guid are deterministic hashes of their arguments, not Azure's values.
// reference() and copy loops are refused with an error naming where they are.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/common/config_issues.h"
#include "core/common/json.h"

namespace routesim::scenario {

// Whether `root` is a deployment template: an object whose $schema names deploymentTemplate.
bool isDeploymentTemplate(const json::Value& root);

struct TemplateOptions {
  std::string subscription_id = "00000000-0000-0000-0000-000000000000";
  std::string resource_group = "routesim-rg";
  std::string location = "eastus";  // resourceGroup().location
};

struct ExpandedTemplate {
  std::string resources;  // the resources array as compact JSON
  // For each resource in `resources`, its index in the template's `resources` (a resource whose
  // `condition` is false is left out, so the two may differ).
  std::vector<size_t> template_index;
};

// Evaluates the template `root` with `parameters` (the root of a parameters file, or null).
// Problems go to `issues` with the JSON path in the template (or "parameters file: $...") and the
// byte offset in the template's text; nullopt when there was an error.
std::optional<ExpandedTemplate> expandTemplate(const json::Value& root,
                                               const json::Value* parameters,
                                               const TemplateOptions& options,
                                               ConfigIssues& issues);

}  // namespace routesim::scenario
