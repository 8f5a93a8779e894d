// spec.ingress: an Ingress in front of the REST API's Service.
#include "host/model/object_reader.hpp"
#include "host/model/parse_sections.hpp"
#include "host/model/quantity.hpp"

namespace sqlop::model {
namespace {

bool is_ipv4_like(std::string_view host) {
  int dots = 0;
  for (const char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

// networking/v1 rule host: a DNS name, optionally "*." plus a DNS name; not an IP address.
void check_host(std::string_view host, const std::string& path, Diagnostics& out) {
  const std::string_view name = host.substr(0, 2) == "*." ? host.substr(2) : host;
  if (!is_dns1123_subdomain(name)) {
    return out.error(path, "must be a lower-case DNS name such as \"api.example.com\", optionally starting with "
                           "\"*.\" for a wildcard");
  }
  if (is_ipv4_like(name)) out.error(path, "must be a DNS name, not an IP address");
}

// True when an absolute path has an empty segment ("//"), or a "." or ".." segment; a trailing "/" is fine.
bool has_bad_segment(std::string_view absolute_path) {
  std::size_t start = 1;
  for (;;) {
    const std::size_t end = absolute_path.find('/', start);
    const std::string_view segment = absolute_path.substr(start, end == std::string_view::npos ? end : end - start);
    if (segment == "." || segment == "..") return true;
    if (end == std::string_view::npos) return false;
    if (segment.empty()) return true;
    start = end + 1;
  }
}

// A Prefix path as networking/v1 accepts it: absolute, no empty, "." or ".." segments, no spaces.
void check_path(std::string_view path_value, const std::string& path, Diagnostics& out) {
  if (path_value.empty() || path_value[0] != '/') return out.error(path, "must start with \"/\"");
  if (has_bad_segment(path_value)) return out.error(path, "must not contain empty, \".\" or \"..\" segments");
  for (const char c : path_value) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return out.error(path, "must not contain spaces or control characters");
    }
  }
}

IngressTlsSpec parse_tls(const json::Value* tls, const std::string& path, Diagnostics& out) {
  IngressTlsSpec spec;
  ObjectReader r(tls, path, out);
  if (const auto enabled = r.boolean("enabled")) spec.enabled = *enabled;
  if (auto secret = r.string("secretName")) {
    spec.secret_name = std::move(*secret);
    if (!is_dns1123_subdomain(spec.secret_name)) {
      out.error(r.field("secretName"), "must be a Secret name (a lower-case RFC 1123 subdomain)");
    }
  }
  r.reject_unknown_fields();
  return spec;
}

}  // namespace

IngressSpec parse_ingress(const json::Value* ingress, Diagnostics& out) {
  IngressSpec spec;
  ObjectReader r(ingress, "spec.ingress", out);
  if (const auto enabled = r.boolean("enabled")) spec.enabled = *enabled;
  if (auto host = r.string("host")) {
    spec.host = std::move(*host);
    check_host(spec.host, r.field("host"), out);
  }
  if (auto class_name = r.string("className")) {
    spec.class_name = std::move(*class_name);
    if (!is_dns1123_subdomain(spec.class_name)) {
      out.error(r.field("className"), "must be an IngressClass name (a lower-case RFC 1123 subdomain)");
    }
  }
  if (auto path = r.string("path")) {
    spec.path = std::move(*path);
    check_path(spec.path, r.field("path"), out);
  }
  if (auto annotations = r.string_map("annotations")) spec.annotations = std::move(*annotations);
  spec.tls = parse_tls(r.object("tls"), r.field("tls"), out);
  r.reject_unknown_fields();
  return spec;
}

}  // namespace sqlop::model
