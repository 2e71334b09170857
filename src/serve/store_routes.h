// The REST routes behind the web chat's persistence (conversations as message trees, ratings,
// feedback export), over serve/store.h. JSON in and out; errors as OpenAI error objects.
// Registered by the server when it has a store (RUN/ownchat.db or --db); behind the same API keys.
#pragma once
#include "serve/http_util.h"
#include "serve/store.h"

namespace own {

void add_store_routes(const AddRoute& add, Store& store);

}  // namespace own
