#include "core/scenario/arm_template.h"

#include <gtest/gtest.h>

#include <string>

namespace routesim::scenario {
namespace {

constexpr std::string_view kSchema =
    R"("$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#")";

struct Expanded {
  std::optional<ExpandedTemplate> result;
  ConfigIssues issues;
};

// A template with `sections` (parameters, variables) and one resource whose "v" is `value`.
Expanded expand(std::string_view value, std::string_view sections = "",
                std::string_view parameters_file = "") {
  std::string text =
      "{" + std::string(kSchema) + (sections.empty() ? "" : ", ") + std::string(sections) +
      R"(, "resources": [{"type": "T/x", "name": "r", "v": )" + std::string(value) + "}]}";
  auto root = json::parse(text);
  EXPECT_TRUE(root.ok()) << text;
  std::optional<json::Value> params;
  if (!parameters_file.empty()) {
    auto p = json::parse(parameters_file);
    EXPECT_TRUE(p.ok());
    params = std::move(p).value();
  }
  Expanded e;
  e.result = expandTemplate(*root, params ? &*params : nullptr, {}, e.issues);
  return e;
}

// The value "v" of the expanded resource, as compact JSON.
std::string valueOf(std::string_view value, std::string_view sections = "",
                    std::string_view parameters_file = "") {
  Expanded e = expand(value, sections, parameters_file);
  if (!e.result) return "error: " + e.issues.format("t.json", "");
  auto resources = json::parse(e.result->resources);
  EXPECT_TRUE(resources.ok());
  return resources->items()[0].find("v")->compact();
}

std::string errorOf(std::string_view value, std::string_view sections = "") {
  Expanded e = expand(value, sections);
  EXPECT_FALSE(e.result.has_value());
  return e.issues.items().empty() ? ""
                                  : e.issues.items()[0].path + ": " + e.issues.items()[0].message;
}

TEST(ArmTemplateTest, RecognizesDeploymentTemplates) {
  auto t = json::parse("{" + std::string(kSchema) + ", \"resources\": []}");
  EXPECT_TRUE(isDeploymentTemplate(*t));
  auto s = json::parse(R"({"name": "scenario", "resources": []})");
  EXPECT_FALSE(isDeploymentTemplate(*s));
}

TEST(ArmTemplateTest, StringFunctions) {
  EXPECT_EQ(valueOf(R"("[concat('a', 'b', 3)]")"), R"("ab3")");
  EXPECT_EQ(valueOf(R"("[format('{0}-{1}-{0}', 'x', 7)]")"), R"("x-7-x")");
  EXPECT_EQ(valueOf(R"("[toLower('MiXed')]")"), R"("mixed")");
  EXPECT_EQ(valueOf(R"("[toUpper('MiXed')]")"), R"("MIXED")");
  EXPECT_EQ(valueOf(R"("[replace('a-b-c', '-', '--')]")"), R"("a--b--c")");
  EXPECT_EQ(valueOf(R"("[string(42)]")"), R"("42")");
  EXPECT_EQ(valueOf(R"("[int('42')]")"), "42");
  EXPECT_EQ(valueOf(R"("[length('abcd')]")"), "4");
  EXPECT_EQ(valueOf(R"("[concat('it''s')]")"), R"("it's")");
  EXPECT_EQ(valueOf(R"("[[not an expression]")"), R"("[not an expression]")");
  EXPECT_EQ(valueOf(R"("plain [text]")"), R"("plain [text]")");
}

TEST(ArmTemplateTest, LogicIsLazyInIf) {
  EXPECT_EQ(valueOf(R"("[if(equals(1, 1), 'yes', reference('nothing').missing)]")"), R"("yes")");
  EXPECT_EQ(valueOf(R"("[and(true(), not(false()))]")"), "true");
  EXPECT_EQ(valueOf(R"("[or(false(), equals('a', 'b'))]")"), "false");
  EXPECT_EQ(valueOf(R"("[contains(createArray('a', 'b'), 'b')]")"), "true");
  EXPECT_EQ(valueOf(R"("[startsWith('Microsoft.Storage', 'microsoft')]")"), "true");
  EXPECT_EQ(valueOf(R"("[empty('')]")"), "true");
}

TEST(ArmTemplateTest, ObjectsArraysMembersAndIndexes) {
  EXPECT_EQ(valueOf(R"("[createObject('a', 1, 'b', createArray(2, 3))]")"), R"({"a":1,"b":[2,3]})");
  EXPECT_EQ(valueOf(R"("[createObject('a', 1, 'b', createArray(2, 3)).b[1]]")"), "3");
  EXPECT_EQ(valueOf(R"("[createObject('Key', 'v')['key']]")"), R"("v")");  // names ignore case
  EXPECT_EQ(valueOf(R"("[union(createObject('a', 1), createObject('b', 2, 'a', 3))]")"),
            R"({"a":3,"b":2})");
  EXPECT_EQ(valueOf(R"("[last(createArray('x', 'y'))]")"), R"("y")");
  EXPECT_EQ(valueOf(R"({"nested": ["[concat('a', 'b')]", 1, true, null]})"),
            R"({"nested":["ab",1,true,null]})");
}

TEST(ArmTemplateTest, ParametersVariablesAndTheParametersFile) {
  const std::string_view sections = R"("parameters": {
      "name": {"type": "string", "defaultValue": "hub"},
      "sku": {"type": "string", "defaultValue": "S1", "allowedValues": ["S1", "S2"]},
      "loc": {"type": "string", "defaultValue": "[resourceGroup().location]"}},
    "variables": {"full": "[concat(parameters('name'), '-', variables('suffix'))]",
                  "suffix": "[toLower(parameters('SKU'))]"})";
  EXPECT_EQ(valueOf(R"("[variables('full')]")", sections), R"("hub-s1")");
  EXPECT_EQ(valueOf(R"("[parameters('loc')]")", sections), R"("eastus")");
  EXPECT_EQ(valueOf(R"("[variables('full')]")", sections,
                    R"({"parameters": {"name": {"value": "other"}, "sku": {"value": "S2"}}})"),
            R"("other-s2")");
  EXPECT_NE(
      valueOf(R"("[variables('full')]")", sections, R"({"parameters": {"sku": {"value": "F1"}}})")
          .find("not one of its allowedValues"),
      std::string::npos);
}

TEST(ArmTemplateTest, ResourceIdsAndDeterministicStandIns) {
  EXPECT_EQ(
      valueOf(R"("[resourceId('Microsoft.Storage/storageAccounts', 'acct')]")"),
      R"("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/routesim-rg/providers/Microsoft.Storage/storageAccounts/acct")");
  EXPECT_EQ(
      valueOf(
          R"("[resourceId('other-rg', 'Microsoft.EventHub/namespaces/eventhubs', 'ns', 'hub')]")"),
      R"("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/other-rg/providers/Microsoft.EventHub/namespaces/ns/eventhubs/hub")");
  EXPECT_EQ(
      valueOf(
          R"("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')]")"),
      R"("/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe")");
  std::string unique = valueOf(R"("[uniqueString(resourceGroup().id)]")");
  EXPECT_EQ(unique.size(), 15u);  // 13 characters and quotes
  EXPECT_EQ(unique, valueOf(R"("[uniqueString(resourceGroup().id)]")"));
  EXPECT_NE(unique, valueOf(R"("[uniqueString('other')]")"));
  std::string guid = valueOf(R"("[guid('a', 'b')]")");
  EXPECT_EQ(guid.size(), 38u);
  EXPECT_EQ(guid[9], '-');
  EXPECT_NE(guid, valueOf(R"("[guid('ab')]")"));
  EXPECT_EQ(valueOf(R"("[listKeys('/x/y/acct', '2023-01-01').keys[0].value]")"),
            R"("cm91dGVzaW0tZW11bGF0b3Ita2V5")");
  EXPECT_EQ(
      valueOf(R"("[reference('/p/IotHubs/hub', '2023-06-30', 'Full').identity.principalId]")"),
      R"("hub")");
  EXPECT_EQ(valueOf(R"("[environment().suffixes.storage]")"), R"("core.windows.net")");
}

TEST(ArmTemplateTest, ErrorsNameThePathAndTheCharacter) {
  EXPECT_EQ(errorOf(R"("[parameters('nope')]")"),
            "$.resources[0].v: at character 1 of the expression: the template declares no "
            "parameter 'nope'");
  EXPECT_NE(errorOf(R"("[concat('a' 'b')]")").find("character 12"), std::string::npos);
  EXPECT_NE(errorOf(R"("[listSecrets('x')]")").find("'listSecrets' is not supported"),
            std::string::npos);
  EXPECT_NE(
      errorOf(R"("[reference('x').properties.primaryEndpoints]")").find("no property 'properties'"),
      std::string::npos);
  EXPECT_NE(errorOf(R"("[concat('unterminated)]")").find("unterminated string"), std::string::npos);
  EXPECT_NE(errorOf(R"("[variables('a')]")",
                    R"("variables": {"a": "[variables('b')]", "b": "[variables('a')]"})")
                .find("refers to itself"),
            std::string::npos);
  EXPECT_NE(errorOf(R"("[parameters('p')]")", R"("parameters": {"p": {"type": "string"}})")
                .find("--parameters"),
            std::string::npos);
  std::string deep(100, '(');
  EXPECT_NE(errorOf("\"[concat" + std::string(70, ' ') + "]\"").find("expected"),
            std::string::npos);
  std::string nested = "\"[";
  for (int i = 0; i < 80; ++i) nested += "concat(";
  nested += "'x'";
  for (int i = 0; i < 80; ++i) nested += ")";
  EXPECT_NE(errorOf(nested + "]\"").find("deeper than 64"), std::string::npos);
  // Doubling a string through variables stops at 1 MiB instead of taking all memory.
  std::string doubling = R"("variables": {"v0": "0123456789abcdef")";
  for (int i = 1; i <= 24; ++i) {
    doubling += ", \"v" + std::to_string(i) + "\": \"[concat(variables('v" + std::to_string(i - 1) +
                "'), variables('v" + std::to_string(i - 1) + "'))]\"";
  }
  doubling += "}";
  EXPECT_NE(errorOf(R"("[variables('v24')]")", doubling).find("over 1 MiB"), std::string::npos);
}

TEST(ArmTemplateTest, ConditionsCopyLoopsAndTemplateOnlyMembers) {
  std::string text = "{" + std::string(kSchema) +
                     R"(, "parameters": {"on": {"type": "bool", "defaultValue": false}},
    "resources": [
      {"condition": "[parameters('on')]", "type": "T/a", "name": "skipped"},
      {"type": "T/b", "name": "kept", "apiVersion": "2023-01-01", "dependsOn": [], "tags": {},
       "resources": [{"type": "c", "name": "child", "apiVersion": "x", "dependsOn": ["y"]}]}]})";
  auto root = json::parse(text);
  ConfigIssues issues;
  auto e = expandTemplate(*root, nullptr, {}, issues);
  ASSERT_TRUE(e.has_value()) << issues.format("t", text);
  EXPECT_EQ(e->resources,
            R"([{"type":"T/b","name":"kept","resources":[{"type":"c","name":"child"}]}])");
  EXPECT_EQ(e->template_index, (std::vector<size_t>{1}));

  std::string copy =
      "{" + std::string(kSchema) +
      R"(, "resources": [{"type": "T/a", "name": "x", "copy": {"name": "c", "count": 2}}]})";
  auto copy_root = json::parse(copy);
  ConfigIssues copy_issues;
  EXPECT_FALSE(expandTemplate(*copy_root, nullptr, {}, copy_issues).has_value());
  ASSERT_FALSE(copy_issues.items().empty());
  EXPECT_EQ(copy_issues.items()[0].path, "$.resources[0].copy");
  EXPECT_EQ(copy_issues.items()[0].code, "UnsupportedTemplateFeature");
}

}  // namespace
}  // namespace routesim::scenario
