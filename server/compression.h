// gzip content coding of answers (RFC 9110 §8.4): whether a client asked for it, whether an
// answer is worth it, and the compression itself (zlib). Free of Beast; the HTTP session applies
// it to every answer it writes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace agora::server {

// Bodies below this many bytes go out as they are: gzip's header and the CPU cost outweigh the
// few bytes saved.
inline constexpr size_t kCompressAtLeastBytes = 1024;

// Whether an Accept-Encoding header value accepts gzip: `gzip` (or `x-gzip`), else `*`, with a
// q-value above 0. An absent or empty header accepts nothing but identity.
bool AcceptsGzip(std::string_view accept_encoding);

// Whether a body of `content_type` and `size` bytes is compressed for a client that accepts
// gzip: JSON (`application/json`, `+json`), text (HTML, CSS, JavaScript, CSV, ...), JavaScript
// and SVG, of at least kCompressAtLeastBytes.
bool WorthCompressing(std::string_view content_type, size_t size);

// `data` in the gzip format, at zlib's default level; nullopt if zlib fails (out of memory),
// and the answer then goes out uncompressed.
std::optional<std::string> Gzip(std::string_view data);

}  // namespace agora::server
