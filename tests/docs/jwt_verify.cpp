// jwt-verify: checks that a JSON Web Token is signed with HS256 by a given HMAC key and is not expired,
// with Poco::JWT, an implementation independent of the openssl commands the README uses to mint one.
// The docs-examples test runs the README's minting snippet and hands its output here.
//
//   jwt-verify --key-env NAME < TOKEN
//
// The key is read from the environment variable NAME and the token from standard input (its first line),
// never from the command line, and neither is printed. Exit status: 0 valid, 1 invalid (the reason on stderr), 2 usage.
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

// Why `token` is not a valid, unexpired HS256 token for `key`; "" when it is.
std::string problem(const std::string& key, const std::string& token) {
  Poco::JWT::Signer signer(key);
  signer.setAlgorithms({Poco::JWT::Signer::ALGO_HS256});
  Poco::JWT::Token verified;
  if (!signer.tryVerify(token, verified)) return "the signature does not verify with HS256 and the key";
  if (verified.getAlgorithm() != "HS256") return "the header's alg is not HS256";
  if (!verified.payload().has("exp")) return "the payload has no exp claim";
  if (verified.getExpiration() <= Poco::Timestamp()) return "the token has expired";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--key-env") {
    std::cerr << "usage: jwt-verify --key-env NAME < TOKEN\n";
    return 2;
  }
  const char* key = std::getenv(argv[2]);
  if (!key || !*key) {
    std::cerr << "jwt-verify: the environment variable " << argv[2] << " is empty\n";
    return 2;
  }
  std::string token;
  std::getline(std::cin, token);
  try {
    const std::string why = problem(key, token);
    if (!why.empty()) {
      std::cerr << "jwt-verify: invalid token: " << why << "\n";
      return 1;
    }
  } catch (const Poco::Exception& e) {
    std::cerr << "jwt-verify: invalid token: " << e.className() << "\n";
    return 1;
  }
  std::cout << "valid HS256 token, not expired\n";
  return 0;
}
