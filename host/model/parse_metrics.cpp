// The {enabled, port} block that spec.litestream.metrics and spec.sqliteRest.metrics share.
#include "host/model/object_reader.hpp"
#include "host/model/parse_sections.hpp"

namespace sqlop::model {

MetricsSpec parse_metrics(const json::Value* metrics, const std::string& path, MetricsSpec defaults,
                          Diagnostics& out) {
  MetricsSpec spec = defaults;
  ObjectReader r(metrics, path, out);
  if (const auto enabled = r.boolean("enabled")) spec.enabled = *enabled;
  spec.port = r.port("port", spec.port);
  r.reject_unknown_fields();
  return spec;
}

}  // namespace sqlop::model
