// Standard base64 (RFC 4648, padded), as Go's encoding/json writes []byte: kubeconfig *-data fields and
// Secret data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sqlop::testserver {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not padded standard base64 (CR/LF are skipped, as Go's decoder does).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sqlop::testserver
