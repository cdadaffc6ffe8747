// Lexer of the routing condition language (query-language.md §1): at each position the longest
// match wins and, between matches of equal length, the earlier rule. Never fails: an
// unterminated string or an unknown character becomes a token the parser reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace routesim::query {

enum class TokenKind : uint8_t {
  kEnd,
  kLBrace,
  kRBrace,
  kSelect,
  kFrom,
  kWhere,
  kInto,
  kString,
  kUnterminatedString,
  kInteger,
  kHex,
  kReal,
  kTrue,
  kFalse,
  kNull,
  kUndefined,
  kLParen,
  kRParen,
  kComma,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kAnd,
  kOr,
  kNot,
  kEq,         // =
  kBangEq,     // !=
  kLtGt,       // <>
  kLe,         // <=
  kGe,         // >=
  kGt,         // >
  kLt,         // <
  kConcat,     // ||
  kCoalesce,   // ??
  kSysProp,    // $name, $body.path
  kId,         // application property or function name
  kQueryPath,  // identifier text with [ or ]: never valid in a condition
  kUnknownChar,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  uint32_t offset = 0;  // bytes into the query text
  uint32_t length = 0;
};

// Splits `text` into tokens, skipping whitespace and /* comments */. The last token is always
// kEnd at offset text.size() with length 1 (as the peer locates errors at end of input).
std::vector<Token> lex(std::string_view text);

// A short description of a token for diagnostics: 'text', or "the end of the condition".
std::string describeToken(std::string_view text, const Token& token);

}  // namespace routesim::query
