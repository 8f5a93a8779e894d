// The string formats the validator checks: Quantity, RFC 3339, base64, character counting.
#include <catch2/catch.hpp>

#include "openapi/formats.hpp"

namespace formats = sqlop::openapi::formats;

TEST_CASE("quantity grammar from the Quantity description", "[openapi]") {
  for (const char* good : {"0", "1", "+1", "-1", "1.5", "1.", ".5", "100m", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki",
                           "1Mi", "1Gi", "1Ti", "1Pi", "1Ei", "1e3", "1E3", "1e-3", "1e+3"}) {
    INFO(good);
    CHECK(formats::is_quantity(good));
  }
  for (const char* bad : {"", ".", "+", "Gi", "1 Gi", " 1Gi", "1Gi ", "1GB", "1gi", "1K", "1u", "1n", "1e", "1E+", "1.2.3",
                          "0x10", "1Ki1", "--1", "1,5"}) {
    INFO(bad);
    CHECK_FALSE(formats::is_quantity(bad));
  }
}

TEST_CASE("RFC 3339 date-time and date", "[openapi]") {
  for (const char* good : {"2024-01-02T03:04:05Z", "2024-02-29T00:00:00Z", "2000-02-29T00:00:00Z",
                           "2024-12-31T23:59:59.999999999Z", "2024-01-02T03:04:05+05:30", "2024-01-02T03:04:05-00:00"}) {
    INFO(good);
    CHECK(formats::is_date_time(good));
  }
  for (const char* bad : {"", "2024-01-02", "2024-01-02T03:04:05", "2024-01-02t03:04:05Z", "2024-01-02T03:04:05z",
                          "1900-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-00-10T00:00:00Z", "2024-01-02T03:04:60Z",
                          "2024-01-02T03:04:05.Z", "2024-01-02T03:04:05+0530", "24-01-02T03:04:05Z"}) {
    INFO(bad);
    CHECK_FALSE(formats::is_date_time(bad));
  }
  CHECK(formats::is_date("2024-02-29"));
  CHECK_FALSE(formats::is_date("2023-02-29"));
  CHECK_FALSE(formats::is_date("2024-02-29T00:00:00Z"));
}

TEST_CASE("padded standard base64", "[openapi]") {
  for (const char* good : {"", "QQ==", "QUI=", "QUJD", "QUJDRA==", "a+/=", "QUJD\nRA==\r\n"}) {
    INFO(good);
    CHECK(formats::is_base64(good));
  }
  for (const char* bad : {"Q", "QQ", "QQ=", "Q===", "QU=D", "a-_=", "QUJD RA==", "!!!!"}) {
    INFO(bad);
    CHECK_FALSE(formats::is_base64(bad));
  }
}

TEST_CASE("string lengths count characters, not bytes", "[openapi]") {
  CHECK(formats::utf8_length("") == 0);
  CHECK(formats::utf8_length("abc") == 3);
  CHECK(formats::utf8_length("\xC2\xB5s") == 2);            // "µs"
  CHECK(formats::utf8_length("\xF0\x9F\x98\x80") == 1);     // one emoji, four bytes
}
