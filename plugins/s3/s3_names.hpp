// Amazon S3 naming rules: bucket names and region codes.
//
// Pure functions; each returns every rule the input breaks, one reason per rule, phrased to follow the
// field's path ("must be 3-63 characters long").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqlop::s3 {

// AWS general-purpose bucket naming rules: 3-63 characters; lowercase letters, digits, '.' and '-';
// begins and ends with a letter or digit; no two adjacent dots; not an IP address; none of the prefixes
// and suffixes AWS reserves.
std::vector<std::string> bucket_name_problems(std::string_view bucket);

// An AWS region code such as us-east-1, eu-central-2, us-gov-west-1, cn-north-1 or us-iso-east-1.
// Only for AWS itself: S3-compatible stores (with an endpoint) name their regions freely.
std::vector<std::string> aws_region_problems(std::string_view region);

// A region for an S3-compatible store: any non-empty text without whitespace (R2 uses "auto").
std::vector<std::string> compatible_region_problems(std::string_view region);

}  // namespace sqlop::s3
