// Compact storage for the JSON texts of the informer cache (object_store.hpp's packed mode).
//
// Texts are deflated (zlib) with a preset dictionary: the first text this packer packs. Objects of one kind
// repeat the same keys, labels and owner references, so against one of their own a 1.8 KiB SqliteDatabase
// packs to a few hundred bytes or less, where deflating it alone gives about 800 (small objects barely
// compress without a dictionary). The dictionary only changes how small the packs are, never what they
// unpack to.
//
// Format: one tag byte, then either the text itself ('t', when deflating does not make it smaller) or
// ('z') its length (4 bytes, little-endian) and the raw deflate stream.
//
// Thread-safety: pack() and unpack() may be called from any number of threads at once.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace sqlop::controller {

class TextPacker {
 public:
  TextPacker() = default;
  TextPacker(const TextPacker&) = delete;
  TextPacker& operator=(const TextPacker&) = delete;

  // The packed form of `text`. Never fails (the text is kept as it is if deflate cannot shrink it).
  std::string pack(std::string_view text) const;
  // The text `packed` was made from. REQUIRES: `packed` came from this packer's pack(). Returns "" if it is
  // damaged (a bug; the caller's parse then fails).
  std::string unpack(std::string_view packed) const;

 private:
  // Set once, by the first pack(); a packed text can only reach unpack() after that pack() returned.
  mutable std::once_flag dictionary_once_;
  mutable std::string dictionary_;
};

}  // namespace sqlop::controller
