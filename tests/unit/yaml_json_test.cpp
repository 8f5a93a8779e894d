#include <catch2/catch.hpp>

#include "host/yaml/yaml_json.hpp"

using sqlop::json::Value;

TEST_CASE("yaml scalars resolve with the core schema, quoted stay strings", "[yaml]") {
  const auto r = sqlop::yaml::load_all("a: true\nb: '1'\nc: 1\nd: 1.5\ne: ~\nf: yes\ng: \"null\"\nh: 0x1F\n");
  REQUIRE(r.ok());
  const Value& v = r.documents.at(0).value;
  CHECK(v.find("a")->as_bool());
  CHECK(v.find("b")->as_string() == "1");
  CHECK(v.find("c")->as_int() == 1);
  CHECK(v.find("d")->as_double() == 1.5);
  CHECK(v.find("e")->is_null());
  CHECK(v.find("f")->as_string() == "yes");
  CHECK(v.find("g")->as_string() == "null");
  CHECK(v.find("h")->as_int() == 31);
}

TEST_CASE("yaml multi-document streams skip empty documents and record lines", "[yaml]") {
  const auto r = sqlop::yaml::load_all("---\na: 1\n---\n---\nb: 2\n");
  REQUIRE(r.ok());
  REQUIRE(r.documents.size() == 2);
  CHECK(r.documents[1].value.find("b")->as_int() == 2);
  CHECK(r.documents[1].line == 5);
}

TEST_CASE("yaml syntax errors carry line and column", "[yaml]") {
  const auto r = sqlop::yaml::load_all("a: [1, 2\nb: 3\n");
  CHECK_FALSE(r.ok());
  CHECK(r.error.rfind("line ", 0) == 0);
}

TEST_CASE("to_yaml round-trips every tricky string and structure", "[yaml]") {
  Value v = Value::object();
  for (const char* s : {"", "true", "yes", "1", "1.0", "-x", "a: b", "a #b", "~", "null", "x:", " lead", "multi\nline\n",
                        "multi\nline", "tab\there", "quote\"s", "0x10", ".inf", "日本"}) {
    v["k" + std::to_string(v.as_object().size())] = s;
  }
  v["list"] = Value::array();
  v["list"].push_back(Value::object());
  v["list"].as_array()[0]["x"] = 1;
  v["list"].as_array()[0]["y"] = Value::array();
  v["list"].push_back("plain");
  v["nested"]["deep"]["n"] = 2.5;
  v["empty"] = Value::object();
  const std::string text = sqlop::yaml::to_yaml(v);
  const auto r = sqlop::yaml::load_all(text);
  REQUIRE(r.ok());
  REQUIRE(r.documents.size() == 1);
  CHECK(r.documents[0].value == v);
}
