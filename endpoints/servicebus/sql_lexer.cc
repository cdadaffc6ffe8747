#include "endpoints/servicebus/sql_lexer.h"

#include <array>

#include "core/common/utf.h"

namespace routesim::endpoints::servicebus::sql {
namespace {

bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool isAsciiLetter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// .NET Char.IsLetter without a Unicode table: ASCII letters, and every code point outside ASCII
// except the general punctuation, symbol and space blocks routesim knows of.
bool isLetter(char32_t cp) {
  if (cp < 0x80) return isAsciiLetter(static_cast<unsigned char>(cp));
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;  // Latin-1 punctuation
  if (cp == 0xD7 || cp == 0xF7) return false;                    // multiplication, division
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols, arrows, shapes
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFF00 && cp <= 0xFF20) return false;  // full-width punctuation
  if (cp == 0xFFFD || cp == 0xFEFF) return false;
  return true;
}
bool isDigitCp(char32_t cp) { return cp >= '0' && cp <= '9'; }

struct Keyword {
  std::string_view text;
  TokenKind kind;
};
constexpr std::array<Keyword, 11> kKeywords = {{
    {"AND", TokenKind::kAnd},
    {"OR", TokenKind::kOr},
    {"NOT", TokenKind::kNot},
    {"IN", TokenKind::kIn},
    {"LIKE", TokenKind::kLike},
    {"ESCAPE", TokenKind::kEscape},
    {"IS", TokenKind::kIs},
    {"NULL", TokenKind::kNull},
    {"EXISTS", TokenKind::kExists},
    {"TRUE", TokenKind::kTrue},
    {"FALSE", TokenKind::kFalse},
}};

TokenKind keywordOr(std::string_view word, TokenKind otherwise) {
  for (const Keyword& k : kKeywords) {
    if (utf::equalsIgnoreCase(word, k.text)) return k.kind;
  }
  return otherwise;
}

}  // namespace

std::vector<Token> lex(std::string_view t) {
  std::vector<Token> out;
  size_t i = 0;
  auto at = [&](size_t k) -> unsigned char {
    return k < t.size() ? static_cast<unsigned char>(t[k]) : 0;
  };
  auto push = [&](TokenKind kind, size_t start, size_t end) {
    out.push_back({kind, static_cast<uint32_t>(start), static_cast<uint32_t>(end - start)});
  };
  // The end of a delimited run starting at `start` (after its opening character) closed by
  // `close`, where two `close` characters stand for one; npos when it is not closed.
  auto closing = [&](size_t start, char close) -> size_t {
    size_t k = start;
    while (k < t.size()) {
      if (t[k] == close) {
        if (k + 1 < t.size() && t[k + 1] == close) {
          k += 2;
          continue;
        }
        return k;
      }
      ++k;
    }
    return std::string_view::npos;
  };
  while (true) {
    while (i < t.size() && isSpace(at(i))) ++i;
    if (i >= t.size()) break;
    size_t start = i;
    unsigned char c = at(i);
    if (c == '\'' || c == '[' || c == '"') {
      char close = c == '[' ? ']' : static_cast<char>(c);
      size_t end = closing(i + 1, close);
      if (end == std::string_view::npos) {
        push(TokenKind::kUnterminated, start, t.size());
        i = t.size();
        continue;
      }
      push(c == '\'' ? TokenKind::kString : (c == '[' ? TokenKind::kDelimited : TokenKind::kQuoted),
           start, end + 1);
      i = end + 1;
      continue;
    }
    if (isDigit(c)) {
      TokenKind kind = TokenKind::kInteger;
      while (isDigit(at(i))) ++i;
      if (at(i) == '.' && isDigit(at(i + 1))) {
        kind = TokenKind::kDecimal;
        ++i;
        while (isDigit(at(i))) ++i;
      } else if (at(i) == '.' && !isAsciiLetter(at(i + 1))) {
        kind = TokenKind::kDecimal;  // "2." is a decimal too
        ++i;
      }
      if ((at(i) == 'e' || at(i) == 'E') &&
          (isDigit(at(i + 1)) || ((at(i + 1) == '+' || at(i + 1) == '-') && isDigit(at(i + 2))))) {
        kind = TokenKind::kApproximate;
        i += (at(i + 1) == '+' || at(i + 1) == '-') ? 2 : 1;
        while (isDigit(at(i))) ++i;
      }
      push(kind, start, i);
      continue;
    }
    size_t probe = i;
    char32_t cp = utf::decode(t, probe);
    if (isLetter(cp) || c == '@') {
      TokenKind kind = c == '@' ? TokenKind::kParameter : TokenKind::kIdentifier;
      i = c == '@' ? i + 1 : probe;
      while (i < t.size()) {
        size_t next = i;
        char32_t k = utf::decode(t, next);
        if (!(isLetter(k) || isDigitCp(k) || k == '_')) break;
        i = next;
      }
      if (kind == TokenKind::kIdentifier) kind = keywordOr(t.substr(start, i - start), kind);
      push(kind, start, i);
      continue;
    }
    TokenKind kind = TokenKind::kUnknownChar;
    size_t len = 1;
    switch (c) {
      case '(':
        kind = TokenKind::kLParen;
        break;
      case ')':
        kind = TokenKind::kRParen;
        break;
      case ',':
        kind = TokenKind::kComma;
        break;
      case '.':
        kind = TokenKind::kDot;
        break;
      case ';':
        kind = TokenKind::kSemicolon;
        break;
      case '+':
        kind = TokenKind::kPlus;
        break;
      case '-':
        kind = TokenKind::kMinus;
        break;
      case '*':
        kind = TokenKind::kStar;
        break;
      case '/':
        kind = TokenKind::kSlash;
        break;
      case '%':
        kind = TokenKind::kPercent;
        break;
      case '=':
        kind = TokenKind::kEq;
        break;
      case '!':
        if (at(i + 1) == '=') {
          kind = TokenKind::kBangEq;
          len = 2;
        }
        break;
      case '<':
        kind = TokenKind::kLt;
        if (at(i + 1) == '>') {
          kind = TokenKind::kLtGt;
          len = 2;
        } else if (at(i + 1) == '=') {
          kind = TokenKind::kLe;
          len = 2;
        }
        break;
      case '>':
        kind = TokenKind::kGt;
        if (at(i + 1) == '=') {
          kind = TokenKind::kGe;
          len = 2;
        }
        break;
      default:
        len = probe - i;  // the whole (possibly invalid) UTF-8 sequence
        break;
    }
    push(kind, start, i + len);
    i += len;
  }
  out.push_back({TokenKind::kEnd, static_cast<uint32_t>(t.size()), 1});
  return out;
}

std::string unquote(std::string_view text, const Token& token) {
  std::string_view s = text.substr(token.offset, token.length);
  if (s.size() < 2) return std::string(s);
  char close = s.front() == '[' ? ']' : s.front();
  std::string out;
  out.reserve(s.size() - 2);
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    out.push_back(s[i]);
    if (s[i] == close && i + 2 < s.size() && s[i + 1] == close) ++i;
  }
  return out;
}

std::string describeToken(std::string_view text, const Token& token) {
  if (token.kind == TokenKind::kEnd) return "the end of the expression";
  std::string_view s = text.substr(token.offset, token.length);
  if (s.size() > 40) return "'" + std::string(s.substr(0, 37)) + "...'";
  return "'" + std::string(s) + "'";
}

}  // namespace routesim::endpoints::servicebus::sql
