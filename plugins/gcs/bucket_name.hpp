// Google Cloud Storage bucket naming rules (https://cloud.google.com/storage/docs/buckets#naming), checked
// before Litestream ever talks to GCS, so a bad name is a field error instead of a crash-looping pod.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqlop_gcs {

// Every rule `name` breaks, each as a reason that completes "bucket ..." (e.g. "must start with a letter or
// digit"). Empty when the name is valid. Pure.
std::vector<std::string> bucket_name_problems(std::string_view name);

}  // namespace sqlop_gcs
