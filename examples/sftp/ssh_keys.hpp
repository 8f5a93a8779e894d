// Checks of the two SSH texts an sftp replica carries: the server's public host key (a setting, public) and
// the client's private key (a Secret value, secret). Pure functions; each returns every problem it finds as
// a reason that completes "<field> ..." and never quotes the checked text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sftp_example {

// `line` is one public key in authorized_keys form, "<algorithm> <base64 blob> [comment]", e.g. the output
// of `ssh-keyscan -t ed25519 HOST` without its leading host name. Litestream 0.5 parses it with
// ssh.ParseAuthorizedKey and then accepts only a server presenting exactly that key.
std::vector<std::string> host_key_problems(std::string_view line);

// `key_file` is the decoded Secret value Litestream reads through key-path with ssh.ParsePrivateKey: an
// unencrypted private key in OpenSSH or PEM form. Litestream cannot be given a passphrase.
std::vector<std::string> private_key_problems(std::string_view key_file);

}  // namespace sftp_example
