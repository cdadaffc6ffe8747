#include "core/query/lexer.h"

#include <array>
#include <string>

namespace routesim::query {
namespace {

// Characters no identifier contains (GrammarLexer ID_CHARS complement); QUERY_PATH also
// allows '[' and ']'.
bool isIdChar(unsigned char c) {
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '\\':
    case '"':
    case '/':
    case '[':
    case ']':
    case '?':
    case '=':
    case '{':
    case '}':
    case ' ':
    case '\t':
    case '\n':
    case '\r':
      return false;
    default:
      return true;
  }
}
bool isPathChar(unsigned char c) { return c == '[' || c == ']' || isIdChar(c); }
bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(unsigned char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool isSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : t_(text) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    size_t i = 0;
    while (true) {
      while (i < t_.size()) {
        if (isSpace(at(i))) {
          ++i;
        } else if (size_t c = comment(i)) {
          i += c;
        } else {
          break;
        }
      }
      if (i >= t_.size()) break;
      Token tok = longest(i);
      tokens.push_back(tok);
      i += tok.length;
    }
    tokens.push_back(Token{TokenKind::kEnd, static_cast<uint32_t>(t_.size()), 1});
    return tokens;
  }

 private:
  unsigned char at(size_t i) const { return i < t_.size() ? static_cast<unsigned char>(t_[i]) : 0; }
  bool has(size_t i) const { return i < t_.size(); }

  // /* ... */ (non-greedy); 0 when there is no complete comment at i.
  size_t comment(size_t i) const {
    if (at(i) != '/' || at(i + 1) != '*' || !has(i + 1)) return 0;
    size_t end = t_.find("*/", i + 2);
    return end == std::string_view::npos ? 0 : end + 2 - i;
  }

  // Case-insensitive keyword of exactly `word`; 0 when absent.
  size_t keyword(size_t i, std::string_view word) const {
    if (t_.size() - i < word.size()) return 0;
    for (size_t k = 0; k < word.size(); ++k) {
      unsigned char c = at(i + k);
      if ((c | 0x20) != static_cast<unsigned char>(word[k])) return 0;
    }
    return word.size();
  }
  size_t exact(size_t i, std::string_view word) const {
    return t_.substr(i, word.size()) == word ? word.size() : 0;
  }

  // STRING / UNTERMINATED_STRING: returns {string length or 0, unterminated length or 0}.
  std::pair<size_t, size_t> string(size_t i) const {
    unsigned char quote = at(i);
    if (quote != '"' && quote != '\'') return {0, 0};
    size_t k = i + 1;
    while (has(k)) {
      unsigned char c = at(k);
      if (c == quote) return {k + 1 - i, k - i};
      if (c == '\\') {
        unsigned char e = at(k + 1);
        if (has(k + 1) && (e == '"' || e == '\'' || e == '\\')) {
          k += 2;
          continue;
        }
        if (e == 'u' && has(k + 5) && isHexDigit(at(k + 2)) && isHexDigit(at(k + 3)) &&
            isHexDigit(at(k + 4)) && isHexDigit(at(k + 5))) {
          k += 6;
          continue;
        }
        return {0, k - i};  // a bad escape ends the (unterminated) string before the backslash
      }
      ++k;
    }
    return {0, k - i};
  }

  size_t integer(size_t i) const {
    size_t k = i;
    if (at(k) == '-') ++k;
    size_t d = k;
    while (has(k) && isDigit(at(k))) ++k;
    return k > d ? k - i : 0;
  }

  size_t hex(size_t i) const {
    if (at(i) != '0' || (at(i + 1) != 'x' && at(i + 1) != 'X')) return 0;
    size_t k = i + 2;
    while (has(k) && isHexDigit(at(k))) ++k;
    return k > i + 2 ? k - i : 0;
  }

  size_t exponent(size_t k) const {  // [eE][+-]?[0-9]+ at k; 0 when absent
    if (at(k) != 'e' && at(k) != 'E') return 0;
    size_t j = k + 1;
    if (at(j) == '+' || at(j) == '-') ++j;
    size_t d = j;
    while (has(j) && isDigit(at(j))) ++j;
    return j > d ? j - k : 0;
  }

  size_t real(size_t i) const {
    size_t k = i;
    if (at(k) == '-') ++k;
    while (has(k) && isDigit(at(k))) ++k;
    size_t best = 0;
    // -?[0-9]* '.' [0-9]+ EXP?
    if (at(k) == '.') {
      size_t j = k + 1;
      size_t d = j;
      while (has(j) && isDigit(at(j))) ++j;
      if (j > d) best = j + exponent(j) - i;
    }
    // -?[0-9]* EXP
    if (size_t e = exponent(k)) best = std::max(best, k + e - i);
    return best;
  }

  size_t run(size_t i, bool (*pred)(unsigned char)) const {
    size_t k = i;
    while (has(k) && pred(at(k))) ++k;
    return k - i;
  }

  Token longest(size_t i) const {
    unsigned char c = at(i);
    TokenKind kind = TokenKind::kUnknownChar;
    size_t best = 0;
    // Rules in priority order: a later rule replaces the choice only with a longer match.
    auto offer = [&](TokenKind k, size_t len) {
      if (len > best) {
        best = len;
        kind = k;
      }
    };
    offer(TokenKind::kLBrace, c == '{' ? 1 : 0);
    offer(TokenKind::kRBrace, c == '}' ? 1 : 0);
    offer(TokenKind::kSelect, keyword(i, "select"));
    offer(TokenKind::kFrom, keyword(i, "from"));
    offer(TokenKind::kWhere, keyword(i, "where"));
    offer(TokenKind::kInto, keyword(i, "into"));
    auto [str, unterminated] = string(i);
    offer(TokenKind::kString, str);
    offer(TokenKind::kUnterminatedString, unterminated);
    offer(TokenKind::kInteger, integer(i));
    offer(TokenKind::kHex, hex(i));
    offer(TokenKind::kReal, real(i));
    offer(TokenKind::kTrue, exact(i, "true"));
    offer(TokenKind::kFalse, exact(i, "false"));
    offer(TokenKind::kNull, exact(i, "null"));
    offer(TokenKind::kUndefined, exact(i, "undefined"));
    offer(TokenKind::kLParen, c == '(' ? 1 : 0);
    offer(TokenKind::kRParen, c == ')' ? 1 : 0);
    offer(TokenKind::kComma, c == ',' ? 1 : 0);
    offer(TokenKind::kPlus, c == '+' ? 1 : 0);
    offer(TokenKind::kMinus, c == '-' ? 1 : 0);
    offer(TokenKind::kStar, c == '*' ? 1 : 0);
    offer(TokenKind::kSlash, c == '/' ? 1 : 0);
    offer(TokenKind::kPercent, c == '%' ? 1 : 0);
    offer(TokenKind::kAnd, keyword(i, "and"));
    offer(TokenKind::kOr, keyword(i, "or"));
    offer(TokenKind::kNot, keyword(i, "not"));
    offer(TokenKind::kEq, c == '=' ? 1 : 0);
    offer(TokenKind::kBangEq, exact(i, "!="));
    offer(TokenKind::kLtGt, exact(i, "<>"));
    offer(TokenKind::kLe, exact(i, "<="));
    offer(TokenKind::kGe, exact(i, ">="));
    offer(TokenKind::kGt, c == '>' ? 1 : 0);
    offer(TokenKind::kLt, c == '<' ? 1 : 0);
    offer(TokenKind::kConcat, exact(i, "||"));
    offer(TokenKind::kCoalesce, exact(i, "??"));
    if (c == '$') {
      size_t n = run(i + 1, isPathChar);
      offer(TokenKind::kSysProp, n > 0 ? n + 1 : 0);
    }
    offer(TokenKind::kId, run(i, isIdChar));
    offer(TokenKind::kQueryPath, run(i, isPathChar));
    if (best == 0) best = 1;  // UNKNOWN_CHAR: one character (only ASCII ever gets here)
    return Token{kind, static_cast<uint32_t>(i), static_cast<uint32_t>(best)};
  }

  std::string_view t_;
};

}  // namespace

std::vector<Token> lex(std::string_view text) { return Lexer(text).run(); }

std::string describeToken(std::string_view text, const Token& token) {
  if (token.kind == TokenKind::kEnd) return "the end of the condition";
  return "'" + std::string(text.substr(token.offset, token.length)) + "'";
}

}  // namespace routesim::query
