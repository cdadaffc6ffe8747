// Lexer of Service Bus' SQL filter and action language (learn.microsoft.com "Subscription Rule
// SQL Filter Syntax"): identifiers (regular, [delimited], "quoted"), 'strings' with '' escapes,
// integer / decimal / approximate numbers, @parameters, operators and keywords (case-insensitive).
// Never fails: unterminated strings and unknown characters become tokens the parser reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace routesim::endpoints::servicebus::sql {

enum class TokenKind : uint8_t {
  kEnd,
  kIdentifier,    // regular identifier: a letter, then letters, digits and '_'
  kDelimited,     // [name] with ]] for ]
  kQuoted,        // "name" with "" for "
  kString,        // 'text' with '' for '
  kUnterminated,  // a string or identifier without its closing character
  kInteger,       // digits
  kDecimal,       // digits '.' digits
  kApproximate,   // a number with an exponent: 101.5E5
  kParameter,     // @name
  kLParen,
  kRParen,
  kComma,
  kDot,
  kSemicolon,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kEq,      // =
  kLtGt,    // <>
  kBangEq,  // !=
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
  kNot,
  kIn,
  kLike,
  kEscape,
  kIs,
  kNull,
  kExists,
  kTrue,
  kFalse,
  kUnknownChar,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  uint32_t offset = 0;  // bytes into the text
  uint32_t length = 0;
};

// Splits `text` into tokens, skipping whitespace. The last token is kEnd at text.size().
std::vector<Token> lex(std::string_view text);

// The value of a kString, kDelimited or kQuoted token: the text between the delimiters with
// doubled delimiters collapsed.
std::string unquote(std::string_view text, const Token& token);

// 'text' of a token for diagnostics, or "the end of the expression".
std::string describeToken(std::string_view text, const Token& token);

}  // namespace routesim::endpoints::servicebus::sql
