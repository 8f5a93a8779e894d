#include "server/media_types.hpp"

#include <algorithm>
#include <cctype>

namespace sqlop::testserver {

namespace {

std::string trim(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_json_like(const std::string& type) {
  return type == "application/json" || type == "*/*" || type == "application/*" || type.empty();
}

}  // namespace

MediaType parse_media_type(const std::string& text) {
  MediaType mt;
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    const std::string part = trim(text.substr(start, end - start));
    if (first) {
      mt.type = lower(part);
      first = false;
    } else if (!part.empty()) {
      const std::size_t eq = part.find('=');
      std::string value = eq == std::string::npos ? "" : trim(part.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      mt.params[lower(trim(part.substr(0, eq)))] = value;
    }
    start = end + 1;
  }
  return mt;
}

std::vector<MediaType> parse_accept(const std::string& header) {
  std::vector<MediaType> out;
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    const std::string item = trim(header.substr(start, end - start));
    if (!item.empty()) out.push_back(parse_media_type(item));
    start = end + 1;
  }
  return out;
}

Rendering choose_rendering(const std::string& accept) {
  const std::vector<MediaType> types = parse_accept(accept);
  if (types.empty()) return Rendering::Object;
  for (const MediaType& mt : types) {
    if (!is_json_like(mt.type) && mt.type != "application/yaml") continue;
    const std::string as = mt.param("as");
    if (as.empty()) return Rendering::Object;
    if (mt.param("g") != "meta.k8s.io" || (mt.param("v") != "v1" && mt.param("v") != "v1beta1")) continue;
    if (as == "Table") return Rendering::Table;
    if (as == "PartialObjectMetadata" || as == "PartialObjectMetadataList") return Rendering::PartialObjectMetadata;
  }
  return Rendering::NotAcceptable;
}

DiscoveryFormat choose_discovery_format(const std::string& accept) {
  for (const MediaType& mt : parse_accept(accept)) {
    if (mt.param("as") == "APIGroupDiscoveryList" && mt.param("g") == "apidiscovery.k8s.io") {
      if (mt.param("v") == "v2") return DiscoveryFormat::AggregatedV2;
      if (mt.param("v") == "v2beta1") return DiscoveryFormat::AggregatedV2Beta1;
      continue;
    }
    if (is_json_like(mt.type)) return DiscoveryFormat::Legacy;
  }
  return DiscoveryFormat::Legacy;
}

}  // namespace sqlop::testserver
