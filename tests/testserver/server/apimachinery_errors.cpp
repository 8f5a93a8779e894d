#include "server/apimachinery_errors.hpp"

namespace sqlop::testserver {

ApiError from_apimachinery(const sqlop::apimachinery::Error& e) {
  ApiError out;
  out.code = e.code;
  out.reason = e.reason;
  out.message = e.message;
  out.name = e.name;
  out.group = e.group;
  out.kind = e.kind;
  for (const auto& c : e.causes) out.causes.push_back({c.reason, c.message, c.field});
  return out;
}

}  // namespace sqlop::testserver
