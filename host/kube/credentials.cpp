#include "host/kube/credentials.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "host/kube/exec_plugin.hpp"

namespace sqlop::kube {

namespace {

bool same(const Credential& a, const Credential& b) {
  return a.bearer_token == b.bearer_token && a.client_certificate_pem == b.client_certificate_pem &&
         a.client_key_pem == b.client_key_pem;
}

std::string trim_whitespace(std::string s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.back())) s.pop_back();
  std::size_t first = 0;
  while (first < s.size() && is_space(s[first])) ++first;
  return s.substr(first);
}

// The config's inline token and client certificate: nothing to refresh.
class StaticCredentials : public CredentialSource {
 public:
  explicit StaticCredentials(Credential credential) : credential_(std::move(credential)) {}
  CredentialLookup current() override { return {credential_, ""}; }
  bool reject(const Credential&) override { return false; }

 private:
  const Credential credential_;
};

// A token read from a file, re-read when older than the period or after the server rejected it.
class TokenFileCredentials : public CredentialSource {
 public:
  TokenFileCredentials(Credential base, std::string path, CredentialTiming timing)
      : base_(std::move(base)), path_(std::move(path)), timing_(std::move(timing)) {
    // The loader read the file moments ago: that token counts as a fresh read.
    if (!base_.bearer_token.empty()) {
      cached_ = base_;
      read_at_ = timing_.now();
    }
  }

  CredentialLookup current() override {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = timing_.now();
    if (!cached_ || stale_ || now - read_at_ >= timing_.token_file_reread) {
      std::ifstream in(path_, std::ios::binary);
      std::ostringstream contents;
      if (!in || !(contents << in.rdbuf())) {
        // A rotation may replace the file non-atomically: keep using the last token if there is one.
        if (!cached_) return {std::nullopt, "cannot read the token file " + path_ + ": " + std::strerror(errno)};
      } else {
        Credential fresh = base_;
        fresh.bearer_token = trim_whitespace(contents.str());
        cached_ = std::move(fresh);
      }
      read_at_ = now;
      stale_ = false;
    }
    return {cached_, ""};
  }

  bool reject(const Credential& rejected) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ && same(*cached_, rejected)) stale_ = true;
    return true;
  }

 private:
  const Credential base_;
  const std::string path_;
  const CredentialTiming timing_;
  std::mutex mu_;
  std::optional<Credential> cached_;
  std::chrono::steady_clock::time_point read_at_{};
  bool stale_ = false;
};

// An exec plugin's credential, cached until it expires or the server rejects it.
class ExecCredentials : public CredentialSource {
 public:
  ExecCredentials(const ClientConfig& config, CredentialTiming timing)
      : exec_(*config.exec),
        exec_info_(exec_credential_request(*config.exec, config)),
        base_{config.bearer_token, config.client_certificate_pem, config.client_key_pem},
        timing_(std::move(timing)) {}

  CredentialLookup current() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ && (!expiration_ || timing_.wall_now() < *expiration_)) return {cached_, ""};
    cached_.reset();
    const ExecPluginRun run = run_exec_plugin(exec_, exec_info_, static_cast<int>(timing_.exec_timeout.count()));
    if (!run.ok) return {std::nullopt, run.error};
    ExecCredentialParse parsed = parse_exec_credential(run.output, exec_.api_version);
    if (!parsed.credential) return {std::nullopt, "exec plugin " + exec_.command + ": " + parsed.error};
    Credential fresh = base_;
    // The plugin's credential takes precedence over what the kubeconfig had inline, as in client-go.
    if (!parsed.credential->token.empty()) fresh.bearer_token = parsed.credential->token;
    if (!parsed.credential->client_certificate_pem.empty()) {
      fresh.client_certificate_pem = parsed.credential->client_certificate_pem;
      fresh.client_key_pem = parsed.credential->client_key_pem;
    }
    expiration_ = parsed.credential->expiration;
    cached_ = std::move(fresh);
    return {cached_, ""};
  }

  bool reject(const Credential& rejected) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ && same(*cached_, rejected)) cached_.reset();
    return true;
  }

 private:
  const ExecConfig exec_;
  const std::string exec_info_;
  const Credential base_;
  const CredentialTiming timing_;
  std::mutex mu_;  // held across a plugin run so that concurrent requests run it once
  std::optional<Credential> cached_;
  std::optional<std::chrono::system_clock::time_point> expiration_;
};

}  // namespace

std::unique_ptr<CredentialSource> make_credential_source(const ClientConfig& config, CredentialTiming timing) {
  Credential inline_credential{config.bearer_token, config.client_certificate_pem, config.client_key_pem};
  if (config.exec) return std::make_unique<ExecCredentials>(config, std::move(timing));
  if (!config.bearer_token_file.empty()) {
    return std::make_unique<TokenFileCredentials>(std::move(inline_credential), config.bearer_token_file,
                                                  std::move(timing));
  }
  return std::make_unique<StaticCredentials>(std::move(inline_credential));
}

}  // namespace sqlop::kube
