// Parse tree of a Service Bus SQL filter or rule action. Nodes live in one vector and refer to
// their children by index; each carries the span of text it covers and the span of its operator
// (or property name), where errors point.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "endpoints/servicebus/brokered_message.h"
#include "endpoints/servicebus/sql_lexer.h"

namespace routesim::endpoints::servicebus::sql {

enum class NodeKind : uint8_t {
  kLiteral,     // value: null, string, long, double or bool
  kProperty,    // [sys. | user.] name
  kNewId,       // newid()
  kPropertyOf,  // property(name) / p(name): children[0] the name expression
  kNegate,      // - expr
  kUnaryPlus,   // + expr
  kArithmetic,  // op: kPlus kMinus kStar kSlash kPercent
  kComparison,  // op: kEq kLtGt kBangEq kLt kLe kGt kGe
  kNot,
  kAnd,
  kOr,
  kIn,      // children[0] the value, then the list; `negated` for NOT IN
  kLike,    // children: value, pattern [, escape]; `negated` for NOT LIKE
  kIsNull,  // children[0] a property; `negated` for IS NOT NULL
  kExists,  // children[0] a property
};

enum class Scope : uint8_t { kUser, kSys };

// The system properties a filter can read (BrokeredMessage's public properties routesim models).
enum class SysProperty : uint8_t {
  kMessageId,
  kCorrelationId,
  kContentType,
  kLabel,  // also spelled Subject
  kTo,
  kReplyTo,
  kReplyToSessionId,
  kSessionId,
  kPartitionKey,
  kViaPartitionKey,
  kSequenceNumber,
  kEnqueuedSequenceNumber,
  kDeliveryCount,
  kSize,
  kEnqueuedTimeUtc,
  kExpiresAtUtc,
  kScheduledEnqueueTimeUtc,
  kTimeToLive,
  kLockToken,
  kLockedUntilUtc,
  kDeadLetterSource,
};

// What a node is known to produce before evaluation, for compile-time checks.
enum class Shape : uint8_t { kCondition, kBoolean, kNumber, kString, kNull, kAny };

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  TokenKind op = TokenKind::kEnd;
  SourceSpan span;     // the whole expression
  SourceSpan op_span;  // operator, function or property name
  std::vector<uint32_t> children;
  Shape shape = Shape::kAny;
  bool negated = false;
  PropertyValue value;  // kLiteral
  Scope scope = Scope::kUser;
  SysProperty sys = SysProperty::kMessageId;  // kProperty with Scope::kSys
  std::string name;                           // kProperty: the name as written (unquoted)
};

// One SET or REMOVE of a rule action.
struct Statement {
  bool remove = false;
  uint32_t target = 0;  // a kProperty node
  uint32_t value = 0;   // SET: the expression
  SourceSpan span;
};

struct Ast {
  std::vector<Node> nodes;
  uint32_t root = 0;                  // a filter's condition
  std::vector<Statement> statements;  // an action's statements
  const Node& node(uint32_t i) const { return nodes[i]; }
};

// "sys" name of a system property as the docs spell it ("MessageId", "Label" ...).
std::string_view sysPropertyName(SysProperty p);

}  // namespace routesim::endpoints::servicebus::sql
