// Names, label keys and values, generateName and ObjectMeta validation, with the apiserver's messages
// (k8s.io/apimachinery/pkg/api/validate/content, pkg/api/validation/objectmeta.go). See objects.hpp.
#include <algorithm>
#include <cctype>
#include <set>

#include "apimachinery/objects.hpp"

namespace sqlop::apimachinery {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool matches_dns1123_label(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '-') return false;
  }
  return true;
}

// dns1123 labels joined by dots.
bool matches_dns1123_subdomain(std::string_view s) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = s.find('.', start);
    if (!matches_dns1123_label(s.substr(start, dot == std::string_view::npos ? dot : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// [a-z]([-a-z0-9]*[a-z0-9])?
bool matches_dns1035_label(std::string_view s) {
  return !s.empty() && s.front() >= 'a' && s.front() <= 'z' && matches_dns1123_label(s);
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool matches_label_name(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// content.RegexError: "<msg> (e.g. 'a',  or 'b', regex used for validation is '<re>')".
std::string regex_error(const std::string& message, const std::string& regex, std::vector<std::string> examples) {
  std::string out = message;
  if (examples.empty()) return out + " (regex used for validation is '" + regex + "')";
  out += " (e.g. ";
  for (std::size_t i = 0; i < examples.size(); ++i) {
    if (i > 0) out += " or ";
    out += "'" + examples[i] + "', ";
  }
  return out + "regex used for validation is '" + regex + "')";
}

std::string max_len_error(int length) { return "must be no more than " + std::to_string(length) + " bytes"; }

const char* const kDns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const char* const kDns1123SubdomainFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const char* const kLabelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const char* const kLabelKeyErr =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character";

std::vector<std::string> dns1123_label_problems(const std::string& value) {
  std::vector<std::string> out;
  if (value.size() > 63) out.push_back(max_len_error(63));
  if (!matches_dns1123_label(value)) {
    if (matches_dns1123_subdomain(value)) {
      out.push_back("must not contain dots");
    } else {
      out.push_back(regex_error("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                                "'-', and must start and end with an alphanumeric character",
                                kDns1123LabelFmt, {"my-name", "123-abc"}));
    }
  }
  return out;
}

std::vector<std::string> dns1123_subdomain_problems(const std::string& value) {
  std::vector<std::string> out;
  if (value.size() > 253) out.push_back(max_len_error(253));
  if (!matches_dns1123_subdomain(value)) {
    out.push_back(regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                              "'-' or '.', and must start and end with an alphanumeric character",
                              kDns1123SubdomainFmt, {"example.com"}));
  }
  return out;
}

std::vector<std::string> dns1035_label_problems(const std::string& value) {
  std::vector<std::string> out;
  if (value.size() > 63) out.push_back(max_len_error(63));
  if (!matches_dns1035_label(value)) {
    out.push_back(regex_error("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
                              "with an alphabetic character, and end with an alphanumeric character",
                              "[a-z]([-a-z0-9]*[a-z0-9])?", {"my-name", "abc-123"}));
  }
  return out;
}

// generic.go maskTrailingDash: a generateName prefix may end in "-" (the apiserver drops two characters and
// appends an "a", exactly so).
std::string mask_trailing_dash(const std::string& name) {
  if (name.size() > 1 && name.back() == '-') return name.substr(0, name.size() - 2) + "a";
  return name;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void add_invalid(std::vector<Cause>& causes, const std::string& field, const std::string& value,
                 const std::vector<std::string>& problems) {
  for (const std::string& p : problems) causes.push_back(field_invalid(field, value, p));
}

void validate_labels(const json::Value* labels, std::vector<Cause>& causes) {
  if (!labels || !labels->is_object()) return;
  for (const auto& [key, value] : labels->as_object()) {
    add_invalid(causes, "metadata.labels", key, qualified_name_problems(key));
    const std::string text = value.is_string() ? value.as_string() : std::string();
    add_invalid(causes, "metadata.labels", text, label_value_problems(text));
  }
}

void validate_annotations(const json::Value* annotations, std::vector<Cause>& causes) {
  if (!annotations || !annotations->is_object()) return;
  std::size_t total = 0;
  for (const auto& [key, value] : annotations->as_object()) {
    add_invalid(causes, "metadata.annotations", key, qualified_name_problems(lower(key)));
    total += key.size() + (value.is_string() ? value.as_string().size() : 0);
  }
  if (total > 256u * 1024u) causes.push_back(field_too_long("metadata.annotations", 256 * 1024));
}

void validate_owner_references(const json::Value* refs, std::vector<Cause>& causes) {
  if (!refs || !refs->is_array()) return;
  std::string first_controller;
  const json::Array& list = refs->as_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json::Value& ref = list[i];
    const std::string path = "metadata.ownerReferences[" + std::to_string(i) + "]";
    const std::string api_version = ref.get_string("apiVersion");
    if (api_version.empty()) {
      causes.push_back(field_required(path + ".apiVersion", "must not be empty"));
    } else {
      const auto slash = api_version.find('/');
      const bool bad = api_version.find('/', slash == std::string::npos ? 0 : slash + 1) != std::string::npos ||
                       (slash != std::string::npos && slash + 1 == api_version.size());
      if (bad) causes.push_back(field_invalid(path + ".apiVersion", api_version, "must be <group>/<version> or <version>"));
    }
    if (ref.get_string("kind").empty()) causes.push_back(field_required(path + ".kind", "must not be empty"));
    if (ref.get_string("name").empty()) causes.push_back(field_required(path + ".name", "must not be empty"));
    if (ref.get_string("uid").empty()) causes.push_back(field_required(path + ".uid", "must not be empty"));
    if (api_version == "v1" && ref.get_string("kind") == "Event") {
      causes.push_back(field_invalid(path, ref, "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (ref.get_bool("controller", false)) {
      const std::string current = ref.get_string("kind") + "/" + ref.get_string("name");
      if (!first_controller.empty()) {
        causes.push_back(field_invalid("metadata.ownerReferences", *refs,
                                       "Only one reference can have Controller set to true. Found \"true\" in "
                                       "references for " + first_controller + " and " + current));
      } else {
        first_controller = current;
      }
    }
  }
}

void validate_finalizers(const json::Value* finalizers, std::vector<Cause>& causes) {
  if (!finalizers || !finalizers->is_array()) return;
  bool orphan = false;
  bool delete_dependents = false;
  for (const json::Value& f : finalizers->as_array()) {
    const std::string name = f.is_string() ? f.as_string() : std::string();
    add_invalid(causes, "metadata.finalizers", name, qualified_name_problems(name));
    orphan = orphan || name == "orphan";
    delete_dependents = delete_dependents || name == "foregroundDeletion";
  }
  if (orphan && delete_dependents) {
    causes.push_back(field_invalid("metadata.finalizers", *finalizers,
                                   "finalizer orphan and foregroundDeletion cannot be both set"));
  }
}

}  // namespace

NameRule name_rule_for(const std::string& group, const std::string& kind) {
  if (group.empty() && kind == "Namespace") return NameRule::Dns1123Label;
  if (group.empty() && kind == "Service") return NameRule::Dns1035Label;
  return NameRule::Dns1123Subdomain;
}

std::vector<std::string> name_problems(NameRule rule, const std::string& name, bool prefix) {
  const std::string checked = prefix ? mask_trailing_dash(name) : name;
  switch (rule) {
    case NameRule::Dns1123Label: return dns1123_label_problems(checked);
    case NameRule::Dns1035Label: return dns1035_label_problems(checked);
    case NameRule::Dns1123Subdomain: break;
  }
  return dns1123_subdomain_problems(checked);
}

std::vector<std::string> qualified_name_problems(const std::string& key) {
  std::vector<std::string> out;
  std::string name = key;
  const std::size_t slashes = static_cast<std::size_t>(std::count(key.begin(), key.end(), '/'));
  if (slashes > 1) {
    out.push_back("a valid label key " + regex_error(kLabelKeyErr, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}) +
                  " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return out;
  }
  if (slashes == 1) {
    const std::size_t slash = key.find('/');
    const std::string prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) {
      out.push_back("prefix part must be non-empty");
    } else {
      for (const std::string& p : dns1123_subdomain_problems(prefix)) out.push_back("prefix part " + p);
    }
  }
  if (name.empty()) {
    out.push_back("name part must be non-empty");
  } else if (name.size() > 63) {
    out.push_back("name part " + max_len_error(63));
  }
  if (!matches_label_name(name)) {
    out.push_back("name part " + regex_error(kLabelKeyErr, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}));
  }
  return out;
}

std::vector<std::string> label_value_problems(const std::string& value) {
  std::vector<std::string> out;
  if (value.size() > 63) out.push_back(max_len_error(63));
  if (!value.empty() && !matches_label_name(value)) {
    out.push_back(regex_error("a valid label must be an empty string or consist of alphanumeric characters, '-', "
                              "'_' or '.', and must start and end with an alphanumeric character",
                              std::string("(") + kLabelKeyFmt + ")?", {"MyValue", "my_value", "12345"}));
  }
  return out;
}

std::string generate_name(const std::string& prefix, const std::function<unsigned(unsigned)>& random_below) {
  static const std::string alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string name = prefix.size() > 58 ? prefix.substr(0, 58) : prefix;
  for (int i = 0; i < 5; ++i) {
    name += alphabet[random_below(static_cast<unsigned>(alphabet.size())) % alphabet.size()];
  }
  return name;
}

std::vector<Cause> validate_object_meta(const json::Value& object, NameRule rule, bool namespaced) {
  std::vector<Cause> causes;
  static const json::Value kEmpty = json::Value::object();
  const json::Value* found = object.find("metadata");
  const json::Value& meta = found && found->is_object() ? *found : kEmpty;

  const std::string generate = meta.get_string("generateName");
  if (!generate.empty()) add_invalid(causes, "metadata.generateName", generate, name_problems(rule, generate, true));
  const std::string name = meta.get_string("name");
  if (name.empty()) {
    causes.push_back(field_required("metadata.name", "name or generateName is required"));
  } else {
    add_invalid(causes, "metadata.name", name, name_problems(rule, name, false));
  }

  const std::string ns = meta.get_string("namespace");
  if (namespaced) {
    if (ns.empty()) {
      causes.push_back(field_required("metadata.namespace"));
    } else {
      add_invalid(causes, "metadata.namespace", ns, name_problems(NameRule::Dns1123Label, ns, false));
    }
  } else if (!ns.empty()) {
    causes.push_back(field_forbidden("metadata.namespace", "not allowed on this type"));
  }
  const std::int64_t generation = meta.get_int("generation", 0);
  if (generation < 0) {
    causes.push_back(field_invalid("metadata.generation", json::Value(generation), "must be greater than or equal to 0"));
  }
  validate_labels(meta.find("labels"), causes);
  validate_annotations(meta.find("annotations"), causes);
  validate_owner_references(meta.find("ownerReferences"), causes);
  validate_finalizers(meta.find("finalizers"), causes);
  return causes;
}

std::vector<Cause> validate_object_meta_update(const json::Value& live, const json::Value& updated) {
  std::vector<Cause> causes;
  static const json::Value kEmpty = json::Value::object();
  const json::Value* live_found = live.find("metadata");
  const json::Value* new_found = updated.find("metadata");
  const json::Value& old_meta = live_found && live_found->is_object() ? *live_found : kEmpty;
  const json::Value& new_meta = new_found && new_found->is_object() ? *new_found : kEmpty;

  if (old_meta.find("deletionTimestamp") && !old_meta.find("deletionTimestamp")->is_null()) {
    std::set<std::string> old_finalizers;
    if (const json::Value* f = old_meta.find("finalizers"); f && f->is_array()) {
      for (const json::Value& v : f->as_array()) {
        if (v.is_string()) old_finalizers.insert(v.as_string());
      }
    }
    std::set<std::string> extra;
    if (const json::Value* f = new_meta.find("finalizers"); f && f->is_array()) {
      for (const json::Value& v : f->as_array()) {
        if (v.is_string() && !old_finalizers.count(v.as_string())) extra.insert(v.as_string());
      }
    }
    if (!extra.empty()) {
      // Go's %#v of a []string: []string{"a", "b"}
      std::string list = "[]string{";
      bool first = true;
      for (const std::string& e : extra) {
        if (!first) list += ", ";
        first = false;
        json::append_quoted(list, e);
      }
      list += "}";
      causes.push_back(field_forbidden("metadata.finalizers",
                                       "no new finalizers can be added if the object is being deleted, found new "
                                       "finalizers " + list));
    }
  }
  const std::int64_t new_generation = new_meta.get_int("generation", 0);
  if (new_generation < 0) {
    causes.push_back(field_invalid("metadata.generation", json::Value(new_generation), "must be greater than or equal to 0"));
  }
  if (new_generation < old_meta.get_int("generation", 0)) {
    causes.push_back(field_invalid("metadata.generation", json::Value(new_generation), "must not be decremented"));
  }
  for (const char* key : {"name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                          "deletionGracePeriodSeconds"}) {
    const json::Value* before = old_meta.find(key);
    const json::Value* after = new_meta.find(key);
    const json::Value none;
    const json::Value& a = before ? *before : none;
    const json::Value& b = after ? *after : none;
    // Go compares the typed values: a missing string equals "", a missing pointer equals null.
    const bool both_empty_strings = (a.is_null() || (a.is_string() && a.as_string().empty())) &&
                                    (b.is_null() || (b.is_string() && b.as_string().empty()));
    if (!(a == b) && !both_empty_strings) {
      causes.push_back(field_invalid(std::string("metadata.") + key, b.is_null() ? json::Value("") : b,
                                     "field is immutable"));
    }
  }
  validate_labels(new_meta.find("labels"), causes);
  validate_annotations(new_meta.find("annotations"), causes);
  validate_owner_references(new_meta.find("ownerReferences"), causes);
  return causes;
}

}  // namespace sqlop::apimachinery
