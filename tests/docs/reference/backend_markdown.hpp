// The backend half of docs/crd-reference.md: what each installed plugin reads from a replica, the keys of
// the free-form `settings` map it accepts, and the Secret keys it expects, taken from the plugins' own
// describe answers (the same text `plugins check` verifies), so the docs follow the code.
#pragma once

#include <string>

#include "host/plugins/registry.hpp"

namespace sqlop::docs {

// Markdown with one section per loaded plugin, ordered by type.
std::string backends_markdown(const plugins::Registry& registry);

}  // namespace sqlop::docs
