#include "endpoints/servicebus/brokered_message.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "core/common/base64.h"
#include "core/common/duration.h"
#include "core/common/json.h"
#include "core/common/utf.h"

namespace routesim::endpoints::servicebus {
namespace {

// Shortest text that reads back to the same double, always with a '.' or an exponent so that
// it reads back as a double rather than an integer.
void appendDouble(std::string& out, double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
  out.append(text);
  if (text.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

// `s` as a JSON string; bytes that are not valid UTF-8 (surrogates encoded as 3 bytes included)
// become U+FFFD, so that the line stays valid JSON (only the body is kept byte for byte, as
// BodyBase64).
void appendText(std::string& out, std::string_view s) {
  if (utf::isValidUtf8(s)) {
    json::appendQuoted(out, s);
    return;
  }
  std::string clean;
  clean.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    char32_t cp = utf::decode(s, i);
    utf::append(clean, cp >= 0xD800 && cp <= 0xDFFF ? char32_t{0xFFFD} : cp);
  }
  json::appendQuoted(out, clean);
}

void appendValueJson(std::string& out, const PropertyValue& v) {
  switch (v.index()) {
    case 0:
      out += "null";
      break;
    case 1:
      appendText(out, std::get<std::string>(v));
      break;
    case 2:
      out += std::to_string(std::get<int64_t>(v));
      break;
    case 3: {
      double d = std::get<double>(v);
      if (std::isfinite(d)) {
        appendDouble(out, d);
      } else {
        // JSON has no NaN or infinities: written as text (read back as a string).
        json::appendQuoted(out, propertyValueText(v));
      }
      break;
    }
    case 4:
      out += std::get<bool>(v) ? "true" : "false";
      break;
  }
}

void member(std::string& out, std::string_view key) {
  if (out.size() > 1) out.push_back(',');
  json::appendQuoted(out, key);
  out.push_back(':');
}

void stringMember(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  member(out, key);
  appendText(out, value);
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Property names compare ignoring case (utf::equalsIgnoreCase). Most pairs differ in their first
// byte: two different ASCII letters (or digits) there decide without the call.
bool sameName(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty()) {
    auto x = static_cast<unsigned char>(a[0]);
    auto y = static_cast<unsigned char>(b[0]);
    if (x < 0x80 && y < 0x80 && (x | 0x20) != (y | 0x20)) return false;
  }
  return utf::equalsIgnoreCase(a, b);
}

}  // namespace

std::string propertyValueText(const PropertyValue& value) {
  switch (value.index()) {
    case 1:
      return std::get<std::string>(value);
    case 2:
      return std::to_string(std::get<int64_t>(value));
    case 3: {
      double d = std::get<double>(value);
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      return std::string(buf, r.ptr);
    }
    case 4:
      return std::get<bool>(value) ? "True" : "False";
    default:
      return "";
  }
}

const PropertyValue* ApplicationProperties::find(std::string_view name) const {
  for (const ApplicationProperty& p : items_) {
    if (sameName(p.name, name)) return &p.value;
  }
  return nullptr;
}

void ApplicationProperties::set(std::string_view name, PropertyValue value) {
  for (ApplicationProperty& p : items_) {
    if (sameName(p.name, name)) {
      p.value = std::move(value);
      return;
    }
  }
  items_.push_back({std::string(name), std::move(value)});
}

void ApplicationProperties::emplace(std::string name, PropertyValue value) {
  for (ApplicationProperty& p : items_) {
    if (sameName(p.name, name)) {
      p.value = std::move(value);
      return;
    }
  }
  items_.push_back({std::move(name), std::move(value)});
}

bool ApplicationProperties::erase(std::string_view name) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (sameName(it->name, name)) {
      items_.erase(it);
      return true;
    }
  }
  return false;
}

BrokeredMessage fromEndpointMessage(EndpointMessage e) {
  BrokeredMessage m;
  m.message_id = std::move(e.message_id);
  m.correlation_id = std::move(e.correlation_id);
  m.content_type = std::move(e.content_type);
  m.application_properties.reserve(e.properties.size() + e.system_properties.size());
  for (auto& [name, value] : e.properties) {
    m.application_properties.emplace(std::move(name),
                                     value ? PropertyValue(std::move(*value)) : PropertyValue());
  }
  for (auto& [name, value] : e.system_properties) {
    if (name == "MessageId" || name == "CorrelationId" || name == "ContentType") continue;
    m.application_properties.emplace(std::move(name),
                                     value ? PropertyValue(std::move(*value)) : PropertyValue());
  }
  m.body = std::move(e.body);
  return m;
}

uint64_t messageSize(const BrokeredMessage& m) {
  uint64_t n = m.body.size() + m.message_id.size() + m.correlation_id.size() +
               m.content_type.size() + m.subject.size() + m.to.size() + m.reply_to.size() +
               m.reply_to_session_id.size() + m.session_id.size() + m.partition_key.size();
  for (const ApplicationProperty& p : m.application_properties) {
    n += p.name.size();
    switch (p.value.index()) {
      case 1:
        n += std::get<std::string>(p.value).size();
        break;
      case 2:
      case 3:
        n += 8;  // AMQP long / double
        break;
      case 4:
        n += 1;
        break;
      default:
        break;
    }
  }
  return n;
}

std::string formatUtc(int64_t utc_ns) {
  int64_t ticks = utc_ns / 100;  // .NET ticks
  if (utc_ns < 0 && utc_ns % 100 != 0) --ticks;
  int64_t seconds = ticks / 10000000;
  int64_t fraction = ticks % 10000000;
  if (fraction < 0) {
    fraction += 10000000;
    --seconds;
  }
  auto t = static_cast<time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%07lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(fraction));
  return buf;
}

std::optional<int64_t> parseUtc(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS.fffffffZ exactly (what formatUtc writes).
  if (s.size() != 28 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != '.' || s[27] != 'Z') {
    return std::nullopt;
  }
  auto num = [&](size_t at, size_t len) -> std::optional<int64_t> {
    int64_t v = 0;
    for (size_t i = at; i < at + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
       sec = num(17, 2), frac = num(20, 7);
  if (!y || !mo || !d || !h || !mi || !sec || !frac) return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *sec > 60) {
    return std::nullopt;
  }
  int64_t days = daysFromCivil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  int64_t seconds = days * 86400 + *h * 3600 + *mi * 60 + *sec;
  return seconds * 1'000'000'000 + *frac * 100;
}

std::string messageToJson(const BrokeredMessage& m) {
  std::string out = "{";
  member(out, "SequenceNumber");
  out += std::to_string(m.sequence_number);
  stringMember(out, "MessageId", m.message_id);
  stringMember(out, "CorrelationId", m.correlation_id);
  stringMember(out, "ContentType", m.content_type);
  stringMember(out, "Subject", m.subject);
  stringMember(out, "To", m.to);
  stringMember(out, "ReplyTo", m.reply_to);
  stringMember(out, "ReplyToSessionId", m.reply_to_session_id);
  stringMember(out, "SessionId", m.session_id);
  stringMember(out, "PartitionKey", m.partition_key);
  if (m.time_to_live_ns != kNever) {
    member(out, "TimeToLive");
    json::appendQuoted(out, formatIsoDuration(m.time_to_live_ns));
  }
  member(out, "EnqueuedTimeUtc");
  json::appendQuoted(out, formatUtc(m.enqueued_time_utc_ns));
  if (m.expires_ns != kNever) {
    member(out, "ExpiresAtUtc");
    json::appendQuoted(out, formatUtc(m.enqueued_time_utc_ns +
                                      static_cast<int64_t>(m.expires_ns - m.enqueued_ns)));
  }
  member(out, "DeliveryCount");
  out += std::to_string(m.delivery_count);
  stringMember(out, "LockToken", m.lock_token);
  if (!m.lock_token.empty()) {
    member(out, "LockedUntilUtc");
    json::appendQuoted(out, formatUtc(m.enqueued_time_utc_ns +
                                      static_cast<int64_t>(m.locked_until_ns - m.enqueued_ns)));
  }
  stringMember(out, "DeadLetterReason", m.dead_letter_reason);
  stringMember(out, "DeadLetterErrorDescription", m.dead_letter_error_description);
  stringMember(out, "DeadLetterSource", m.dead_letter_source);
  member(out, "ApplicationProperties");
  out.push_back('{');
  bool first = true;
  for (const ApplicationProperty& p : m.application_properties) {
    if (!first) out.push_back(',');
    first = false;
    appendText(out, p.name);
    out.push_back(':');
    appendValueJson(out, p.value);
  }
  out.push_back('}');
  if (utf::isValidUtf8(m.body)) {
    member(out, "Body");
    json::appendQuoted(out, m.body);
  } else {
    member(out, "BodyBase64");
    json::appendQuoted(out, base64::encode(m.body));
  }
  member(out, "EnqueuedClockNs");
  out += std::to_string(m.enqueued_ns);
  if (m.expires_ns != kNever) {
    member(out, "ExpiresClockNs");
    out += std::to_string(m.expires_ns);
  }
  if (!m.lock_token.empty()) {
    member(out, "LockedUntilClockNs");
    out += std::to_string(m.locked_until_ns);
  }
  out.push_back('}');
  return out;
}

Result<BrokeredMessage> messageFromJson(std::string_view text) {
  ROUTESIM_ASSIGN_OR_RETURN(json::Value root, json::parse(text));
  return messageFromJson(root);
}

Result<BrokeredMessage> messageFromJson(const json::Value& root) {
  if (!root.is(json::Type::kObject)) {
    return Error(ErrorCode::kInvalidInput, "a message must be a JSON object");
  }
  BrokeredMessage m;
  auto bad = [](const json::Member& mem, std::string_view what) {
    return Error::at(ErrorCode::kInvalidInput, {mem.key_offset, 1},
                     "message member '" + mem.key + "': " + std::string(what));
  };
  auto unsignedOf = [](const json::Value& v) -> std::optional<uint64_t> {
    if (!v.is(json::Type::kNumber)) return std::nullopt;
    uint64_t u = 0;
    const std::string& t = v.text();
    auto r = std::from_chars(t.data(), t.data() + t.size(), u);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return std::nullopt;
    return u;
  };
  std::optional<int64_t> enqueued_utc;
  for (const json::Member& mem : root.members()) {
    const json::Value& v = *mem.value;
    const std::string& k = mem.key;
    std::string* text_field = nullptr;
    if (k == "MessageId") text_field = &m.message_id;
    if (k == "CorrelationId") text_field = &m.correlation_id;
    if (k == "ContentType") text_field = &m.content_type;
    if (k == "Subject") text_field = &m.subject;
    if (k == "To") text_field = &m.to;
    if (k == "ReplyTo") text_field = &m.reply_to;
    if (k == "ReplyToSessionId") text_field = &m.reply_to_session_id;
    if (k == "SessionId") text_field = &m.session_id;
    if (k == "PartitionKey") text_field = &m.partition_key;
    if (k == "LockToken") text_field = &m.lock_token;
    if (k == "DeadLetterReason") text_field = &m.dead_letter_reason;
    if (k == "DeadLetterErrorDescription") text_field = &m.dead_letter_error_description;
    if (k == "DeadLetterSource") text_field = &m.dead_letter_source;
    if (k == "Body") text_field = &m.body;
    if (text_field != nullptr) {
      if (!v.is(json::Type::kString)) return bad(mem, "expected a string");
      *text_field = v.text();
    } else if (k == "SequenceNumber") {
      int64_t s = 0;
      const std::string& t = v.text();
      auto r = std::from_chars(t.data(), t.data() + t.size(), s);
      if (!v.is(json::Type::kNumber) || r.ec != std::errc() || r.ptr != t.data() + t.size()) {
        return bad(mem, "expected an integer");
      }
      m.sequence_number = s;
    } else if (k == "DeliveryCount") {
      auto u = unsignedOf(v);
      if (!u || *u > UINT32_MAX) return bad(mem, "expected a count");
      m.delivery_count = static_cast<uint32_t>(*u);
    } else if (k == "TimeToLive") {
      if (!v.is(json::Type::kString)) return bad(mem, "expected an ISO 8601 duration");
      auto d = parseIsoDuration(v.text());
      if (!d.ok()) return bad(mem, d.error().message());
      m.time_to_live_ns = *d;
    } else if (k == "EnqueuedTimeUtc") {
      if (!v.is(json::Type::kString)) return bad(mem, "expected a UTC time");
      enqueued_utc = parseUtc(v.text());
      if (!enqueued_utc) return bad(mem, "expected a time like 2018-07-05T15:11:42.6850000Z");
    } else if (k == "ExpiresAtUtc" || k == "LockedUntilUtc") {
      // Derived from the clock fields.
    } else if (k == "EnqueuedClockNs" || k == "ExpiresClockNs" || k == "LockedUntilClockNs") {
      auto u = unsignedOf(v);
      if (!u) return bad(mem, "expected a clock time in nanoseconds");
      (k == "EnqueuedClockNs" ? m.enqueued_ns
                              : (k == "ExpiresClockNs" ? m.expires_ns : m.locked_until_ns)) = *u;
    } else if (k == "BodyBase64") {
      if (!v.is(json::Type::kString)) return bad(mem, "expected base64 text");
      auto bytes = base64::decode(v.text());
      if (!bytes) return bad(mem, "invalid base64");
      m.body = std::move(*bytes);
    } else if (k == "ApplicationProperties") {
      if (!v.is(json::Type::kObject)) return bad(mem, "expected an object");
      for (const json::Member& p : v.members()) {
        const json::Value& pv = *p.value;
        switch (pv.type()) {
          case json::Type::kNull:
            m.application_properties.set(p.key, PropertyValue());
            break;
          case json::Type::kString:
            m.application_properties.set(p.key, pv.text());
            break;
          case json::Type::kBool:
            m.application_properties.set(p.key, pv.boolean());
            break;
          case json::Type::kNumber: {
            const std::string& t = pv.text();
            int64_t l = 0;
            auto r = std::from_chars(t.data(), t.data() + t.size(), l);
            if (r.ec == std::errc() && r.ptr == t.data() + t.size()) {
              m.application_properties.set(p.key, l);
            } else {
              m.application_properties.set(p.key, pv.number());
            }
            break;
          }
          default:
            return Error::at(
                ErrorCode::kInvalidInput, {p.key_offset, 1},
                "application property '" + p.key + "' must be a string, number, boolean or null");
        }
      }
    }
    // Other members (written by newer versions) are ignored.
  }
  if (enqueued_utc) m.enqueued_time_utc_ns = *enqueued_utc;
  return m;
}

}  // namespace routesim::endpoints::servicebus
