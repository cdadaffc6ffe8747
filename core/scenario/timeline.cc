#include "core/scenario/timeline.h"

#include <algorithm>

#include "core/common/config_reader.h"
#include "core/common/duration.h"

namespace routesim::scenario {
namespace {

struct ActionName {
  TimelineEvent::Action action;
  std::string_view name;
};
constexpr ActionName kActions[] = {
    {TimelineEvent::Action::kAdd, "add"},
    {TimelineEvent::Action::kRemove, "remove"},
    {TimelineEvent::Action::kPatch, "patch"},
    {TimelineEvent::Action::kSet, "set"},
    {TimelineEvent::Action::kFault, "fault"},
    {TimelineEvent::Action::kClearFaults, "clearFaults"},
    {TimelineEvent::Action::kAddDevices, "addDevices"},
    {TimelineEvent::Action::kRemoveDevices, "removeDevices"},
};

const json::Value& emptyObject() {
  static const json::Value empty = std::move(json::parse("{}")).value();
  return empty;
}

void writeMergePatch(const json::Value& target, const json::Value& patch, std::string& out) {
  if (!patch.is(json::Type::kObject)) {
    patch.writeCompact(out);
    return;
  }
  if (!target.is(json::Type::kObject)) {
    writeMergePatch(emptyObject(), patch, out);
    return;
  }
  out.push_back('{');
  bool first = true;
  auto key = [&](std::string_view k) {
    if (!first) out.push_back(',');
    first = false;
    json::appendQuoted(out, k);
    out.push_back(':');
  };
  for (const json::Member& m : target.members()) {
    const json::Value* p = patch.find(m.key);
    if (p == nullptr) {
      key(m.key);
      m.value->writeCompact(out);
    } else if (!p->is(json::Type::kNull)) {
      key(m.key);
      writeMergePatch(*m.value, *p, out);
    }
  }
  for (const json::Member& m : patch.members()) {
    if (target.find(m.key) != nullptr || m.value->is(json::Type::kNull)) continue;
    key(m.key);
    writeMergePatch(emptyObject(), *m.value, out);
  }
  out.push_back('}');
}

}  // namespace

std::string_view timelineActionName(TimelineEvent::Action a) {
  for (const ActionName& n : kActions) {
    if (n.action == a) return n.name;
  }
  return "";
}

std::string mergePatch(const json::Value& target, const json::Value& patch) {
  std::string out;
  writeMergePatch(target, patch, out);
  return out;
}

std::optional<std::string> setProperty(const json::Value& target, std::string_view property,
                                       const json::Value& value) {
  // Build the equivalent merge patch {"a":{"b":value}}; a null value is written as null (a
  // merge patch would delete it), so handle the leaf by hand.
  size_t dot = property.find('.');
  std::string_view head = property.substr(0, dot);
  if (head.empty() || !target.is(json::Type::kObject)) return std::nullopt;
  std::string out = "{";
  bool first = true;
  bool found = false;
  for (const json::Member& m : target.members()) {
    if (!first) out.push_back(',');
    first = false;
    json::appendQuoted(out, m.key);
    out.push_back(':');
    if (m.key == head) {
      found = true;
      if (dot == std::string_view::npos) {
        value.writeCompact(out);
      } else {
        std::optional<std::string> inner =
            m.value->is(json::Type::kObject)
                ? setProperty(*m.value, property.substr(dot + 1), value)
                : std::nullopt;
        if (!inner) return std::nullopt;
        out += *inner;
      }
    } else {
      m.value->writeCompact(out);
    }
  }
  if (!found) {
    if (!first) out.push_back(',');
    json::appendQuoted(out, head);
    out.push_back(':');
    if (dot == std::string_view::npos) {
      value.writeCompact(out);
    } else {
      std::optional<std::string> inner =
          setProperty(emptyObject(), property.substr(dot + 1), value);
      if (!inner) return std::nullopt;
      out += *inner;
    }
  }
  out.push_back('}');
  return out;
}

std::vector<TimelineEvent> readTimeline(const json::Value& timeline, const std::string& path,
                                        uint64_t duration_ns, ConfigIssues& issues) {
  std::vector<TimelineEvent> out;
  if (!timeline.is(json::Type::kArray)) {
    issues.error(path, "InvalidTimeline", "expected an array of timeline events",
                 timeline.offset());
    return out;
  }
  size_t index = 0;
  for (const json::Value& item : timeline.items()) {
    std::string at = path + "[" + std::to_string(index++) + "]";
    ObjectReader r(item, at, issues);
    if (!r.ok()) continue;
    size_t errors = issues.errorCount();
    TimelineEvent e;
    e.path = at;
    e.offset = item.offset();
    if (auto when = r.string("at", /*required=*/true)) {
      auto d = parseIsoDuration(*when);
      if (!d.ok()) {
        issues.error(r.pathOf("at"), "InvalidDuration",
                     "expected an ISO 8601 duration from the start, such as \"PT10M\": " +
                         d.error().message(),
                     memberOffset(item, "at"));
      } else if (*d > duration_ns) {
        issues.error(r.pathOf("at"), "EventAfterEnd",
                     "the event at " + *when + " comes after the scenario's duration " +
                         formatIsoDuration(duration_ns),
                     memberOffset(item, "at"));
      } else {
        e.at_ns = *d;
      }
    }
    std::optional<std::string> action = r.string("action", /*required=*/true);
    bool known = false;
    if (action) {
      for (const ActionName& n : kActions) {
        if (n.name == *action) {
          e.action = n.action;
          known = true;
        }
      }
      if (!known) {
        std::string names;
        for (const ActionName& n : kActions)
          names += (names.empty() ? "" : ", ") + std::string(n.name);
        issues.error(r.pathOf("action"), "InvalidAction", "expected one of " + names,
                     memberOffset(item, "action"));
      }
    }
    if (known) {
      using A = TimelineEvent::Action;
      switch (e.action) {
        case A::kAdd: {
          const json::Value* res = r.object("resource", /*required=*/true);
          if (res != nullptr) {
            res->writeCompact(e.json);
            const json::Value* name = res->find("name");
            if (name == nullptr || !name->is(json::Type::kString) || !res->find("type")) {
              issues.error(r.pathOf("resource"), "InvalidResource",
                           "the added resource needs \"type\" and \"name\"", res->offset());
            } else {
              e.resource = std::string(name->text());
            }
          }
          break;
        }
        case A::kRemove:
          if (auto name = r.string("resource", true)) e.resource = *name;
          break;
        case A::kPatch: {
          if (auto name = r.string("resource", true)) e.resource = *name;
          if (const json::Value* patch = r.object("patch", true)) patch->writeCompact(e.json);
          break;
        }
        case A::kSet: {
          if (auto name = r.string("resource", true)) e.resource = *name;
          if (auto property = r.string("path", true)) {
            e.property = *property;
            bool ok = !property->empty() && property->front() != '.' && property->back() != '.' &&
                      property->find("..") == std::string::npos;
            if (!ok) {
              issues.error(
                  r.pathOf("path"), "InvalidPath",
                  "expected a dotted property path such as \"properties.publicNetworkAccess\"",
                  memberOffset(item, "path"));
            }
          }
          if (const json::Value* value = r.get("value", true)) value->writeCompact(e.json);
          break;
        }
        case A::kFault: {
          if (auto endpoint = r.string("endpoint", true)) e.endpoint = *endpoint;
          // The fault's own keys are checked by the fault reader when the event applies.
          for (std::string_view key :
               {"error", "detail", "duration", "until", "latency", "maxRate"})
            r.get(key);
          if (!item.find("error") && !item.find("latency") && !item.find("maxRate")) {
            issues.error(at, "InvalidFault",
                         "a fault needs at least one of error, latency, maxRate", item.offset());
          }
          item.writeCompact(e.json);
          break;
        }
        case A::kClearFaults:
          e.endpoint = r.string("endpoint").value_or("");
          break;
        case A::kAddDevices: {
          if (const json::Value* group = r.object("group", true)) {
            group->writeCompact(e.json);
            if (const json::Value* name = group->find("group");
                name && name->is(json::Type::kString))
              e.group = std::string(name->text());
          }
          break;
        }
        case A::kRemoveDevices:
          if (auto group = r.string("group", true)) e.group = *group;
          break;
      }
    }
    r.warnUnknownKeys();
    if (issues.errorCount() == errors) out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const TimelineEvent& a, const TimelineEvent& b) {
    return a.at_ns < b.at_ns;
  });
  return out;
}

}  // namespace routesim::scenario
