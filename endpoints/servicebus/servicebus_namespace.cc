#include "endpoints/servicebus/servicebus_namespace.h"

#include "core/common/utf.h"

namespace routesim::endpoints::servicebus {
namespace {

constexpr std::string_view kDeadLetterSuffix = "/$DeadLetterQueue";
constexpr std::string_view kSubscriptionsSegment = "/Subscriptions/";

bool endsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         utf::equalsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

size_t findIgnoreCase(std::string_view s, std::string_view needle) {
  if (needle.size() > s.size()) return std::string_view::npos;
  for (size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (utf::equalsIgnoreCase(s.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

}  // namespace

Result<std::shared_ptr<Namespace>> Namespace::create(const NamespaceConfig& config,
                                                     int64_t utc_at_zero_ns) {
  auto ns = std::make_shared<Namespace>();
  ns->name_ = config.name;
  ns->sku_ = config.sku;
  ns->utc_at_zero_ns_ = utc_at_zero_ns;
  for (const QueueConfig& q : config.queues) {
    ns->queues_.push_back(std::make_shared<Queue>(EntityKind::kQueue, config.name, q.name, q.name,
                                                  QueueSettings::of(q, config, utc_at_zero_ns),
                                                  q.status));
  }
  for (const TopicConfig& t : config.topics) {
    std::vector<std::shared_ptr<Subscription>> subs;
    for (const SubscriptionConfig& s : t.subscriptions) {
      std::vector<Rule> rules;
      for (const RuleConfig& rc : s.rules) {
        std::optional<Rule> rule = rc.build();
        if (!rule) {
          return Error(ErrorCode::kInvalidInput,
                       "rule '" + rc.name + "' of " + t.name + "/Subscriptions/" + s.name +
                           " has a filter or action that does not compile (" + rc.path + ")");
        }
        rules.push_back(std::move(*rule));
      }
      if (s.rules.empty()) rules.push_back(defaultRule());
      subs.push_back(std::make_shared<Subscription>(
          config.name, t.name, s.name, QueueSettings::of(s, t, config, utc_at_zero_ns), s.status,
          std::move(rules), s.dead_lettering_on_filter_evaluation_exceptions));
    }
    ns->topics_.push_back(std::make_shared<Topic>(config.name, t.name,
                                                  TopicSettings::of(t, config, utc_at_zero_ns),
                                                  t.status, std::move(subs)));
  }
  // Auto-forwarding: queue or topic names in the same namespace (unknown ones: not forwarded).
  auto target = [&](const std::string& name) -> std::weak_ptr<Entity> {
    if (name.empty()) return {};
    for (const auto& q : ns->queues_) {
      if (utf::equalsIgnoreCase(q->name(), name)) return q;
    }
    for (const auto& t : ns->topics_) {
      if (utf::equalsIgnoreCase(t->name(), name)) return t;
    }
    return {};
  };
  for (size_t i = 0; i < config.queues.size(); ++i) {
    ns->queues_[i]->setForwarding(target(config.queues[i].forward_to),
                                  target(config.queues[i].forward_dead_lettered_messages_to));
  }
  for (size_t i = 0; i < config.topics.size(); ++i) {
    for (size_t k = 0; k < config.topics[i].subscriptions.size(); ++k) {
      const SubscriptionConfig& s = config.topics[i].subscriptions[k];
      ns->topics_[i]->subscriptions()[k]->setForwarding(
          target(s.forward_to), target(s.forward_dead_lettered_messages_to));
    }
  }
  return ns;
}

std::shared_ptr<Queue> Namespace::findQueue(std::string_view path) const {
  if (endsWithIgnoreCase(path, kDeadLetterSuffix)) {
    std::shared_ptr<Queue> parent =
        findQueue(path.substr(0, path.size() - kDeadLetterSuffix.size()));
    if (parent == nullptr || parent->deadLetterQueue() == nullptr) return nullptr;
    return std::shared_ptr<Queue>(parent, parent->deadLetterQueue());
  }
  for (const auto& q : queues_) {
    if (utf::equalsIgnoreCase(q->path(), path)) return q;
  }
  size_t at = findIgnoreCase(path, kSubscriptionsSegment);
  while (at != std::string_view::npos) {
    if (std::shared_ptr<Topic> t = findTopic(path.substr(0, at))) {
      if (auto s = t->subscription(path.substr(at + kSubscriptionsSegment.size()))) return s;
    }
    size_t next = findIgnoreCase(path.substr(at + 1), kSubscriptionsSegment);
    at = next == std::string_view::npos ? next : at + 1 + next;
  }
  return nullptr;
}

std::shared_ptr<Topic> Namespace::findTopic(std::string_view name) const {
  for (const auto& t : topics_) {
    if (utf::equalsIgnoreCase(t->name(), name)) return t;
  }
  return nullptr;
}

std::shared_ptr<Entity> Namespace::find(std::string_view path) const {
  if (std::shared_ptr<Topic> t = findTopic(path)) return t;
  return findQueue(path);
}

void Namespace::tick(uint64_t now_ns) {
  for (const auto& q : queues_) q->tick(now_ns);
  for (const auto& t : topics_) t->tick(now_ns);
}

}  // namespace routesim::endpoints::servicebus
