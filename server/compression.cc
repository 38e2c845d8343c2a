#include "server/compression.h"

#include <zlib.h>

#include <cctype>
#include <charconv>

namespace agora::server {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

// The q-value of one list member's parameters ("q=0.5"); 1 when absent, 0 when malformed.
double Quality(std::string_view parameters) {
  while (!parameters.empty()) {
    size_t end = parameters.find(';');
    std::string_view parameter = Trim(parameters.substr(0, end));
    parameters = end == std::string_view::npos ? std::string_view() : parameters.substr(end + 1);
    if (parameter.size() < 2 || (parameter[0] != 'q' && parameter[0] != 'Q') ||
        parameter[1] != '=') {
      continue;
    }
    std::string_view number = Trim(parameter.substr(2));
    double q = 0;
    auto [rest, error] = std::from_chars(number.data(), number.data() + number.size(), q);
    if (error != std::errc() || rest != number.data() + number.size()) return 0;
    return q;
  }
  return 1;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  // The q of gzip when named, else of "*"; -1: neither named.
  double gzip = -1, any = -1;
  while (!accept_encoding.empty()) {
    size_t end = accept_encoding.find(',');
    std::string_view member = accept_encoding.substr(0, end);
    accept_encoding =
        end == std::string_view::npos ? std::string_view() : accept_encoding.substr(end + 1);
    size_t semicolon = member.find(';');
    std::string_view coding = Trim(member.substr(0, semicolon));
    double q = semicolon == std::string_view::npos ? 1 : Quality(member.substr(semicolon + 1));
    if (EqualsIgnoringCase(coding, "gzip") || EqualsIgnoringCase(coding, "x-gzip")) {
      gzip = q;
    } else if (coding == "*") {
      any = q;
    }
  }
  return gzip >= 0 ? gzip > 0 : any > 0;
}

bool WorthCompressing(std::string_view content_type, size_t size) {
  if (size < kCompressAtLeastBytes) return false;
  std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  return media.starts_with("text/") || media == "application/json" || media.ends_with("+json") ||
         media == "application/javascript" || media == "image/svg+xml";
}

std::optional<std::string> Gzip(std::string_view data) {
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace agora::server
