#include "host/controller/packed_text.hpp"

#include <zlib.h>

#include <cstdint>
#include <memory>

namespace sqlop::controller {

namespace {

constexpr char kPlainTag = 't';
constexpr char kDeflatedTag = 'z';
constexpr std::size_t kLengthBytes = 4;
// An 8 KiB window (and a matching dictionary) covers a whole cached object; zlib's default (32 KiB and a
// 256 KiB compressor state) would cost more to set up than the objects it packs.
constexpr int kWindowBits = 13;
constexpr int kMemLevel = 6;
constexpr std::size_t kMaxDictionary = std::size_t{1} << kWindowBits;

std::string_view dictionary_window(const std::string& dictionary) {
  const std::string_view all(dictionary);
  return all.size() <= kMaxDictionary ? all : all.substr(all.size() - kMaxDictionary);
}

// Raw deflate of `text` against `dictionary`, or "" if zlib fails.
std::string deflate_text(std::string_view text, std::string_view dictionary) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -kWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  const std::unique_ptr<z_stream, int (*)(z_stream*)> cleanup(&stream, deflateEnd);
  if (!dictionary.empty() &&
      deflateSetDictionary(&stream, reinterpret_cast<const Bytef*>(dictionary.data()),
                           static_cast<uInt>(dictionary.size())) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(text.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) return {};
  out.resize(stream.total_out);
  return out;
}

// Inverse of deflate_text, or "" if the stream is damaged or does not give `length` bytes.
std::string inflate_text(std::string_view deflated, std::size_t length, std::string_view dictionary) {
  z_stream stream{};
  if (inflateInit2(&stream, -kWindowBits) != Z_OK) return {};
  const std::unique_ptr<z_stream, int (*)(z_stream*)> cleanup(&stream, inflateEnd);
  // Raw streams take the dictionary up front (there is no header to ask for it).
  if (!dictionary.empty() &&
      inflateSetDictionary(&stream, reinterpret_cast<const Bytef*>(dictionary.data()),
                           static_cast<uInt>(dictionary.size())) != Z_OK) {
    return {};
  }
  std::string out(length, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
  stream.avail_in = static_cast<uInt>(deflated.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (inflate(&stream, Z_FINISH) != Z_STREAM_END || stream.total_out != length) return {};
  return out;
}

}  // namespace

std::string TextPacker::pack(std::string_view text) const {
  std::call_once(dictionary_once_, [&] { dictionary_ = std::string(text); });
  std::string packed;
  const std::string deflated =
      text.size() <= UINT32_MAX ? deflate_text(text, dictionary_window(dictionary_)) : std::string();
  if (!deflated.empty() && 1 + kLengthBytes + deflated.size() < 1 + text.size()) {
    packed.reserve(1 + kLengthBytes + deflated.size());
    packed += kDeflatedTag;
    for (std::size_t i = 0; i < kLengthBytes; ++i) packed += static_cast<char>((text.size() >> (8 * i)) & 0xFF);
    packed += deflated;
  } else {
    packed.reserve(1 + text.size());
    packed += kPlainTag;
    packed += text;
  }
  return packed;
}

std::string TextPacker::unpack(std::string_view packed) const {
  if (packed.empty()) return {};
  if (packed[0] == kPlainTag) return std::string(packed.substr(1));
  if (packed[0] != kDeflatedTag || packed.size() < 1 + kLengthBytes) return {};
  std::size_t length = 0;
  for (std::size_t i = 0; i < kLengthBytes; ++i) {
    length |= std::size_t{static_cast<unsigned char>(packed[1 + i])} << (8 * i);
  }
  return inflate_text(packed.substr(1 + kLengthBytes), length, dictionary_window(dictionary_));
}

}  // namespace sqlop::controller
