// apimachinery/quantity_internal.hpp (internal): an exact resource.Quantity value for defaulting.
#pragma once

#include <optional>
#include <string>

namespace sqlop::apimachinery::detail {

enum class QuantityFormat { DecimalSI, BinarySI, DecimalExponent };

// value = (negative ? -1 : 1) * digits * 10^exp10; digits has no leading zeros ("" is zero).
struct Quantity {
  bool negative = false;
  std::string digits;
  int exp10 = 0;
  QuantityFormat format = QuantityFormat::DecimalSI;
};

// resource.ParseQuantity (rounded up to nanos, capped at 2^63-1); nullopt for text it refuses.
std::optional<Quantity> parse_quantity(const std::string& text);
// Rounds away from zero to 10^scale; returns whether that was exact (Quantity.RoundUp).
bool round_up(Quantity& q, int scale);
// Quantity.String() of a value with no cached text.
std::string canonical_text(const Quantity& q);

}  // namespace sqlop::apimachinery::detail
