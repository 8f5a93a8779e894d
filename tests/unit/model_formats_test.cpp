// The format predicates of host/model/quantity.hpp against the grammars of the apiserver (resource.Quantity,
// k8s.io/apimachinery validation) and of Go's time.ParseDuration.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "host/model/quantity.hpp"

using namespace sqlop::model;

namespace {
constexpr std::int64_t kSecond = 1000000000;
}

TEST_CASE("quantities the apiserver accepts", "[model]") {
  for (const char* q : {"1Gi", "500M", "1.5", "100m", "1e3", "1E3", "1e-3", "1e+3", "+1", "-1", ".5", "5.", "1.5Gi",
                        "1E", "0", "0.0", "1n", "1u", "12Ei", "2Ki", "3Ti", "4Pi", "1k", "1T", "1P", "007"}) {
    INFO(q);
    CHECK(is_quantity(q));
  }
}

TEST_CASE("strings that are not quantities", "[model]") {
  for (const char* q : {"", "Gi", ".", "+", "-", "1GB", "1K", "1ki", "1gi", "1 Gi", " 1", "1Gi ", "1e", "1e1.5",
                        "1.5.5", "0x10", "1ee3", "--1", "1e99999999999", "1Gii", "1iG", "one", "1,5"}) {
    INFO('"' << q << '"');
    CHECK_FALSE(is_quantity(q));
  }
}

TEST_CASE("quantity values apply binary, decimal and exponent suffixes", "[model]") {
  CHECK(*quantity_value("1Gi") == Approx(1073741824.0));
  CHECK(*quantity_value("1.5Gi") == Approx(1610612736.0));
  CHECK(*quantity_value("2Ki") == Approx(2048.0));
  CHECK(*quantity_value("1k") == Approx(1000.0));
  CHECK(*quantity_value("1G") == Approx(1e9));
  CHECK(*quantity_value("500m") == Approx(0.5));
  CHECK(*quantity_value("1e3") == Approx(1000.0));
  CHECK(*quantity_value("1E") == Approx(1e18));
  CHECK(*quantity_value("-2Mi") == Approx(-2097152.0));
  CHECK(*quantity_value(".5") == Approx(0.5));
  CHECK(*quantity_value("0") == 0.0);
  CHECK_FALSE(quantity_value("1GB").has_value());
}

TEST_CASE("Go durations parse to nanoseconds like time.ParseDuration", "[model]") {
  CHECK(parse_go_duration("0") == 0);
  CHECK(parse_go_duration("-0") == 0);
  CHECK(parse_go_duration("+0") == 0);
  CHECK(parse_go_duration("0s") == 0);
  CHECK(parse_go_duration("1h") == 3600 * kSecond);
  CHECK(parse_go_duration("1h30m") == 5400 * kSecond);
  CHECK(parse_go_duration("168h") == 168 * 3600 * kSecond);
  CHECK(parse_go_duration("1.5s") == 1500000000);
  CHECK(parse_go_duration(".5s") == 500000000);
  CHECK(parse_go_duration("1.s") == kSecond);
  CHECK(parse_go_duration("300ms") == 300000000);
  CHECK(parse_go_duration("1us") == 1000);
  CHECK(parse_go_duration("1\xC2\xB5s") == 1000);  // micro sign
  CHECK(parse_go_duration("1\xCE\xBCs") == 1000);  // Greek mu
  CHECK(parse_go_duration("1ns") == 1);
  CHECK(parse_go_duration("-1.5h") == -5400 * kSecond);
  CHECK(parse_go_duration("1h1m1s1ms1us1ns") == 3661001001001);
  CHECK(parse_go_duration("0.000000001s") == 1);
  // The int64 limits, exactly as Go spells them.
  CHECK(parse_go_duration("2562047h47m16.854775807s") == std::numeric_limits<std::int64_t>::max());
  CHECK(parse_go_duration("-2562047h47m16.854775808s") == std::numeric_limits<std::int64_t>::min());
}

TEST_CASE("Go refuses these durations, with a reason", "[model]") {
  for (const char* d : {"", "1", "h", "1.5", ".s", "1h 30m", "1hh", "+", "-", "1e3s", "1H", "1sec", " 1s", "1s ",
                        "1d", "1w", "2562047h47m16.854775808s", "3000000000h", "99999999999999999999ns"}) {
    INFO('"' << d << '"');
    std::string why;
    CHECK_FALSE(parse_go_duration(d, &why).has_value());
    CHECK_FALSE(why.empty());
  }
}

TEST_CASE("duration reasons say what to write instead", "[model]") {
  std::string why;
  CHECK_FALSE(parse_go_duration("1d", &why));
  CHECK_THAT(why, Catch::Contains("no days") && Catch::Contains("24h"));
  CHECK_FALSE(parse_go_duration("2w", &why));
  CHECK_THAT(why, Catch::Contains("no weeks"));
  CHECK_FALSE(parse_go_duration("10", &why));
  CHECK_THAT(why, Catch::Contains("missing unit") && Catch::Contains("\"10s\""));
  CHECK_FALSE(parse_go_duration("5sec", &why));
  CHECK_THAT(why, Catch::Contains("unknown unit \"sec\""));
  CHECK_FALSE(parse_go_duration("3000000000h", &why));
  CHECK_THAT(why, Catch::Contains("out of range"));
}

TEST_CASE("RFC 1123 labels", "[model]") {
  for (const std::string& ok : std::vector<std::string>{"a", "a-b", "0a", "abc123", std::string(63, 'a')}) {
    INFO(ok);
    CHECK(is_dns1123_label(ok));
  }
  for (const std::string& bad :
       std::vector<std::string>{"", "-a", "a-", "A", "a.b", "a_b", std::string(64, 'a'), "a b"}) {
    INFO(bad);
    CHECK_FALSE(is_dns1123_label(bad));
  }
}

TEST_CASE("RFC 1123 subdomains", "[model]") {
  const std::string long_label(63, 'a');
  const std::string name_253 = long_label + "." + long_label + "." + long_label + "." + std::string(61, 'b');
  REQUIRE(name_253.size() == 253);
  for (const std::string& ok :
       std::vector<std::string>{"a", "a.b.c", "my-db.example.com", name_253, std::string(100, 'x')}) {
    INFO(ok);
    CHECK(is_dns1123_subdomain(ok));
  }
  for (const std::string& bad :
       std::vector<std::string>{"", "a..b", ".a", "a.", "A.b", "a.-b", name_253 + "c", "a/b"}) {
    INFO(bad);
    CHECK_FALSE(is_dns1123_subdomain(bad));
  }
}

TEST_CASE("RFC 1035 labels start with a letter", "[model]") {
  CHECK(is_dns1035_label("a1"));
  CHECK(is_dns1035_label("my-db"));
  CHECK_FALSE(is_dns1035_label("1a"));
  CHECK_FALSE(is_dns1035_label(""));
  CHECK_FALSE(is_dns1035_label(std::string(64, 'a')));
  CHECK_FALSE(is_dns1035_label("a.b"));
}

TEST_CASE("ConfigMap and Secret keys", "[model]") {
  for (const std::string& ok :
       std::vector<std::string>{"init.sql", "a_b-c", ".a", "token", "A.B", std::string(253, 'k')}) {
    INFO(ok);
    CHECK(is_config_map_key(ok));
  }
  for (const std::string& bad :
       std::vector<std::string>{"", ".", "..", "..a", "a/b", "a b", "a:b", std::string(254, 'k')}) {
    INFO(bad);
    CHECK_FALSE(is_config_map_key(bad));
  }
}
