#include <catch2/catch.hpp>

#include "sqlite_operator/json.hpp"

using sqlop::json::Value;

TEST_CASE("json parses and dumps nested documents", "[json]") {
  const auto v = sqlop::json::parse(R"({"a":[1,2.5,"x\u00e9\ud83d\ude00",true,null],"b":{"c":-3}})");
  REQUIRE(v);
  CHECK(v->find("a")->as_array()[1].as_double() == 2.5);
  CHECK(v->find("a")->as_array()[2].as_string() == "x\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(v->find_path({"b", "c"})->as_int() == -3);
  CHECK(sqlop::json::dump(*v) == R"({"a":[1,2.5,"xé😀",true,null],"b":{"c":-3}})");
}

TEST_CASE("json rejects malformed input with an offset", "[json]") {
  const char* bad[] = {"", "{", "[1,]", "{\"a\" 1}", "01", "\"\\x\"", "\"\\ud800\"", "tru", "1 2", "\"a\nb\""};
  for (const char* text : bad) {
    sqlop::json::ParseError err;
    CHECK_FALSE(sqlop::json::parse(text, &err));
    CHECK_FALSE(err.message.empty());
  }
}

TEST_CASE("json duplicate keys are rejected only when asked", "[json]") {
  const char* text = R"({"a":1,"a":2})";
  CHECK(sqlop::json::parse(text)->find("a")->as_int() == 2);
  sqlop::json::ParseError err;
  sqlop::json::ParseOptions strict;
  strict.reject_duplicate_keys = true;
  CHECK_FALSE(sqlop::json::parse(text, &err, strict));
  CHECK(err.message == "duplicate field \"a\"");
}

TEST_CASE("json equality ignores member order and int/double spelling", "[json]") {
  CHECK(*sqlop::json::parse(R"({"a":1,"b":[2]})") == *sqlop::json::parse(R"({"b":[2.0],"a":1})"));
  CHECK(*sqlop::json::parse(R"({"a":1})") != *sqlop::json::parse(R"({"a":"1"})"));
}

TEST_CASE("json nesting depth is bounded", "[json]") {
  const std::string deep = std::string(600, '[') + std::string(600, ']');
  sqlop::json::ParseError err;
  CHECK_FALSE(sqlop::json::parse(deep, &err));
  CHECK(err.message == "nesting too deep");
}
