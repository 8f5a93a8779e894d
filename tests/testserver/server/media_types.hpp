// Accept and Content-Type headers: parsing media types with parameters and choosing what to answer.
// Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sqlop::testserver {

struct MediaType {
  std::string type;  // "application/json", lower case, without parameters
  std::map<std::string, std::string> params;  // as=Table, g=meta.k8s.io, v=v1, ...
  std::string param(const std::string& key) const {
    const auto it = params.find(key);
    return it == params.end() ? "" : it->second;
  }
};

MediaType parse_media_type(const std::string& text);
// The comma-separated list of an Accept header, in order (q-values are ignored: clients list preferences
// in order).
std::vector<MediaType> parse_accept(const std::string& header);

// What the response should be, from the Accept header of a resource request.
enum class Rendering { Object, Table, PartialObjectMetadata, NotAcceptable };
Rendering choose_rendering(const std::string& accept);

// Which discovery document to answer with: aggregated v2, v2beta1, or the legacy lists.
enum class DiscoveryFormat { Legacy, AggregatedV2, AggregatedV2Beta1 };
DiscoveryFormat choose_discovery_format(const std::string& accept);

}  // namespace sqlop::testserver
