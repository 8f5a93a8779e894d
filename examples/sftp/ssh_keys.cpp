#include "ssh_keys.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "sqlite_operator/base64.hpp"

namespace sftp_example {
namespace {

// Public-key algorithms golang.org/x/crypto/ssh parses in authorized_keys form.
const char* const kKeyAlgorithms[] = {
    "ssh-ed25519",         "ssh-rsa",
    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com", "ssh-dss",
};

bool is_key_algorithm(std::string_view word) {
  return std::any_of(std::begin(kKeyAlgorithms), std::end(kKeyAlgorithms),
                     [word](const char* algorithm) { return word == algorithm; });
}

std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

// SSH wire strings are a big-endian uint32 length followed by the bytes.
std::optional<std::string_view> read_wire_string(std::string_view& blob) {
  if (blob.size() < 4) return std::nullopt;
  std::uint32_t length = 0;
  for (int i = 0; i < 4; ++i) length = (length << 8) | static_cast<unsigned char>(blob[static_cast<std::size_t>(i)]);
  blob.remove_prefix(4);
  if (length > blob.size()) return std::nullopt;
  const std::string_view value = blob.substr(0, length);
  blob.remove_prefix(length);
  return value;
}

bool has_line_break_or_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

void check_key_blob(std::string_view algorithm, std::string_view encoded, std::vector<std::string>& problems) {
  const std::optional<std::string> blob = sqlop::base64::decode(encoded);
  if (!blob) {
    problems.push_back("has a key that is not valid base64 (the second word of the line)");
    return;
  }
  std::string_view rest = *blob;
  const std::optional<std::string_view> inner = read_wire_string(rest);
  if (!inner || *inner != algorithm) {
    problems.push_back("has a key whose encoded algorithm does not match the first word of the line");
  }
}

// The base64 body between the BEGIN and END lines of a PEM-style block, line breaks removed.
std::string armored_body(std::string_view text) {
  std::string body;
  std::size_t pos = text.find('\n');
  while (pos != std::string_view::npos && pos + 1 < text.size()) {
    const std::size_t end = text.find('\n', pos + 1);
    std::string_view line = text.substr(pos + 1, end == std::string_view::npos ? std::string_view::npos : end - pos - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("-----END ", 0) == 0) break;
    body.append(line);
    pos = end;
  }
  return body;
}

// An OpenSSH key ("openssh-key-v1") names its cipher right after the magic; "none" means unencrypted.
std::optional<std::string> openssh_cipher(std::string_view text) {
  const std::optional<std::string> blob = sqlop::base64::decode(armored_body(text));
  static constexpr std::string_view kMagic("openssh-key-v1\0", 15);
  if (!blob || blob->compare(0, kMagic.size(), kMagic) != 0) return std::nullopt;
  std::string_view rest = std::string_view(*blob).substr(kMagic.size());
  const std::optional<std::string_view> cipher = read_wire_string(rest);
  if (!cipher) return std::nullopt;
  return std::string(*cipher);
}

}  // namespace

std::vector<std::string> host_key_problems(std::string_view line) {
  std::vector<std::string> problems;
  if (has_line_break_or_control(line)) {
    problems.push_back("must be one line: exactly one public key of the server (line breaks are not allowed)");
    return problems;
  }
  if (line.find('$') != std::string_view::npos) {
    problems.push_back("must not contain '$': Litestream expands $VAR in its config file");
  }
  const std::vector<std::string_view> words = words_of(line);
  if (words.size() < 2) {
    problems.push_back("must be \"<algorithm> <base64 key>\", e.g. a line of `ssh-keyscan -t ed25519 HOST` "
                       "without the host name");
    return problems;
  }
  if (!is_key_algorithm(words[0])) {
    if (is_key_algorithm(words[1])) {
      problems.push_back("looks like a known_hosts line: remove the host name in front of the key algorithm");
    } else {
      problems.push_back("does not start with a known SSH public key algorithm (ssh-ed25519, ecdsa-sha2-nistp256, "
                         "ssh-rsa, ...)");
    }
    return problems;
  }
  check_key_blob(words[0], words[1], problems);
  return problems;
}

std::vector<std::string> private_key_problems(std::string_view key_file) {
  std::vector<std::string> problems;
  std::string_view text = key_file;
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r' || text.front() == ' ')) text.remove_prefix(1);
  if (text.empty()) {
    problems.push_back("is empty");
    return problems;
  }
  const std::vector<std::string_view> first_line = words_of(text.substr(0, text.find('\n')));
  if (!first_line.empty() && is_key_algorithm(first_line.front())) {
    problems.push_back("holds a public key: the Secret must hold the private key (e.g. id_ed25519, not id_ed25519.pub)");
    return problems;
  }
  if (text.rfind("-----BEGIN ", 0) != 0 || text.find("PRIVATE KEY-----") == std::string_view::npos) {
    problems.push_back("is not a private key: expected a \"-----BEGIN ... PRIVATE KEY-----\" block");
    return problems;
  }
  if (text.find("-----END ") == std::string_view::npos) {
    problems.push_back("is cut short: the \"-----END ... PRIVATE KEY-----\" line is missing");
    return problems;
  }
  const bool pem_encrypted = text.find("ENCRYPTED") != std::string_view::npos;
  const bool openssh = text.rfind("-----BEGIN OPENSSH PRIVATE KEY-----", 0) == 0;
  if (openssh) {
    const std::optional<std::string> cipher = openssh_cipher(text);
    if (!cipher) {
      problems.push_back("is not a readable OpenSSH private key (its body is not valid base64 key data)");
    } else if (*cipher != "none") {
      problems.push_back("is protected by a passphrase, which Litestream cannot be given: export an unencrypted "
                         "copy (ssh-keygen -p -N \"\" -f KEYFILE) for this Secret");
    }
  } else if (pem_encrypted) {
    problems.push_back("is protected by a passphrase, which Litestream cannot be given: store an unencrypted key");
  }
  return problems;
}

}  // namespace sftp_example
