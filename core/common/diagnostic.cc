#include "core/common/diagnostic.h"

#include "core/common/utf.h"

namespace routesim {

LineColumn locate(std::string_view text, size_t byte_offset) {
  if (byte_offset > text.size()) byte_offset = text.size();
  LineColumn lc;
  size_t line_start = 0;
  for (size_t i = 0; i < byte_offset; ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      line_start = i + 1;
    }
  }
  lc.column = static_cast<uint32_t>(
                  utf::codePointCount(text.substr(line_start, byte_offset - line_start))) +
              1;
  return lc;
}

std::string caretLines(std::string_view text, SourceSpan span) {
  size_t offset = span.offset > text.size() ? text.size() : span.offset;
  size_t newline_before = text.substr(0, offset).rfind('\n');
  size_t line_start = newline_before == std::string_view::npos ? 0 : newline_before + 1;
  size_t line_end = text.find('\n', offset);
  if (line_end == std::string_view::npos) line_end = text.size();
  std::string_view line = text.substr(line_start, line_end - line_start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  std::string out = "  ";
  out.append(line);
  out.append("\n  ");
  // Pad with the same whitespace characters so tabs line up; one space per other code point.
  std::string_view before = text.substr(line_start, offset - line_start);
  for (size_t i = 0; i < before.size();) {
    char c = before[i];
    if (c == '\t') {
      out.push_back('\t');
      ++i;
    } else {
      utf::decode(before, i);
      out.push_back(' ');
    }
  }
  size_t span_end = offset + span.length;
  if (span_end > line_end) span_end = line_end;
  size_t width = utf::codePointCount(text.substr(offset, span_end - offset));
  out.push_back('^');
  for (size_t k = 1; k < width; ++k) out.push_back('~');
  return out;
}

std::string formatDiagnostic(std::string_view origin, std::string_view text, const Error& error) {
  std::string out(origin);
  if (error.hasSpan()) {
    LineColumn lc = locate(text, error.span().offset);
    out += ':' + std::to_string(lc.line) + ':' + std::to_string(lc.column);
  }
  out += ": error: ";
  out += error.message();
  if (error.hasSpan()) {
    out += '\n';
    out += caretLines(text, error.span());
  }
  return out;
}

}  // namespace routesim
